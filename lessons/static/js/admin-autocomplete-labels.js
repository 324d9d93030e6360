'use strict';
// Select2, which draws Django's autocomplete fields, names its combobox by the
// chosen value only and leaves its search box without a name: a screen reader
// then hears an unnamed field. Each is named here by the field's own label.
{
    const $ = django.jQuery;

    function nameSelect2(select) {
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains('select2')) {
            return;
        }
        // A field of a tabular inline has no <label>: the select's own
        // aria-label (column and row) names it instead.
        const label = document.querySelector(`label[for="${select.id}"]`);
        let nameId = select.id;
        let name = select.getAttribute('aria-label') || '';
        if (label) {
            label.id = label.id || `${select.id}-label`;
            nameId = label.id;
            name = label.textContent.replace(/:\s*$/, '').trim();
        }
        const combobox = container.querySelector('[role="combobox"]');
        if (combobox) {
            const value = combobox.getAttribute('aria-labelledby') || '';
            if (!value.split(' ').includes(nameId)) {
                combobox.setAttribute('aria-labelledby', `${nameId} ${value}`.trim());
            }
        }
        // The box showing the choice is a textbox of its own, named by its
        // title only once something is chosen.
        const shown = container.querySelector('.select2-selection__rendered[role="textbox"]');
        if (shown) {
            shown.setAttribute('aria-labelledby', nameId);
        }
        const search = container.querySelector('.select2-search__field');
        if (search) {
            search.setAttribute('aria-label', name);
        }
    }

    function nameAll(root) {
        root.querySelectorAll('select.admin-autocomplete').forEach(nameSelect2);
    }

    // After autocomplete.js: this file comes later in the widget's media, so
    // its ready handler and formset listener run after Django's.
    $(() => nameAll(document));
    document.addEventListener('formset:added', (event) => nameAll(event.target));
    // A multiple select redraws its search box as choices are added or removed.
    $(document).on('select2:select select2:unselect', 'select.admin-autocomplete', (event) => {
        nameSelect2(event.target);
    });
}
