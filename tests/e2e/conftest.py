"""Browser tests: Debian's Chromium driven by Playwright against a live server."""

import os
import shutil
from pathlib import Path

import pytest

from lessons.models import Lesson

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Screenshots go where E2E_ARTIFACTS says (.ci/run names it), by default test-artifacts/.
ARTIFACTS = Path(
    os.environ.get("E2E_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts"
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            # The live server runs in another thread, so each test commits and
            # the database is flushed after it; serialized_rollback puts back
            # what migrations made (roles, permissions) for the next test.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make to set up data are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (make install-e2e)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, *, viewport=DESKTOP, javascript=True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.js_errors = errors
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    assert not page.js_errors, f"JavaScript errors or CSP violations: {page.js_errors}"
    page.context.close()


@pytest.fixture
def phone_page(browser):
    page = new_page(browser, viewport=PHONE)
    yield page
    assert not page.js_errors, f"JavaScript errors or CSP violations: {page.js_errors}"
    page.context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # Each role lands on its own home (students the catalogue, instructors their scores).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def lesson(course) -> Lesson:
    """The shipped course's first lesson (a module may define its own)."""
    return Lesson.objects.published().get(slug="what-is-leiomyosarcoma")
