"""One rule for what a student can reach: a published question of a published
lesson of a published course. An attempt or a review card outside it is a 404,
as its lesson is; the learner's record of it stays, and comes back with it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons import selectors, services
from lessons.models import Attempt, Course, Question, ReviewCard
from tests.factories import LessonFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def unpublish(lesson) -> None:
    lesson.published = False
    lesson.save(update_fields=["published"])


def right_choice(question: Question) -> dict:
    return {"choice": question.choices.filter(is_correct=True).get().pk}


@pytest.fixture
def lesson(db):
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson)
    QuestionFactory(lesson=lesson)
    return lesson


def test_the_querysets_require_question_lesson_and_course_published(student, lesson):
    question = lesson.questions.first()
    attempt, _ = services.attempt_start(learner=student, lesson=lesson)
    card = ReviewCard.objects.create(learner=student, question=question, due=timezone.now())
    assert Question.objects.live().filter(lesson=lesson).count() == 2
    assert list(Attempt.objects.reachable()) == [attempt]
    assert list(ReviewCard.objects.reachable()) == [card]

    Question.objects.filter(pk=question.pk).update(status=Question.Status.DRAFT)
    assert Question.objects.live().filter(lesson=lesson).count() == 1
    assert not ReviewCard.objects.reachable().exists()
    Question.objects.filter(pk=question.pk).update(status=Question.Status.PUBLISHED)

    unpublish(lesson)
    assert not Question.objects.live().filter(lesson=lesson).exists()
    assert not Attempt.objects.reachable().exists()
    assert not ReviewCard.objects.reachable().exists()

    lesson.published = True
    lesson.save(update_fields=["published"])
    Course.objects.filter(pk=lesson.course_id).update(status=Course.Status.DRAFT)
    assert not Question.objects.live().filter(lesson=lesson).exists()
    assert not Attempt.objects.reachable().exists()
    assert not ReviewCard.objects.reachable().exists()


def test_an_attempt_in_an_unpublished_lesson_is_404_and_refuses_answers(
    student_client, student, lesson
):
    question = lesson.questions.first()
    attempt, _ = services.attempt_start(learner=student, lesson=lesson)
    detail = reverse("lessons:attempt_detail", args=[attempt.pk])
    assert student_client.get(detail).status_code == 200
    unpublish(lesson)

    assert student_client.get(lesson.get_absolute_url()).status_code == 404
    assert student_client.get(detail).status_code == 404
    answer = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]), right_choice(question)
    )
    assert answer.status_code == 404
    htmx = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        right_choice(question),
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 404
    with pytest.raises(services.AttemptNotFound):
        services.response_record(
            learner=student,
            attempt_id=attempt.pk,
            question_id=question.pk,
            choice_values=[str(question.choices.filter(is_correct=True).get().pk)],
            time_taken=None,
        )
    assert not attempt.responses.exists()
    results = reverse("lessons:attempt_results", args=[attempt.pk])
    assert student_client.get(results).status_code == 404

    # The record stays: published again, the attempt goes on where it stopped.
    lesson.published = True
    lesson.save(update_fields=["published"])
    assert student_client.get(detail).status_code == 200


def test_a_review_card_of_an_unpublished_lesson_is_not_served(student_client, student, lesson):
    question = lesson.questions.first()
    card = ReviewCard.objects.create(
        learner=student, question=question, due=timezone.now(), reviews=1
    )
    assert selectors.review_queue(learner=student, now=timezone.now()).card == card
    unpublish(lesson)

    assert selectors.review_queue(learner=student, now=timezone.now()).card is None
    page = student_client.get(reverse("lessons:review"))
    assert question.prompt not in page.content.decode()
    answer = student_client.post(
        reverse("lessons:review_answer", args=[question.pk]),
        right_choice(question) | {"card_review_number": "1"},
    )
    assert answer.status_code == 404
    card.refresh_from_db()
    assert card.reviews == 1


def test_an_unpublished_lessons_attempts_leave_the_score_history(student, lesson):
    attempt, _ = services.attempt_start(learner=student, lesson=lesson)
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=timezone.now(), score=1.0)
    assert selectors.score_history(learner=student) == [attempt]
    unpublish(lesson)
    assert selectors.score_history(learner=student) == []
    assert Attempt.objects.filter(pk=attempt.pk).exists()
