"""The teaching domain: source texts, lessons, questions, and learners' attempts.

Course ──< Source, Course ──< Lesson          (what students reach: lesson_reachable, question_live)
Source ──< Passage >──< Sentence (deduplicated; keeps every passage it appears in)
Source ──< Lesson ──< Question ──< Choice / AcceptedAnswer   (Question.provenance -> Sentence)
Learner ──< Attempt ──< Response >── Question, Response >── QuestionVersion >── Question
Learner ──< LessonScore >── Lesson            (kept current by the answer service)
Cohort >──< Learner, Cohort >──< Instructor, Cohort >──< Course (the courses it follows)
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> CourseQuerySet:
        return self.filter(status=Course.Status.PUBLISHED)


class Course(models.Model):
    """A body of teaching (its source texts and their lessons) kept apart from
    every other: its lessons reach students only once the course is published,
    so an educator's new text never shows up inside a live course."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    notice = models.TextField(
        blank=True,
        help_text="Markdown shown on every page of the course (for example that it is "
        "educational content, not medical advice). Blank: none.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="authored_courses", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def publication_problems(self) -> list[str]:
        """What keeps the course from going live, in words an educator can act
        on; empty when it is ready. Unpublished lessons stay hidden, so only
        the published ones must be complete."""
        lessons = list(
            self.lessons.filter(published=True).annotate(
                live=models.Count(
                    "questions", filter=Q(questions__status=Question.Status.PUBLISHED)
                )
            )
        )
        if not lessons:
            return ["The course has no published lesson."]
        problems = [
            f"Lesson “{lesson.title}” has no published question."
            for lesson in lessons
            if not lesson.live
        ]
        published = (
            Question.objects.published()
            .filter(lesson__course=self, lesson__published=True)
            .select_related("lesson")
            .order_by("lesson__position", "position", "pk")
        )
        problems += [
            f"Published question {q.pk} (“{q.prompt[:60]}”, lesson “{q.lesson.title}”) has no "
            "explanation."
            for q in published
            if not q.explanation.strip()
        ]
        return problems


class Source(models.Model):
    """A text that lessons and questions are derived from."""

    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text="The course this text is taught in.",
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    text = models.TextField(help_text="The text exactly as it was brought in.")
    checksum = models.CharField(
        max_length=64,
        editable=False,
        help_text="SHA-256 of the text, to recognise a text seen before.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The checksum is a pure function of the text; keeping it in step here
        # means no caller can store a stale one.
        self.checksum = self.checksum_of(self.text)
        super().save(*args, **kwargs)

    @staticmethod
    def checksum_of(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Passage(models.Model):
    """One passage (paragraph or web snippet) of a source, in source order."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="passage_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.source} · passage {self.number}"

    @property
    def number(self) -> int:
        """1-based, as people count passages."""
        return self.position + 1


class Sentence(models.Model):
    """A distinct sentence of a source. Repeats across passages are one row that
    remembers every passage it stands in, so provenance survives deduplication."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="sentences")
    position = models.PositiveIntegerField(help_text="Order of first appearance in the source.")
    text = models.TextField()
    passages = models.ManyToManyField(Passage, related_name="sentences")
    is_noise = models.BooleanField(
        default=False, help_text="Web noise or a fragment: kept for provenance, never taught."
    )

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="sentence_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text


# What a student can reach, defined once. Each is a Q on a path to the model
# it is about, so that a query from any other model (an attempt's lesson, a
# card's question) asks exactly the same thing as the model's own queryset.
#
# A student reaches a lesson only while it and its course are published, and a
# question only while it too is published. Whatever hangs off a lesson or a
# question (an attempt under way, a review card, a stored review) is reachable
# exactly while they are: an educator who unpublishes a lesson (or takes its
# course back to draft) makes its attempts, even one under way, a 404 like the
# lesson's own page, and its cards leave the review queue. Nothing is deleted:
# the learner's attempts, answers and cards stay, and come back as they were
# when the lesson is published again.


def lesson_reachable(path: str = "") -> Q:
    """A published lesson of a published course; `path` leads to the lesson
    ("lesson__" from an attempt)."""
    return Q(**{f"{path}published": True, f"{path}course__status": Course.Status.PUBLISHED})


def question_live(path: str = "") -> Q:
    """A published question of a reachable lesson; `path` leads to the question
    ("question__" from a review card)."""
    return Q(**{f"{path}status": Question.Status.PUBLISHED}) & lesson_reachable(f"{path}lesson__")


class LessonQuerySet(models.QuerySet["Lesson"]):
    def published(self) -> LessonQuerySet:
        """What students may see: published lessons of published courses."""
        return self.filter(lesson_reachable())


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="lessons")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="lessons")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="One or two sentences shown on the lesson list.")
    position = models.PositiveIntegerField(default=0, help_text="The lesson's place in its course.")
    published = models.BooleanField(default=False)
    content_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Bumped whenever the lesson's questions change; keys the question cache.",
    )
    sentences = models.ManyToManyField(
        Sentence, through="LessonSentence", related_name="lessons", blank=True
    )

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["course", "position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:lesson_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if (
            self.source_id
            and self.course_id
            and self.source.course_id not in (None, self.course_id)
        ):
            raise ValidationError(
                {"source": "This source is taught in another course than the lesson."}
            )


