"""Reads for instructors: their cohorts, the scores table, one learner's
record, item analysis of a lesson's questions, and the rows that
lessons.exports turns into CSV files. Each report is about one course the
cohort follows (Cohort.courses): its published lessons are the columns.

Scope is enforced here, so no view can forget it: every cohort comes through
`cohorts_for(user)`, every learner through a cohort, every course through
`course_followed` and every lesson through `lesson_in`. Each report runs a fixed
number of queries whatever the cohort's size: scores come from the LessonScore
rows the answer service keeps current, mastery from the stored recall of the
review cards, item statistics from the running tallies the answer service
keeps as attempts finish (lessons.item_tallies). What each number means (and
that a retry of missed questions never counts towards one) is lessons.scoring's
to say.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Length, Lower, NullIf, Trim
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lessons import item_tallies, scoring
from lessons.aggregates import Median
from lessons.models import (
    Attempt,
    Cohort,
    Course,
    ItemTally,
    Lesson,
    LessonScore,
    OptionTally,
    Question,
    QuestionVersion,
    Response,
    ResponseChoice,
    ReviewCard,
    ScoreTally,
    lesson_reachable,
    question_live,
)
from lessons.selectors import lesson_list_published, progress_for_learner

if TYPE_CHECKING:
    from lessons.models import CountedCohort, CountedLesson

User = get_user_model()
PAGE_SIZE = 25


# ---------------------------------------------------------------- scope


def cohorts_for(user) -> QuerySet[CountedCohort]:
    """The cohorts a user may report on: their own, or all for a superuser."""
    learners = Cohort.learners.through.objects.filter(cohort=OuterRef("pk"))
    cohorts = Cohort.objects.annotate(
        learner_count=Coalesce(
            Subquery(
                # django-stubs cannot follow a values() annotated and read again.
                learners.values("cohort").annotate(n=Count("pk")).values("n"),  # type: ignore[misc]
                output_field=IntegerField(),
            ),
            0,
        )
    )
    if user.is_superuser:
        return cohorts
    return cohorts.filter(instructors=user)


def learners_for(user) -> QuerySet:
    """The learners a user may see: those of the cohorts `cohorts_for(user)`
    gives them. A subquery, not a join, so it filters without duplicating rows."""
    memberships = Cohort.learners.through.objects.filter(cohort__in=cohorts_for(user).values("pk"))
    return User.objects.filter(pk__in=memberships.values("user_id"))


def cohort_for(user, cohort_id: int) -> CountedCohort:
    """One of the user's cohorts; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(cohorts_for(user), pk=cohort_id)


def learner_in(cohort: Cohort, learner_id: int) -> AbstractBaseUser:
    return get_object_or_404(cohort.learners.all(), pk=learner_id)


def courses_followed(cohort: Cohort) -> list[Course]:
    """The published courses the cohort follows, in course order: the ones its
    reports offer. A draft course it follows waits until it is published."""
    return list(cohort.courses.published())


def course_followed(courses: list[Course], slug: str) -> Course | None:
    """The course a report is about, of the cohort's `courses_followed`: the one
    asked for by slug, or the first. Any other (another cohort's, a draft) is a
    404, as if it did not exist; None when the cohort follows no published course."""
    if not slug:
        return courses[0] if courses else None
    for course in courses:
        if course.slug == slug:
            return course
    raise Http404("This cohort follows no such course.")


def course_lessons(course: Course) -> QuerySet[CountedLesson]:
    """The course's published lessons, in order, with their questions counted."""
    return lesson_list_published().filter(course=course)


def lesson_in(cohort: Cohort, slug: str) -> Lesson:
    """A published lesson of a published course the cohort follows, with its
    course; any other is a 404."""
    return get_object_or_404(
        Lesson.objects.published().select_related("course"), slug=slug, course__cohorts=cohort
    )


def _recalled_cards(now: datetime, lesson_ids: Sequence[int]) -> QuerySet[ReviewCard]:
    """Cards of the lessons' live questions (published, in published lessons of
    published courses) that are recalled now.

    The live questions are a subquery, not joins: the planner then reads the
    recalled cards from an index alone, each question's from (question,
    recall_until) or each learner's from (learner, recall_until), whichever
    is fewer (migration 0015). Joined, at 10,000 learners it misjudged the
    course and lesson join as one row and probed every learner's cards once
    per question: 410k buffers for one lesson's mastery sort."""
    live = Question.objects.filter(question_live(), lesson_id__in=lesson_ids)
    return ReviewCard.objects.filter(question__in=live).recalled(now)


