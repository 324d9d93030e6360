import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lessons.models import AcceptedAnswer, Attempt, Choice, Question, Response
from tests.factories import (
    LessonFactory,
    QuestionFactory,
    SentenceFactory,
    UserFactory,
    version_now,
)

pytestmark = pytest.mark.django_db


def choices(question, *spec):
    return [Choice(question=question, text=text, is_correct=correct) for text, correct in spec]


def test_a_valid_single_choice_question_passes(db):
    QuestionFactory().full_clean_with_answers()


@pytest.mark.parametrize("kind", [Question.Kind.SINGLE_CHOICE, Question.Kind.TRUE_FALSE])
def test_one_correct_kinds_refuse_two_correct_choices(kind):
    question = QuestionFactory.build(kind=kind)
    with pytest.raises(ValidationError, match="exactly one correct choice \\(it has 2\\)"):
        question.clean_choices(choices(question, ("True", True), ("False", True)))


def test_single_choice_refuses_no_correct_choice():
    question = QuestionFactory.build()
    with pytest.raises(ValidationError, match="exactly one correct choice \\(it has 0\\)"):
        question.clean_choices(choices(question, ("A", False), ("B", False)))


def test_multiple_answer_needs_at_least_one_correct_choice():
    question = QuestionFactory.build(kind=Question.Kind.MULTIPLE_ANSWER)
    with pytest.raises(ValidationError, match="at least one correct"):
        question.clean_choices(choices(question, ("A", False), ("B", False), ("C", False)))
    question.clean_choices(choices(question, ("A", True), ("B", True), ("C", False)))


def test_choice_questions_need_at_least_two_choices():
    question = QuestionFactory.build()
    with pytest.raises(ValidationError, match="at least two choices"):
        question.clean_choices(choices(question, ("Only one", True)))


def test_true_false_has_exactly_two_choices():
    question = QuestionFactory.build(kind=Question.Kind.TRUE_FALSE)
    with pytest.raises(ValidationError, match="exactly two choices"):
        question.clean_choices(
            choices(question, ("True", True), ("False", False), ("Maybe", False))
        )


def test_fill_in_the_blank_needs_an_accepted_answer_and_one_blank():
    question = QuestionFactory.build(kind=Question.Kind.FILL_BLANK, prompt="Smooth muscle is ____.")
    with pytest.raises(ValidationError, match="at least one accepted answer"):
        question.clean_accepted_answers([])
    question.clean_accepted_answers([AcceptedAnswer(question=question, text="involuntary")])

    two_blanks = QuestionFactory(
        kind=Question.Kind.FILL_BLANK, prompt="____ muscle is ____.", answers=False
    )
    with pytest.raises(ValidationError) as error:
        two_blanks.full_clean()
    assert "exactly one blank" in str(error.value.message_dict["prompt"])


def test_a_published_derived_question_needs_an_explanation_and_provenance():
    question = QuestionFactory(explanation="", provenance=None, origin=Question.Origin.DERIVED)
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert set(error.value.message_dict) == {"explanation", "provenance"}

    question.status = Question.Status.DRAFT
    question.full_clean()  # a draft may be incomplete


def test_the_highlight_must_be_words_of_the_provenance_sentence():
    question = QuestionFactory(highlight="skeletal muscles")
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "highlight" in error.value.message_dict
    question.highlight = "involuntary muscles"
    question.full_clean()


def test_provenance_must_come_from_the_lessons_source():
    question = QuestionFactory()
    question.provenance = SentenceFactory()  # another source
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "provenance" in error.value.message_dict


def test_one_response_per_question_per_attempt():
    question = QuestionFactory()
    attempt = Attempt.objects.create(learner=UserFactory(), lesson=question.lesson)
    version = version_now(question)
    Response.objects.create(
        attempt=attempt,
        question=question,
        question_version=version,
        answer={"choices": []},
        is_correct=False,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            attempt=attempt,
            question=question,
            question_version=version,
            answer={"choices": []},
            is_correct=True,
        )
    assert Response.objects.get().is_correct is False


def test_one_unfinished_attempt_per_learner_and_lesson():
    learner, lesson = UserFactory(), LessonFactory()
    first = Attempt.objects.create(learner=learner, lesson=lesson)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(learner=learner, lesson=lesson)

    first.finished_at = first.started_at
    first.score = 0.5
    first.save()
    Attempt.objects.create(learner=learner, lesson=lesson)  # a new one once the first is finished
    assert Attempt.objects.filter(learner=learner, lesson=lesson).count() == 2


def test_attempt_score_stays_between_zero_and_one():
    attempt = Attempt.objects.create(learner=UserFactory(), lesson=LessonFactory())
    attempt.score = 1.5
    with pytest.raises(IntegrityError), transaction.atomic():
        attempt.save()


def test_source_checksum_follows_its_text():
    lesson = LessonFactory()
    source = lesson.source
    before = source.checksum
    source.text += " More."
    source.save()
    assert source.checksum != before
    assert len(source.checksum) == 64


def test_past_activity_keeps_the_times_it_is_given_and_new_activity_is_stamped_now():
    from datetime import timedelta

    from django.utils import timezone

    learner, lesson = UserFactory(), LessonFactory()
    question = QuestionFactory(lesson=lesson)
    past = timezone.now() - timedelta(days=30)
    (attempt,) = Attempt.objects.bulk_create(
        [
            Attempt(
                learner=learner, lesson=lesson, question_ids=[question.pk], seed=1, started_at=past
            )
        ]
    )
    (response,) = Response.objects.bulk_create(
        [
            Response(
                attempt=attempt,
                question=question,
                question_version=version_now(question),
                answer={},
                is_correct=False,
                answered_at=past,
            )
        ]
    )
    attempt.refresh_from_db()
    response.refresh_from_db()
    assert (attempt.started_at, response.answered_at) == (past, past)
    fresh = Attempt.objects.create(learner=UserFactory(), lesson=lesson, question_ids=[], seed=2)
    assert timezone.now() - fresh.started_at < timedelta(minutes=1)


def test_the_admin_shows_an_attempts_start_read_only(client):
    from django.urls import reverse

    attempt = Attempt.objects.create(
        learner=UserFactory(), lesson=LessonFactory(), question_ids=[], seed=1
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:lessons_attempt_change", args=[attempt.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="started_at' not in page.content.decode()
    assert client.post(url, {"started_at_0": "2020-01-01"}).status_code == 403
