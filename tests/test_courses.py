"""Courses keep texts apart: a draft course is invisible to students, deriving
a text makes (or adds to) a draft course, publishing drafts stays inside their
own course, and a course is published only when it is ready."""

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from lessons import selectors, services
from lessons.derive import derive
from lessons.derive.services import CourseNotDraft, derivation_store, drafts_publish
from lessons.models import Cohort, Course, Derivation, Lesson, Question, ReviewCard
from tests.conftest import SHIPPED_COURSE
from tests.factories import (
    CourseFactory,
    LessonFactory,
    QuestionFactory,
    SourceFactory,
)

SHIPPED = Path(__file__).resolve().parent.parent / "fixtures" / "leiomyosarcoma.txt"
NOTICE = "Educational content, not medical advice."
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def derived():
    return derive(SHIPPED.read_text(encoding="utf-8"), title="A second text")


@pytest.fixture
def draft_course(db):
    """A draft course whose lesson and question are published: ready, not live."""
    course = CourseFactory(title="Work in progress", slug="wip", status=Course.Status.DRAFT)
    lesson = LessonFactory(
        source=SourceFactory(course=course), title="Hidden lesson", slug="hidden-lesson"
    )
    QuestionFactory(lesson=lesson, prompt="A question of the draft course?")
    return course


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def shipped_lessons():
    return list(
        Lesson.objects.filter(course__slug=SHIPPED_COURSE)
        .order_by("pk")
        .values_list("pk", "position", "published")
    )


# ------------------------------------------------------------------ students


def test_the_home_page_lists_only_published_courses_under_their_titles(
    client, course, draft_course
):
    html = client.get("/").content.decode()
    assert "Hidden lesson" not in html and "Work in progress" not in html
    shipped = Course.objects.get(slug=SHIPPED_COURSE)
    assert f">{shipped.title}</a></h2>" in html
    assert draft_course.title not in html
    # The course's notice is on its own pages.
    course_page = client.get(reverse("lessons:course_detail", args=[shipped.slug]))
    assert NOTICE in course_page.content.decode()


def test_a_lesson_of_a_draft_course_is_404_to_students(student_client, draft_course):
    lesson = draft_course.lessons.get()
    assert student_client.get(lesson.get_absolute_url()).status_code == 404
    start = student_client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    assert start.status_code == 404
    assert not lesson.attempts.exists()


def test_an_attempt_in_a_course_taken_back_to_draft_is_404(student_client, student):
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson)
    attempt, _ = services.attempt_start(learner=student, lesson=lesson)
    services.course_unpublish(course=lesson.course)
    assert (
        student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).status_code == 404
    )
    answer = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        {"choice": question.choices.filter(is_correct=True).get().pk},
    )
    assert answer.status_code == 404
    assert not attempt.responses.exists()


def test_the_review_queue_holds_nothing_of_a_draft_course(student_client, student, draft_course):
    question = Question.objects.get(lesson__course=draft_course)
    card = ReviewCard.objects.create(
        learner=student, question=question, due=timezone.now(), reviews=1
    )
    assert selectors.review_queue(learner=student, now=timezone.now()).card is None
    page = student_client.get(reverse("lessons:review"))
    assert question.prompt not in page.content.decode()
    answer = student_client.post(
        reverse("lessons:review_answer", args=[question.pk]),
        {"choice": question.choices.filter(is_correct=True).get().pk, "card_review_number": "1"},
    )
    assert answer.status_code == 404
    card.refresh_from_db()
    assert card.reviews == 1

    services.course_publish(course=draft_course)
    assert selectors.review_queue(learner=student, now=timezone.now()).card == card


def test_a_courses_notice_shows_on_its_pages_and_only_there(client, course):
    plain = LessonFactory(course=CourseFactory(notice=""), title="Plain lesson")
    QuestionFactory(lesson=plain)
    assert NOTICE not in client.get(plain.get_absolute_url()).content.decode()
    shipped = Lesson.objects.published().filter(course__slug=SHIPPED_COURSE).first()
    assert NOTICE in client.get(shipped.get_absolute_url()).content.decode()


def test_the_lesson_queryset_requires_a_published_course(draft_course):
    assert not Lesson.objects.published().filter(course=draft_course).exists()
    assert Course.objects.published().filter(pk=draft_course.pk).count() == 0
    draft_course.status = Course.Status.PUBLISHED
    draft_course.save()
    assert Lesson.objects.published().filter(course=draft_course).exists()


# ------------------------------------------------------------------ deriving


def test_deriving_a_text_makes_a_draft_course_of_its_own(derived, course):
    before = shipped_lessons()
    source = derivation_store(derivation=derived, title="A second text")
    assert source.course.title == "A second text"
    assert source.course.status == Course.Status.DRAFT
    assert set(source.lessons.values_list("course", flat=True)) == {source.course_id}
    positions = list(source.course.lessons.order_by("position").values_list("position", flat=True))
    assert positions == list(range(len(derived.lessons)))
    assert shipped_lessons() == before


def test_deriving_into_a_picked_draft_course_goes_after_its_lessons(derived, draft_course):
    existing = draft_course.lessons.get()
    existing.position = 7
    existing.save()
    source = derivation_store(derivation=derived, title="More", course=draft_course)
    assert source.course == draft_course
    new_positions = sorted(source.lessons.values_list("position", flat=True))
    assert new_positions == list(range(8, 8 + len(derived.lessons)))