class LessonSentence(models.Model):
    """A sentence of the lesson's reading content, in reading order."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="lesson_sentences")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "sentence"], name="lesson_sentence_once"),
            models.UniqueConstraint(fields=["lesson", "position"], name="lesson_sentence_position"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} · {self.position + 1}"

    def clean(self) -> None:
        if self.lesson_id and self.sentence_id and self.sentence.source_id != self.lesson.source_id:
            raise ValidationError(
                {"sentence": "This sentence is from another source than the lesson."}
            )


class QuestionQuerySet(models.QuerySet["Question"]):
    def published(self) -> QuestionQuerySet:
        """Published, whatever its lesson: for a lesson already known reachable."""
        return self.filter(status=Question.Status.PUBLISHED)

    def live(self) -> QuestionQuerySet:
        """What a student can be asked: published, in a published lesson of a
        published course."""
        return self.filter(question_live())


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single", "Single choice"
        MULTIPLE_ANSWER = "multiple", "Multiple answer (select all that apply)"
        TRUE_FALSE = "true_false", "True or false"
        FILL_BLANK = "fill_blank", "Fill in the blank"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Origin(models.TextChoices):
        AUTHORED = "authored", "Authored"
        DERIVED = "derived", "Derived from the text"

    BLANK = "____"
    CHOICE_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_ANSWER, Kind.TRUE_FALSE})
    ONE_CORRECT_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.TRUE_FALSE})

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    prompt = models.TextField(
        help_text="For fill in the blank, write the blank as ____ (four underscores)."
    )
    explanation = models.TextField(
        blank=True, help_text="Why the right answer is right and the tempting wrong one is wrong."
    )
    provenance = models.ForeignKey(
        Sentence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The exact source sentence this question tests.",
    )
    provenance_passage = models.ForeignKey(
        Passage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The passage the sentence is cited from.",
    )
    # Apart from provenance, not provenance plus a "confirmed" flag: provenance
    # is what learners are quoted, and every reader of it (feedback, exports,
    # GIFT, the derivation review) would otherwise have to learn to skip an
    # unconfirmed guess. A suggestion is only ever shown to educators.
    suggested_provenance = models.ForeignKey(
        Sentence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The sentence of the text that best matches an imported question, for an "
        "educator to confirm as its provenance.",
    )
    highlight = models.CharField(
        max_length=300,
        blank=True,
        help_text="The words of the source sentence this question tests, highlighted in feedback.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.AUTHORED)
    flags = models.JSONField(
        default=list, blank=True, help_text="What an educator should check in a derived draft."
    )
    derivation = models.ForeignKey(
        "Derivation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The derivation that drafted this question.",
    )
    confidence = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="How likely a derived draft is kept as it stands (0 to 1), from what "
        "predicted a reader's verdicts; the review lists the best drafts first.",
    )
    derived_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="The draft's content as derived, to tell a published-unchanged draft "
        "from an edited one.",
    )
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="The question's content as it is now, kept by every write: equal to the "
        "derived fingerprint while a derived draft is unedited.",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["lesson", "position", "pk"]
        indexes = [models.Index(fields=["lesson", "status", "position"])]

    def __str__(self) -> str:
        # The admin's headings, breadcrumbs and messages: cut at a word, not
        # inside one ("…What does t").
        if len(self.prompt) <= 80:
            return self.prompt
        return self.prompt[:80].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def uses_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.FILL_BLANK and self.prompt.count(self.BLANK) != 1:
            errors["prompt"] = (
                f"A fill-in-the-blank prompt needs exactly one blank, written {self.BLANK}."
            )
        if self.provenance is not None:
            if self.lesson_id and self.provenance.source_id != self.lesson.source_id:
                errors["provenance"] = (
                    "The provenance sentence is from another source than the lesson."
                )
            elif self.provenance.text not in self.provenance.source.text:
                errors["provenance"] = (
                    "The provenance sentence is not quoted exactly from its source text."
                )
            elif self.highlight and self.highlight not in self.provenance.text:
                errors["highlight"] = (
                    "The highlighted words must appear in the provenance sentence."
                )
            if (
                self.provenance_passage_id
                and not self.provenance.passages.filter(pk=self.provenance_passage_id).exists()
            ):
                errors["provenance_passage"] = (
                    "The provenance sentence does not appear in this passage."
                )
        if self.is_published:
            # Every published question is either quoted from the text or
            # written by the educator and says so; either way it explains itself.
            if not self.explanation.strip():
                errors["explanation"] = (
                    "A published question needs an explanation."
                    if self.provenance_id
                    else "A published question without a source sentence needs an explanation."
                )
            if not self.provenance_id and self.origin != self.Origin.AUTHORED:
                errors["provenance"] = (
                    "A question derived from the text needs its source sentence (provenance) "
                    "to be published."
                )
        if errors:
            raise ValidationError(errors)

    def clean_choices(self, choices: list[Choice]) -> None:
        """The rules for a question's choices. The admin calls this with the
        submitted inline rows; tests and services with the saved ones."""
        live = [c for c in choices if c.text.strip()]
        correct = sum(1 for c in live if c.is_correct)
        if not self.uses_choices:
            if live:
                raise ValidationError(
                    "Fill-in-the-blank questions take accepted answers, not choices."
                )
            return
        # A draft may be unfinished work: its choices are checked when it is
        # published (every way of publishing validates as published).
        if not self.is_published:
            return
        if len(live) < 2:
            raise ValidationError("A choice question needs at least two choices.")
        if self.kind == self.Kind.TRUE_FALSE and len(live) != 2:
            raise ValidationError("A true/false question has exactly two choices: True and False.")
        if self.kind in self.ONE_CORRECT_KINDS and correct != 1:
            raise ValidationError(
                f"A {self.get_kind_display().lower()} question needs exactly one correct choice "
                f"(it has {correct})."
            )
        if self.kind == self.Kind.MULTIPLE_ANSWER and correct < 1:
            raise ValidationError("A multiple-answer question needs at least one correct choice.")

    def clean_accepted_answers(self, accepted: list[AcceptedAnswer]) -> None:
        live = [a for a in accepted if a.text.strip()]
        if self.kind == self.Kind.FILL_BLANK and not live and self.is_published:
            raise ValidationError(
                "A fill-in-the-blank question needs at least one accepted answer."
            )
        if self.kind != self.Kind.FILL_BLANK and live:
            raise ValidationError("Accepted answers are only for fill-in-the-blank questions.")

    def full_clean_with_answers(self) -> None:
        """Validate the question and its saved answers together."""
        self.full_clean()
        self.clean_choices(list(self.choices.all()))
        self.clean_accepted_answers(list(self.accepted_answers.all()))

    def publishing_problems(self) -> list[str]:
        """What stands between this draft and publishing it, as publishing
        would say it: nothing for a question that could be published now."""
        status = self.status
        self.status = self.Status.PUBLISHED
        try:
            self.full_clean_with_answers()
        except ValidationError as error:
            return error.messages
        finally:
            self.status = status
        return []


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    feedback = models.TextField(blank=True, help_text="Shown when a learner picks this choice.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class AcceptedAnswer(models.Model):
    """An answer accepted for a fill-in-the-blank question. Learners' answers are
    compared after normalising case, spacing, punctuation and dashes."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="accepted_answers"
    )
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["question", "pk"]

    def __str__(self) -> str:
        return self.text


