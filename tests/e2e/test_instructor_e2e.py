"""An instructor follows a cohort in a real browser: picks it, sorts its scores
table, opens the learner who struggles and the lesson's item analysis, and
downloads the scores; by keyboard too. A student is kept out."""

import csv
import re
import statistics

import pytest
from django.contrib.auth.models import Group, Permission

from lessons.models import Cohort
from tests.e2e.conftest import (
    PHONE,
    new_page,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)
from tests.factories import PASSWORD, LessonFactory, QuestionFactory, UserFactory, take_quiz

PROMPTS = [
    "Which kind of muscle is smooth muscle?",
    "Which muscles does leiomyosarcoma start in?",
    "Which muscles move the bones?",
]
# Right (True) or wrong per question, by position, for each attempt in order.
ATTEMPTS = {
    "ana": [[True, True, False]],
    "ben": [[True, True, True]],
    "cleo": [[False, False, True]],  # the one who struggles: 33%
    "dev": [[False, True, False], [True, True, False]],  # 33%, then 67%
    "eli": [],  # has not started
}
BEST = {"ana": "67%", "ben": "100%", "cleo": "33%", "dev": "67%", "eli": "–"}
# As the pages show them (the scores table says "67%" too).
BEST_IN_CSV = {"ana": "67%", "ben": "100%", "cleo": "33%", "dev": "67%", "eli": ""}
FIRST_ATTEMPTS = [runs[0] for runs in ATTEMPTS.values() if runs]


