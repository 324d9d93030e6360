"""Issue 14 in a real browser: an answered question shown again (Back, a second
tab) says the first answer counts; a refused Check replaces only the card,
with DEBUG on as well as off."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Attempt, Lesson, Question, Response
from tests.e2e.conftest import new_page, sign_in
from tests.e2e.test_quiz_e2e import current_question, fill_answer, start_quiz
from tests.factories import PASSWORD, LessonFactory, QuestionFactory, UserFactory

ALREADY_ANSWERED = "You already answered this; your first answer counts."


@pytest.fixture
def learner(transactional_db):
    return UserFactory(username="browser-rae")


def expected_errors_only(page) -> list[str]:
    """The console errors that are not the refused answer itself: the browser
    logs the 400 and htmx logs its response error; nothing else may appear
    (a CSP violation, a script error)."""
    return [
        e
        for e in page.js_errors
        if "status of 400" not in e and "Response Status Error Code 400" not in e
    ]


def test_back_after_an_answer_shows_its_feedback_with_the_note(page, live_server, lesson, learner):
    sign_in(page, live_server, learner.username, PASSWORD)
    start_quiz(page, live_server, lesson)
    question = current_question(page)
    # The first question, shown at the attempt's address, takes its own.
    page.wait_for_url(re.compile(rf"/questions/{question.pk}/$"))
    fill_answer(page, question, correct=True)
    page.get_by_role("button", name="Check").click()
    page.locator("#feedback").wait_for()
    assert page.locator("#already-answered").count() == 0  # a first answer: no note

    page.go_back()
    note = page.locator("#already-answered")
    note.wait_for()
    assert note.inner_text() == ALREADY_ANSWERED
    assert "Correct" in page.locator(".feedback-title").inner_text()
    assert page.get_by_role("button", name="Check").count() == 0
    assert page.url.endswith(f"/questions/{question.pk}/")

    # Past the next question and Back again: the same, from the server.
    page.get_by_role("link", name="Next question").click()
    second = current_question(page)
    assert second.pk != question.pk
    page.go_back()
    page.locator("#already-answered").wait_for()
    assert page.url.endswith(f"/questions/{question.pk}/")
    assert page.get_by_role("button", name="Check").count() == 0
    assert Response.objects.filter(question=question).count() == 1


def test_a_second_tab_answering_again_gets_the_first_feedback_with_the_note(
    page, live_server, lesson, learner
):
    sign_in(page, live_server, learner.username, PASSWORD)
    start_quiz(page, live_server, lesson)
    question = current_question(page)
    other_tab = page.context.new_page()
    other_tab.goto(page.url)
    assert current_question(other_tab).pk == question.pk

    fill_answer(page, question, correct=False)
    page.get_by_role("button", name="Check").click()
    page.locator("#feedback").wait_for()

    fill_answer(other_tab, question, correct=True)
    other_tab.get_by_role("button", name="Check").click()
    other_tab.locator("#already-answered").wait_for()
    assert "Not quite" in other_tab.locator(".feedback-title").inner_text()
    stored = Response.objects.get(question=question)
    assert stored.is_correct is False


def test_without_javascript_back_never_offers_the_answered_form(
    browser, live_server, lesson, learner
):
    page = new_page(browser, javascript=False)
    sign_in(page, live_server, learner.username, PASSWORD)
    start_quiz(page, live_server, lesson)
    question = current_question(page)
    fill_answer(page, question, correct=True)
    page.get_by_role("button", name="Check").click()
    page.wait_for_url(re.compile(rf"/questions/{question.pk}/$"))
    assert page.locator("#already-answered").count() == 0
    page.go_back()  # to the attempt's address, asked again (no-store): the next question
    page.locator("#question-card").wait_for()
    assert current_question(page).pk != question.pk
    page.go_forward()
    page.locator("#already-answered").wait_for()
    assert "Correct" in page.locator(".feedback-title").inner_text()
    assert Response.objects.filter(question=question).count() == 1
    page.context.close()


@pytest.fixture
def refusable_lesson(transactional_db) -> Lesson:
    """A typed answer first, then a select-all-that-apply: the two questions a
    browser lets the learner Check with nothing in them."""
    lesson = LessonFactory(title="Checks with nothing in them")
    QuestionFactory(
        lesson=lesson, kind=Question.Kind.FILL_BLANK, prompt="Smooth muscle is ____.", position=0
    )
    QuestionFactory(lesson=lesson, kind=Question.Kind.MULTIPLE_ANSWER, position=1)
    return lesson


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "no-debug"])
def test_an_empty_check_keeps_the_page_and_shows_the_message_in_the_card(
    browser, live_server, settings, refusable_lesson, learner, debug
):
    settings.DEBUG = debug
    page = new_page(browser)
    sign_in(page, live_server, learner.username, PASSWORD)
    page.goto(live_server.url + refusable_lesson.get_absolute_url())
    page.get_by_role("button", name="Start quiz").click()
    page.wait_for_selector("#question-card")
    # The attempt's order is shuffled: ask the typed answer first, as planned.
    attempt = Attempt.objects.get(learner=learner)
    attempt.question_ids = list(
        refusable_lesson.questions.order_by("position").values_list("pk", flat=True)
    )
    attempt.save(update_fields=["question_ids"])
    page.goto(live_server.url + reverse("lessons:attempt_detail", args=[attempt.pk]))
    page.wait_for_selector("#question-card")
    # Under DEBUG the page carries django-htmx's debug script, the one that
    # would show any 400 as a whole page.
    assert page.locator('script[src$="django-htmx.js"]').count() == (1 if debug else 0)

    page.evaluate("window.stillTheSamePage = true")
    page.locator("#answer").fill("   ")
    page.get_by_role("button", name="Check").click()
    error = page.locator("#answer-error")
    error.wait_for()
    assert error.inner_text() == "Type an answer before checking."
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator(".site-header nav.site-nav").is_visible()
    assert page.get_by_role("link", name="My progress").first.is_visible()
    assert page.locator("nav.breadcrumbs").is_visible()
    assert page.locator("#question-card").count() == 1
    assert page.locator("#answer").input_value() == "   "  # what was typed is kept
    # Styled: the site's stylesheet still applies to the message.
    background = page.locator("#answer-error").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    expect(page.locator("#answer-error")).to_be_focused()

    # The card still answers: a real answer now goes through.
    page.locator("#answer").fill("involuntary")
    page.get_by_role("button", name="Check").click()
    page.locator("#feedback").wait_for()
    page.get_by_role("link", name="Next question").click()

    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Check").click()  # nothing ticked
    error = page.locator("#answer-error")
    error.wait_for()
    assert error.inner_text() == "Choose an answer before checking."
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator(".site-header nav.site-nav").is_visible()
    assert page.get_by_role("button", name="Check").is_visible()
    assert expected_errors_only(page) == []
    page.context.close()
