"""Migrations on a database with learners' history in it: every lesson and
source lands in a course (0010), every response keeps the question as it
answered it (0016-0018), and nothing learners did or saw is lost."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("lessons", "0009_started_and_answered_at_default")]
AFTER = [("lessons", "0010_courses")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # The apps as they stand at the target, to write and read rows of that time.
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_every_source_with_lessons_becomes_a_course_and_learners_keep_their_history():
    old = migrate(BEFORE)
    try:
        User = old.get_model("auth", "User")
        Source = old.get_model("lessons", "Source")
        Lesson = old.get_model("lessons", "Lesson")
        Sentence = old.get_model("lessons", "Sentence")
        Question = old.get_model("lessons", "Question")
        Choice = old.get_model("lessons", "Choice")
        Attempt = old.get_model("lessons", "Attempt")
        Response = old.get_model("lessons", "Response")
        ReviewCard = old.get_model("lessons", "ReviewCard")
        LessonScore = old.get_model("lessons", "LessonScore")
        Derivation = old.get_model("lessons", "Derivation")

        text = "Smooth muscles are involuntary muscles."
        shipped = Source.objects.create(title="Old text", slug="old-text", text=text)
        derived = Source.objects.create(title="Derived text", slug="derived-text", text=text)
        Source.objects.create(title="No lessons", slug="no-lessons", text=text)
        sentence = Sentence.objects.create(source=shipped, position=0, text=text)
        lessons = [
            Lesson.objects.create(
                source=shipped,
                title=f"L{i}",
                slug=f"old-{i}",
                summary="-",
                position=i,
                published=True,
            )
            for i in range(2)
        ]
        hidden = Lesson.objects.create(
            source=derived, title="Draft", slug="derived-0", summary="-", position=0
        )
        Derivation.objects.create(title="Derived text", text=text, source=derived)
        question = Question.objects.create(
            lesson=lessons[0],
            kind="single",
            prompt="Which?",
            explanation="Because.",
            provenance=sentence,
            status="published",
        )
        right = Choice.objects.create(question=question, text="Involuntary", is_correct=True)
        Choice.objects.create(question=question, text="Voluntary")
        learner = User.objects.create(username="learner-before-courses")
        attempt = Attempt.objects.create(
            learner=learner,
            lesson=lessons[0],
            question_ids=[question.pk],
            finished_at=timezone.now(),
            score=1.0,
            answered_count=1,
            correct_count=1,
        )
        Response.objects.create(
            attempt=attempt, question=question, answer={"choices": [right.pk]}, is_correct=True
        )
        ReviewCard.objects.create(learner=learner, question=question, due=timezone.now())
        LessonScore.objects.create(
            learner=learner,
            lesson=lessons[0],
            attempts=1,
            best_score=1.0,
            latest_score=1.0,
            first_attempt=attempt,
            best_attempt=attempt,
            latest_attempt=attempt,
        )

        new = migrate(AFTER)

        Course = new.get_model("lessons", "Course")
        Lesson = new.get_model("lessons", "Lesson")
        Source = new.get_model("lessons", "Source")
        old_course = Course.objects.get(slug="old-text")
        assert (old_course.title, old_course.status) == ("Old text", "published")
        assert "not medical advice" in old_course.notice
        assert Course.objects.get(slug="derived-text").status == "draft"  # nothing was live
        assert not Course.objects.filter(slug="no-lessons").exists()
        assert Source.objects.get(slug="no-lessons").course_id is None
        assert Source.objects.get(pk=shipped.pk).course_id == old_course.pk
        assert list(
            Lesson.objects.filter(course=old_course)
            .order_by("position")
            .values_list("pk", flat=True)
        ) == [lesson.pk for lesson in lessons]
        assert Lesson.objects.get(pk=hidden.pk).course.slug == "derived-text"
        assert not Lesson.objects.filter(course__isnull=True).exists()
        derivation = new.get_model("lessons", "Derivation").objects.get(source=derived.pk)
        assert derivation.course.slug == "derived-text"

        def count(model):
            return new.get_model("lessons", model).objects.filter(
                **{"learner": learner.pk} if model != "Response" else {"attempt": attempt.pk}
            )

        response = count("Response").get()
        assert (response.question_id, response.is_correct) == (question.pk, True)
        assert response.question.lesson.course_id == old_course.pk
        assert count("Attempt").get().pk == attempt.pk
        assert count("ReviewCard").get().question_id == question.pk
        score = count("LessonScore").get()
        assert (score.best_attempt_id, score.best_score) == (attempt.pk, 1.0)

        # And back: the migration is reversible, with nothing of the learners' lost.
        back = migrate(BEFORE)
        assert back.get_model("lessons", "Response").objects.filter(pk=response.pk).exists()
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_every_existing_cohort_follows_every_published_course():
    before, after = [("lessons", "0010_courses")], [("lessons", "0011_cohort_courses")]
    old = migrate(before)
    try:
        Course = old.get_model("lessons", "Course")
        Cohort = old.get_model("lessons", "Cohort")
        live = [
            Course.objects.create(title=f"Live {n}", slug=f"live-{n}", status="published")
            for n in range(2)
        ]
        Course.objects.create(title="Draft", slug="draft-course", status="draft")
        cohorts = [Cohort.objects.create(name=f"Group {n}", code=f"CODE{n}") for n in range(2)]

        new = migrate(after)

        Cohort = new.get_model("lessons", "Cohort")
        for cohort in cohorts:
            followed = Cohort.objects.get(pk=cohort.pk).courses.values_list("slug", flat=True)
            assert sorted(followed) == sorted(c.slug for c in live)

        back = migrate(before)
        assert back.get_model("lessons", "Cohort").objects.count() == 2
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_a_recall_that_outlasts_its_due_time_ends_at_it():
    """Cards written before 0016 could be "recalled" past their due time: a
    question back in a learning step in minutes counted as mastered for days.
    The migration ends each such recall at the due time and leaves the rest."""
    from datetime import timedelta

    before, after = (
        [("lessons", "0015_review_card_recalled")],
        [("lessons", "0016_review_card_recall_by_due")],
    )
    old = migrate(before)
    try:
        User = old.get_model("auth", "User")
        Course = old.get_model("lessons", "Course")
        Source = old.get_model("lessons", "Source")
        Lesson = old.get_model("lessons", "Lesson")
        Question = old.get_model("lessons", "Question")
        ReviewCard = old.get_model("lessons", "ReviewCard")
        course = Course.objects.create(title="C", slug="c-0016", status="published")
        source = Source.objects.create(title="S", slug="s-0016", text="A text.", course=course)
        lesson = Lesson.objects.create(
            course=course, source=source, title="L", slug="l-0016", summary="-", published=True
        )
        learner = User.objects.create(username="learner-before-0016")
        now = timezone.now()
        due = now + timedelta(minutes=10)

        def card(recall_until):
            question = Question.objects.create(
                lesson=lesson, kind="single", prompt="Which?", status="published"
            )
            return ReviewCard.objects.create(
                learner=learner, question=question, due=due, recall_until=recall_until
            ).pk

        outlasting = card(now + timedelta(days=2))  # a learning step: due long before that
        within = card(now + timedelta(minutes=5))
        at_due = card(due)
        forgotten = card(None)  # the last answer was wrong

        new = migrate(after)

        ReviewCard = new.get_model("lessons", "ReviewCard")
        recall = dict(ReviewCard.objects.values_list("pk", "recall_until"))
        assert recall == {
            outlasting: due,
            within: now + timedelta(minutes=5),
            at_due: due,
            forgotten: None,
        }
        back = migrate(before)
        assert back.get_model("lessons", "ReviewCard").objects.count() == 4
    finally:
        migrate(latest())


def snapshot(prompt: str, choices: list, *, refused_terms: bool = True) -> dict:
    content = {
        "kind": "single",
        "prompt": prompt,
        "explanation": "Because.",
        "choices": [
            {"id": pk, "text": text, "is_correct": right, "feedback": f"On {text}."}
            for pk, text, right in choices
        ],
        "accepted_answers": [],
    }
    if refused_terms:  # snapshots stored before refused terms were kept have none
        content["refused_terms"] = []
    return content


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch", [3, 5000])
def test_every_response_keeps_exactly_the_question_it_answered_as_a_shared_version(
    monkeypatch, batch
):
    before = [("lessons", "0016_review_card_recall_by_due")]
    after = [("lessons", "0019_response_question_version_required")]
    # Small batches too, so a batch ends inside a question's answers and an
    # edit falls inside one.
    versions_migration = importlib.import_module(
        "lessons.migrations.0018_question_versions_from_snapshots"
    )
    monkeypatch.setattr(versions_migration, "BATCH", batch)
    old = migrate(before)
    try:
        User = old.get_model("auth", "User")
        Course = old.get_model("lessons", "Course")
        Source = old.get_model("lessons", "Source")
        Lesson = old.get_model("lessons", "Lesson")
        Question = old.get_model("lessons", "Question")
        Attempt = old.get_model("lessons", "Attempt")
        Response = old.get_model("lessons", "Response")

        course = Course.objects.create(title="Muscles", slug="muscles-versions")
        source = Source.objects.create(
            title="Muscles", slug="muscles-versions", text="Smooth muscle.", course=course
        )
        lesson = Lesson.objects.create(
            course=course, source=source, title="L", slug="versions-l", summary="-"
        )
        edited, unedited = (
            Question.objects.create(lesson=lesson, kind="single", prompt=f"Q{n}?") for n in range(2)
        )
        # The edited question as it stood at three times: two edits, the second
        # turning which choice is right; the first from before refused terms.
        first = snapshot(
            "Which?", [(1, "Smooth", True), (2, "Striated", False)], refused_terms=False
        )
        second = snapshot("Which muscle?", [(1, "Smooth", True), (2, "Striated", False)])
        third = snapshot("Which muscle?", [(1, "Smooth", False), (2, "Striated", True)])
        other = snapshot("Where?", [(3, "Gut", True), (4, "Arm", False)])
        # As each response stored it, in the order answered: the edits fall
        # among the other question's answers.
        stored = [first, other, first, other, second, other, second, third, other, third]
        stored += [{}]  # a response from before snapshots were kept
        expected = {}
        for n, content in enumerate(stored):
            attempt = Attempt.objects.create(
                learner=User.objects.create(username=f"versions-{n}"),
                lesson=lesson,
                finished_at=timezone.now(),
                score=1.0,
            )
            question = unedited if content is other else edited
            response = Response.objects.create(
                attempt=attempt,
                question=question,
                answer={"choices": [1]},
                is_correct=True,
                question_snapshot=content,
            )
            expected[response.pk] = (question.pk, content)

        new = migrate(after)

        Response = new.get_model("lessons", "Response")
        QuestionVersion = new.get_model("lessons", "QuestionVersion")
        kept = {
            pk: (question_id, content)
            for pk, question_id, content in Response.objects.values_list(
                "pk", "question_id", "question_version__content"
            )
        }
        assert kept == expected
        # One version per distinct copy of each question: the edited one's three
        # and the empty one, the other's one, each shared by its answers.
        assert QuestionVersion.objects.filter(question=edited.pk).count() == 4
        (shared,) = QuestionVersion.objects.filter(question=unedited.pk)
        assert shared.responses.count() == 4
        assert not Response.objects.filter(question_version__question_id=unedited.pk).exclude(
            question_id=unedited.pk
        )
        # Its digest is the one the answer service computes, so the next answer
        # to the unedited question shares the version this migration made.
        from lessons.models import QuestionVersion as Current

        assert shared.digest == Current.digest_of(other)

        # And back: every response has its own copy again.
        back = migrate(before)
        Response = back.get_model("lessons", "Response")
        assert {
            pk: (question_id, content)
            for pk, question_id, content in Response.objects.values_list(
                "pk", "question_id", "question_snapshot"
            )
        } == expected
    finally:
        migrate(latest())
