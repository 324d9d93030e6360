"""What a student sees when sign-in is throttled after repeated wrong passwords."""

from django.conf import settings

from tests.e2e.conftest import PHONE, new_page, screenshot, serious_accessibility_violations
from tests.factories import UserFactory


def test_repeated_wrong_passwords_show_a_clear_accessible_lockout_page(browser, live_server):
    UserFactory(username="rita", password="a-long-enough-pass")
    page = new_page(browser, viewport=PHONE)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("rita")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Too many sign-in attempts").wait_for()
    assert page.get_by_role("alert").get_by_text("15 minutes").is_visible()
    assert not serious_accessibility_violations(page)
    screenshot(page, "sign-in-locked-390")
    page.context.close()
