"""Reads: each function answers one page's question in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from lessons import catalogue, scoring, sequencing
from lessons.grading import ChoiceData, QuestionData, Result, Submission, grade, terms_to_refuse
from lessons.masking import RULES_VERSION, giveaway_terms
from lessons.models import (
    AcceptedAnswer,
    Attempt,
    Choice,
    Cohort,
    Course,
    Lesson,
    LessonScore,
    LessonSentence,
    Passage,
    Question,
    QuestionVersion,
    Response,
    Review,
    ReviewCard,
    Source,
    lesson_reachable,
)

if TYPE_CHECKING:
    from lessons.models import CountedLesson


def lesson_list_published() -> QuerySet[CountedLesson]:
    """Published lessons of published courses, course by course in each one's
    order, each with its course and its number of published questions."""
    # Aggregating queries ignore Meta.ordering, so the course order is explicit.
    return (
        Lesson.objects.published()
        .select_related("course")
        .annotate(
            question_count=Count("questions", filter=Q(questions__status=Question.Status.PUBLISHED))
        )
        .order_by("course", "position", "title")
    )


def lesson_for_reading(*, slug: str) -> Lesson:
    """A published lesson (of a published course) with its reading sentences,
    each with the passages it came from: kept per content version
    (lessons.catalogue), no query while it holds."""
    return catalogue.lesson_for_reading(slug, _read_lesson)


def _read_lesson(slug: str) -> Lesson:
    reading = LessonSentence.objects.select_related("sentence").prefetch_related(
        Prefetch("sentence__passages", queryset=Passage.objects.order_by("position"))
    )
    lessons = (
        Lesson.objects.published()
        .select_related("source", "course")
        .annotate(
            question_count=Count("questions", filter=Q(questions__status=Question.Status.PUBLISHED))
        )
        .prefetch_related(Prefetch("lesson_sentences", queryset=reading))
    )
    return get_object_or_404(lessons, slug=slug)


QUESTION_CACHE_SECONDS = 24 * 3600


def question_data(question_id: int, *, lesson_version: int | None = None) -> QuestionData:
    """One question with its choices and accepted answers.

    Question content is read on every quiz page and answer but changes rarely,
    so with the lesson's content version (bumped by every edit, see
    services.lesson_content_changed) it comes from the cache; without one it
    is read afresh, in three queries (and a fill-in-the-blank question's
    refused terms from their own cache, or three more)."""
    if lesson_version is None:
        return _question_data_for_grading(question_id)
    key = f"question-data:{question_id}:v{lesson_version}"
    data = cache.get(key)
    if data is None:
        data = _question_data_for_grading(question_id)
        cache.set(key, data, QUESTION_CACHE_SECONDS)
    return data


def _question_data_for_grading(question_id: int) -> QuestionData:
    question = _question_with_answers(question_id)
    data = question_data_from(question)
    if data.is_fill_blank:
        data = replace(data, refused_terms=_refused_terms(question, data.accepted_answers))
    return data


def _question_with_answers(question_id: int) -> Question:
    return (
        Question.objects.select_related("provenance", "provenance_passage", "lesson")
        .prefetch_related("choices", "accepted_answers")
        .get(pk=question_id)
    )


def _refused_terms(question: Question, accepted: tuple[str, ...]) -> tuple[str, ...]:
    """The terms of the question's text a lenient grading must not take for its
    answer (grading.terms_to_refuse): from the other questions' answers and
    choices on the same text, and the text's words.

    Cached by the question's content and its lesson's version, since the
    review queue reads questions uncached and a text may run to megabytes. An
    edit in another lesson on the same text reaches it when this lesson next
    changes or within a day; until then a slip near that new term is graded
    as before it was added."""
    lesson = question.lesson
    key = f"refused-terms:{question.pk}:{question.fingerprint}:v{lesson.content_version}"
    terms = cache.get(key)
    if terms is None:
        on_text = Q(question__lesson__source_id=lesson.source_id)
        others = [
            *AcceptedAnswer.objects.filter(on_text)
            .exclude(question_id=question.pk)
            .values_list("text", flat=True),
            *Choice.objects.filter(on_text).values_list("text", flat=True),
        ]
        text = Source.objects.values_list("text", flat=True).get(pk=lesson.source_id)
        terms = terms_to_refuse(accepted, other_answers=others, text=text)
        cache.set(key, terms, QUESTION_CACHE_SECONDS)
    return terms


def question_data_from(question: Question) -> QuestionData:
    return QuestionData(
        id=question.pk,
        kind=question.kind,
        choices=tuple(
            ChoiceData(c.pk, c.text, c.is_correct, c.feedback) for c in question.choices.all()
        ),
        accepted_answers=tuple(a.text for a in question.accepted_answers.all()),
        prompt=question.prompt,
        explanation=question.explanation,
        provenance=question.provenance.text if question.provenance else "",
        passage_number=question.provenance_passage.number if question.provenance_passage else None,
        highlight=question.highlight,
        lesson_id=question.lesson_id,
        is_published=question.status == Question.Status.PUBLISHED,
    )


def questions_data(question_ids: list[int]) -> list[QuestionData]:
    """The questions (those that still exist), in the order of the ids, in
    three queries whatever their number."""
    found = {
        q.pk: question_data_from(q)
        for q in Question.objects.filter(pk__in=question_ids)
        .select_related("provenance", "provenance_passage")
        .prefetch_related("choices", "accepted_answers")
    }
    return [found[qid] for qid in question_ids if qid in found]


def lesson_unavoidable_giveaways(lesson_id: int) -> list[tuple[QuestionData, QuestionData, str]]:
    """The published questions of a lesson whose prompt or options give away
    another's answer in a way no quiz order avoids (sequencing), as
    (question, the one given away, the words that give it away)."""
    ids = list(
        Question.objects.published()
        .filter(lesson_id=lesson_id)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    data = {q.id: q for q in questions_data(ids)}
    return [
        (data[g.question_id], data[g.answer_of], ", ".join(g.words))
        for g in sequencing.unavoidable_giveaways(list(data.values()))
    ]


def attempt_for_learner(*, attempt_id: int, learner) -> Attempt:
    """The learner's own attempt at a lesson students can reach; anyone else's,
    or one whose lesson was unpublished (or its course taken back to draft),
    is a 404, as if it did not exist. See Attempt.objects.reachable()."""
    return get_object_or_404(
        Attempt.objects.reachable().select_related("lesson__course"),
        pk=attempt_id,
        learner=learner,
    )


@dataclass(frozen=True)
class Feedback:
    """A stored answer, the question as it stood when answered, and its grading."""

    question: QuestionData
    response: Response | Review
    result: Result


def feedback_on(answered: Response | Review, question: QuestionData) -> Feedback:
    """The feedback on a stored answer, the one way every page and replay shows it."""
    # A review keeps no version: it is graded against the question as it is now.
    as_answered = (
        question.as_answered(answered.question_version.content)
        if isinstance(answered, Response)
        else question
    )
    result = grade(as_answered, Submission.from_json(answered.answer))
    if result.is_correct != answered.is_correct:
        # The stored verdict is what the learner was told and what the score
        # counts: an answer graded under older rules (or, for a review, before
        # an edit) is replayed as it was marked.
        result = replace(result, is_correct=answered.is_correct, spelling="")
    return Feedback(as_answered, answered, result)


def question_for_attempt(attempt: Attempt, question_id: int) -> QuestionData | None:
    """The question at the attempt's lesson's content version (cached), or None
    when an educator has deleted it."""
    try:
        return question_data(question_id, lesson_version=attempt.lesson.content_version)
    except Question.DoesNotExist:
        return None


@dataclass(frozen=True)
class AskedQuestion:
    # As the learner sees it: as it stood when answered, once it is answered.
    question: QuestionData
    feedback: Feedback | None  # None until the attempt has answered it
    # The attempt's questions answered so far (masking hides what is ahead).
    answered: frozenset[int] = frozenset()


def asked_question(attempt: Attempt, question_id: int) -> AskedQuestion | None:
    """One question of the attempt (the caller checks that it is one) with the
    feedback on its stored answer, or None when it is withdrawn: deleted, or
    unpublished before it was answered. Two queries at most: the question
    from the cache, and the attempt's stored answers (answered_and_response,
    so that feedback knows which are still ahead)."""
    question = question_for_attempt(attempt, question_id)
    if question is None:
        return None
    answered, response = answered_and_response(attempt, question_id)
    if response is None:
        return AskedQuestion(question, None, answered) if question.is_published else None
    feedback = feedback_on(response, question)
    return AskedQuestion(feedback.question, feedback, answered)


@dataclass(frozen=True)
class Ahead:
    """What feedback must not show while questions are still ahead
    (masking.feedback_masked): their answers, and the sentences they ask about."""

    terms: tuple[str, ...] = ()
    sentences: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AttemptGiveaways:
    """Per question of an attempt: what gives its answer away, and its sentence."""

    terms: dict[int, tuple[str, ...]]
    sentences: dict[int, str]


def answers_ahead(attempt: Attempt, *, answered: frozenset[int]) -> Ahead:
    """The answers and sentences of the attempt's questions not yet
    answered, which feedback must not show (masking.feedback_masked): none
    once it is finished. From the cache (filled when the attempt is made, see
    answer_terms_remember), else in three queries whatever its length."""
    ahead = [qid for qid in attempt.question_ids if qid not in answered]
    if attempt.is_finished or not ahead:
        return Ahead()
    found = cache.get(_answer_terms_key(attempt))
    if found is None:
        found = answer_terms_remember(attempt, questions_data(attempt.question_ids))
    return Ahead(
        terms=tuple(term for qid in ahead for term in found.terms.get(qid, ())),
        sentences=frozenset(found.sentences[qid] for qid in ahead if qid in found.sentences),
    )


def answer_terms_remember(attempt: Attempt, questions: list[QuestionData]) -> AttemptGiveaways:
    """Keep what would give away the answers of the attempt's questions
    (masking.giveaway_terms), and their sentences, for answers_ahead, until
    an edit of the lesson changes its content version."""
    found = AttemptGiveaways(
        terms=giveaway_terms(questions),
        sentences={q.id: q.provenance for q in questions if q.provenance},
    )
    cache.set(_answer_terms_key(attempt), found, QUESTION_CACHE_SECONDS)
    return found


def _answer_terms_key(attempt: Attempt) -> str:
    # By lesson and its version as well: the terms of a question are the same
    # for every attempt at one version, even under a rolled-back attempt's id;
    # and by the rules' version, which a release may change.
    lesson = attempt.lesson
    return f"giveaway-terms:r{RULES_VERSION}:{attempt.pk}:{lesson.pk}:v{lesson.content_version}"


# The columns of a response, in the model's order.
_RESPONSE_COLUMNS = (
    "id",
    "attempt_id",
    "question_id",
    "answer",
    "is_correct",
    "answered_at",
    "time_taken",
    "question_version_id",
)


def answered_and_response(
    attempt: Attempt, question_id: int
) -> tuple[frozenset[int], Response | None]:
    """The questions the attempt has answered, and its stored answer to this
    one (with the version it answered, or None), in one query. Rows as
    tuples, and the version's content only for this question's: model
    instances of every row, each with its version, took most of an answer's
    time far into a long attempt (4.7 ms at 150 answers, against 1.3 ms)."""
    rows = attempt.responses.order_by().values_list(
        *_RESPONSE_COLUMNS,
        Case(When(question_id=question_id, then=F("question_version__content"))),
    )
    answered = set()
    response = None
    for *values, content in rows:
        answered.add(values[2])
        if values[2] == question_id:
            response = Response.from_db(attempt._state.db, _RESPONSE_COLUMNS, values)
            response.attempt = attempt
            response.question_version = QuestionVersion.from_db(
                attempt._state.db,
                ("id", "question_id", "content"),
                (response.question_version_id, question_id, content),
            )
    return frozenset(answered), response


def attempt_responses(attempt: Attempt) -> dict[int, Response]:
    """The attempt's responses by question, each with the question's version it answered."""
    return {r.question_id: r for r in attempt.responses.select_related("question_version")}


def next_unanswered(attempt: Attempt, answered: set[int]) -> int | None:
    return next((qid for qid in attempt.question_ids if qid not in answered), None)


@dataclass(frozen=True)
class ResultRow:
    number: int
    question: QuestionData
    response: Response | None

    @property
    def given(self) -> list[str]:
        if self.response is None:
            return []
        if self.question.is_fill_blank:
            return [self.response.answer.get("text", "")]
        chosen = set(self.response.answer.get("choices", []))
        return [c.text for c in self.question.choices if c.id in chosen]

    @property
    def right(self) -> list[str]:
        if self.question.is_fill_blank:
            return list(self.question.accepted_answers[:1])
        return [c.text for c in self.question.choices if c.is_correct]


def attempt_results(attempt: Attempt) -> list[ResultRow]:
    """Every question of a finished attempt with the learner's response, in a
    fixed number of queries whatever the attempt's length."""
    responses = attempt_responses(attempt)
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=attempt.question_ids)
        .select_related("provenance", "provenance_passage")
        .prefetch_related("choices", "accepted_answers")
    }
    rows = []
    for number, qid in enumerate(attempt.question_ids, start=1):
        if qid not in questions:
            continue
        response = responses.get(qid)
        data = question_data_from(questions[qid])
        if response:
            data = data.as_answered(response.question_version.content)
        rows.append(ResultRow(number, data, response))
    return rows


