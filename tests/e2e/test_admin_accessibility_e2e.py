"""Every admin page an educator works in passes axe with no serious or
critical finding: the question form's inlines, the changelists, the preview,
the GIFT import, the derivation pages and the cohort page."""

from pathlib import Path

from lessons.derive.services import derivation_request
from lessons.models import Course, Derivation, Lesson, Question, Sentence, Source
from tests.e2e.conftest import new_page
from tests.factories import PASSWORD, CohortFactory, UserFactory

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "photosynthesis.txt"


def serious_findings(page) -> list[str]:
    """Each serious or critical axe finding with every element it names, so a
    failure lists all the fields to fix, not the first three."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}) at {node['target']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
        for node in v["nodes"]
    ]


def educator_pages(live_server) -> dict[str, str]:
    course = Course.objects.order_by("pk").first()
    lesson = Lesson.objects.get(slug="what-is-leiomyosarcoma")
    question = lesson.questions.filter(kind=Question.Kind.MULTIPLE_ANSWER).first()
    short = Question.objects.filter(kind=Question.Kind.FILL_BLANK).first()
    derivation = Derivation.objects.get()
    # With an instructor chosen, select2 shows the choice beside its search box.
    cohort = CohortFactory(
        name="Monday group",
        learners=[UserFactory(username="sam")],
        instructors=[UserFactory(username="ivan", is_staff=True)],
    )
    admin = "/admin/lessons"
    return {
        "admin index": "/admin/",
        "course list": f"{admin}/course/",
        "lesson list": f"{admin}/lesson/",
        "question list": f"{admin}/question/",
        "source list": f"{admin}/source/",
        "sentence list": f"{admin}/sentence/",
        "course add": f"{admin}/course/add/",
        "course change": f"{admin}/course/{course.pk}/change/",
        "lesson add": f"{admin}/lesson/add/",
        "lesson change": f"{admin}/lesson/{lesson.pk}/change/",
        "question add": f"{admin}/question/add/",
        "question change (choices)": f"{admin}/question/{question.pk}/change/",
        "question change (accepted answers)": f"{admin}/question/{short.pk}/change/",
        "question preview": f"{admin}/question/{question.pk}/preview/",
        "source change": f"{admin}/source/{Source.objects.first().pk}/change/",
        "sentence change": f"{admin}/sentence/{Sentence.objects.first().pk}/change/",
        "GIFT import": f"{admin}/lesson/{lesson.pk}/import-gift/",
        "derivation list": f"{admin}/derivation/",
        "derivation add": f"{admin}/derivation/add/",
        "derivation change": f"{admin}/derivation/{derivation.pk}/change/",
        "derivation review": f"{admin}/derivation/{derivation.pk}/review/",
        "cohort change": f"{admin}/cohort/{cohort.pk}/change/",
    }


def test_every_admin_page_an_educator_uses_has_no_serious_accessibility_violation(
    browser, live_server, course
):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    # The immediate task backend runs the derivation here, before the pages load.
    derivation_request(title="Photosynthesis", text=SAMPLE.read_text(), user=None)
    page = new_page(browser)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    found = {}
    for name, url in educator_pages(live_server).items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{name}: {url} answered {response.status}"
        if violations := serious_findings(page):
            found[name] = violations
    # Rows the admin's script adds, with their autocomplete, are named too.
    page.goto(f"{live_server.url}/admin/lessons/question/add/")
    page.get_by_role("button", name="Add another Choice").click()
    page.get_by_role("button", name="Add another Accepted answer").click()
    if violations := serious_findings(page):
        found["question add, rows added"] = violations
    assert page.locator("#id_choices-4-text").get_attribute("aria-label") == "Text, new choice"
    lesson = Lesson.objects.get(slug="what-is-leiomyosarcoma")
    page.goto(f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/")
    page.get_by_role("button", name="Add another Lesson sentence").click()
    if violations := serious_findings(page):
        found["lesson change, row added"] = violations

    for name, violations in found.items():
        print(f"{name}: {len(violations)}", *violations, sep="\n  ")
    assert found == {}
    assert not page.js_errors, page.js_errors
    page.context.close()
