from datetime import timedelta

import fsrs
import pytest
from django.utils import timezone

from lessons import scheduling
from lessons.grading import (
    ChoiceData,
    InvalidAnswer,
    QuestionData,
    Submission,
    grade,
    parse_submission,
)
from lessons.models import Question

SINGLE = QuestionData(
    id=1,
    kind=Question.Kind.SINGLE_CHOICE,
    choices=(ChoiceData(10, "Involuntary", True), ChoiceData(11, "Voluntary", False)),
)
MULTIPLE = QuestionData(
    id=2,
    kind=Question.Kind.MULTIPLE_ANSWER,
    choices=(
        ChoiceData(20, "Uterus", True),
        ChoiceData(21, "Skin", True),
        ChoiceData(22, "Bone marrow", False),
    ),
)
BLANK = QuestionData(id=3, kind=Question.Kind.FILL_BLANK, accepted_answers=("LMS", "5–10%"))


def submit(question, *values, text=None):
    return parse_submission(question, choice_values=list(values), text=text)


def test_single_choice_is_right_only_with_the_correct_choice():
    assert grade(SINGLE, submit(SINGLE, "10")).is_correct
    result = grade(SINGLE, submit(SINGLE, "11"))
    assert not result.is_correct
    assert result.correct_choice_ids == {10}


def test_multiple_answer_needs_exactly_the_correct_set():
    assert grade(MULTIPLE, submit(MULTIPLE, "20", "21")).is_correct
    assert not grade(MULTIPLE, submit(MULTIPLE, "20")).is_correct
    assert not grade(MULTIPLE, submit(MULTIPLE, "20", "21", "22")).is_correct


@pytest.mark.parametrize("typed", ["lms", " LMS. ", "L.M.S", "5-10%", "5 – 10 %", "5—10%"])
def test_fill_in_the_blank_accepts_variants_of_case_spacing_punctuation_and_dashes(typed):
    assert grade(BLANK, submit(BLANK, text=typed)).is_correct


def test_fill_in_the_blank_refuses_a_different_answer():
    result = grade(BLANK, submit(BLANK, text="leiomyoma"))
    assert not result.is_correct
    assert result.accepted_answer == "LMS"


@pytest.mark.parametrize(
    ("question", "values", "text", "message"),
    [
        (SINGLE, [], None, "Choose an answer"),
        (SINGLE, ["abc"], None, "not one of this question's choices"),
        (SINGLE, ["99"], None, "not one of this question's choices"),
        (SINGLE, ["10", "11"], None, "exactly one"),
        (BLANK, [], "   ", "Type an answer"),
        (BLANK, [], "x" * 501, "too long"),
        (BLANK, [], "LMS\x00", "cannot be stored"),
    ],
)
def test_submissions_that_cannot_be_answers_are_refused(question, values, text, message):
    with pytest.raises(InvalidAnswer, match=message):
        parse_submission(question, choice_values=values, text=text)


def test_submission_round_trips_through_json():
    submission = Submission(choice_ids=frozenset({21, 20}))
    assert submission.as_json() == {"choices": [20, 21]}
    assert Submission.from_json(submission.as_json()) == submission


@pytest.mark.parametrize(
    ("is_correct", "seconds", "rating"),
    [
        (False, 3, fsrs.Rating.Again),
        (True, 3, fsrs.Rating.Easy),
        (True, 15, fsrs.Rating.Good),
        (True, 45, fsrs.Rating.Hard),
        (True, None, fsrs.Rating.Good),
    ],
)
def test_rating_comes_from_correctness_and_time(is_correct, seconds, rating, settings):
    settings.REVIEW_EASY_SECONDS, settings.REVIEW_HARD_SECONDS = 8, 30
    taken = None if seconds is None else timedelta(seconds=seconds)
    assert scheduling.rating_for(is_correct=is_correct, time_taken=taken) == rating


def test_recall_fades_with_time_and_needs_a_right_last_answer():
    now = timezone.now()
    reviewed = now - timedelta(hours=1)
    until = scheduling.recall_until(last_correct=True, stability=5.0, last_review=reviewed)
    assert reviewed < now < until < now + timedelta(days=60)
    assert scheduling.recall_until(last_correct=False, stability=5.0, last_review=reviewed) is None


def retrievability(*, stability: float, last_review, now) -> float:
    """fsrs's own probability that the learner recalls the question now: the
    oracle recall_until must agree with."""
    card = fsrs.Card(stability=stability, last_review=last_review, state=fsrs.State.Review)
    return scheduling.scheduler().get_card_retrievability(card, current_datetime=now)


@pytest.mark.parametrize("retention", [0.8, 0.9, 0.95])
def test_recall_lasts_until_the_forgetting_curve_reaches_the_desired_retention(retention, settings):
    settings.FSRS_DESIRED_RETENTION = retention
    reviewed = timezone.now()
    until = scheduling.recall_until(last_correct=True, stability=12.0, last_review=reviewed)
    recall = retrievability(stability=12.0, last_review=reviewed, now=until + timedelta(days=1))
    # fsrs counts whole days elapsed, so one day past the moment recall is just below the target.
    before = retrievability(stability=12.0, last_review=reviewed, now=until - timedelta(days=1))
    assert before >= retention > recall
