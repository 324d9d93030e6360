"""Issue 14.1 in a real browser: the feedback on the first question of a
lesson hides the answers of the questions still ahead, says so, and the
results page quotes the sentences whole."""

import pytest
from django.urls import reverse

from lessons import selectors
from lessons.masking import answer_terms, contains_term
from lessons.models import Attempt
from tests.e2e.conftest import sign_in
from tests.e2e.test_quiz_e2e import current_question, fill_answer, start_quiz
from tests.factories import PASSWORD, UserFactory

MASK_NOTE = "a question later in this quiz asks about"


@pytest.fixture
def learner(transactional_db):
    return UserFactory(username="browser-max")


def test_feedback_on_the_first_question_hides_the_answers_ahead(page, live_server, lesson, learner):
    sign_in(page, live_server, learner.username, PASSWORD)
    start_quiz(page, live_server, lesson)
    attempt = Attempt.objects.get(learner=learner, lesson=lesson)
    asked = {q.id: q for q in selectors.questions_data(attempt.question_ids)}

    def answers_after(first):
        return [t for qid in attempt.question_ids if qid != first for t in answer_terms(asked[qid])]

    # First, a question whose sentence, quoted whole, would give an answer
    # ahead away (the order is shuffled; most of lesson 1's would).
    candidates = [
        qid
        for qid in attempt.question_ids
        if any(
            contains_term(asked[qid].provenance, t)
            and not contains_term(asked[qid].prompt, t)
            and not any(contains_term(c.text, t) for c in asked[qid].choices)
            for t in answers_after(qid)
        )
    ]

    def alone_on_its_sentence(qid):
        return all(asked[o].provenance != asked[qid].provenance for o in asked if o != qid)

    # One whose sentence no other question asks about is quoted, masked; a
    # sentence another question ahead asks about waits for the results.
    first = next((qid for qid in candidates if alone_on_its_sentence(qid)), candidates[0])
    attempt.question_ids = [first, *(qid for qid in attempt.question_ids if qid != first)]
    attempt.save(update_fields=["question_ids"])
    page.goto(live_server.url + reverse("lessons:attempt_detail", args=[attempt.pk]))
    question = current_question(page)
    assert question.pk == first
    # Less what the question itself shows (its prompt, options and own
    # answer): that is on screen already, and no mask can unsay it.
    own = " ".join([asked[first].prompt, *(c.text for c in asked[first].choices)])
    own_terms = answer_terms(asked[first])
    ahead = [
        t
        for t in answers_after(first)
        if not contains_term(own, t) and not any(contains_term(o, t) for o in own_terms)
    ]
    sentence = asked[first].provenance

    fill_answer(page, question, correct=True)
    page.get_by_role("button", name="Check").click()
    feedback = page.locator("#feedback")
    feedback.wait_for()
    note = page.locator("#mask-note")
    assert note.is_visible()
    if page.locator("#feedback blockquote").count():
        assert alone_on_its_sentence(first)  # a sentence asked about ahead waits
        assert MASK_NOTE in note.inner_text()
        gap = page.locator("#feedback blockquote .masked").first
        assert gap.is_visible() and "···" in gap.inner_text()
        # Read out as "(hidden)", not as a word of the sentence.
        assert gap.locator(".visually-hidden").inner_text() == "(hidden)"
    else:  # asked about ahead, or mostly hidden: not quoted until the results
        assert "with your results" in note.inner_text()
    shown = feedback.inner_text()
    for term in ahead:
        assert not contains_term(shown, term), f"{term!r} is shown ahead of its question"

    # Every other question answered: the results page shows the sentence whole.
    page.get_by_role("link", name="Next question").click()
    while True:
        page.wait_for_selector("#question-card form")
        fill_answer(page, current_question(page), correct=True)
        page.get_by_role("button", name="Check").click()
        page.locator("#feedback").wait_for()
        link = page.get_by_role("link", name="See your results")
        if link.count():
            link.click()
            break
        page.get_by_role("link", name="Next question").click()
    page.get_by_role("heading", name="Your results").wait_for()
    assert page.locator(".masked").count() == 0
    page.locator("details").first.wait_for()
    quotes = " ".join(page.locator(".result-list blockquote").all_text_contents())
    assert sentence in quotes