class QuestionVersion(models.Model):
    """One version of a question's content as learners answered it: what
    grading.QuestionData.snapshot() holds (kind, prompt, explanation, choices
    with their correctness and feedback, accepted answers, refused terms).

    Made when the question is first answered after an edit, and shared by
    every answer to that version, so that an edit never rewrites what was
    answered and a response need not carry its own copy."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    digest = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the content (digest_of)."
    )
    content = models.JSONField(
        editable=False,
        help_text="The question as the learner saw it; empty for answers stored before "
        "questions were kept as they stood.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "digest"], name="question_version_once"),
        ]

    def __str__(self) -> str:
        return f"Q{self.question_id} · {self.digest[:8]}"

    @staticmethod
    def digest_of(content: dict) -> str:
        """The same for equal content however its keys are ordered (PostgreSQL's
        jsonb reorders them). Migration 0018 keeps a copy: keep the two equal."""
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def reachable(self) -> AttemptQuerySet:
        """Attempts at lessons students can reach now (see lesson_reachable): an
        attempt, even one under way, is out of reach while its lesson is."""
        return self.filter(lesson_reachable("lesson__"))


class Attempt(models.Model):
    """One go at a lesson's quiz by one learner."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attempts")
    # A default, not auto_now_add, so that bulk writes of past activity
    # (make_cohort) can give the time; the admin shows attempts read-only.
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(
        null=True,
        blank=True,
        help_text="Share of questions answered correctly, 0 to 1, once finished.",
    )
    question_ids = models.JSONField(
        default=list, help_text="The questions of this attempt, in the order they are asked."
    )
    seed = models.PositiveIntegerField(
        default=0, help_text="Shuffles the choices once per attempt, the same on every reload."
    )
    is_retry = models.BooleanField(
        default=False, help_text="A short attempt of the questions missed in an earlier one."
    )
    answered_count = models.PositiveIntegerField(default=0)
    correct_count = models.PositiveIntegerField(default=0)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson"],
                condition=Q(finished_at__isnull=True),
                name="attempt_one_unfinished_per_learner_lesson",
                violation_error_message="You already have an unfinished attempt at this lesson.",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=1)),
                name="attempt_score_between_0_and_1",
            ),
        ]
        indexes = [models.Index(fields=["learner", "lesson", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def question_count(self) -> int:
        return len(self.question_ids)

    @property
    def duration(self) -> timedelta | None:
        return (self.finished_at - self.started_at) if self.finished_at else None

    def choice_order(self, question_id: int, choice_ids: list[int]) -> list[int]:
        """The choices of one question in this attempt's shuffled order: random
        once per attempt, and the same on every reload."""
        order = sorted(choice_ids)
        random.Random(f"{self.seed}:{question_id}").shuffle(order)
        return order


class Response(models.Model):
    """A learner's answer to one question within one attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    answer = models.JSONField(
        help_text='What was submitted: {"choices": [ids]} or {"text": "..."}.'
    )
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)  # as Attempt.started_at
    time_taken = models.DurationField(null=True, blank=True)
    question_version = models.ForeignKey(
        QuestionVersion,
        on_delete=models.PROTECT,
        related_name="responses",
        help_text="The question as the learner saw it (prompt, choices, answers), so a later "
        "edit never rewrites what was answered.",
    )
    chosen = models.ManyToManyField(
        Choice, through="ResponseChoice", related_name="responses", blank=True
    )

    class Meta:
        ordering = ["answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"],
                name="response_one_per_question_per_attempt",
                violation_error_message="This question has already been answered in this attempt.",
            ),
        ]
        indexes = [
            models.Index(fields=["question", "answered_at"]),
            # Item statistics read these columns of an attempt's responses; with
            # them in the index PostgreSQL never touches the wide rows.
            models.Index(
                fields=["attempt"],
                include=["question", "is_correct", "time_taken"],
                name="response_item_stats",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · Q{self.question_id} · {'right' if self.is_correct else 'wrong'}"


class ResponseChoice(models.Model):
    """A choice picked in a response, as a row, so reports count each option's
    share with one grouped query instead of reading every answer's JSON. The
    attempt is repeated here so that query never joins the (large) responses."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="+")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "choice"], name="response_choice_once"),
        ]
        indexes = [models.Index(fields=["attempt", "choice"])]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.choice_id}"


class ReviewCardQuerySet(models.QuerySet["ReviewCard"]):
    def reachable(self) -> ReviewCardQuerySet:
        """Cards of live questions (see question_live): the only ones served,
        answered or counted for students."""
        return self.filter(question_live("question__"))

    def recalled(self, now: datetime) -> ReviewCardQuerySet:
        """Cards whose question is recalled (mastered) at `now`, as
        lessons.scoring.is_recalled says: never one due at `now`."""
        return self.filter(recall_until__gt=now)


class ReviewCard(models.Model):
    """The spaced-repetition state of one question for one learner (FSRS)."""

    class State(models.IntegerChoices):
        # Values as in the fsrs package's State enum.
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    last_correct = models.BooleanField(default=False)
    recall_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While the last answer was right: when the expected recall falls below the "
        "desired retention, or the card's due time if that is sooner. A question counts as "
        "mastered until then.",
    )
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="review_card_once"),
            # A question due for review is not mastered: its recall ends by its
            # due time (lessons.scheduling.review, migration 0016).
            models.CheckConstraint(
                condition=Q(recall_until__isnull=True) | Q(recall_until__lte=F("due")),
                name="recall_by_due",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "due"]),
            # The reports' mastery counts of cards recalled now, from an index
            # alone (INCLUDE on PostgreSQL): by question for a lesson's or a
            # large cohort's, by learner for a page's or a small cohort's in a
            # large database; the planner picks by the cohort's size.
            models.Index(
                fields=["question", "recall_until"],
                include=["learner"],
                name="review_card_recalled",
            ),
            models.Index(
                fields=["learner", "recall_until"],
                include=["question"],
                name="review_card_recalled_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · Q{self.question_id} · due {self.due:%Y-%m-%d %H:%M}"


class ReviewQuerySet(models.QuerySet["Review"]):
    def reachable(self) -> ReviewQuerySet:
        """Reviews of live questions: shown back to the learner only while the
        card they were given on is served."""
        return self.filter(question_live("question__"))


class Review(models.Model):
    """An answer given in the review queue, outside any attempt."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="reviews")
    answer = models.JSONField()
    is_correct = models.BooleanField()
    rating = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField(auto_now_add=True)
    time_taken = models.DurationField(null=True, blank=True)
    card_review_number = models.PositiveIntegerField(
        help_text="Which review of the card this was; a replay of the same one is refused."
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "question", "card_review_number"],
                name="review_once_per_card_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · Q{self.question_id} · {self.reviewed_at:%Y-%m-%d %H:%M}"


class Derivation(models.Model):
    """One run of deriving lessons and draft questions from a text an educator
    brought: its progress while it runs and what it created."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=200)
    text = models.TextField(help_text="The text as brought in.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    message = models.CharField(max_length=500, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="derivations"
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derivations",
        help_text="The draft course its lessons go into: the one picked, else a new one.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lesson_count = models.PositiveIntegerField(default=0)
    question_count = models.PositiveIntegerField(
        default=0, help_text="Drafts created; the base of the published/edited/deleted shares."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="derivation_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


def cohort_code() -> str:
    """A join code people can read out and type: no 0/O or 1/I/L."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Cohort(models.Model):
    """A group of learners and the instructors who follow their scores."""

    name = models.CharField(max_length=200)
    code = models.CharField(
        max_length=16,
        unique=True,
        default=cohort_code,
        help_text="Learners join the cohort by entering this code.",
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teaching_cohorts", blank=True
    )
    learners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts", blank=True)
    courses = models.ManyToManyField(
        Course,
        related_name="cohorts",
        blank=True,
        help_text="The courses the cohort follows: its reports show these courses' lessons "
        "(a draft course once it is published).",
    )
    pass_mark = models.FloatField(
        default=0.6, help_text="Scores below this share (0 to 1) stand out in the reports."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [("view_cohort_reports", "Can view the scores of their cohorts' learners")]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=1),
                name="cohort_pass_mark_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Codes are typed by hand: store them as they are compared.
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class LessonScore(models.Model):
    """One learner's standing in one lesson, kept current by the answer
    service so score reports read one row instead of every attempt.

    Scores come from full attempts only: a retry of the missed questions is
    short, and its score would overstate the learner's standing. Every page
    and export reads best, latest and attempts from here; lessons.scoring
    defines them."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_scores"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="scores")
    attempts = models.PositiveIntegerField(default=0, help_text="Finished full attempts.")
    best_score = models.FloatField(null=True, blank=True)
    latest_score = models.FloatField(null=True, blank=True)
    first_attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    best_attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latest_attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_activity = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="lesson_score_once"),
        ]
        indexes = [models.Index(fields=["lesson", "best_score"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson}"


# ------------------------------------------------------------ item analysis tallies
#
# Running sums from which a cohort's item analysis of a lesson is read in a
# bounded number of rows, whatever the number of responses. They are kept by
# lessons.item_tallies when an attempt finishes (the answer's transaction) and
# when learners join or leave a cohort, and rebuilt from scratch by
# `manage.py rebuild_item_tallies`. `scope` is one of the report's attempt
# scopes: first, best, last or all.


class ItemTally(models.Model):
    """One question's responses in a cohort's scoped attempts at a lesson whose
    time taken falls in one time bucket (-1: no time): sums of the score x (0
    or 1) and of the rest of the attempt's score y, from which facility and
    discrimination follow; the responses per bucket give the median time."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=8)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    time_bucket = models.SmallIntegerField()
    responses = models.BigIntegerField(default=0)
    correct = models.BigIntegerField(default=0)  # Σx
    sum_rest = models.BigIntegerField(default=0)  # Σy
    sum_rest_squares = models.BigIntegerField(default=0)  # Σy²
    sum_correct_rest = models.BigIntegerField(default=0)  # Σxy

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "lesson", "scope", "question", "time_bucket"],
                name="item_tally_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} · {self.lesson_id} · {self.scope} · Q{self.question_id}"


class OptionTally(models.Model):
    """How often a choice was picked in a cohort's scoped attempts at a lesson.
    Deleting a choice deletes its tally, as it deletes the picks it counts."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=8)
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="+")
    picks = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "lesson", "scope", "choice"], name="option_tally_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} · {self.lesson_id} · {self.scope} · choice {self.choice_id}"


class ScoreTally(models.Model):
    """How many of a cohort's scoped attempts at a lesson ended with this many
    right and this score: the distribution behind the mean, the histogram and
    Cronbach's alpha."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=8)
    correct_count = models.PositiveIntegerField()
    score = models.FloatField()
    attempts = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "lesson", "scope", "correct_count", "score"],
                name="score_tally_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} · {self.lesson_id} · {self.scope} · {self.correct_count}"


if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _QuestionCount(TypedDict):
        question_count: int

    class _LearnerCount(TypedDict):
        learner_count: int

    # A lesson as the lesson lists read it, with its published questions counted.
    CountedLesson = WithAnnotations[Lesson, _QuestionCount]
    # A cohort as the reports read it, with its learners counted.
    CountedCohort = WithAnnotations[Cohort, _LearnerCount]
