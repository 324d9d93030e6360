'use strict';
// Deriving a long text can take a while (in the request itself under
// `make run`, whose tasks run at once): without a sign, the page looks stuck
// and an educator presses again. On submit the button says what is happening
// and is disabled, and a status line tells a screen reader too.
{
    const form = document.getElementById('derive-form');
    if (form) {
        form.addEventListener('submit', () => {
            const button = form.querySelector('input[type="submit"]');
            const status = document.getElementById('derive-status');
            button.value = 'Deriving…';
            // Disabled after the submit has read the form, so the request still goes.
            setTimeout(() => { button.disabled = true; }, 0);
            status.textContent = 'Deriving lessons and questions from your text. A long text can take a minute; this page moves on by itself.';
        });
    }
}