@pytest.fixture
def instructor(transactional_db):
    # A transactional test flushes the tables after each test, the groups the
    # migrations made included, so make sure the group and its permission exist.
    group, _ = Group.objects.get_or_create(name="Instructors")
    group.permissions.add(Permission.objects.get(codename="view_cohort_reports"))
    user = UserFactory(username="ivan", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def lesson(transactional_db):
    lesson = LessonFactory(title="Muscles", slug="muscles")
    for position, prompt in enumerate(PROMPTS):
        QuestionFactory(lesson=lesson, position=position, prompt=prompt)
    return lesson


@pytest.fixture
def cohort(instructor, lesson):
    # A second, smaller cohort comes first in the picker, so picking matters.
    other = Cohort.objects.create(name="Autumn group")
    other.instructors.add(instructor)
    other.learners.add(UserFactory(username="zoe"))
    cohort = Cohort.objects.create(name="Spring group", pass_mark=0.6)
    cohort.instructors.add(instructor)
    cohort.courses.add(lesson.course)
    for username, runs in ATTEMPTS.items():
        learner = UserFactory(username=username)
        cohort.learners.add(learner)
        for pattern in runs:
            take_quiz(learner, lesson, pattern, seconds=12)
    return cohort


def words(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def learner_names(page) -> list[str]:
    return page.locator(".scores-table tbody th[scope=row] a").all_inner_texts()


def best_header(page, lesson):
    """The "Best" column heading of a lesson (its link's name ends "in <lesson>")."""
    return page.locator(
        "th[aria-sort]", has=page.get_by_role("link", name=f"Best in {lesson.title}")
    )


def bar_values(chart) -> dict[str, str]:
    """{label: value shown} of a bar chart's non-empty bars."""
    labels = chart.locator(".bar-row text.axis").all_text_contents()
    values = chart.locator(".bar-row text.value").all_text_contents()
    return {k: v for k, v in zip(labels, values, strict=True) if v not in {"0", "0%"}}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def open_scores(page, live_server, cohort) -> None:
    page.goto(f"{live_server.url}/instructor/cohorts/{cohort.pk}/")
    page.get_by_role("heading", name=cohort.name).wait_for()


def test_an_instructor_finds_the_learner_who_struggles_and_downloads_the_scores(
    page, phone_page, live_server, instructor, lesson, cohort, tmp_path
):
    sign_in(page, live_server, instructor.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learner scores").click()
    page.wait_for_url(f"{live_server.url}/instructor/")
    assert page.get_by_role("heading", name="Learner scores").is_visible()

    page.get_by_label("Cohort", exact=True).select_option(label="Spring group (5 learners)")
    page.get_by_role("button", name="Show scores").click()
    page.wait_for_url(f"{live_server.url}/instructor/cohorts/{cohort.pk}/")
    assert page.get_by_role("heading", name="Spring group").is_visible()
    assert learner_names(page) == ["ana", "ben", "cleo", "dev", "eli"]  # by name at first
    summary = words(page.get_by_role("list", name="Cohort summary").inner_text())
    assert "5 learners" in summary and "60% pass mark" in summary
    averages = page.locator("tfoot .averages-row td").all_inner_texts()
    assert averages[:3] == ["67%", "67%", "1.3"]  # average best, then Muscles: best, attempts
    badged = page.locator("tbody tr", has=page.get_by_text("below pass", exact=True))
    assert badged.locator("th").inner_text() == "cleo"
    assert "below-pass" in badged.get_attribute("class")
    assert page.get_by_label("Search by name").is_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "instructor-scores")

    # The first click sorts best scores highest first, the second lowest first;
    # learners without a score stay last either way.
    header = best_header(page, lesson)
    assert header.get_attribute("aria-sort") == "none"
    header.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"sort=-best-{lesson.pk}"))
    header = best_header(page, lesson)
    assert header.get_attribute("aria-sort") == "descending"
    assert learner_names(page) == ["ben", "ana", "dev", "cleo", "eli"]
    header.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"sort=best-{lesson.pk}"))
    header = best_header(page, lesson)
    assert header.get_attribute("aria-sort") == "ascending"
    assert learner_names(page) == ["cleo", "ana", "dev", "ben", "eli"]
    assert page.locator("th[aria-sort=ascending], th[aria-sort=descending]").count() == 1
    rows = page.locator(".scores-table tbody tr")
    for i, name in enumerate(learner_names(page)):
        assert rows.nth(i).locator("td").nth(1).inner_text().startswith(BEST[name]), name
    sorted_url = page.url

    # The one with the lowest score, now on top, and their wrong answers.
    page.get_by_role("link", name="cleo", exact=True).click()
    page.get_by_role("heading", name="cleo", exact=True).wait_for()
    attempt = page.locator("section.attempt-card")
    assert attempt.count() == 1
    assert "Score 33% (1 of 3)" in words(attempt.inner_text())
    answers = attempt.locator("tbody tr")
    assert answers.count() == 3
    for prompt, right in zip(PROMPTS, ATTEMPTS["cleo"][0], strict=True):
        row = answers.filter(has_text=prompt)
        cells = row.locator("td").all_inner_texts()
        expected = ("Involuntary", "✓ right") if right else ("Voluntary", "✗ wrong")
        assert cells[1:3] == list(expected), prompt
        assert cells[3] == "12 s"
    assert attempt.get_by_text("✗ wrong").count() == 2
    by_lesson = page.get_by_role("region", name=re.compile("Scores and mastery of cleo"))
    assert "below pass" in by_lesson.inner_text()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "instructor-learner")

    page.go_back()
    page.wait_for_url(sorted_url)
    assert learner_names(page) == ["cleo", "ana", "dev", "ben", "eli"]

    # The lesson's item analysis, counting first attempts.
    page.get_by_role("link", name=lesson.title, exact=True).click()
    page.get_by_role("heading", name="Muscles: item analysis").wait_for()
    assert page.locator("[aria-current=page]", has_text="First attempts").is_visible()
    summary = words(page.get_by_role("list", name="Lesson summary").inner_text())
    totals = [sum(p) for p in FIRST_ATTEMPTS]
    assert "4 attempts" in summary
    assert f"{round(100 * statistics.mean(totals) / 3)}% mean score" in summary
    histogram = page.get_by_role("img", name=re.compile(r"^Scores How many of the 4 attempts"))
    assert histogram.is_visible()
    assert bar_values(histogram) == {"30–39%": "2", "60–69%": "1", "90–100%": "1"}
    facility_chart = page.get_by_role("img", name=re.compile(r"^Facility per question"))
    assert facility_chart.is_visible()
    facilities = [statistics.mean(int(p[i]) for p in FIRST_ATTEMPTS) for i in range(3)]
    assert bar_values(facility_chart) == {
        f"Q{n}": f"{round(100 * f)}%" for n, f in enumerate(facilities, start=1)
    }
    items = page.locator(".items-table tbody tr")
    assert items.count() == 3
    for index, prompt in enumerate(PROMPTS):
        row = items.nth(index)
        cells = row.locator("td").all_inner_texts()
        scores = [int(p[index]) for p in FIRST_ATTEMPTS]
        rest = [t - s for t, s in zip(totals, scores, strict=True)]
        facility = statistics.mean(scores)
        assert prompt in cells[1]
        assert cells[2] == "4"  # responses
        assert cells[3] == f"{round(100 * facility)}%"
        assert cells[4] == f"{round(100 * statistics.correlation(scores, rest))}"
        right = row.locator("li.correct-option")
        assert right.locator(".option-text").inner_text().endswith("Involuntary")
        assert "Correct" in right.inner_text()  # said in words, not only by bold type
        assert right.locator(".option-share").inner_text() == f"{round(100 * facility)}%"
        wrong = row.locator("li", has_text="Voluntary").filter(has_not_text="Involuntary")
        assert wrong.locator(".option-share").inner_text() == f"{round(100 * (1 - facility))}%"
        # The median time comes from time buckets: within 4.4% and 0.125 s of
        # the exact 12 s (lessons.item_tallies), shown in whole seconds.
        assert abs(int(cells[6].removesuffix(" s")) - 12) <= 0.044 * 12 + 0.125 + 0.5
    assert serious_accessibility_violations(page) == []
    screenshot(page, "instructor-item-analysis")

    # Counting all attempts takes in dev's second one.
    page.get_by_role("link", name="All attempts").click()
    page.wait_for_url(re.compile(r"attempts=all"))
    assert "5 attempts" in words(page.get_by_role("list", name="Lesson summary").inner_text())

    # The same pages at phone width, signed in as the same instructor.
    phone_page.context.add_cookies(page.context.cookies())
    open_scores(phone_page, live_server, cohort)
    assert phone_page.locator(".scores-table").is_visible()
    screenshot(phone_page, "instructor-scores-390")
    assert no_horizontal_scroll(phone_page), "the scores page scrolls sideways at 390 px"
    phone_page.goto(f"{live_server.url}/instructor/cohorts/{cohort.pk}/lessons/{lesson.slug}/")
    phone_page.get_by_role("heading", name="Muscles: item analysis").wait_for()
    screenshot(phone_page, "instructor-item-analysis-390")
    assert no_horizontal_scroll(phone_page), "the item analysis scrolls sideways at 390 px"

    # The scores table as CSV: one row per learner with their best score.
    page.get_by_role("link", name="Spring group").click()
    page.get_by_role("heading", name="Spring group").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="scores table (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"scores-{cohort.code.lower()}-{lesson.course.slug}.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with path.open(newline="", encoding="utf-8-sig") as file:  # after its BOM
        header, *body = list(csv.reader(file))
    assert header[:3] == ["learner", "first name", "last name"]
    assert len(body) == len(ATTEMPTS)
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert {name: row["Muscles: best"] for name, row in by_name.items()} == BEST_IN_CSV
    assert by_name["dev"]["Muscles: attempts"] == "2"


