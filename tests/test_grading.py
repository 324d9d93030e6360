from datetime import timedelta

import fsrs
import pytest
from django.utils import timezone

from lessons import scheduling
from lessons.grading import (
    MIN_SLIP_LETTERS,
    ChoiceData,
    InvalidAnswer,
    QuestionData,
    Submission,
    grade,
    grade_typed_answer,
    parse_submission,
    terms_to_refuse,
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


TEXT = (
    "Leiomyosarcoma, also referred to as LMS, is a malignant tumor of smooth, or "
    "involuntary, muscle; skeletal muscle is voluntary. A leiomyoma is benign. "
    "Dysphagia, difficulty swallowing, is not dysphasia. "
    "The Tocantins River flows through the state of Pará."
)
OTHER_ANSWERS = ("leiomyoma", "LMS", "voluntary", "Araguaia River", "5–10%")


def graded(typed: str, *accepted: str):
    """A typed answer graded with the refusals the quiz would load for it."""
    refused = terms_to_refuse(accepted, other_answers=OTHER_ANSWERS, text=TEXT)
    return grade_typed_answer(typed, accepted, refused_terms=refused)


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("Para", "Pará"),  # accents folded
        ("PARÁ", "Para"),
        ("5-10", "5–10%"),  # dash forms, the percent sign left off
        ("5 to 10 percent", "5–10%"),
        ("5%-10%", "5–10%"),
        ("2500", "2,500"),  # a thousands separator
        ("leiomyomas", "leiomyoma"),  # plural for singular
        ("symptom", "symptoms"),  # and singular for plural
        ("arteries", "artery"),
        ("Tocantins", "Tocantins River"),  # a generic geographic head left off
        ("the Tocantins", "Tocantins River"),
        ("Titicaca", "Lake Titicaca"),
        ("Andes", "Andes Mountains"),
        ("LMS", "leiomyosarcoma (LMS)"),  # the second name the answer gives
        ("leiomyosarcoma", "leiomyosarcoma (LMS)"),
        ("water vapor", "water vapour"),  # American for British spelling
        ("tumour", "tumor"),  # and British for American
        ("smooth muscle tumours", "smooth muscle tumor"),
        ("hemoglobin", "haemoglobin"),
        ("standardisation", "standardization"),
        ("center", "centre"),
        ("analyze", "analyse"),
    ],
)
def test_a_typed_answer_is_accepted_as_a_teacher_would_without_a_note(typed, accepted):
    result = graded(typed, accepted)
    assert result.is_correct
    assert result.spelling == ""


def test_the_texts_second_name_is_accepted_when_it_is_an_accepted_answer():
    # Derived questions store the alias the text gives as another accepted answer.
    assert graded("LMS", "leiomyosarcoma", "LMS").is_correct
    assert not graded("LMS", "leiomyosarcoma").is_correct  # no alias is invented


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("involantary", "involuntary"),  # a letter changed
        ("involuntry", "involuntary"),  # one missed
        ("invloluntary", "involuntary"),  # one added
        ("involuntray", "involuntary"),  # two swapped
        ("dysphagai", "dysphagia"),
        ("leiomyosracomas", "leiomyosarcoma"),  # a slip in the answer's plural
        ("soft tissue sarcomma", "soft tissue sarcoma"),
        ("Tocantims", "Tocantins River"),
    ],
)
def test_one_slip_in_a_long_word_is_accepted_with_the_spelling(typed, accepted):
    result = graded(typed, accepted)
    assert result.is_correct
    assert result.spelling == accepted


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("leiomyoma", "leiomyosarcoma"),  # another term of the text, never accepted
        ("leiomyomas", "leiomyosarcoma"),
        ("leiomyosarcoma", "leiomyoma"),
        ("voluntary", "involuntary"),
        ("dysphasia", "dysphagia"),  # one slip away, but a word of the text
        ("dysphaia", "dysphagia"),  # as near dysphasia as dysphagia: not a slip
        ("5-11%", "5–10%"),  # a different number is never a slip
        ("510", "5–10%"),
        ("15-10%", "5–10%"),
        ("fit", "fat"),  # a short word takes no slip
        ("smoth", "smooth"),
        ("involantery", "involuntary"),  # two slips
        ("Red", "Red Sea"),  # no name is left without the head
        ("Great", "Great Lakes"),
        ("smooth", "smooth muscle"),  # "muscle" is not a generic head
        ("tor", "tour"),  # short words keep their letters
        ("fiber", "fibre optic"),  # a variant is still the whole answer
    ],
)
def test_a_lenient_reading_never_accepts_another_term_or_number(typed, accepted):
    result = graded(typed, accepted)
    assert not result.is_correct
    assert result.spelling == ""


def test_a_generic_head_is_kept_when_the_name_alone_is_another_answer():
    # "Tocantins" (the state) answers another question on the same text.
    refused = terms_to_refuse(
        ["Tocantins River"], other_answers=["Tocantins", "Araguaia River"], text=TEXT
    )
    assert refused == ("Tocantins",)
    assert not grade_typed_answer(
        "Tocantins", ["Tocantins River"], refused_terms=refused
    ).is_correct
    assert grade_typed_answer(
        "Tocantins river", ["Tocantins River"], refused_terms=refused
    ).is_correct


def test_refused_terms_are_the_texts_terms_near_the_answer_and_never_its_own_words():
    refused = terms_to_refuse(["dysphagia"], other_answers=OTHER_ANSWERS, text=TEXT)
    assert refused == ("dysphasia",)
    # The answer's own words and plurals are not refused, nor are far-off terms.
    assert terms_to_refuse(["leiomyoma"], other_answers=["leiomyomas"], text=TEXT) == ()


def test_the_slip_threshold_is_a_long_word():
    word = "abcdefghij"[:MIN_SLIP_LETTERS]
    shorter = word[:-1]
    assert grade_typed_answer(word[:-1] + "z", [word]).is_correct
    assert not grade_typed_answer(shorter[:-1] + "z", [shorter]).is_correct


def test_a_replay_grades_the_stored_answer_against_the_snapshots_refused_terms():
    question = QuestionData(
        id=4,
        kind=Question.Kind.FILL_BLANK,
        accepted_answers=("dysphagia",),
        refused_terms=("dysphasia",),
    )
    as_answered = QuestionData(id=4, kind=Question.Kind.FILL_BLANK).as_answered(question.snapshot())
    assert as_answered.refused_terms == ("dysphasia",)
    assert not grade(as_answered, Submission(text="dysphasia")).is_correct
    slip = grade(as_answered, Submission(text="dysphagai"))
    assert slip.is_correct
    assert slip.spelling == "dysphagia"
    old = {k: v for k, v in question.snapshot().items() if k != "refused_terms"}
    assert QuestionData(id=4, kind=Question.Kind.FILL_BLANK).as_answered(old).refused_terms == ()


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
