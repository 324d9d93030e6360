// A question shown at the attempt's address ("the next question") takes its own
// address, so that Back and reload come back to this question, answered by
// then, rather than to whichever question is next.
(function () {
  var card = document.getElementById("question-card");
  var url = card && card.getAttribute("data-question-url");
  if (url && window.location.pathname !== url) history.replaceState(history.state, "", url);
})();

// After htmx swaps in feedback (or an error), move focus to it so keyboard and
// screen-reader users land on the result rather than on a button that is gone.
document.addEventListener("htmx:afterSettle", function () {
  var card = document.getElementById("question-card");
  if (!card) return;
  var target = card.querySelector("#feedback") || card.querySelector("#answer-error");
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
});

// A server that is restarting (503) or unreachable leaves the form in place
// (htmx swaps nothing on 5xx): say so beside the form, so the student sends the
// answer again; the answer service records it once however often it arrives.
function quizSendFailed(event) {
  var card = document.getElementById("question-card");
  if (!card || !card.contains(event.target)) return;
  var note = card.querySelector("#answer-error");
  if (!note) {
    note = document.createElement("p");
    note.id = "answer-error";
    note.className = "form-error";
    note.setAttribute("role", "alert");
    card.insertBefore(note, card.firstChild);
  }
  note.textContent = "The site did not answer just then. Your answer is not lost: send it again in a few seconds.";
  note.setAttribute("tabindex", "-1");
  note.focus();
}
document.addEventListener("htmx:responseError", function (event) {
  // 4xx answers carry their own message in the swapped card.
  if (event.detail.xhr && event.detail.xhr.status >= 500) quizSendFailed(event);
});
document.addEventListener("htmx:sendError", quizSendFailed);

// Under DEBUG, django-htmx's script replaces the whole page with any 400, 403,
// 404 or 500 reply to an htmx request, to show Django's technical error page.
// A reply the server aimed at the question card (HX-Retarget) is no such page:
// keep it from that document-level listener (the root element hears it first),
// so htmx swaps it into the card as it does with DEBUG off. htmx itself goes
// on: it heeds only preventDefault.
document.documentElement.addEventListener("htmx:beforeOnLoad", function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Retarget")) {
    event.stopPropagation();
  }
});

// A question page the browser kept whole (the back-forward cache) may show a
// form that was answered since, here or in another tab: ask the server again.
window.addEventListener("pageshow", function (event) {
  if (event.persisted && document.getElementById("question-card")) window.location.reload();
});