@dataclass
class LessonProgress:
    lesson: CountedLesson
    best: float | None = None
    latest: float | None = None
    attempts: int = 0
    last_activity: datetime | None = None
    recalled: int = 0
    due: int = 0
    started: bool = False  # as lessons_started says
    under_way: bool = False  # a quiz of the learner's is unfinished here

    @property
    def mastery(self) -> float | None:
        """The share of the lesson's questions the learner recalls now (see
        lessons.scoring); None for a lesson without questions."""
        return scoring.mastery(self.recalled, self.lesson.question_count)

    @property
    def is_started(self) -> bool:
        """Any attempt or answer in the lesson (lessons_started)."""
        return self.started

    @property
    def is_mastered(self) -> bool:
        """Every question of the lesson is currently recalled (scheduling: a
        question counts as mastered while its recall holds)."""
        return self.lesson.question_count > 0 and self.recalled >= self.lesson.question_count


@dataclass
class CourseProgress:
    """A course with its published lessons, each with the learner's progress
    (none for an anonymous visitor): the catalogue's and the course page's row."""

    course: Course
    lessons: list[LessonProgress]
    due_everywhere: int | None = None  # questions due in every course, when known

    @property
    def lesson_count(self) -> int:
        return len(self.lessons)

    @property
    def started(self) -> int:
        return sum(row.is_started for row in self.lessons)

    @property
    def mastered(self) -> int:
        return sum(row.is_mastered for row in self.lessons)

    @property
    def mean_best(self) -> float | None:
        """The mean of the best scores of the lessons the learner finished a quiz in."""
        bests = [row.best for row in self.lessons if row.best is not None]
        return sum(bests) / len(bests) if bests else None

    @property
    def next_lesson(self) -> LessonProgress | None:
        """Where to go on: a lesson whose quiz the learner left unfinished, else
        the first lesson not mastered (the first, when all are)."""
        return (
            next((row for row in self.lessons if row.under_way), None)
            or next((row for row in self.lessons if not row.is_mastered), None)
            or next(iter(self.lessons), None)
        )


