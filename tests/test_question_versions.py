"""What a learner answered stays what they saw: a response points at the
version of its question it answered, shared by every answer to that version,
and a new version is made only by the first answer after an edit."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from lessons import services
from lessons.models import Cohort, Question, QuestionVersion, Response
from tests.factories import (
    LessonFactory,
    QuestionFactory,
    UserFactory,
    admin_question_form,
    take_quiz,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    lesson = LessonFactory(title="Muscles", slug="muscles")
    for position in range(2):
        QuestionFactory(lesson=lesson, position=position)
    return lesson


@pytest.fixture
def editor(client, educator):
    # A client of its own: `client` stays the learner's in the tests.
    editing = type(client)()
    editing.force_login(educator)
    return editing


def edit(editor, question: Question, **overrides) -> None:
    """Change the question through the admin, as an educator does."""
    url = reverse("admin:lessons_question_change", args=[question.pk])
    saved = editor.post(url, admin_question_form(question, **overrides))
    assert saved.status_code == 302, saved.content.decode()[:2000]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_an_unedited_questions_answers_share_one_version(lesson):
    first, second = lesson.questions.order_by("position")
    for n in range(3):
        take_quiz(UserFactory(), lesson, [n % 2 == 0, True])
    assert Response.objects.count() == 6
    for question in (first, second):
        (version,) = QuestionVersion.objects.filter(question=question)
        assert version.responses.count() == 3
        assert version.content["prompt"] == question.prompt


def test_an_edited_questions_old_answers_keep_its_old_wording_and_choices(lesson, editor, client):
    question = lesson.questions.order_by("position").first()
    old_prompt = question.prompt
    right = question.choices.get(is_correct=True)
    old_right_text = right.text
    choices = list(question.choices.order_by("position"))
    right_index = choices.index(right)
    learners = [UserFactory(username=f"learner{n}") for n in range(3)]
    cohort = Cohort.objects.create(name="Spring group")
    cohort.courses.add(lesson.course)
    cohort.learners.add(*learners)
    instructor = UserFactory(username="ivan", is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructors"))
    cohort.instructors.add(instructor)

    before = take_quiz(learners[0], lesson, [True, True])
    edit(
        editor,
        question,
        prompt="Which muscle works without conscious control?",
        **{f"choices-{right_index}-text": "Involuntary (smooth) muscle"},
    )
    between = take_quiz(learners[1], lesson, [True, True])
    question.refresh_from_db()
    edit(editor, question, prompt="Which muscle is involuntary?")
    after = take_quiz(learners[2], lesson, [True, True])

    # Three versions of the edited question, each answered once; one of the other.
    assert QuestionVersion.objects.filter(question=question).count() == 3
    assert QuestionVersion.objects.exclude(question=question).count() == 1

    # The learner's results page shows the question as they answered it.
    client.force_login(learners[0])
    page = client.get(reverse("lessons:attempt_results", args=[before.pk])).content.decode()
    assert old_prompt in page and old_right_text in page
    assert "Involuntary (smooth) muscle" not in page
    client.force_login(learners[1])
    page = client.get(reverse("lessons:attempt_results", args=[between.pk])).content.decode()
    assert "Which muscle works without conscious control?" in page
    assert "Involuntary (smooth) muscle" in page
    client.force_login(learners[2])
    page = client.get(reverse("lessons:attempt_results", args=[after.pk])).content.decode()
    assert "Which muscle is involuntary?" in page

    # The instructor's responses CSV: each row the prompt and choices as answered.
    client.force_login(instructor)
    rows = csv_rows(client.get(reverse("lessons:instructor_responses_csv", args=[cohort.pk])))
    header, body = rows[0], rows[1:]
    column = {name: header.index(name) for name in ("learner", "question", "prompt", "answer")}
    edited = {
        row[column["learner"]]: (row[column["prompt"]], row[column["answer"]])
        for row in body
        if row[column["question"]] == str(question.pk)
    }
    assert edited == {
        "learner0": (old_prompt, old_right_text),
        "learner1": (
            "Which muscle works without conscious control?",
            "Involuntary (smooth) muscle",
        ),
        "learner2": ("Which muscle is involuntary?", "Involuntary (smooth) muscle"),
    }

    # And the learner record.
    page = client.get(
        reverse("lessons:instructor_learner", args=[cohort.pk, learners[0].pk])
    ).content.decode()
    assert old_prompt in page and old_right_text in page


def test_the_first_answer_after_an_edit_makes_the_version_and_later_ones_reuse_it(
    lesson, editor, django_capture_on_commit_callbacks, django_assert_num_queries
):
    question = lesson.questions.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(UserFactory(), lesson, [True, True])
    edit(editor, question, prompt="Which muscle is involuntary?")
    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(UserFactory(), lesson, [True, False])
    first, edited = QuestionVersion.objects.filter(question=question).order_by("pk")
    assert first.content["prompt"] != "Which muscle is involuntary?"
    assert edited.content["prompt"] == "Which muscle is involuntary?"

    # The next answer to it finds the version without a statement, in this
    # process; a process that has not met it reads it once.
    content = services.questions_data([question.pk])[0].snapshot()
    with django_assert_num_queries(0):
        assert services.question_version_for(question_id=question.pk, content=content) == edited
    services.question_versions_forget()
    with django_assert_num_queries(1):
        assert services.question_version_for(question_id=question.pk, content=content) == edited
    # A content not stored yet: the read, then one insert (no savepoint).
    new_content = content | {"prompt": "Which muscle do we not control?"}
    with django_assert_num_queries(2):
        made = services.question_version_for(question_id=question.pk, content=new_content)
    assert QuestionVersion.objects.get(pk=made.pk).content == new_content


def test_a_version_made_in_a_rolled_back_answer_is_not_remembered(
    lesson, django_capture_on_commit_callbacks
):
    question = lesson.questions.first()
    content = services.questions_data([question.pk])[0].snapshot() | {"prompt": "Rolled back"}
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.question_version_for(question_id=question.pk, content=content)
        raise RuntimeError("the answer failed")
    assert not QuestionVersion.objects.filter(content__prompt="Rolled back").exists()
    # Made again, not taken from memory as the id of a row that is gone.
    version = services.question_version_for(question_id=question.pk, content=content)
    assert QuestionVersion.objects.filter(pk=version.pk, content__prompt="Rolled back").exists()
