"""services.response_record, called directly: the one path every quiz answer takes."""

from datetime import timedelta

import pytest

from lessons import selectors, services
from lessons.models import Attempt, LessonScore, Question, Response, ReviewCard
from tests.factories import LessonFactory, QuestionFactory, UserFactory


@pytest.fixture
def lesson(db):
    lesson = LessonFactory()
    for position in range(2):
        QuestionFactory(lesson=lesson, position=position)
    QuestionFactory(lesson=lesson, status=Question.Status.DRAFT)  # never asked
    return lesson


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def attempt(learner, lesson):
    attempt, _ = services.attempt_start(learner=learner, lesson=lesson)
    return attempt


def choice(question_id, *, right):
    data = selectors.question_data(question_id)
    return str(next(c.id for c in data.choices if c.is_correct == right))


def record(learner, attempt, question_id, **given):
    return services.response_record(
        learner=learner,
        attempt_id=attempt.pk,
        question_id=question_id,
        time_taken=timedelta(seconds=7),
        **given,
    )


def test_an_answer_returns_its_feedback_and_the_attempt_as_it_stands(learner, attempt):
    first, second = attempt.question_ids
    recorded = record(learner, attempt, first, choice_values=[choice(first, right=False)])
    assert recorded.created
    assert recorded.result.is_correct is False
    assert recorded.question.id == first
    assert recorded.response == Response.objects.get(attempt=attempt, question_id=first)
    assert (recorded.attempt.answered_count, recorded.attempt.correct_count) == (1, 0)
    assert not recorded.attempt.is_finished

    last = record(learner, attempt, second, choice_values=[choice(second, right=True)])
    stored = Attempt.objects.get(pk=attempt.pk)
    for state in (last.attempt, stored):
        assert (state.answered_count, state.correct_count) == (2, 1)
        assert state.is_finished and state.score == 0.5
    assert last.attempt.finished_at == stored.finished_at
    # The caller's object is the caller's: the new state is in the result.
    assert attempt.answered_count == 0 and not attempt.is_finished


@pytest.mark.parametrize(
    "replayed",
    [
        {"right": True},  # a different, valid answer from a second tab
        {"right": False},  # the same answer again (a double click)
        {},  # the back button's empty form: not even a valid answer
    ],
    ids=["different", "same", "empty"],
)
def test_a_replayed_answer_returns_the_first_answers_result_and_counts_once(
    learner, attempt, replayed
):
    first = attempt.question_ids[0]
    original = record(learner, attempt, first, choice_values=[choice(first, right=False)])
    given = {"choice_values": [choice(first, **replayed)]} if replayed else {}
    replay = record(learner, attempt, first, **given)

    assert replay.created is False
    assert replay.response.pk == original.response.pk
    assert replay.result == original.result and replay.result.is_correct is False
    assert (replay.attempt.answered_count, replay.attempt.correct_count) == (1, 0)
    assert Response.objects.filter(attempt=attempt).count() == 1
    stored = Attempt.objects.get(pk=attempt.pk)
    assert (stored.answered_count, stored.correct_count) == (1, 0)
    assert ReviewCard.objects.get(learner=learner, question_id=first).reviews == 1


def test_a_replay_shows_the_question_as_it_stood_when_answered(learner, attempt):
    first = attempt.question_ids[0]
    record(learner, attempt, first, choice_values=[choice(first, right=True)])
    question = Question.objects.get(pk=first)
    question.prompt = "Reworded after the answer"
    question.save()
    services.lesson_content_changed(lesson_id=question.lesson_id)

    replay = record(learner, attempt, first, choice_values=[choice(first, right=True)])
    assert replay.question.prompt != "Reworded after the answer"
    assert replay.result.is_correct


def test_the_service_refuses_a_question_not_in_the_attempt(learner, attempt, lesson):
    draft = lesson.questions.get(status=Question.Status.DRAFT)
    elsewhere = QuestionFactory()  # another lesson's
    for question in (draft, elsewhere):
        with pytest.raises(services.NotInAttempt) as refused:
            record(learner, attempt, question.pk, choice_values=[choice(question.pk, right=True)])
        assert refused.value.status == 404
        assert "not part of this attempt" in str(refused.value)
    assert not Response.objects.exists()
    assert not ReviewCard.objects.exists()


def test_the_service_refuses_another_learners_attempt(attempt):
    first = attempt.question_ids[0]
    with pytest.raises(services.AttemptNotFound) as refused:
        record(UserFactory(), attempt, first, choice_values=[choice(first, right=True)])
    assert refused.value.status == 404
    assert not Response.objects.exists()


def test_a_bad_answer_is_refused_with_what_the_form_needs_to_show_it_again(learner, attempt):
    first = attempt.question_ids[0]
    for given in ({}, {"choice_values": ["abc"]}, {"choice_values": ["999999"]}):
        with pytest.raises(services.AnswerRefused) as refused:
            record(learner, attempt, first, **given)
        assert refused.value.status == 400
        assert refused.value.attempt.pk == attempt.pk
        assert refused.value.question.id == first
    assert not Response.objects.exists()


def test_an_answer_to_a_finished_attempt_is_refused(learner, attempt, lesson):
    first, second = attempt.question_ids
    record(learner, attempt, first, choice_values=[choice(first, right=True)])
    record(learner, attempt, second, choice_values=[choice(second, right=True)])
    Response.objects.filter(question_id=first).delete()  # as if unanswered

    with pytest.raises(services.AttemptFinished) as refused:
        record(learner, attempt, first, choice_values=[choice(first, right=True)])
    assert refused.value.status == 409
    assert LessonScore.objects.get(learner=learner, lesson=lesson).attempts == 1


def test_a_withdrawn_question_is_refused_with_the_attempt_to_go_on_with(learner, attempt):
    first = attempt.question_ids[0]
    services.questions_unpublish(questions=[Question.objects.get(pk=first)])
    with pytest.raises(services.QuestionWithdrawn) as refused:
        record(learner, attempt, first, choice_values=[choice(first, right=True)])
    assert refused.value.attempt.pk == attempt.pk
    assert not Response.objects.exists()