def _lesson_rows(*, learner, now: datetime, course: Course | None = None) -> list[LessonProgress]:
    if learner is not None and learner.is_authenticated:
        return progress_for_learner(learner=learner, now=now, course=course)
    return [LessonProgress(lesson) for lesson in _published_lessons(course)]


def _published_lessons(course: Course | None) -> list[CountedLesson]:
    """The published lessons (of the course, if given), from the catalogue's
    list kept per content version (lessons.catalogue): no query while it holds."""
    lessons = catalogue.published_lessons()
    if course is None:
        return lessons
    return [lesson for lesson in lessons if lesson.course_id == course.pk]


def group_by_course(rows: list[LessonProgress]) -> list[CourseProgress]:
    """Lesson rows (in course order, as the selectors give them) course by course."""
    courses: dict[int, CourseProgress] = {}
    for row in rows:
        course = row.lesson.course
        courses.setdefault(course.pk, CourseProgress(course, [])).lessons.append(row)
    return list(courses.values())


def course_catalogue(*, learner, now: datetime) -> list[CourseProgress]:
    """The published courses that have a published lesson, each with its lessons
    and, for a signed-in learner, their progress: one query for a visitor, three
    for a learner, whatever the number of courses and lessons."""
    return group_by_course(_lesson_rows(learner=learner, now=now))


