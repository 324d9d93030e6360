"""Small things users noticed (issue 14.7): the order of True/False, the
"Select all that apply" hint, and more, each as a user relies on it."""

import re

from django.urls import reverse

from lessons.models import Attempt, Choice, Question
from tests.factories import LessonFactory, QuestionFactory


def start(client, lesson) -> Attempt:
    response = client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    assert response.status_code == 302
    return Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"])[1]))


def shown_choice_texts(html: str) -> list[str]:
    return re.findall(r'<span class="choice-text">([^<]*)</span>', html)


def test_true_false_always_reads_true_then_false(student_client, db):
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson, kind=Question.Kind.TRUE_FALSE, answers=False)
    # Stored False first, as an import or an edit may leave them.
    Choice.objects.create(question=question, text="False", is_correct=True, position=0)
    Choice.objects.create(question=question, text="True", is_correct=False, position=1)
    attempt = start(student_client, lesson)
    url = reverse("lessons:attempt_detail", args=[attempt.pk])
    for seed in range(12):  # whatever the attempt's shuffle
        Attempt.objects.filter(pk=attempt.pk).update(seed=seed)
        assert shown_choice_texts(student_client.get(url).content.decode()) == ["True", "False"]
    # The review queue and the feedback read the same order.
    wrong = question.choices.get(text="True")
    answered = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]), {"choice": wrong.pk}
    )
    page = student_client.get(answered["Location"]).content.decode()
    assert shown_choice_texts(page) == ["True", "False"]


def test_select_all_that_apply_is_said_once(student_client, db):
    lesson = LessonFactory()
    QuestionFactory(
        lesson=lesson,
        kind=Question.Kind.MULTIPLE_ANSWER,
        prompt="Which statements about smooth muscle match the text? Select all that apply.",
    )
    attempt = start(student_client, lesson)
    html = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).content
    assert html.decode().lower().count("select all that apply") == 1


def test_select_all_that_apply_is_said_when_the_prompt_does_not(student_client, db):
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson, kind=Question.Kind.MULTIPLE_ANSWER, prompt="Which are true?")
    attempt = start(student_client, lesson)
    html = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).content
    assert html.decode().lower().count("select all that apply") == 1
