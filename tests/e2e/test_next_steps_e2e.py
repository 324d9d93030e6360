"""What is next is always in view (issue 14.6), on a phone: Continue on a
lesson under way, Next lesson and Retake on the results, the due count in the
navigation and on the home page, and when review questions come back."""

import re

import pytest

from lessons.models import Attempt, Lesson, ReviewCard
from tests.e2e.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.e2e.test_quiz_e2e import current_question, fill_answer, start_quiz
from tests.factories import PASSWORD, UserFactory, cards_fall_due


@pytest.fixture
def learner(transactional_db):
    return UserFactory(username="browser-next")


def answer(page, *, correct: bool) -> None:
    fill_answer(page, current_question(page), correct=correct)
    page.get_by_role("button", name="Check").click()
    page.locator("#feedback").wait_for()


def review_link(page, due: int):
    """The navigation's Review link by its accessible name, "Review, 4 due"
    (Chromium puts a space before the comma of the hidden text; speech is the same)."""
    name = re.compile(rf"^Review\s*, {due} due$") if due else re.compile(r"^Review$")
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_what_is_next_is_always_in_view(phone_page, live_server, lesson, learner):

    page = phone_page
    following = (
        Lesson.objects.published()
        .filter(course=lesson.course, position__gt=lesson.position)
        .order_by("position", "title")
        .first()
    )
    sign_in(page, live_server, learner.username, PASSWORD)

    # Two answers, then away: the lesson offers to continue where it stopped.
    start_quiz(page, live_server, lesson)
    # The attempt's own length: it may leave out a true/false that only
    # restates a sentence another of its questions asks about (lessons.sequencing).
    total = Attempt.objects.get(learner=learner, lesson=lesson).question_count
    answer(page, correct=False)
    page.get_by_role("link", name="Next question").click()
    page.wait_for_selector("text=Question 2 of")
    answer(page, correct=True)
    page.goto(live_server.url + lesson.get_absolute_url())
    resume = page.get_by_role("link", name=f"Continue — 2 of {total} answered")
    assert resume.is_visible()
    assert page.get_by_role("button", name="Start quiz").count() == 0
    resume.click()
    page.wait_for_selector(f"text=Question 3 of {total}")

    for number in range(3, total + 1):
        answer(page, correct=True)
        if number < total:
            page.get_by_role("link", name="Next question").click()
            page.wait_for_selector(f"text=Question {number + 1} of")
    page.get_by_role("link", name="See your results").click()
    page.wait_for_selector("text=Your results")
    next_link = page.get_by_role("link", name=f"Next lesson: {following.title}")
    assert next_link.is_visible()
    assert page.get_by_role("button", name="Retake the whole quiz").is_visible()
    assert fits_the_phone(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "results-next-390")
    next_link.click()
    page.wait_for_url(f"**{following.get_absolute_url()}")
    page.go_back()

    # Time passes: every question answered falls due.
    cards_fall_due(ReviewCard.objects.filter(learner=learner))
    page.goto(live_server.url + "/")
    assert review_link(page, total).is_visible()
    assert page.get_by_text(f"{total} questions due for review").is_visible()
    assert fits_the_phone(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "home-due-390")

    review_link(page, total).click()
    page.wait_for_selector("#question-card")
    page.evaluate("window.stillTheSamePage = true")
    answer(page, correct=True)
    assert page.evaluate("window.stillTheSamePage") is True  # answered by HTMX
    comes_back = page.locator(".comes-back")
    assert re.fullmatch(
        r"This question comes back in \d+\s\w+ \(\w{3} .*UTC\)\.", comes_back.inner_text()
    )
    # The badge followed the answer, out of band.
    assert review_link(page, total - 1).is_visible()
    assert serious_accessibility_violations(page) == []

    for _ in range(total - 1):
        page.get_by_role("link", name="Next review").click()
        page.wait_for_selector("#question-card form button")
        answer(page, correct=True)
    page.get_by_role("link", name="Next review").click()
    assert page.get_by_role("heading", name="All caught up").is_visible()
    assert page.get_by_text(re.compile(r"The next question comes back in \d+\s\w+")).is_visible()
    assert page.get_by_text("Take a lesson you have not started").is_visible()
    assert review_link(page, 0).is_visible()  # nothing due
    assert fits_the_phone(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "review-meanwhile-390")