def course_for_learner(*, slug: str, learner, now: datetime) -> CourseProgress:
    """A published course (else a 404) with its published lessons in order and
    the learner's progress in each; for a signed-in learner, with the
    questions they have due in every course (`due_everywhere`, the navigation's
    count, from the same rows)."""
    course = published_course(slug)
    if learner is None or not learner.is_authenticated:
        return CourseProgress(course, _lesson_rows(learner=learner, now=now, course=course))
    everywhere = _progress_everywhere(learner=learner, now=now)
    rows = [row for row in everywhere if row.lesson.course_id == course.pk]
    return CourseProgress(course, rows, due_everywhere=sum(row.due for row in everywhere))


def published_course(slug: str) -> Course:
    return get_object_or_404(Course.objects.published(), slug=slug)


def cohorts_of_learner(learner) -> QuerySet[Cohort]:
    """The cohorts a learner belongs to, by name: who can follow their scores.
    Names only: the codes and instructors are the instructors' business."""
    return Cohort.objects.filter(learners=learner).only("name").order_by("name")


def course_list_published() -> QuerySet[Course]:
    """The published courses, for choosing one (progress and review filters)."""
    return Course.objects.published().only("title", "slug")


def _published_cards(learner) -> QuerySet[ReviewCard]:
    return ReviewCard.objects.reachable().filter(learner=learner)