# ---------------------------------------------------------------- scores table


@dataclass
class Cell:
    """One learner in one lesson (or a cohort's average of them)."""

    best: float | None = None
    latest: float | None = None
    attempts: float = 0
    mastery: float | None = None
    below_pass: bool = False


@dataclass
class ScoreRow:
    learner: object
    cells: list[Cell]
    average_best: float | None
    last_activity: datetime | None
    below_pass: bool


@dataclass
class ScoreTable:
    cohort: Cohort
    lessons: list[CountedLesson]
    rows: list[ScoreRow]
    page: Page
    averages: list[Cell]
    average_best: float | None
    sort: str
    query: str


def sort_options(lessons: list[CountedLesson]) -> dict[str, str]:
    """Every sort the table offers, by key: name, average, last activity, and
    each lesson's best score, attempts and mastery."""
    options = {"name": "Name", "average": "Average best score", "activity": "Last activity"}
    for lesson in lessons:
        options[f"best-{lesson.pk}"] = f"{lesson.title}: best score"
        options[f"attempts-{lesson.pk}"] = f"{lesson.title}: attempts"
        options[f"mastery-{lesson.pk}"] = f"{lesson.title}: mastery"
    return options


class _RTrimCharacters(Func):
    """RTRIM(text, characters): SQLite and PostgreSQL both strip the given
    characters from the end of a text this way."""

    function = "RTRIM"
    arity = 2
    output_field = CharField()


def by_shown_name(*, descending: bool = False) -> list[OrderBy]:
    """Learners in natural order of the name shown first (their real name if
    they gave one, else their username), so that learner2 comes before
    learner10. In SQL, on SQLite and PostgreSQL alike, so pages slice it.

    A name's trailing number sorts as a number: names are compared without it,
    then by how many digits it has, then as text, which for numbers of the same
    length is their numeric order. Usernames made in series ("learner10",
    "Group B 3") end in their number; a number inside a name sorts as text."""
    full_name = Trim(Concat(F("first_name"), Value(" "), F("last_name")))
    name = Lower(Coalesce(NullIf(full_name, Value("")), F("username")))
    stem = _RTrimCharacters(name, Value("0123456789"))
    digits = ExpressionWrapper(Length(name) - Length(stem), output_field=IntegerField())
    keys: list[Func | ExpressionWrapper | F] = [stem, digits, name, F("username"), F("pk")]
    return [key.desc() if descending else key.asc() for key in keys]


