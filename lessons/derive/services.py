"""Writes for derivation: storing a derivation's result in one transaction,
running a requested derivation, and publishing reviewed drafts. Plus the read
that measures derivation quality (what educators kept, edited or deleted)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.text import slugify

from lessons import services
from lessons.derive.pipeline import DeriveError, derive
from lessons.derive.types import Derivation
from lessons.models import (
    AcceptedAnswer,
    Choice,
    Course,
    Lesson,
    LessonSentence,
    Passage,
    Question,
    Sentence,
    Source,
)
from lessons.models import Derivation as DerivationRecord
from lessons.services import question_fingerprint
from lessons.tasks import derivation_run

logger = logging.getLogger(__name__)
BATCH = 500


def _unique_slugs(model, bases: list[str]) -> list[str]:
    """Slugs for new rows, suffixed where a row or an earlier base has taken one."""
    stems = {b for b in bases}
    taken = set()
    for stem in stems:
        taken.update(model.objects.filter(slug__startswith=stem).values_list("slug", flat=True))
    result = []
    for base in bases:
        slug, n = base, 2
        while slug in taken:
            slug = f"{base[:190]}-{n}"
            n += 1
        taken.add(slug)
        result.append(slug)
    return result


class CourseNotDraft(DeriveError):
    """Derived lessons go into a draft course only, never straight into a live one."""


def _draft_course(*, title: str, course: Course | None, base: str) -> Course:
    """The draft course a derivation's lessons go into: the one given (locked,
    so its lesson positions are counted once), or a new one titled as the text."""
    if course is None:
        (slug,) = _unique_slugs(Course, [base])
        return Course.objects.create(title=title[:200], slug=slug, status=Course.Status.DRAFT)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.is_published:
        raise CourseNotDraft(
            f"“{course.title}” is published: derive into a draft course, and publish it "
            "when its lessons are ready."
        )
    return course


@transaction.atomic
def derivation_store(
    *,
    derivation: Derivation,
    title: str,
    record: DerivationRecord | None = None,
    course: Course | None = None,
) -> Source:
    """Write a derivation: the source, its passages and sentences, unpublished
    lessons and draft questions, in a draft course (the one given, or the
    record's, else a new one), after the lessons it already has. All or nothing."""
    base = slugify(title)[:150] or "text"
    if course is None and record is not None:
        course = record.course
    course = _draft_course(title=title, course=course, base=base)
    first_position = (course.lessons.aggregate(last=Max("position"))["last"] or -1) + 1
    (source_slug,) = _unique_slugs(Source, [base])
    source = Source.objects.create(
        course=course, title=title[:200], slug=source_slug, text=derivation.text
    )
    passages = Passage.objects.bulk_create(
        [Passage(source=source, position=i, text=t) for i, t in enumerate(derivation.passages)],
        batch_size=BATCH,
    )
    sentences = Sentence.objects.bulk_create(
        [
            Sentence(source=source, position=s.position, text=s.text, is_noise=s.is_noise)
            for s in derivation.sentences
        ],
        batch_size=BATCH,
    )
    Through = Sentence.passages.through
    Through.objects.bulk_create(
        [
            Through(sentence_id=sentences[s.position].pk, passage_id=passages[p].pk)
            for s in derivation.sentences
            for p in s.passages
        ],
        batch_size=BATCH,
    )
    lesson_slugs = _unique_slugs(
        Lesson, [f"{base}-{slugify(lesson.title)[:40]}" for lesson in derivation.lessons]
    )
    lessons = Lesson.objects.bulk_create(
        [
            Lesson(
                course=course,
                source=source,
                title=lesson.title[:200],
                slug=slug,
                summary=lesson.summary,
                position=first_position + i,
                published=False,
            )
            for i, (lesson, slug) in enumerate(zip(derivation.lessons, lesson_slugs, strict=True))
        ],
        batch_size=BATCH,
    )
    LessonSentence.objects.bulk_create(
        [
            LessonSentence(lesson=lessons[i], sentence=sentences[p], position=n)
            for i, lesson in enumerate(derivation.lessons)
            for n, p in enumerate(lesson.sentences)
        ],
        batch_size=BATCH,
    )
    rows = []
    for n, q in enumerate(derivation.questions):
        # What is stored: choice and answer texts are cut to their columns' length.
        stored = question_fingerprint(
            kind=q.kind,
            prompt=q.prompt,
            explanation=q.explanation,
            choices=[(c.text[:500], c.correct) for c in q.choices],
            accepted=[a[:200] for a in q.accepted],
        )
        rows.append(
            Question(
                lesson=lessons[q.lesson],
                kind=q.kind,
                prompt=q.prompt,
                explanation=q.explanation,
                provenance=sentences[q.sentence],
                provenance_passage=passages[q.passage],
                highlight=q.highlight[:300],
                status=Question.Status.DRAFT,
                origin=Question.Origin.DERIVED,
                flags=q.flags,
                confidence=q.confidence,
                derivation=record,
                derived_fingerprint=question_fingerprint(
                    kind=q.kind,
                    prompt=q.prompt,
                    explanation=q.explanation,
                    choices=[(c.text, c.correct) for c in q.choices],
                    accepted=q.accepted,
                ),
                fingerprint=stored,
                position=n,
            )
        )
    questions = Question.objects.bulk_create(rows, batch_size=BATCH)
    Choice.objects.bulk_create(
        [
            Choice(
                question=row,
                text=c.text[:500],
                is_correct=c.correct,
                feedback=c.feedback,
                position=i,
            )
            for row, q in zip(questions, derivation.questions, strict=True)
            for i, c in enumerate(q.choices)
        ],
        batch_size=BATCH,
    )
    AcceptedAnswer.objects.bulk_create(
        [
            AcceptedAnswer(question=row, text=a[:200])
            for row, q in zip(questions, derivation.questions, strict=True)
            for a in q.accepted
        ],
        batch_size=BATCH,
    )
    if record is not None:
        DerivationRecord.objects.filter(pk=record.pk).update(
            source=source,
            course=course,
            lesson_count=len(lessons),
            question_count=len(questions),
        )
    return source


def derivation_request(
    *, title: str, text: str, user: User | None, course: Course | None = None
) -> DerivationRecord:
    """Record a derivation and hand it to the task queue (run at once by the
    ImmediateBackend, by a worker with a database backend) once the record is
    committed: a worker must not look for a row it cannot see yet. Its lessons
    go into the draft course given, else into a new draft course."""
    record = DerivationRecord.objects.create(
        title=title[:200], text=text, created_by=user, course=course
    )
    transaction.on_commit(lambda: derivation_run.enqueue(derivation_id=record.pk))
    return record


def _progress(record_id: int) -> Callable[[int, str], None]:
    last = [-10]

    def report(percent: int, message: str) -> None:
        if percent - last[0] >= 5 or percent >= 95:
            last[0] = percent
            DerivationRecord.objects.filter(pk=record_id).update(
                progress=min(100, percent), message=message[:500]
            )

    return report


def derivation_execute(*, derivation_id: int) -> DerivationRecord:
    """Run a requested derivation and store its result, reporting progress on
    the record. A failure leaves nothing half-written and says why."""
    record = DerivationRecord.objects.get(pk=derivation_id)
    if record.is_finished:
        return record
    DerivationRecord.objects.filter(pk=record.pk).update(
        status=DerivationRecord.Status.RUNNING, progress=1, message="Starting"
    )
    try:
        result = derive(
            record.text,
            title=record.title,
            progress=_progress(record.pk),
            time_limit=settings.DERIVE_TIME_LIMIT_SECONDS or None,
        )
        source = derivation_store(derivation=result, title=record.title, record=record)
    except DeriveError as error:
        _derivation_failed(record.pk, str(error))
    except Exception:
        # A bug must not leave the record "running" for ever: say so, keep the trace.
        logger.exception("Derivation %s failed unexpectedly", record.pk)
        _derivation_failed(record.pk, "The derivation failed unexpectedly; the error is logged.")
        raise
    else:
        DerivationRecord.objects.filter(pk=record.pk).update(
            status=DerivationRecord.Status.DONE,
            progress=100,
            message=f"Created {len(result.lessons)} lessons and {len(result.questions)} draft "
            f"questions from “{source.title}”.",
            finished_at=timezone.now(),
        )
    record.refresh_from_db()
    return record


def _derivation_failed(derivation_id: int, message: str) -> None:
    DerivationRecord.objects.filter(pk=derivation_id).update(
        status=DerivationRecord.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


@dataclass(frozen=True)
class Published:
    published: int
    refused: dict[int, str]
    lessons: int
    # Draft courses whose lessons were published: students see them once the course is.
    draft_courses: tuple[str, ...] = ()


@transaction.atomic
def drafts_publish(*, question_ids: Iterable[int]) -> Published:
    """Publish reviewed drafts and their lessons, within their own course:
    no other lesson, and no lesson's place in its course, changes. Students
    reach the lessons once their course is published too. A draft that fails
    the question's own rules stays a draft, with the reason."""
    questions = list(
        Question.objects.select_for_update(of=("self",))
        .filter(pk__in=list(question_ids), status=Question.Status.DRAFT)
        .select_related("provenance", "lesson")
        .prefetch_related("choices", "accepted_answers")
    )
    refused: dict[int, str] = {}
    ok: list[Question] = []
    for question in questions:
        question.status = Question.Status.PUBLISHED
        try:
            question.full_clean_with_answers()
        except ValidationError as error:
            refused[question.pk] = "; ".join(error.messages)
            continue
        ok.append(question)
    Question.objects.filter(pk__in=[q.pk for q in ok]).update(
        status=Question.Status.PUBLISHED, updated_at=timezone.now()
    )
    lesson_ids = sorted({q.lesson_id for q in ok})
    newly = Lesson.objects.filter(pk__in=lesson_ids, published=False).update(published=True)
    for lesson_id in lesson_ids:
        services.lesson_content_changed(lesson_id=lesson_id)
    draft_courses = Course.objects.filter(
        lessons__in=lesson_ids, status=Course.Status.DRAFT
    ).distinct()
    return Published(len(ok), refused, newly, tuple(c.title for c in draft_courses))


UNCOVERED_SHOWN = 100


@dataclass(frozen=True)
class Uncovered:
    """The content sentences of a derivation's source that no question asks
    about: what the quiz does not cover. `shown` is the first of them, in
    reading order, at most UNCOVERED_SHOWN."""

    count: int
    shown: list[str]


def derivation_uncovered(*, record: DerivationRecord) -> Uncovered:
    """Two queries, whatever the size of the text. Any question on the source
    counts, derived or written since, whatever its status: the point is what
    is left to cover."""
    if record.source_id is None:
        return Uncovered(0, [])
    sentences = (
        Sentence.objects.filter(source_id=record.source_id, is_noise=False)
        .exclude(
            pk__in=Question.objects.filter(provenance__source_id=record.source_id).values(
                "provenance_id"
            )
        )
        .order_by("position")
    )
    shown = list(sentences.values_list("text", flat=True)[:UNCOVERED_SHOWN])
    count = len(shown) if len(shown) < UNCOVERED_SHOWN else sentences.count()
    return Uncovered(count, shown)


@dataclass(frozen=True)
class Quality:
    """What educators did with derived drafts: the real measure of derivation."""

    derived: int
    published_unchanged: int
    published_edited: int
    deleted: int
    edited_drafts: int
    untouched_drafts: int

    def share(self, count: int) -> float:
        return count / self.derived if self.derived else 0.0

    @property
    def rows(self) -> list[tuple[str, int, float]]:
        return [
            ("Published unchanged", self.published_unchanged, self.share(self.published_unchanged)),
            ("Published after editing", self.published_edited, self.share(self.published_edited)),
            ("Deleted", self.deleted, self.share(self.deleted)),
            ("Edited, still a draft", self.edited_drafts, self.share(self.edited_drafts)),
            ("Not reviewed yet", self.untouched_drafts, self.share(self.untouched_drafts)),
        ]


def derivation_quality(*, derivation_ids: Iterable[int] | None = None) -> Quality:
    """Compare every derived question's fingerprint now with its fingerprint
    from derivation time; the ones missing from a derivation's count were
    deleted. Two aggregate queries, whatever the number of questions: the
    current fingerprint is kept by every write (question_fingerprints_refresh)."""
    records = DerivationRecord.objects.filter(status=DerivationRecord.Status.DONE)
    questions = Question.objects.filter(derivation__isnull=False, origin=Question.Origin.DERIVED)
    if derivation_ids is not None:
        ids = list(derivation_ids)
        records = records.filter(pk__in=ids)
        questions = questions.filter(derivation_id__in=ids)
    derived = records.aggregate(total=Sum("question_count"))["total"] or 0
    published = Q(status=Question.Status.PUBLISHED)
    unchanged = Q(fingerprint=F("derived_fingerprint"))
    counts = questions.aggregate(
        existing=Count("pk"),
        published_unchanged=Count("pk", filter=published & unchanged),
        published_edited=Count("pk", filter=published & ~unchanged),
        edited_drafts=Count("pk", filter=~published & ~unchanged),
        untouched_drafts=Count("pk", filter=~published & unchanged),
    )
    return Quality(
        derived=derived,
        published_unchanged=counts["published_unchanged"],
        published_edited=counts["published_edited"],
        deleted=max(0, derived - counts["existing"]),
        edited_drafts=counts["edited_drafts"],
        untouched_drafts=counts["untouched_drafts"],
    )