def _in_a_quiz_under_way(learner) -> Exists:
    """Whether a card's lesson has the learner's quiz under way. Such cards
    are not due for review until that attempt ends, on any page: the review
    feedback would quote the sentences and answers the quiz still asks (a
    new user saw the review quote whole a list the next three quiz questions
    asked about). One subquery on the one-unfinished-attempt index."""
    return Exists(
        Attempt.objects.filter(
            learner=learner, lesson_id=OuterRef("question__lesson_id"), finished_at=None
        )
    )


def _due_cards(learner, *, now: datetime) -> QuerySet[ReviewCard]:
    """The learner's reachable cards due for review now (see _in_a_quiz_under_way)."""
    return _published_cards(learner).filter(~_in_a_quiz_under_way(learner), due__lte=now)


def progress_for_learner(
    *, learner, now: datetime, course: Course | None = None
) -> list[LessonProgress]:
    """Per published lesson (of the course, if given): best and latest score,
    attempts, last activity, mastery and questions due, as lessons.scoring
    defines them, and whether it is started (lessons_started). Best, latest
    and attempts come from the LessonScore row the answer service keeps from
    full attempts (never from a retry), as every instructor's report reads
    them. Two queries whatever the history's length (the lessons come from
    lessons.catalogue)."""
    rows = _progress_everywhere(learner=learner, now=now)
    if course is None:
        return rows
    return [row for row in rows if row.lesson.course_id == course.pk]


