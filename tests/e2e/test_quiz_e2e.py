"""A student's whole quiz in a real browser: with HTMX, without JavaScript,
by keyboard alone, and at phone width."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Attempt, Question, Response
from tests.e2e.conftest import (
    PHONE,
    new_page,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)
from tests.factories import PASSWORD, UserFactory, cards_fall_due


@pytest.fixture
def learner(transactional_db):
    return UserFactory(username="browser-bea")


def current_question(page) -> Question:
    action = page.locator("#question-card form").get_attribute("action")
    question_id = int(re.search(r"/(?:questions|review)/(\d+)/answer", action)[1])
    return Question.objects.get(pk=question_id)


def fill_answer(page, question: Question, *, correct: bool) -> None:
    if question.kind == Question.Kind.FILL_BLANK:
        text = question.accepted_answers.first().text if correct else "leiomyoma of the skin"
        page.locator("#answer").fill(text)
        return
    choices = question.choices.filter(is_correct=correct)
    if not correct:
        choices = choices[:1]
    for choice in choices:
        page.locator(f'input[name="choice"][value="{choice.pk}"]').check()


def start_quiz(page, live_server, lesson) -> None:
    page.goto(live_server.url + lesson.get_absolute_url())
    page.get_by_role("button", name="Start quiz").click()
    page.wait_for_selector("#question-card")


def attempt_length(learner, lesson) -> int:
    """The questions the attempt asks: a lesson's published ones but for a
    true/false item that restates a sentence another question blanks."""
    return Attempt.objects.get(learner=learner, lesson=lesson, finished_at=None).question_count


def quoted_in(quote: str, sentence: str) -> bool:
    """The quote is the sentence, but for the parts hidden until their
    question is answered (issue 14.1)."""
    parts = re.split(r"\s*···\s*(?:\(hidden\))?\s*", quote)
    return all(part.strip() in sentence for part in parts)


def test_a_student_takes_a_whole_quiz_with_instant_feedback(page, live_server, lesson, learner):
    sign_in(page, live_server, learner.username, PASSWORD)
    start_quiz(page, live_server, lesson)
    total = attempt_length(learner, lesson)
    assert page.get_by_text(f"Question 1 of {total}").is_visible()
    assert serious_accessibility_violations(page) == []

    for number in range(1, total + 1):
        # A marker on the window survives only if no full page load happens.
        page.evaluate("window.stillTheSamePage = true")
        question = current_question(page)
        fill_answer(page, question, correct=number != 2)
        page.get_by_role("button", name="Check").click()
        feedback = page.locator("#feedback")
        feedback.wait_for()
        assert page.evaluate("window.stillTheSamePage") is True
        title = page.locator(".feedback-title").inner_text()
        assert ("Not quite" in title) if number == 2 else ("Correct" in title)
        expect(page.locator("#feedback")).to_be_focused()
        assert f"{number} answered" in page.locator("#quiz-progress").inner_text()
        if page.locator(".source-quote").count():
            assert quoted_in(
                page.locator(".source-quote blockquote").inner_text(), question.provenance.text
            )
        else:
            # Most of the sentence is asked about later: it waits for the results page.
            assert "You will see it with your results" in page.locator("#mask-note").inner_text()
        if number == 2:
            assert serious_accessibility_violations(page) == []
            screenshot(page, "quiz-feedback-wrong")
            # Reload mid-quiz: the answer is kept and the quiz resumes.
            page.reload()
            assert page.locator(".feedback-title").inner_text().endswith("Not quite")
            page.get_by_role("link", name="Next question").click()
            assert page.get_by_text(f"Question 3 of {total}").is_visible()
            continue
        link = "See your results" if number == total else "Next question"
        page.get_by_role("link", name=link).click()

    page.wait_for_url("**/results/")
    assert f"{total - 1} of {total} right" in page.locator(".score-card").inner_text()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "quiz-results")
    attempt = Attempt.objects.get(learner=learner)
    assert attempt.is_finished and attempt.responses.count() == total

    page.get_by_role("link", name="My progress").first.click()
    row = page.get_by_role("row", name=re.compile(lesson.title))
    assert "1" in row.inner_text()
    assert page.locator("svg.chart").is_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "progress")


def test_the_quiz_works_with_javascript_off(browser, live_server, lesson, learner):
    page = new_page(browser, javascript=False)
    sign_in(page, live_server, learner.username, PASSWORD)
    start_quiz(page, live_server, lesson)
    total = attempt_length(learner, lesson)
    for number in range(1, total + 1):
        question = current_question(page)
        fill_answer(page, question, correct=True)
        page.get_by_role("button", name="Check").click()
        page.wait_for_url(re.compile(rf"/questions/{question.pk}/$"))  # redirect after post
        assert "Correct" in page.locator(".feedback-title").inner_text()
        page.reload()  # a reload repeats the GET, not the answer
        assert Response.objects.filter(question=question).count() == 1
        page.get_by_role(
            "link", name="See your results" if number == total else "Next question"
        ).click()
    page.wait_for_url("**/results/")
    assert f"{total} of {total} right" in page.locator(".score-card").inner_text()
    page.context.close()


def test_keyboard_only_at_phone_width(browser, live_server, lesson, learner):
    page = new_page(browser, viewport=PHONE)
    sign_in(page, live_server, learner.username, PASSWORD)
    start_quiz(page, live_server, lesson)
    question = current_question(page)
    if question.kind == Question.Kind.FILL_BLANK:
        # The order is shuffled per attempt: put a choice question first.
        attempt = Attempt.objects.get(learner=learner, lesson=lesson)
        order = attempt.question_ids
        first = next(
            qid for qid in order if Question.objects.get(pk=qid).kind != Question.Kind.FILL_BLANK
        )
        attempt.question_ids = [first, *(qid for qid in order if qid != first)]
        attempt.save(update_fields=["question_ids"])
        page.goto(live_server.url + reverse("lessons:attempt_detail", args=[attempt.pk]))
        question = current_question(page)
    assert question.kind != Question.Kind.FILL_BLANK
    # Tab to the first choice, arrow or space to pick, Enter submits.
    page.locator('input[name="choice"]').first.focus()
    correct = set(question.choices.filter(is_correct=True).values_list("pk", flat=True))
    if question.kind == Question.Kind.MULTIPLE_ANSWER:
        for _ in range(question.choices.count()):
            value = int(page.evaluate("document.activeElement.value"))
            if value in correct:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
        page.locator('input[name="choice"]').last.focus()
    else:
        while int(page.evaluate("document.activeElement.value")) not in correct:
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.locator("#feedback").wait_for()
    assert "Correct" in page.locator(".feedback-title").inner_text()
    expect(page.locator("#feedback")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "quiz-feedback-390")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Next question"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Question 2 of")
    assert not page.js_errors
    page.context.close()


def test_the_review_queue_brings_back_due_questions_with_instant_feedback(
    page, live_server, lesson, learner
):

    from lessons.models import ReviewCard

    sign_in(page, live_server, learner.username, PASSWORD)
    start_quiz(page, live_server, lesson)
    missed = []
    for _ in range(2):
        missed.append(current_question(page).pk)
        fill_answer(page, current_question(page), correct=False)
        page.get_by_role("button", name="Check").click()
        page.locator("#feedback").wait_for()
        page.get_by_role("link", name="Next question").click()
    # Time passes: both missed questions fall due.
    cards_fall_due(ReviewCard.objects.filter(learner=learner, question_id__in=missed))

    # While the quiz is under way its questions wait: a review now would show
    # answers the quiz still asks. The review page offers to finish it.
    page.get_by_role("link", name="Review").first.click()
    assert page.get_by_role("heading", name="All caught up").is_visible()
    page.get_by_role("link", name=lesson.title).click()
    while not page.get_by_role("link", name="See your results").count():
        page.wait_for_selector("#question-card form")
        fill_answer(page, current_question(page), correct=True)
        page.get_by_role("button", name="Check").click()
        page.locator("#feedback").wait_for()
        if page.get_by_role("link", name="Next question").count():
            page.get_by_role("link", name="Next question").click()

    page.get_by_role("link", name="Review").first.click()
    assert page.get_by_text("2 questions due now").is_visible()
    assert serious_accessibility_violations(page) == []
    for _ in range(2):
        page.evaluate("window.stillTheSamePage = true")
        fill_answer(page, current_question(page), correct=True)
        page.get_by_role("button", name="Check").click()
        page.locator("#feedback").wait_for()
        assert page.evaluate("window.stillTheSamePage") is True
        assert "Correct" in page.locator(".feedback-title").inner_text()
        page.get_by_role("link", name="Next review").click()
    assert page.get_by_role("heading", name="All caught up").is_visible()
    assert serious_accessibility_violations(page) == []
