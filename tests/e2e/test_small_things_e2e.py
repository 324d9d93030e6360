"""Small things users noticed on phones (issue 14.7): the Check button of a
four-option question is in view without scrolling at 390 px, and a wrong pick
looks wrong at once, not by colour alone, with the marked options in view."""

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from lessons.models import Attempt, Question
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, new_page, screenshot, sign_in
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def learner(transactional_db):
    return UserFactory(username="phone-pat")


def four_option_questions() -> list[Question]:
    """The shipped course's four-option questions, longest text first."""
    questions = (
        Question.objects.published()
        .filter(lesson__published=True)
        .annotate(n=Count("choices"))
        .filter(n=4)
        .prefetch_related("choices")
    )
    return sorted(
        questions,
        key=lambda q: len(q.prompt) + sum(len(c.text) for c in q.choices.all()),
        reverse=True,
    )


def open_question(page, live_server, learner, question: Question) -> Attempt:
    """An attempt asking just this question, shown as the quiz shows it."""
    Attempt.objects.filter(learner=learner, finished_at__isnull=True).delete()
    attempt = Attempt.objects.create(
        learner=learner, lesson=question.lesson, question_ids=[question.pk], seed=7
    )
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    page.wait_for_selector("#question-card")
    return attempt


def screen_shot(page, name: str) -> None:
    """What is on the screen, without scrolling (screenshot() takes the whole page)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"))


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].every((el) => {
            const box = el.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        })""",
        selector,
    )


def test_the_check_button_of_a_four_option_question_is_in_view_at_390_px(
    browser, live_server, course, learner
):
    questions = four_option_questions()
    assert len(questions) >= 10  # the shipped course has many
    for viewport, name in ((PHONE, "390"), (DESKTOP, "1280")):
        page = new_page(browser, viewport=viewport)
        sign_in(page, live_server, learner.username, PASSWORD)
        for number, question in enumerate(questions):
            open_question(page, live_server, learner, question)
            if number == 0:
                screenshot(page, f"quiz-four-options-{name}")
                screen_shot(page, f"quiz-four-options-{name}")
            assert page.evaluate("window.scrollY") == 0
            # The whole question fits, options and all: Check is in its place,
            # not only held at the bottom of the screen (the fallback for a
            # longer question).
            assert in_view(page, ".choices, #question-card button[type=submit]"), (
                f"Check is below the fold at {name} px for {question.prompt!r}"
            )
        assert not page.js_errors
        page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_wrong_pick_looks_wrong_at_once_and_stays_in_view(
    browser, live_server, course, learner, javascript
):
    question = four_option_questions()[0]
    wrong = question.choices.filter(is_correct=False).first()
    right = question.choices.get(is_correct=True)
    for viewport, name in ((PHONE, "390"), (DESKTOP, "1280")):
        page = new_page(browser, viewport=viewport, javascript=javascript)
        sign_in(page, live_server, learner.username, PASSWORD)
        open_question(page, live_server, learner, question)
        page.locator(f'input[name="choice"][value="{wrong.pk}"]').check()
        page.get_by_role("button", name="Check").click()
        page.locator("#feedback").wait_for()
        picked = page.locator(".choice-wrong")
        answer = page.locator(".choice-correct")
        # Said in words and a mark, not only in red and green.
        assert "✗" in picked.inner_text() and "wrong" in picked.inner_text().lower()
        assert "✓" in answer.inner_text() and "right answer" in answer.inner_text().lower()
        assert wrong.text in picked.inner_text() and right.text in answer.inner_text()

        def look(locator) -> dict:
            return locator.locator(".choice-label").evaluate(
                """(el) => { const s = getComputedStyle(el);
                    return {style: s.borderStyle, width: s.borderLeftWidth,
                            background: s.backgroundColor}; }"""
            )

        # Not the same box as the right answer: another border, not just another colour.
        assert look(picked)["style"] != look(answer)["style"] or (
            look(picked)["width"] != look(answer)["width"]
        )
        screenshot(page, f"quiz-wrong-pick-{'js' if javascript else 'nojs'}-{name}")
        screen_shot(page, f"quiz-wrong-pick-{'js' if javascript else 'nojs'}-{name}")
        # Both marked options on screen, with the verdict, without scrolling back.
        assert in_view(page, ".choice-wrong, .choice-correct"), f"marked options hidden at {name}"
        assert in_view(page, ".feedback-title")
        if javascript:
            expect(page.locator("#feedback")).to_be_focused()
        assert not page.js_errors
        page.context.close()


def test_the_progress_page_charts_each_lesson_and_names_the_cohorts(
    browser, live_server, course, learner
):
    from datetime import timedelta

    from django.utils import timezone

    from lessons.models import Cohort, Lesson

    Cohort.objects.create(name="Evening class").learners.add(learner)
    lessons = list(Lesson.objects.published().order_by("position")[:3])
    now = timezone.now()
    for day, lesson, score in [
        (6, lessons[0], 0.4),
        (6, lessons[0], 0.7),
        (6, lessons[1], 0.5),
        (4, lessons[1], 0.8),
        (4, lessons[2], 0.6),
        (1, lessons[0], 1.0),
        (0, lessons[2], 0.9),
    ]:
        when = now - timedelta(days=day, hours=len(lesson.title) % 5)
        Attempt.objects.create(
            learner=learner,
            lesson=lesson,
            started_at=when,
            finished_at=when,
            score=score,
            question_ids=[],
        )
    for viewport, name in ((PHONE, "390"), (DESKTOP, "1280")):
        page = new_page(browser, viewport=viewport)
        sign_in(page, live_server, learner.username, PASSWORD)
        page.goto(f"{live_server.url}/progress/")
        assert page.locator("svg.chart polyline.line").count() == 3
        dates = page.locator("svg.chart text.x-tick").all_text_contents()
        assert len(dates) == len(set(dates)) == 4
        assert page.locator(".chart-legend li").count() == 3
        assert page.get_by_text("Evening class").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.locator("svg.chart").scroll_into_view_if_needed()
        screenshot(page, f"progress-chart-{name}")
        page.locator("figure.chart-card").screenshot(
            path=str(ARTIFACTS / f"progress-chart-{name}-figure.png")
        )
        assert not page.js_errors
        page.context.close()