def lessons_started(*, learner) -> QuerySet[Lesson]:
    """The lessons the learner has started: any attempt there (finished or
    not, a retry too) or any answer to one of its questions in the review
    queue, right or wrong. The one rule for "started" on every page: the
    catalogue's and course page's status and the progress page read it with
    the scores (_progress_everywhere), the review page's suggestion as a
    subquery (review_meanwhile)."""
    attempted = Attempt.objects.filter(learner=learner).values("lesson_id")
    reviewed = Review.objects.filter(learner=learner).values("question__lesson_id")
    return Lesson.objects.filter(Q(pk__in=attempted) | Q(pk__in=reviewed)).order_by()


def _progress_everywhere(*, learner, now: datetime) -> list[LessonProgress]:
    """progress_for_learner over every course. The learner's scores and cards
    are read whole, not per course: a course page then costs no more than the
    catalogue, and the same rows count what is due everywhere (the navigation)."""
    rows = {lesson.pk: LessonProgress(lesson) for lesson in catalogue.published_lessons()}
    # The started lessons in the same query as the scores, as rows of their
    # own (no score, marked started): the catalogue stays at one query for
    # the learner's lessons and one for their cards.
    scores = LessonScore.objects.filter(learner=learner).values_list(
        "lesson_id",
        "best_score",
        "latest_score",
        "attempts",
        "last_activity",
        Value(False),
        Value(False),
    )
    unfinished = Attempt.objects.filter(learner=learner, lesson=OuterRef("pk"), finished_at=None)
    started = (
        lessons_started(learner=learner)
        .annotate(under_way=Exists(unfinished))
        .values_list(
            "pk",
            Value(None, output_field=FloatField()),
            Value(None, output_field=FloatField()),
            Value(0, output_field=IntegerField()),
            Value(None, output_field=DateTimeField()),
            Value(True),
            "under_way",
        )
    )
    for lesson_id, best, latest, attempts, last, is_started, under_way in scores.union(
        started, all=True
    ):
        row = rows.get(lesson_id)
        if row is None:
            continue
        if is_started:
            row.started, row.under_way = True, under_way
        else:
            row.best, row.latest, row.attempts, row.last_activity = best, latest, attempts, last
    cards = _published_cards(learner).annotate(waits=_in_a_quiz_under_way(learner))
    for lesson_id, recall_until, last_review, due, waits in cards.values_list(
        "question__lesson_id", "recall_until", "last_review", "due", "waits"
    ):
        row = rows.get(lesson_id)
        if row is None:
            continue
        row.recalled += scoring.is_recalled(recall_until, now=now)
        row.due += due <= now and not waits
        if last_review and (row.last_activity is None or last_review > row.last_activity):
            row.last_activity = last_review
    return list(rows.values())


def lesson_score_for(*, learner, lesson_id: int) -> LessonScore | None:
    """The learner's standing in one lesson (lessons.scoring), or None before
    their first attempt at it."""
    return LessonScore.objects.filter(learner=learner, lesson_id=lesson_id).first()


def score_history(*, learner, course: Course | None = None, limit: int = 60) -> list[Attempt]:
    """The learner's finished attempts (in `course`, or in any), oldest first,
    retries of missed questions included (labelled, for the list of attempts;
    the chart plots only the full ones, lessons.scoring)."""
    finished = Attempt.objects.reachable().filter(learner=learner, finished_at__isnull=False)
    if course is not None:
        finished = finished.filter(lesson__course=course)
    recent = finished.select_related("lesson").order_by("-finished_at")[:limit]
    return list(reversed(recent))


@dataclass(frozen=True)
class ReviewQueue:
    card: ReviewCard | None
    due_count: int
    next_due: datetime | None