def _learners_sorted(learners: QuerySet, *, sort: str, course: Course) -> QuerySet:
    """Learners ordered by a sort key ("-" first for descending), ties by name;
    averages and last activity are the course's, as the table shows them."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    scores = LessonScore.objects.filter(
        lesson_reachable("lesson__"), learner=OuterRef("pk"), lesson__course=course
    )
    if key == "name":
        return learners.order_by(*by_shown_name(descending=descending))
    expression: Subquery
    if key == "average":
        expression = Subquery(scores.values("learner").annotate(a=Avg("best_score")).values("a"))
    elif key == "activity":
        expression = Subquery(scores.values("learner").annotate(m=Max("last_activity")).values("m"))
    else:
        metric, _, lesson_id = key.partition("-")
        column = {"best": "best_score", "attempts": "attempts"}[metric]
        expression = Subquery(scores.filter(lesson_id=lesson_id).values(column)[:1])
    learners = learners.annotate(sort_key=expression)
    order = (
        F("sort_key").desc(nulls_last=True) if descending else F("sort_key").asc(nulls_last=True)
    )
    return learners.order_by(order, *by_shown_name())


def _page_by_mastery(learners: QuerySet, *, sort: str, now: datetime, page) -> tuple:
    """A page of learners by their mastery of one lesson. One grouped count over
    the cohort's cards, sorted here: a count per learner inside the ORDER BY
    would run once for each of thousands of learners."""
    descending = sort.startswith("-")
    lesson_id = int(sort.removeprefix("-").partition("-")[2])
    recalled = dict(
        _recalled_cards(now, [lesson_id])
        .filter(learner_id__in=learners.values("pk"))
        .values_list("learner_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    # By name first, then a stable sort by mastery keeps ties in name order.
    people = list(learners.order_by(*by_shown_name()).values_list("pk", flat=True))
    people.sort(key=lambda pk: recalled.get(pk, 0), reverse=descending)
    page_obj = Paginator(people, PAGE_SIZE).get_page(page)
    return page_obj, list(page_obj.object_list)


def _with_last_activity(learners: QuerySet, ids: list[int], last_activity) -> list:
    by_pk = {u.pk: u for u in learners.filter(pk__in=ids).annotate(last_activity=last_activity)}
    return [by_pk[pk] for pk in ids]


def _cells_for(
    learner_ids: list[int], lessons: list[CountedLesson], now: datetime, pass_mark: float
):
    """{learner id: [Cell per lesson]} in two queries."""
    cells = {lid: {lesson.pk: Cell() for lesson in lessons} for lid in learner_ids}
    lesson_ids = [lesson.pk for lesson in lessons]
    for score in LessonScore.objects.filter(learner_id__in=learner_ids, lesson__in=lessons).only(
        "learner_id", "lesson_id", "best_score", "latest_score", "attempts"
    ):
        cell = cells[score.learner_id][score.lesson_id]
        cell.best, cell.latest, cell.attempts = score.best_score, score.latest_score, score.attempts
        cell.below_pass = score.best_score is not None and score.best_score < pass_mark
    recalled = (
        _recalled_cards(now, lesson_ids)
        .filter(learner_id__in=learner_ids)
        .values("learner_id", "question__lesson_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = {(r["learner_id"], r["question__lesson_id"]): r["n"] for r in recalled}
    for lid, by_lesson in cells.items():
        for lesson in lessons:
            total = lesson.question_count
            by_lesson[lesson.pk].mastery = scoring.mastery(counts.get((lid, lesson.pk), 0), total)
    return cells


def _average(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def score_table(
    *,
    cohort: CountedCohort,
    course: Course,
    now: datetime,
    sort: str = "name",
    query: str = "",
    page: int | str = 1,
) -> ScoreTable:
    """One page of the cohort's learners with each of the course's lessons'
    best score, attempts and mastery, plus the cohort's averages per lesson."""
    lessons = list(course_lessons(course))
    learners = cohort.learners.all()
    if query:
        learners = learners.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    last_activity = Subquery(
        LessonScore.objects.filter(learner=OuterRef("pk"), lesson__course=course)
        .values("learner")
        .annotate(m=Max("last_activity"))
        .values("m")
    )
    if sort.removeprefix("-").startswith("mastery-"):
        page_obj, on_page = _page_by_mastery(learners, sort=sort, now=now, page=page)
        on_page = _with_last_activity(learners, on_page, last_activity)
    else:
        learners = _learners_sorted(learners, sort=sort, course=course)
        page_obj = Paginator(learners.annotate(last_activity=last_activity), PAGE_SIZE).get_page(
            page
        )
        on_page = list(page_obj.object_list)
    cells = _cells_for([u.pk for u in on_page], lessons, now, cohort.pass_mark)
    rows = []
    for learner in on_page:
        row_cells = [cells[learner.pk][lesson.pk] for lesson in lessons]
        average = _average(c.best for c in row_cells)
        rows.append(
            ScoreRow(
                learner,
                row_cells,
                average,
                learner.last_activity,
                below_pass=average is not None and average < cohort.pass_mark,
            )
        )
    averages = cohort_averages(cohort=cohort, lessons=lessons, now=now)
    return ScoreTable(
        cohort,
        lessons,
        rows,
        page_obj,
        averages,
        cohort_average_best(cohort=cohort, lessons=lessons),
        sort,
        query,
    )


def cohort_average_best(*, cohort: Cohort, lessons: list[CountedLesson]) -> float | None:
    """The mean of the learners' average best scores, the figure at the foot
    of the table's "average best" column, over the learners with a score in
    these lessons. Not the mean of the lessons' averages: few learners reach
    the late lessons, and a mean of lesson means weighs each of them as much
    as a whole cohort (a new user read 68% there against 58% for the column
    above it). One query."""
    members = cohort.learners.through.objects.filter(cohort=cohort).values("user_id")
    per_learner = (
        LessonScore.objects.filter(learner_id__in=members, lesson__in=lessons)
        .values("learner_id")
        .annotate(average=Avg("best_score"))
        .order_by()
    )
    return per_learner.aggregate(mean=Avg("average"))["mean"]


