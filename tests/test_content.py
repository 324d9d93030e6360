"""The shipped course: faithful to its text, complete, and valid."""

from collections import Counter

import pytest
from django.core.management import call_command

from lessons.models import Lesson, Question, Sentence, Source

pytestmark = pytest.mark.usefixtures("course")


def test_the_fixture_is_built_from_the_current_content():
    call_command("build_fixtures", "--check")


def test_at_least_six_published_lessons_and_sixty_published_questions_of_every_kind():
    assert Lesson.objects.published().count() >= 6
    published = Question.objects.published()
    assert published.count() >= 60
    kinds = Counter(published.values_list("kind", flat=True))
    assert set(kinds) == set(Question.Kind.values)
    assert min(kinds.values()) >= 10


def test_every_question_validates_with_its_answers():
    for question in Question.objects.prefetch_related("choices", "accepted_answers"):
        question.full_clean_with_answers()


def test_every_provenance_sentence_is_quoted_exactly_from_the_source():
    source = Source.objects.get(slug="leiomyosarcoma")
    for question in Question.objects.select_related("provenance", "provenance_passage"):
        assert question.provenance.text in source.text
        assert question.provenance.text in question.provenance_passage.text
        assert not question.provenance.is_noise
        assert question.highlight and question.highlight in question.provenance.text


def test_nothing_comes_from_web_noise():
    noise = "Click here for more information."
    assert Sentence.objects.filter(text=noise, is_noise=True).exists()
    assert not Question.objects.filter(provenance__text=noise).exists()
    assert not Lesson.objects.filter(sentences__text=noise).exists()
    for question in Question.objects.prefetch_related("choices"):
        assert "click here" not in question.prompt.lower()


def test_the_lessons_together_cover_every_teachable_sentence_once():
    taught = Counter(Lesson.objects.values_list("sentences", flat=True))
    teachable = set(Sentence.objects.filter(is_noise=False).values_list("pk", flat=True))
    assert set(taught) == teachable
    assert max(taught.values()) == 1


def test_every_question_explains_and_every_choice_gives_feedback():
    for question in Question.objects.prefetch_related("choices"):
        assert len(question.explanation.split()) >= 12, question.prompt
        for choice in question.choices.all():
            assert choice.feedback.strip(), (question.prompt, choice.text)


def test_fill_in_the_blank_prompts_do_not_give_their_answer_away():
    for question in Question.objects.filter(kind=Question.Kind.FILL_BLANK).prefetch_related(
        "accepted_answers"
    ):
        prompt = question.prompt.lower()
        for accepted in question.accepted_answers.all():
            assert accepted.text.lower() not in prompt.replace(Question.BLANK, ""), question.prompt


def test_prompts_do_not_start_with_an_unresolved_pronoun():
    pronouns = ("it ", "they ", "this ", "these ", "them ")
    for prompt in Question.objects.values_list("prompt", flat=True):
        assert not prompt.lower().startswith(pronouns), prompt


def test_choices_within_a_question_are_distinct():
    for question in Question.objects.prefetch_related("choices"):
        texts = [c.text.strip().lower() for c in question.choices.all()]
        assert len(texts) == len(set(texts)), question.prompt