def review_queue(*, learner, now: datetime, course: Course | None = None) -> ReviewQueue:
    """The card due first (in `course`, or in any), how many are due, and when
    the next one falls due."""
    cards, due = _published_cards(learner), _due_cards(learner, now=now)
    if course is not None:
        cards = cards.filter(question__lesson__course=course)
        due = due.filter(question__lesson__course=course)
    # With its course, whose notice the review page shows.
    card = due.select_related("question__lesson__course").order_by("due", "pk").first()
    if card is None:
        upcoming = (
            cards.filter(~_in_a_quiz_under_way(learner), due__gt=now)
            .order_by("due")
            .values_list("due", flat=True)
            .first()
        )
        return ReviewQueue(None, 0, upcoming)
    return ReviewQueue(card, due.count(), None)


def review_for_learner(*, review_id: int | None, learner) -> Review | None:
    if review_id is None:
        return None
    return Review.objects.reachable().filter(pk=review_id, learner=learner).first()


def course_of_lesson(lesson_id: int | None) -> Course | None:
    if lesson_id is None:
        return None
    return Course.objects.filter(lessons=lesson_id).first()


# ------------------------------------------------------------ what comes next


def review_due_count(*, learner, now: datetime) -> int:
    """How many of the learner's reachable cards are due: the navigation's
    count on every signed-in page, so one indexed query (learner, due)."""
    return _due_cards(learner, now=now).count()


def due_in_courses(courses: list[CourseProgress]) -> int:
    """The questions due in the catalogue's rows: every reachable card, counted
    as review_due_count counts them (both read _published_cards)."""
    return sum(row.due for course in courses for row in course.lessons)


def unfinished_attempt(*, learner, lesson: Lesson) -> Attempt | None:
    """The learner's attempt under way at the lesson (there is at most one)."""
    if not learner.is_authenticated:
        return None
    return Attempt.objects.filter(learner=learner, lesson=lesson, finished_at=None).first()


def next_lesson_after(lesson: Lesson) -> Lesson | None:
    """The next lesson students can reach in the lesson's course, in course
    order (position, then title, as Lesson.Meta.ordering), or None after the last."""
    later = Q(position__gt=lesson.position) | Q(position=lesson.position, title__gt=lesson.title)
    return (
        Lesson.objects.published()
        .filter(later, course_id=lesson.course_id)
        .order_by("position", "title", "pk")
        .first()
    )


@dataclass(frozen=True)
class Meanwhile:
    """What to do while no card is due."""

    not_started: Lesson | None  # a lesson with questions the learner never tried
    weakest: LessonScore | None  # the lesson with the lowest best score below full marks
    # The quiz the learner left unfinished, latest first: its lesson's cards
    # wait for it (_in_a_quiz_under_way), so finishing it comes first.
    under_way: Attempt | None = None


def review_meanwhile(*, learner, course: Course | None = None) -> Meanwhile:
    """Suggestions for the empty review page (in `course`, or in any): three queries."""
    lessons = Lesson.objects.published().filter(
        Exists(Question.objects.published().filter(lesson=OuterRef("pk")))
    )
    scores = LessonScore.objects.filter(
        lesson_reachable("lesson__"), learner=learner, best_score__lt=1
    )
    if course is not None:
        lessons = lessons.filter(course=course)
        scores = scores.filter(lesson__course=course)
    started = lessons_started(learner=learner)
    # The next lesson of a course the learner is taking comes before a new course.
    taking = started.filter(course=OuterRef("course"))
    not_started = (
        lessons.exclude(pk__in=started.values("pk"))
        .annotate(taking=Exists(taking))
        .select_related("course")
        .order_by("-taking", "course__title", "course_id", "position", "title")
        .first()
    )
    weakest = scores.select_related("lesson").order_by("best_score", "last_activity", "pk").first()
    under_way = Attempt.objects.filter(
        lesson_reachable("lesson__"), learner=learner, finished_at=None
    ).select_related("lesson")
    if course is not None:
        under_way = under_way.filter(lesson__course=course)
    return Meanwhile(not_started, weakest, under_way.order_by("-started_at").first())


def card_due(*, learner, question_id: int) -> datetime | None:
    """When the learner's card for the question is next due."""
    return (
        ReviewCard.objects.filter(learner=learner, question_id=question_id)
        .values_list("due", flat=True)
        .first()
    )