def test_the_scores_table_works_by_keyboard(page, live_server, instructor, lesson, cohort):
    sign_in(page, live_server, instructor.username, PASSWORD)
    open_scores(page, live_server, cohort)

    def active() -> dict:
        return page.evaluate(
            "({id: document.activeElement.id, cls: document.activeElement.className,"
            " text: document.activeElement.textContent.trim()})"
        )

    def tab_to(matches, limit=40) -> dict:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if matches(element := active()):
                return element
        pytest.fail("Tab never reached the element")

    tab_to(lambda e: e["id"] == "learner-search")
    page.keyboard.type("CL")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=CL"))
    assert learner_names(page) == ["cleo"]
    page.get_by_role("link", name="Clear search").click()
    # The search keeps the course picked.
    page.wait_for_url(re.compile(rf"/instructor/cohorts/{cohort.pk}/\?course=[\w-]+$"))
    assert len(learner_names(page)) == len(ATTEMPTS)

    tab_to(lambda e: e["id"] == "learner-search")
    first_sort_link = tab_to(lambda e: "sort-link" in e["cls"])
    assert first_sort_link["text"].startswith("Learner")
    tab_to(lambda e: "sort-link" in e["cls"] and e["text"].startswith("Best"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"sort=-best-{lesson.pk}"))
    assert best_header(page, lesson).get_attribute("aria-sort") == "descending"
    assert learner_names(page) == ["ben", "ana", "dev", "cleo", "eli"]


def test_a_student_is_refused_the_instructor_pages(browser, live_server, cohort):
    UserFactory(username="sam")
    page = new_page(browser)
    sign_in(page, live_server, "sam", PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="My progress").is_visible()
    assert nav.get_by_role("link", name="Learner scores").count() == 0

    for path in ("/instructor/", f"/instructor/cohorts/{cohort.pk}/"):
        response = page.goto(live_server.url + path)
        assert response.status == 403, path
        assert page.locator("h1").inner_text() == "You cannot open this page"
        assert "Only instructors" in page.get_by_role("alert").inner_text()
        assert "Spring group" not in page.content()
        assert page.get_by_role("link", name="Learner scores").count() == 0
    # The browser logs each refused page load as a console error; nothing else may.
    others = [e for e in page.js_errors if "status of 403" not in e]
    assert others == []
    page.context.close()


def test_the_mastery_chart_shows_long_lesson_titles_whole_or_cut_at_the_end(
    page, live_server, instructor, lesson, cohort
):
    # Titles as long as the shipped course's, in a wide font: none may lose its
    # first letters off the chart's left edge (a new user read "nooth muscle").
    lesson.title = "Smooth muscle: the involuntary muscle of the organs"
    lesson.save()
    LessonFactory(course=lesson.course, title="Where leiomyosarcoma forms in the body")
    sign_in(page, live_server, instructor.username, PASSWORD)
    open_scores(page, live_server, cohort)
    labels = page.locator("svg.bar-chart .bar-row text.axis")
    assert labels.count() >= 2
    lefts = labels.evaluate_all("nodes => nodes.map(n => n.getBBox().x)")
    assert min(lefts) >= 0, lefts
    shown = labels.all_text_contents()
    assert any(t.startswith("Smooth muscle") and t.endswith("…") for t in shown), shown