def cohort_averages(
    *, cohort: CountedCohort, lessons: list[CountedLesson], now: datetime
) -> list[Cell]:
    """Per lesson: the mean best score and attempts of the learners who took it,
    and the mean mastery over all the cohort's learners. Two grouped queries."""
    members = cohort.learners.through.objects.filter(cohort=cohort).values("user_id")
    scores = {
        s["lesson_id"]: s
        for s in LessonScore.objects.filter(learner_id__in=members, lesson__in=lessons)
        .values("lesson_id")
        .annotate(best=Avg("best_score"), attempts=Avg("attempts"))
        .order_by()
    }
    recalled = {
        r["question__lesson_id"]: r["n"]
        for r in _recalled_cards(now, [lesson.pk for lesson in lessons])
        .filter(learner_id__in=members)
        .values("question__lesson_id")
        .annotate(n=Count("*"))
        .order_by()
    }
    size = cohort.learner_count
    averages = []
    for lesson in lessons:
        stats: Mapping = scores.get(lesson.pk) or {}
        possible = size * lesson.question_count
        best = stats.get("best")
        averages.append(
            Cell(
                best=best,
                attempts=stats.get("attempts") or 0,
                mastery=scoring.mastery(recalled.get(lesson.pk, 0), possible),
                below_pass=best is not None and best < cohort.pass_mark,
            )
        )
    return averages


@dataclass
class LearnerScores:
    """One learner's cells, lesson by lesson, for an export."""

    names: tuple[str, str, str]  # username, first name, last name
    cells: list[Cell]
    average_best: float | None


def learner_scores_all(
    *, cohort: Cohort, lessons: list[CountedLesson], now: datetime, chunk: int = 500
) -> Iterator[LearnerScores]:
    """Every learner of the cohort with their cells in these lessons, read a
    chunk of learners at a time so that memory stays flat for any cohort size."""
    # In the scores table's order, so the file reads as the page does.
    learners = cohort.learners.order_by(*by_shown_name()).values_list(
        "pk", "username", "first_name", "last_name"
    )
    batch: list[tuple] = []
    for learner in learners.iterator(chunk_size=chunk):
        batch.append(learner)
        if len(batch) == chunk:
            yield from _learner_scores_batch(batch, lessons, now, cohort.pass_mark)
            batch = []
    if batch:
        yield from _learner_scores_batch(batch, lessons, now, cohort.pass_mark)


def _learner_scores_batch(batch, lessons, now, pass_mark) -> Iterator[LearnerScores]:
    cells = _cells_for([pk for pk, *_ in batch], lessons, now, pass_mark)
    for pk, *names in batch:
        row = [cells[pk][lesson.pk] for lesson in lessons]
        yield LearnerScores(tuple(names), row, _average(c.best for c in row))


def response_rows_all(*, cohort: Cohort, course: Course, chunk: int = 200) -> Iterator[tuple]:
    """Every response of the cohort's learners in the course's lessons as
    (username, lesson title, attempt id, attempt started, question id, answer,
    is correct, time taken, answered at, the question as answered (its
    version's content), attempt is a retry), a few hundred learners at a
    time: the first rows leave at once, and neither the database nor this
    process ever sorts or holds the whole export."""
    members = list(
        cohort.learners.through.objects.filter(cohort=cohort)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    # Each version's content is read once, not once per response: a question
    # has a version per edit, while a cohort has thousands of answers to each.
    contents: dict[int, dict] = {}
    for start in range(0, len(members), chunk):
        rows = list(
            Response.objects.filter(
                attempt__learner_id__in=members[start : start + chunk],
                attempt__lesson__course=course,
            )
            .order_by("attempt__learner_id", "attempt_id", "answered_at")
            .values_list(
                "attempt__learner__username",
                "attempt__lesson__title",
                "attempt_id",
                "attempt__started_at",
                "question_id",
                "answer",
                "is_correct",
                "time_taken",
                "answered_at",
                "question_version_id",
                "attempt__is_retry",
            )
        )
        unread = {row[9] for row in rows} - contents.keys()
        if unread:
            contents.update(
                QuestionVersion.objects.filter(pk__in=unread).values_list("pk", "content")
            )
        for *before, version_id, retry in rows:
            yield (*before, contents[version_id], retry)


# ---------------------------------------------------------------- one learner


@dataclass
class LearnerReport:
    learner: object
    attempts: Page
    lessons: list


def learner_report(
    *, cohort: Cohort, course: Course, learner, now: datetime, page: int | str = 1
) -> LearnerReport:
    """A learner's attempts at the course's lessons (newest first, a page at a
    time) with every response, and their score and mastery per lesson."""
    attempts = (
        Attempt.objects.filter(learner=learner, lesson__course=course)
        .select_related("lesson")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.order_by("answered_at")
                .select_related("question_version")
                .only(
                    "attempt_id",
                    "question_id",
                    "answer",
                    "is_correct",
                    "time_taken",
                    "answered_at",
                    "question_version__content",
                ),
            )
        )
        .order_by("-started_at", "-pk")
    )
    return LearnerReport(
        learner,
        Paginator(attempts, 10).get_page(page),
        progress_for_learner(learner=learner, now=now, course=course),
    )