def test_deriving_into_a_published_course_is_refused(derived, course):
    shipped = Course.objects.get(slug=SHIPPED_COURSE)
    before = shipped_lessons()
    with pytest.raises(CourseNotDraft):
        derivation_store(derivation=derived, title="Leak", course=shipped)
    assert shipped_lessons() == before


def test_publishing_drafts_stays_in_their_course_and_keeps_it_hidden(client, derived, course):
    before = shipped_lessons()
    home_before = main_of(client.get("/"))
    source = derivation_store(derivation=derived, title="A second text")
    drafts = Question.objects.filter(lesson__source=source)
    result = drafts_publish(question_ids=drafts.values_list("pk", flat=True))
    assert result.published and result.lessons
    assert result.draft_courses == ("A second text",)
    assert shipped_lessons() == before
    assert source.lessons.filter(published=True).exists()
    # Published lessons of a draft course: still nothing new for students.
    assert main_of(client.get("/")) == home_before
    lesson = source.lessons.filter(published=True).first()
    assert client.get(lesson.get_absolute_url()).status_code == 404


# ------------------------------------------------------------------ the admin


@pytest.fixture
def edu_client(client, educator):
    client.force_login(educator)
    return client


def publish_action(client, course):
    return client.post(
        reverse("admin:lessons_course_changelist"),
        {"action": "publish_course", "_selected_action": [course.pk], "index": "0"},
        follow=True,
    )


def test_publishing_a_course_that_is_not_ready_says_what_is_missing(edu_client, draft_course):
    empty = LessonFactory(course=draft_course, title="Empty lesson", source=SourceFactory())
    unexplained = QuestionFactory(lesson=draft_course.lessons.first(), explanation="")
    Question.objects.filter(pk=unexplained.pk).update(status=Question.Status.PUBLISHED)
    LessonFactory(course=draft_course, title="Unpublished lesson", published=False)

    response = publish_action(edu_client, draft_course)
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "is not published" in text
    assert f"Lesson “{empty.title}” has no published question." in text
    assert f"Published question {unexplained.pk}" in text and "has no explanation" in text
    assert "Unpublished lesson" not in text  # hidden anyway: not in the way
    draft_course.refresh_from_db()
    assert draft_course.status == Course.Status.DRAFT

    empty.delete()
    unexplained.explanation = "Now explained."
    unexplained.save()
    response = publish_action(edu_client, draft_course)
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "is published" in said
    # No cohort follows it yet: the educator hears that instructors cannot see it,
    # and, not being able to change cohorts, whom to ask.
    assert "No cohort follows it yet" in said
    assert "ask an administrator to add it to a cohort's courses" in said
    draft_course.refresh_from_db()
    assert draft_course.status == Course.Status.PUBLISHED

    services.course_unpublish(course=draft_course)
    Cohort.objects.create(name="Spring").courses.add(draft_course)
    response = publish_action(edu_client, draft_course)
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "is published" in said and "No cohort follows" not in said


def test_a_course_without_a_published_lesson_is_not_ready():
    course = CourseFactory(status=Course.Status.DRAFT)
    assert course.publication_problems() == ["The course has no published lesson."]
    with pytest.raises(services.CourseNotReady):
        services.course_publish(course=course)


def test_the_course_status_changes_only_through_the_checked_actions(edu_client, draft_course):
    url = reverse("admin:lessons_course_change", args=[draft_course.pk])
    edu_client.post(
        url, {"title": "Renamed", "slug": "wip", "status": "published", "notice": "", "authors": ""}
    )
    draft_course.refresh_from_db()
    assert (draft_course.title, draft_course.status) == ("Renamed", Course.Status.DRAFT)


def test_the_derive_form_adds_to_a_picked_draft_course(edu_client, draft_course, course):
    page = edu_client.get(reverse("admin:lessons_derivation_add")).content.decode()
    assert "Work in progress" in page
    assert "Leiomyosarcoma</option>" not in page  # published courses are not offered
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = edu_client.post(
            reverse("admin:lessons_derivation_add"),
            {"title": "Second part", "text": SHIPPED.read_text(), "course": draft_course.pk},
        )
    assert response.status_code == 302
    record = Derivation.objects.get()
    assert record.status == "done" and record.course == draft_course
    assert record.source.course == draft_course
    assert draft_course.lessons.count() == 1 + record.lesson_count


def test_the_lesson_and_question_lists_filter_by_course(edu_client, draft_course, course):
    lessons = edu_client.get(
        reverse("admin:lessons_lesson_changelist"), {"course__id__exact": draft_course.pk}
    ).content.decode()
    assert "Hidden lesson" in lessons and "What leiomyosarcoma is" not in lessons
    questions = edu_client.get(
        reverse("admin:lessons_question_changelist"),
        {"lesson__course__id__exact": draft_course.pk},
    ).content.decode()
    assert "A question of the draft course?" in questions
    assert "Select all that apply" not in questions


def test_staff_still_preview_a_draft_courses_question(edu_client, draft_course):
    question = Question.objects.get(lesson__course=draft_course)
    page = edu_client.get(reverse("admin:lessons_question_preview", args=[question.pk]))
    assert page.status_code == 200
    assert question.prompt in page.content.decode()


def test_a_lesson_cannot_take_a_source_of_another_course(draft_course):
    lesson = LessonFactory()
    lesson.source = draft_course.sources.get()
    with pytest.raises(ValidationError, match="another course"):
        lesson.full_clean()
