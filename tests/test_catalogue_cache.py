"""The catalogue's published lessons are kept per content version (issue
16.6): every change an educator makes shows on the next request, and a
learner's pages read them without a query while nothing changed."""

from unittest import mock

from django.urls import reverse
from django.utils import timezone

from lessons import services
from lessons.models import LessonSentence, Question
from tests.factories import (
    CourseFactory,
    LessonFactory,
    QuestionFactory,
    SentenceFactory,
    SourceFactory,
    UserFactory,
)


def catalogue_html(client) -> str:
    return client.get("/").content.decode()


def course_html(client, lesson) -> str:
    page = reverse("lessons:course_detail", args=[lesson.course.slug])
    return client.get(page).content.decode()


def test_a_new_or_edited_lesson_shows_at_once(client, db):
    client.force_login(UserFactory())
    lesson = LessonFactory(title="First title")
    assert "First title" in course_html(client, lesson)
    lesson.title = "Second title"
    lesson.save()
    html = course_html(client, lesson)
    assert "Second title" in html and "First title" not in html
    LessonFactory(course=lesson.course, source=lesson.source, title="Another lesson")
    assert "Another lesson" in course_html(client, lesson)
    lesson.course.title = "Renamed course"
    lesson.course.save()
    assert "Renamed course" in catalogue_html(client)


def test_an_unpublished_course_or_lesson_leaves_at_once(client, db):
    lesson = LessonFactory(title="Leaving lesson")
    LessonFactory(title="Staying lesson", course=lesson.course, source=lesson.source)
    leaving = CourseFactory(title="Leaving course")
    other = LessonFactory(course=leaving, source=SourceFactory(course=leaving))
    assert "Leaving lesson" in course_html(client, lesson)
    lesson.published = False
    lesson.save()
    html = course_html(client, lesson)
    assert "Leaving lesson" not in html and "Staying lesson" in html
    assert "Leaving course" in catalogue_html(client)
    services.course_unpublish(course=other.course)
    assert "Leaving course" not in catalogue_html(client)


def test_publishing_or_unpublishing_questions_changes_the_count_at_once(client, db):
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson)
    page = reverse("lessons:course_detail", args=[lesson.course.slug])
    assert "1 question" in client.get(page).content.decode()
    services.questions_unpublish(questions=[question])
    assert "1 question" not in client.get(page).content.decode()
    services.questions_publish(questions=[Question.objects.get(pk=question.pk)])
    assert "1 question" in client.get(page).content.decode()


def test_a_deleted_lesson_leaves_at_once(client, db):
    lesson = LessonFactory(title="Deleted lesson")
    LessonFactory(title="Kept lesson", course=lesson.course, source=lesson.source)
    assert "Deleted lesson" in course_html(client, lesson)
    lesson.delete()
    html = course_html(client, lesson)
    assert "Deleted lesson" not in html and "Kept lesson" in html


def test_while_nothing_changes_the_catalogue_is_not_read_again(
    client, db, django_assert_num_queries
):
    LessonFactory()
    client.force_login(UserFactory())
    client.get("/")
    with django_assert_num_queries(3):  # session, user, the learner's scores and cards
        client.get("/")


def test_a_lessons_reading_shows_an_edit_at_once_and_is_not_read_again(
    client, db, django_assert_max_num_queries
):
    lesson = LessonFactory()
    sentence = SentenceFactory(source=lesson.source, text="The first wording.")
    LessonSentence.objects.create(lesson=lesson, sentence=sentence, position=0)
    page = reverse("lessons:lesson_detail", args=[lesson.slug])
    assert "The first wording." in client.get(page).content.decode()
    with django_assert_max_num_queries(0):  # a visitor: the reading is kept
        client.get(page)
    sentence.text = "The second wording."
    sentence.save()
    html = client.get(page).content.decode()
    assert "The second wording." in html and "The first wording." not in html
    lesson.published = False
    lesson.save()
    assert client.get(page).status_code == 404


def test_the_score_chart_is_drawn_once_per_history_and_anew_after_an_attempt(db):
    from lessons import charts
    from lessons.models import Attempt
    from tests.factories import AttemptFactory

    charts._drawn.clear()
    learner = UserFactory()
    lesson = LessonFactory(title="Charted lesson")
    now = timezone.now()
    AttemptFactory(learner=learner, lesson=lesson, score=0.5, finished_at=now)
    history = lambda: list(Attempt.objects.filter(learner=learner).select_related("lesson"))  # noqa: E731
    with mock.patch.object(charts, "_draw_score_history", wraps=charts._draw_score_history) as draw:
        first = charts.score_history_svg(history())
        assert charts.score_history_svg(history()) == first
        AttemptFactory(learner=learner, lesson=lesson, score=1.0, finished_at=now)
        second = charts.score_history_svg(history())
    assert draw.call_count == 2
    assert "2 finished attempts" in second and "1 finished attempts" in first
