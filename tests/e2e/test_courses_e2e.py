"""Two courses kept apart (issue 13): an educator derives a new text into a
draft course, which no student sees until the educator publishes it; then each
course shows its own lessons and notice, the first course exactly as before,
and an instructor can pick either for the cohort that follows both."""

from django.contrib.auth.models import Group, Permission

from lessons.models import Cohort, Course, Derivation, Question
from tests.e2e.conftest import new_page, screenshot, sign_in
from tests.e2e.test_derive_e2e import admin_sign_in
from tests.factories import PASSWORD, UserFactory

TIDES = """Tides

Tides are the regular rise and fall of the sea. They are caused mainly by the gravity of \
the Moon, which pulls on the oceans as the Earth turns. The Sun also pulls on the oceans, \
but its effect is less than half that of the Moon.

Most coasts have two high tides and two low tides every day. When the Sun and the Moon line \
up, their pulls add together and make spring tides, which have the largest range. When they \
are at right angles, they make neap tides, which have the smallest range.

The Bay of Fundy in Canada has the highest tides in the world. Its water can rise by more \
than fifteen metres between low and high tide.
"""
TIDES_NOTICE = "A short text about the sea, written for this course."


def catalogue_titles(page, live_server) -> list[str]:
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="Courses", exact=True).wait_for()
    return page.locator(".course-card h2").all_inner_texts()


def lesson_titles(page, live_server, course) -> list[str]:
    page.goto(f"{live_server.url}/courses/{course.slug}/")
    return page.locator(".lesson-title").all_inner_texts()


def notice(page) -> str:
    return page.get_by_role("complementary", name="About this course").inner_text()


def test_a_derived_text_stays_apart_until_its_course_is_published(browser, live_server, course):
    shipped = Course.objects.get(slug="leiomyosarcoma")
    educator = UserFactory(username="edna", is_staff=True)
    educator.groups.add(Group.objects.get(name="Educators"))
    UserFactory(username="sam")
    instructors, _ = Group.objects.get_or_create(name="Instructors")
    instructors.permissions.add(Permission.objects.get(codename="view_cohort_reports"))
    instructor = UserFactory(username="ivan", is_staff=True)
    instructor.groups.add(instructors)

    student = new_page(browser)
    sign_in(student, live_server, "sam", PASSWORD)
    assert catalogue_titles(student, live_server) == [shipped.title]
    lessons_before = lesson_titles(student, live_server, shipped)
    assert len(lessons_before) >= 5

    # The educator derives a new short text: it goes into a new draft course.
    page = new_page(browser)
    admin_sign_in(page, live_server, "edna")
    page.goto(f"{live_server.url}/admin/lessons/derivation/add/")
    page.get_by_label("Title").fill("Tides")
    page.locator("textarea[name=text]").fill(TIDES)
    page.get_by_role("button", name="Derive lessons and questions").click()
    page.get_by_role("status").get_by_text("Done").wait_for()
    record = Derivation.objects.get()
    tides = record.course
    assert tides.title == "Tides" and not tides.is_published
    assert not tides.lessons.filter(published=True).exists()

    cohort = Cohort.objects.create(name="Both courses")
    cohort.instructors.add(instructor)
    cohort.courses.add(shipped, tides)

    # Nothing of it reaches the student: not in the catalogue, not at its address.
    assert catalogue_titles(student, live_server) == [shipped.title]
    response = student.goto(f"{live_server.url}/courses/{tides.slug}/")
    assert response.status == 404
    derived_lesson = tides.lessons.get()
    response = student.goto(f"{live_server.url}/lessons/{derived_lesson.slug}/")
    assert response.status == 404
    # The console reports the two 404s asked for; anything after them is a fault.
    assert len(student.js_errors) == 2 and all("404" in e for e in student.js_errors)
    student.js_errors.clear()

    # The educator publishes two drafts: their lesson is published, in a draft course.
    drafts = Question.objects.filter(derivation=record).order_by("position", "pk")
    page.get_by_role("link", name=f"Review the {drafts.count()} draft questions").click()
    chosen = list(drafts[:2])
    for question in chosen:
        page.get_by_label(f"Publish question {question.pk}", exact=True).check()
    page.get_by_role("button", name="Publish selected").first.click()
    page.get_by_text("Published 2 question(s)").wait_for()
    page.get_by_text("“Tides” is a draft course").wait_for()
    assert catalogue_titles(student, live_server) == [shipped.title]

    # Its own notice, then the "Publish course" action on the course list.
    page.goto(f"{live_server.url}/admin/lessons/course/{tides.pk}/change/")
    page.get_by_label("Notice").fill(TIDES_NOTICE)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    page.goto(f"{live_server.url}/admin/lessons/course/")
    page.get_by_role("checkbox", name="Select this object for an action - Tides").check()
    page.locator("select[name=action]").select_option(label="Publish course")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    page.get_by_text("“Tides” is published").wait_for()
    screenshot(page, "courses-published")

    # The student sees two courses, each with its own lessons and notice.
    assert sorted(catalogue_titles(student, live_server)) == sorted([shipped.title, "Tides"])
    assert lesson_titles(student, live_server, shipped) == lessons_before
    assert notice(student).startswith("Educational content, not medical advice.")
    assert lesson_titles(student, live_server, tides) == [derived_lesson.title]
    assert notice(student) == TIDES_NOTICE
    assert not set(lessons_before) & {derived_lesson.title}
    screenshot(student, "courses-second-course")
    student.goto(f"{live_server.url}/lessons/{derived_lesson.slug}/")
    assert notice(student) == TIDES_NOTICE

    # The instructor of the cohort that follows both can pick either.
    teacher = new_page(browser)
    sign_in(teacher, live_server, "ivan", PASSWORD)
    teacher.goto(f"{live_server.url}/instructor/cohorts/{cohort.pk}/")
    options = teacher.get_by_role("combobox", name="Course").locator("option").all_inner_texts()
    assert sorted(options) == sorted([shipped.title, "Tides"])
    teacher.get_by_role("combobox", name="Course").select_option(label="Tides")
    teacher.get_by_role("button", name="Show course").click()
    teacher.get_by_role("heading", name="Both courses Tides").wait_for()

    for opened in (student, page, teacher):
        assert not opened.js_errors, opened.js_errors
        opened.context.close()
