"""Moodle's GIFT format: what imports, and what is refused with a reason; the
sentence suggested for each imported question, duplicates skipped, and the
rule that lets a question written by the educator publish without a sentence."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lessons import services
from lessons.gift import GiftSyntaxError, parse_gift
from lessons.models import Lesson, Question
from tests.factories import LessonFactory, QuestionFactory


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


# ---------------------------------------------------------------- import service

# Questions an educator might write about the shipped text, in GIFT, each with
# words of the sentence it comes from. They set SUGGESTION_MIN_SCORE (lessons/text.py).
REALISTIC_ITEMS = [
    (
        "Leiomyosarcoma must not be confused with which benign tumour of the same tissue? "
        "{=leiomyoma ~lipoma ~fibroma}",
        "must not be confused with leiomyoma",
    ),
    ("Leiomyosarcoma is a {=malignant =cancerous} smooth muscle tumor.", "smooth muscle tumor"),
    (
        "What share of soft tissue sarcomas are leiomyosarcomas? {=5–10% ~about half ~nearly all}",
        "accounts for 5–10% of soft tissue sarcomas",
    ),
    (
        "Leiomyosarcoma is classified as a soft tissue sarcoma. {TRUE}",
        "Leiomyosarcoma is classified as a soft tissue sarcoma.",
    ),
    (
        "Through what does leiomyosarcoma spread to the lungs and liver? "
        "{=the blood stream ~the air ~the skin}",
        "spreads through the blood stream",
    ),
    ("The exact cause of leiomyosarcoma is {=not known}.", "The exact cause of leiomyosarcoma"),
]
UNRELATED_ITEMS = [
    "What is the capital of France? {=Paris ~Lyon ~Nice}",
    "Which planet is closest to the sun? {=Mercury ~Venus ~Mars}",
    "Photosynthesis turns light into chemical energy in plants. {TRUE}",
]


@pytest.fixture
def shipped_lesson(course):
    from tests.conftest import SHIPPED_COURSE

    return Lesson.objects.filter(source__slug=SHIPPED_COURSE).order_by("position").first()


@pytest.mark.parametrize(("gift_text", "sentence_words"), REALISTIC_ITEMS)
def test_an_imported_question_is_given_the_sentence_it_comes_from(
    shipped_lesson, gift_text, sentence_words
):
    (question,) = services.gift_import(lesson=shipped_lesson, text=gift_text).created
    question.refresh_from_db()
    assert question.suggested_provenance is not None
    assert sentence_words in question.suggested_provenance.text
    assert question.suggested_provenance.source_id == shipped_lesson.source_id
    assert question.provenance is None  # a suggestion until an educator confirms it


@pytest.mark.parametrize("gift_text", UNRELATED_ITEMS)
def test_a_question_about_something_else_is_given_no_sentence(shipped_lesson, gift_text):
    (question,) = services.gift_import(lesson=shipped_lesson, text=gift_text).created
    question.refresh_from_db()
    assert question.suggested_provenance is None


def test_confirming_the_suggestion_makes_it_the_provenance_and_lets_it_publish(shipped_lesson):
    gift_text = REALISTIC_ITEMS[0][0].replace("}", "####Leiomyoma is the benign one.}")
    (question,) = services.gift_import(lesson=shipped_lesson, text=gift_text).created
    question = Question.objects.get(pk=question.pk)
    suggested = question.suggested_provenance

    outcome = services.questions_confirm_suggestion(questions=[question])

    assert outcome.changed == [question] and not outcome.refused
    question.refresh_from_db()
    assert question.provenance == suggested
    assert question.suggested_provenance is None
    assert question.provenance_passage in suggested.passages.all()
    assert services.questions_publish(questions=[question]).changed == [question]


def test_a_question_without_a_suggestion_cannot_be_confirmed(shipped_lesson):
    (question,) = services.gift_import(lesson=shipped_lesson, text=UNRELATED_ITEMS[0]).created
    outcome = services.questions_confirm_suggestion(questions=[question])
    assert not outcome.changed
    assert "no suggested sentence" in outcome.refused[0][1]


def test_importing_the_same_file_again_imports_none_of_it(shipped_lesson):
    gift_text = "\n\n".join(text for text, _ in REALISTIC_ITEMS[:3])
    first = services.gift_import(lesson=shipped_lesson, text=gift_text)
    assert len(first.created) == 3 and first.skipped == 0
    count = shipped_lesson.questions.count()

    again = services.gift_import(
        lesson=shipped_lesson, text=gift_text + "\n\n" + UNRELATED_ITEMS[0]
    )

    assert again.skipped == 3
    assert [q.prompt for q in again.created] == ["What is the capital of France?"]
    assert shipped_lesson.questions.count() == count + 1


def test_the_same_questions_go_into_another_lesson_all_the_same(shipped_lesson):
    other = LessonFactory(source=shipped_lesson.source, course=shipped_lesson.course)
    services.gift_import(lesson=shipped_lesson, text=REALISTIC_ITEMS[0][0])
    assert len(services.gift_import(lesson=other, text=REALISTIC_ITEMS[0][0]).created) == 1


# ---------------------------------------------------------------- publication rule


def test_an_authored_question_publishes_without_a_sentence_only_with_an_explanation(db):
    question = QuestionFactory(provenance=None, origin=Question.Origin.AUTHORED, explanation="")
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert set(error.value.message_dict) == {"explanation"}
    assert "without a source sentence" in error.value.message_dict["explanation"][0]

    question.explanation = "Paris has been France's capital since the Middle Ages."
    question.full_clean()


def test_a_derived_question_never_publishes_without_its_sentence(db):
    question = QuestionFactory(provenance=None, origin=Question.Origin.DERIVED)
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert set(error.value.message_dict) == {"provenance"}


def test_the_feedback_of_an_authored_question_says_the_educator_wrote_it(admin_client):
    question = QuestionFactory(provenance=None, origin=Question.Origin.AUTHORED)
    right = question.choices.get(is_correct=True)
    url = reverse("admin:lessons_question_preview", args=[question.pk])
    html = admin_client.post(url, {"choice": right.pk}).content.decode()
    assert "Written by the course’s educator" in html
    assert "From the source text" not in html

    derived = QuestionFactory(lesson=question.lesson)
    url = reverse("admin:lessons_question_preview", args=[derived.pk])
    html = admin_client.post(url, {"choice": derived.choices.get(is_correct=True).pk}).content
    assert "From the source text" in html.decode()