# ---------------------------------------------------------------- item analysis


class AttemptScope(TextChoices):
    FIRST = "first", "First attempts"
    ALL = "all", "All attempts"
    BEST = "best", "Best attempts"
    LAST = "last", "Last attempts"


def scoped_attempts(*, lesson: Lesson, scope: str, cohort: Cohort | None) -> QuerySet[Attempt]:
    """The finished full attempts at the lesson that a report counts: each
    learner's first (the default, as in Moodle), best or last, or all."""
    scores = LessonScore.objects.filter(lesson=lesson)
    attempts = Attempt.objects.filter(lesson=lesson, finished_at__isnull=False, is_retry=False)
    if cohort is not None:
        members = cohort.learners.through.objects.filter(cohort=cohort).values("user_id")
        scores = scores.filter(learner_id__in=members)
        attempts = attempts.filter(learner_id__in=members)
    if scope == AttemptScope.ALL:
        return attempts
    column = {"first": "first_attempt", "best": "best_attempt", "last": "latest_attempt"}[scope]
    return attempts.filter(pk__in=scores.values(column))


@dataclass
class ItemStats:
    """How one question performed over a set of responses."""

    responses: int = 0
    correct: int = 0
    sum_rest: int = 0
    sum_rest_squares: int = 0
    sum_correct_rest: int = 0
    median_time: timedelta | None = None
    option_counts: dict[int, int] = field(default_factory=dict)

    @property
    def facility(self) -> float | None:
        """Mean score over the maximum: the share answering right."""
        return self.correct / self.responses if self.responses else None

    @property
    def discrimination(self) -> float | None:
        """100 × the Pearson correlation between this question's score and the
        rest of the attempt's score, as Moodle's quiz statistics report it."""
        n, sx, sy = self.responses, self.correct, self.sum_rest
        variance_x = n * sx - sx * sx  # x is 0 or 1, so Σx² = Σx
        variance_y = n * self.sum_rest_squares - sy * sy
        if n < 2 or variance_x <= 0 or variance_y <= 0:
            return None
        return 100 * (n * self.sum_correct_rest - sx * sy) / math.sqrt(variance_x * variance_y)

    def option_share(self, choice_id: int) -> float | None:
        return self.option_counts.get(choice_id, 0) / self.responses if self.responses else None


REVIEW_MIN_RESPONSES = 20


def needs_review(stats: ItemStats | None) -> str:
    """Why a question with enough responses should be looked at, or ""."""
    if stats is None or stats.facility is None or stats.responses < REVIEW_MIN_RESPONSES:
        return ""
    if stats.facility > 0.95:
        return "Too easy: almost everyone answers right."
    if stats.facility < 0.2:
        return "Too hard: few answer right; check the key."
    if stats.discrimination is not None and stats.discrimination < 20:
        return "Weak discrimination: strong and weak learners do about as well."
    return ""


