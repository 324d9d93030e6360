"""Public pages as people meet them: audited, at phone width, by keyboard."""

import time

from django.contrib.auth.models import User

from lessons.models import Lesson
from tests.e2e.conftest import screenshot, serious_accessibility_violations
from tests.factories import PASSWORD, UserFactory


def test_home_course_and_lesson_pass_the_accessibility_audit_at_phone_width(
    phone_page, live_server, course
):
    page = phone_page
    page.goto(live_server.url + "/")
    assert serious_accessibility_violations(page) == []
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "home-390")

    lesson = Lesson.objects.published().select_related("course").first()
    page.get_by_role("link", name=lesson.course.title, exact=True).click()
    page.wait_for_url(f"**/courses/{lesson.course.slug}/")
    assert page.get_by_text("Educational content, not medical advice.").is_visible()
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "course-390")

    page.get_by_role("link", name=lesson.title, exact=True).click()
    page.wait_for_url(f"**{lesson.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == lesson.title
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "lesson-390")


def test_a_student_signs_up_by_keyboard_alone(page, live_server, course):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.goto(live_server.url + "/accounts/signup/")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Username").focus()
    page.keyboard.type("keyboard-kim")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert User.objects.filter(username="keyboard-kim").exists()
    screenshot(page, "home-signed-in")

    # Then opens the first lesson and reads it, with where each sentence came from.
    from lessons.models import Lesson

    lesson = Lesson.objects.published().select_related("course").order_by("position").first()
    page.get_by_role("link", name=lesson.course.title, exact=True).click()
    assert serious_accessibility_violations(page) == []  # the course page, signed in
    page.get_by_role("link", name=lesson.title).first.click()
    page.wait_for_url(live_server.url + lesson.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == lesson.title
    first = lesson.lesson_sentences.order_by("position").first().sentence
    reading = page.locator("article.reading")
    assert first.text in reading.inner_text()
    assert "passage" in reading.locator(".cite").first.inner_text()
    assert page.get_by_role("button", name="Start quiz").is_visible()


def test_sign_in_errors_are_announced_and_accessible(page, live_server, course):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    assert "correct username and password" in alert.inner_text()
    assert serious_accessibility_violations(page) == []


def test_keep_me_signed_in_is_ticked_by_keyboard_and_the_session_outlasts_the_browser(
    phone_page, live_server, course
):
    """Issue 16.4: the box is reached by its label, passes the audit at phone
    width, and ticked gives a cookie that lasts; unticked, one that ends with
    the browser."""
    UserFactory(username="rita")
    page = phone_page
    for remember in (False, True):
        page.context.clear_cookies()
        page.goto(live_server.url + "/accounts/login/")
        if remember:
            assert serious_accessibility_violations(page) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_label("Username").fill("rita")
        page.get_by_label("Password").fill(PASSWORD)
        box = page.get_by_label("Keep me signed in on this device")
        assert not box.is_checked()
        if remember:
            box.focus()
            page.keyboard.press("Space")
            assert box.is_checked()
            screenshot(page, "sign-in-remember-390")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/")
        (session,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
        if remember:
            days = (session["expires"] - time.time()) / 86400
            assert 29 < days <= 30
        else:
            assert session["expires"] == -1  # a browser-session cookie
