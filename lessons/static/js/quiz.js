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
