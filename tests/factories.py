"""Factories for test data that the shipped fixtures do not cover."""

from datetime import timedelta

import factory
from django.contrib.auth.models import User
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone

from lessons import catalogue
from lessons.models import (
    AcceptedAnswer,
    Attempt,
    Choice,
    Cohort,
    Course,
    Derivation,
    Lesson,
    LessonSentence,
    Passage,
    Question,
    QuestionVersion,
    Response,
    Sentence,
    Source,
)

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"learner{n}")
    password = factory.django.Password(PASSWORD)


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course: what a lesson must be in for students to see it."""

    class Meta:
        model = Course
        django_get_or_create = ("slug",)

    # Zero-padded, so courses made one after another sort by title in that order.
    title = factory.Sequence(lambda n: f"Course {n:05d}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    status = Course.Status.PUBLISHED


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    text = "Smooth muscles are involuntary muscles. Leiomyoma is a benign tumor."


class PassageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Passage

    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.LazyAttribute(lambda o: o.source.text)


class SentenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sentence

    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n)
    text = "Smooth muscles are involuntary muscles."


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    source = factory.SubFactory(SourceFactory)
    # The course its source is taught in, unless told.
    course = factory.LazyAttribute(lambda o: o.source.course or CourseFactory())
    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "A short lesson."
    position = factory.Sequence(lambda n: n)
    published = True


class QuestionFactory(factory.django.DjangoModelFactory):
    """A published single-choice question with one right and two wrong choices."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    lesson = factory.SubFactory(LessonFactory)
    kind = Question.Kind.SINGLE_CHOICE
    prompt = factory.Sequence(lambda n: f"Which kind of muscle is smooth muscle? ({n})")
    explanation = "The text says smooth muscles are involuntary muscles."
    provenance = factory.SubFactory(
        SentenceFactory, source=factory.SelfAttribute("..lesson.source")
    )
    status = Question.Status.PUBLISHED
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def answers(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        if self.kind == Question.Kind.FILL_BLANK:
            AcceptedAnswer.objects.create(question=self, text="involuntary")
            return
        texts = (
            [("True", True), ("False", False)]
            if self.kind == Question.Kind.TRUE_FALSE
            else [("Involuntary", True), ("Voluntary", False), ("Skeletal", False)]
        )
        for position, (text, correct) in enumerate(texts):
            Choice.objects.create(
                question=self,
                text=text,
                is_correct=correct,
                position=position,
                feedback=f"{text} is {'right' if correct else 'not what the text says'}.",
            )


class LessonSentenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonSentence

    lesson = factory.SubFactory(LessonFactory)
    sentence = factory.SubFactory(SentenceFactory, source=factory.SelfAttribute("..lesson.source"))
    position = factory.Sequence(lambda n: n)


class AttemptFactory(factory.django.DjangoModelFactory):
    """A finished attempt, stored as is: for data volume, not for scoring (use
    take_quiz when the scores matter)."""

    class Meta:
        model = Attempt

    learner = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonFactory)
    finished_at = factory.LazyFunction(timezone.now)
    score = 1.0


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    attempt = factory.SubFactory(AttemptFactory)
    question = factory.SubFactory(QuestionFactory, lesson=factory.SelfAttribute("..attempt.lesson"))
    answer = factory.LazyAttribute(lambda o: {"choices": [o.question.choices.first().pk]})
    is_correct = True
    question_version = factory.LazyAttribute(lambda o: version_now(o.question))


def version_now(question: Question) -> QuestionVersion:
    """The question's version as it stands now, as the answer service stores it."""
    from lessons.selectors import question_data
    from lessons.services import question_version_for

    return question_version_for(
        question_id=question.pk, content=question_data(question.pk).snapshot()
    )


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cohort {n}")

    @factory.post_generation
    def learners(self, create, extracted, **kwargs):
        if create and extracted:
            self.learners.add(*extracted)

    @factory.post_generation
    def instructors(self, create, extracted, **kwargs):
        if create and extracted:
            self.instructors.add(*extracted)

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if create and extracted:
            self.courses.add(*extracted)


class DerivationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Derivation

    title = factory.Sequence(lambda n: f"Derivation {n}")
    text = "Smooth muscles are involuntary muscles."
    status = Derivation.Status.DONE
    progress = 100


