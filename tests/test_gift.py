"""Moodle's GIFT format: what imports, and what is refused with a reason."""

import pytest

from lessons.gift import GiftSyntaxError, parse_gift
from lessons.models import Question


def test_a_missing_word_choice_keeps_its_gap():
    (question,) = parse_gift("Smooth muscle is {=involuntary ~voluntary ~skeletal} muscle.")
    assert question.kind == Question.Kind.SINGLE_CHOICE
    assert question.prompt == "Smooth muscle is ____ muscle."
    assert [c.text for c in question.choices if c.is_correct] == ["involuntary"]


def test_a_question_before_its_answers_has_no_gap():
    (question,) = parse_gift("Which muscle is involuntary? {=smooth ~skeletal}")
    assert question.prompt == "Which muscle is involuntary?"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Match them. {=leiomyoma -> benign =leiomyosarcoma -> malignant}", "matching"),
        ("How many passages? {#8}", "numerical"),
        ("Write about sarcomas. {}", "essay"),
    ],
)
def test_kinds_the_app_has_no_place_for_are_refused_by_name(text, reason):
    with pytest.raises(GiftSyntaxError) as refused:
        parse_gift(text)
    assert reason in str(refused.value)
