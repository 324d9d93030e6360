"""An educator brings a text of their own: upload, progress, review, publish."""

from pathlib import Path

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from lessons.models import Derivation, Question
from tests.e2e.conftest import (
    PHONE,
    new_page,
    screenshot,
    serious_accessibility_violations,
)
from tests.factories import PASSWORD, UserFactory, content_row_counts

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "photosynthesis.txt"


def admin_sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_educator_derives_from_an_uploaded_text_and_publishes_the_good_drafts(
    browser, live_server
):
    educator = UserFactory(username="edna", is_staff=True)
    educator.groups.add(Group.objects.get(name="Educators"))
    page = new_page(browser)
    admin_sign_in(page, live_server, "edna")

    page.goto(f"{live_server.url}/admin/lessons/derivation/add/")
    assert not serious_accessibility_violations(page)
    page.get_by_label("Title").fill("Photosynthesis")
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Derive lessons and questions").click()

    # Tests run the immediate task backend: the page opens on the finished run.
    page.get_by_role("status").get_by_text("Done").wait_for()
    record = Derivation.objects.get()
    assert record.status == "done" and record.progress == 100
    drafts = Question.objects.filter(derivation=record)
    assert drafts.count() >= 15 and not drafts.exclude(status="draft").exists()
    screenshot(page, "derive-done")

    page.get_by_role("link", name=f"Review the {drafts.count()} draft questions").click()
    assert not serious_accessibility_violations(page)
    screenshot(page, "derive-review")
    # The source sentence stands beside its draft, with its flags.
    first_draft = drafts.order_by("lesson__position", "position", "pk")[0]
    row = page.locator(
        "tr", has=page.get_by_label(f"Publish question {first_draft.pk}", exact=True)
    )
    assert first_draft.provenance.text in row.locator("blockquote").inner_text()
    flagged = drafts.exclude(flags=[]).order_by("lesson__position", "position", "pk")[0]
    flagged_row = page.locator(
        "tr", has=page.get_by_label(f"Publish question {flagged.pk}", exact=True)
    )
    assert flagged.flags[0] in flagged_row.inner_text()

    chosen = drafts.order_by("lesson__position", "position", "pk")[:2]
    for question in chosen:
        page.get_by_label(f"Publish question {question.pk}", exact=True).check()
    page.get_by_role("button", name="Publish selected").first.click()
    page.get_by_text("Published 2 question(s)").wait_for()
    assert set(drafts.filter(status="published")) == set(chosen)

    # What educators keep is the measure of derivation quality, and it is shown.
    page.goto(f"{live_server.url}/admin/lessons/derivation/{record.pk}/change/")
    quality = page.locator("table", has_text="Published unchanged")
    assert "2" in quality.locator("tr", has_text="Published unchanged").inner_text()

    phone = new_page(browser, viewport=PHONE)
    admin_sign_in(phone, live_server, "edna")
    phone.goto(f"{live_server.url}/admin/lessons/derivation/{record.pk}/review/")
    assert phone.locator("blockquote").first.is_visible()
    # Each draft is a card on a phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "derive-review-phone")
    phone.context.close()
    page.context.close()


def test_a_file_that_is_not_text_is_refused_and_nothing_is_written(browser, live_server):
    educator = UserFactory(username="edna", is_staff=True)
    educator.groups.add(Group.objects.get(name="Educators"))
    page = new_page(browser)
    admin_sign_in(page, live_server, "edna")
    page.goto(f"{live_server.url}/admin/lessons/derivation/add/")
    page.get_by_label("Title").fill("Not a text")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "photo.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x00\x00"}]
    )
    before = content_row_counts()
    page.get_by_role("button", name="Derive lessons and questions").click()
    page.get_by_text("looks like a binary file").wait_for()
    assert content_row_counts() == before
    assert not serious_accessibility_violations(page)
    page.context.close()


def test_a_derivation_on_its_way_says_so_and_cannot_be_sent_twice(browser, live_server):
    """A long text derives for a while (in the request itself under `make
    run`): the button says it is deriving, cannot be pressed again, and a
    status line says what is happening."""
    educator = UserFactory(username="edna", is_staff=True)
    educator.groups.add(Group.objects.get(name="Educators"))
    page = new_page(browser, viewport=PHONE)
    admin_sign_in(page, live_server, "edna")
    page.goto(f"{live_server.url}/admin/lessons/derivation/add/")
    page.get_by_label("Title").fill("Photosynthesis")
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    # Held on this page, as a slow derivation would hold it.
    page.evaluate(
        "document.getElementById('derive-form')"
        ".addEventListener('submit', event => event.preventDefault())"
    )
    page.get_by_role("button", name="Derive lessons and questions").click()
    expect(page.get_by_role("button", name="Deriving…")).to_be_disabled()
    expect(page.get_by_role("status")).to_contain_text("A long text can take a minute")
    assert not serious_accessibility_violations(page)
    assert not page.js_errors
    assert not Derivation.objects.exists()
    page.context.close()