def admin_question_form(question, **overrides):
    """The admin change form's POST data for a question and its choices."""
    choices = list(question.choices.order_by("position")) if question.pk else []
    accepted = list(question.accepted_answers.all()) if question.pk else []
    data = {
        "lesson": question.lesson_id,
        "kind": question.kind,
        "status": question.status,
        "position": question.position,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "provenance": question.provenance_id or "",
        "provenance_passage": "",
        "highlight": question.highlight,
        "origin": question.origin,
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
        "accepted_answers-TOTAL_FORMS": len(accepted),
        "accepted_answers-INITIAL_FORMS": len(accepted),
        "accepted_answers-MIN_NUM_FORMS": 0,
        "accepted_answers-MAX_NUM_FORMS": 1000,
    }
    for i, choice in enumerate(choices):
        data |= {
            f"choices-{i}-id": choice.pk,
            f"choices-{i}-question": question.pk,
            f"choices-{i}-position": choice.position,
            f"choices-{i}-text": choice.text,
            f"choices-{i}-feedback": choice.feedback,
        }
        if choice.is_correct:
            data[f"choices-{i}-is_correct"] = "on"
    for i, answer in enumerate(accepted):
        data |= {
            f"accepted_answers-{i}-id": answer.pk,
            f"accepted_answers-{i}-question": question.pk,
            f"accepted_answers-{i}-text": answer.text,
        }
    return data | overrides


def take_quiz(learner, lesson, pattern, *, seconds=10):
    """Answer the lesson's questions, right where pattern says True (one entry
    per question in the lesson's order; the attempt asks them in its own),
    through the same services the quiz uses."""
    from lessons import services

    attempt, _ = services.attempt_start(learner=learner, lesson=lesson)
    lesson_order = list(lesson.questions.order_by("position", "pk").values_list("pk", flat=True))
    in_lesson_order = sorted(attempt.question_ids, key=lesson_order.index)
    return answer_attempt(
        learner, attempt, dict(zip(in_lesson_order, pattern, strict=True)), seconds=seconds
    )


def answer_attempt(learner, attempt, right_of: dict, *, seconds=10):
    """Answer every question of the attempt in its order, right where
    right_of[question id] is True, through the services the quiz uses."""
    from lessons import services
    from lessons.selectors import question_data

    for qid in attempt.question_ids:
        data = question_data(qid)
        choice = next(c.id for c in data.choices if c.is_correct == right_of[qid])
        services.response_record(
            learner=learner,
            attempt_id=attempt.pk,
            question_id=qid,
            choice_values=[str(choice)],
            time_taken=timedelta(seconds=seconds),
        )
    attempt.refresh_from_db()
    return attempt


def content_row_counts() -> dict[str, int]:
    """How many rows each content table holds. The shipped course is in the
    test database, so "writes nothing" means these do not change, not that the
    tables are empty."""
    models = (Source, Passage, Sentence, Lesson, LessonSentence, Question, Choice, AcceptedAnswer)
    return {model._meta.label: model.objects.count() for model in (*models, Derivation)}


def bulk_courses(courses: int, lessons: int, prefix: str) -> list[Course]:
    """Published courses of published lessons (no questions), in three
    statements: for measuring a page at many courses."""
    made = Course.objects.bulk_create(
        Course(title=f"{prefix} {c:03d}", slug=f"{prefix}-{c}", status=Course.Status.PUBLISHED)
        for c in range(courses)
    )
    sources = Source.objects.bulk_create(
        Source(course=course, title=course.title, slug=course.slug, text="Text.") for course in made
    )
    Lesson.objects.bulk_create(
        Lesson(
            course=course,
            source=source,
            title=f"{course.title} lesson {n}",
            slug=f"{course.slug}-lesson-{n}",
            summary="-",
            position=n,
            published=True,
        )
        for course, source in zip(made, sources, strict=True)
        for n in range(lessons)
    )
    catalogue.content_changed()  # bulk_create sends no signals (lessons.catalogue)
    return made


def cards_fall_due(cards, when=None) -> int:
    """Bring the cards' due time to `when` (now), as time passing would: their
    recall ends by then too, as it always does (ReviewCard's recall_by_due)."""
    when = when or timezone.now()
    return cards.update(due=when, recall_until=Least(F("recall_until"), Value(when)))