def item_statistics(
    *, attempts: QuerySet[Attempt], question_ids: list[int] | None = None
) -> dict[int, ItemStats]:
    """{question id: ItemStats} over the responses of these attempts (to these
    questions, if given), in two grouped queries."""
    responses = Response.objects.filter(attempt__in=attempts)
    chosen = ResponseChoice.objects.filter(attempt__in=attempts)
    if question_ids is not None:
        responses = responses.filter(question_id__in=question_ids)
        chosen = chosen.filter(choice__question_id__in=question_ids)
    right = Case(When(is_correct=True, then=Value(1)), default=Value(0))
    rest = ExpressionWrapper(F("attempt__correct_count") - right, output_field=IntegerField())
    rows = (
        responses.values("question_id")
        .annotate(
            # Count("*") lets PostgreSQL answer from the covering index on attempt.
            n=Count("*"),
            correct=Sum(right),
            sum_rest=Sum(rest),
            sum_rest_squares=Sum(ExpressionWrapper(rest * rest, output_field=IntegerField())),
            sum_correct_rest=Sum(ExpressionWrapper(right * rest, output_field=IntegerField())),
            median_time=Median("time_taken"),
        )
        .order_by()
    )
    stats = {
        r["question_id"]: ItemStats(
            r["n"],
            r["correct"] or 0,
            r["sum_rest"] or 0,
            r["sum_rest_squares"] or 0,
            r["sum_correct_rest"] or 0,
            r["median_time"],
        )
        for r in rows
    }
    # Grouped by choice, whose question comes from the small choice table: joining
    # the responses would read every row of a table of millions.
    counts = chosen.values("choice__question_id", "choice_id").annotate(n=Count("*")).order_by()
    for row in counts:
        if item := stats.get(row["choice__question_id"]):
            item.option_counts[row["choice_id"]] = row["n"]
    return stats


@dataclass
class ItemRow:
    question: Question
    stats: ItemStats
    flag: str
    # Changed since learners first answered it: some of the figures are for
    # an earlier wording or set of options than the one shown.
    edited_since_answered: bool = False


@dataclass
class LessonReport:
    lesson: Lesson
    scope: str
    items: list[ItemRow]
    attempts: int
    mean_score: float | None
    alpha: float | None
    histogram: list[tuple[str, int]]
    computed_at: datetime = field(default_factory=timezone.now)
    cached_for: int = 0  # seconds a cached copy is kept; 0: worked out for this request


def lesson_report_recent(*, cohort: Cohort, lesson: Lesson, scope: str) -> LessonReport:
    """The item analysis the instructor's page shows: live, from the running
    tallies, unless ITEM_ANALYSIS_CACHE_SECONDS asks for a copy at most that
    old (an option for a site that prefers fewer reads to current figures).
    An edit to the lesson's questions starts a new copy at once."""
    seconds = settings.ITEM_ANALYSIS_CACHE_SECONDS
    if seconds <= 0:
        return lesson_report(cohort=cohort, lesson=lesson, scope=scope)
    key = f"lesson-report:{cohort.pk}:{lesson.pk}:v{lesson.content_version}:{scope}"
    report = cache.get(key)
    if report is None:
        report = lesson_report(cohort=cohort, lesson=lesson, scope=scope)
        report.cached_for = seconds
        cache.set(key, report, seconds)
    return report


def lesson_report(*, cohort: Cohort | None, lesson: Lesson, scope: str) -> LessonReport:
    """Item analysis of the lesson's questions over the scoped attempts of the
    cohort's learners, from its running tallies (lessons.item_tallies): a
    number of rows bounded by the lesson's questions, choices and time
    buckets, whatever the number of responses. Without a cohort (everyone),
    worked out from the responses."""
    if cohort is None:
        return lesson_report_exact(cohort=None, lesson=lesson, scope=scope)
    stats = item_statistics_tallied(cohort=cohort, lesson=lesson, scope=scope)
    distribution = [
        {"correct_count": c, "score": score, "n": n}
        for c, score, n in ScoreTally.objects.filter(
            cohort=cohort, lesson=lesson, scope=scope, attempts__gt=0
        ).values_list("correct_count", "score", "attempts")
    ]
    return _lesson_report(lesson, scope, stats, distribution)


def lesson_report_exact(*, cohort: Cohort | None, lesson: Lesson, scope: str) -> LessonReport:
    """The same report worked out from every response of the scoped attempts:
    what the tallies must equal (and the reference their tests compare with)."""
    attempts = scoped_attempts(lesson=lesson, scope=scope, cohort=cohort)
    stats = item_statistics(attempts=attempts)
    distribution = list(
        attempts.values("correct_count", "score").annotate(n=Count("pk")).order_by()
    )
    return _lesson_report(lesson, scope, stats, distribution)


def item_statistics_tallied(*, cohort: Cohort, lesson: Lesson, scope: str) -> dict[int, ItemStats]:
    """{question id: ItemStats} of the cohort's scoped attempts at the lesson,
    from its tallies in two queries; the median time from the time buckets
    (see item_tallies for its error)."""
    stats: dict[int, ItemStats] = {}
    buckets: defaultdict[int, dict[int, int]] = defaultdict(dict)
    rows = ItemTally.objects.filter(cohort=cohort, lesson=lesson, scope=scope).values_list(
        "question_id",
        "time_bucket",
        "responses",
        "correct",
        "sum_rest",
        "sum_rest_squares",
        "sum_correct_rest",
    )
    for question_id, bucket, n, correct, rest, rest_squares, correct_rest in rows:
        item = stats.setdefault(question_id, ItemStats())
        item.responses += n
        item.correct += correct
        item.sum_rest += rest
        item.sum_rest_squares += rest_squares
        item.sum_correct_rest += correct_rest
        buckets[question_id][bucket] = n
    # A question whose responses were all taken away again has none to show.
    stats = {qid: item for qid, item in stats.items() if item.responses}
    for question_id, item in stats.items():
        item.median_time = item_tallies.median_from_buckets(buckets[question_id])
    picks = OptionTally.objects.filter(
        cohort=cohort, lesson=lesson, scope=scope, picks__gt=0
    ).values_list("choice__question_id", "choice_id", "picks")
    for question_id, choice_id, n in picks:
        if counted := stats.get(question_id):
            counted.option_counts[choice_id] = n
    return stats


def _lesson_report(
    lesson: Lesson, scope: str, stats: dict[int, ItemStats], distribution: Sequence[Mapping]
) -> LessonReport:
    questions = (
        Question.objects.filter(
            Q(lesson=lesson, status=Question.Status.PUBLISHED) | Q(pk__in=list(stats))
        )
        .prefetch_related("choices")
        .annotate(
            answered_versions=Count("versions", distinct=True),
            first_answered=Min("versions__created_at"),
        )
        .order_by("position", "pk")
    )
    items = [
        ItemRow(
            q,
            stats.get(q.pk, ItemStats()),
            needs_review(stats.get(q.pk)),
            edited_since_answered=q.answered_versions > 1
            or (q.first_answered is not None and q.updated_at > q.first_answered),
        )
        for q in questions
    ]
    count = sum(d["n"] for d in distribution)
    mean = sum(d["score"] * d["n"] for d in distribution) / count if count else None
    return LessonReport(
        lesson,
        scope,
        items,
        count,
        mean,
        cronbach_alpha([s for s in stats.values() if s.responses], distribution),
        score_histogram(distribution),
    )


def cronbach_alpha(items: list[ItemStats], distribution: Sequence[Mapping]) -> float | None:
    """k/(k−1) · (1 − Σ item variances / variance of the total score), with
    population variances; None where it is undefined (under two items or
    attempts, or every attempt scoring the same)."""
    k = len(items)
    n = sum(d["n"] for d in distribution)
    if k < 2 or n < 2:
        return None
    mean = sum(d["correct_count"] * d["n"] for d in distribution) / n
    variance = sum(d["n"] * (d["correct_count"] - mean) ** 2 for d in distribution) / n
    if variance <= 0:
        return None
    # Only items with responses are passed, so each has a facility.
    item_variance = sum(f * (1 - f) for f in (i.facility or 0.0 for i in items))
    return k / (k - 1) * (1 - item_variance / variance)


HISTOGRAM_BANDS = 10


def score_histogram(distribution: Sequence[Mapping]) -> list[tuple[str, int]]:
    """Attempts per score band of ten points: 0–9%, 10–19%, …, 90–100%."""
    counts: defaultdict[int, int] = defaultdict(int)
    for d in distribution:
        band = min(int((d["score"] or 0) * HISTOGRAM_BANDS + 1e-9), HISTOGRAM_BANDS - 1)
        counts[band] += d["n"]
    labels = [
        f"{10 * b}–{10 * b + 9}%" if b < HISTOGRAM_BANDS - 1 else "90–100%"
        for b in range(HISTOGRAM_BANDS)
    ]
    return [(labels[b], counts[b]) for b in range(HISTOGRAM_BANDS)]
