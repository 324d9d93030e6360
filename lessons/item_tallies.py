"""Running tallies behind a cohort's item analysis (ItemTally, OptionTally,
ScoreTally), so that the report reads a bounded number of rows instead of
every response of the cohort's attempts.

What is tallied. The report counts, per cohort, lesson and attempt scope, the
finished full attempts `reports.scoped_attempts` gives: all of them, or each
learner's first, best or last as their LessonScore points to it. For those
attempts it keeps the sums Moodle's statistics are made of, all integers, so
the figures equal the exact computation's: per question n, Σx, Σy, Σy², Σxy
(x the question's score, y the rest of the attempt's), per choice the picks,
and per (right answers, score) the attempts. Per question the sums are split
by time bucket, so the same rows give the median time.

When. The rest of an attempt's score is known only when it finishes, so the
tallies change in the finishing answer's transaction (`AttemptFinishing`),
never on the answers before it. That is also when a learner's first, best or
last attempt can change: the LessonScore's pointers are read before and after
its update, and in each scope whose pointer moved the old attempt is taken
away and the new one added. A learner's attempts count in every cohort they
belong to, whichever courses it follows (a cohort can start following a
course later), so a finish writes at most (cohorts of the learner) × 4 scopes
× (questions + choices) rows, in three statements. A learner joining or
leaving a cohort adds or takes away their contributions there (the m2m
signals below, whichever side or way the membership changes, before the
rows change; deleting a learner takes theirs away). `rebuild` works everything out from scratch.

Concurrency. Rows are written in key order, so two finishes cannot deadlock.
A membership change locks the learner's row (two joins at once count once)
and unfinished attempts before reading their contributions, and a finish
holds its attempt's lock while it reads the learner's cohorts, so one always
sees what the other committed. The
rebuild locks the tally tables (PostgreSQL) before reading, so a finish
under way either commits before it reads or adds its change after it.

Median time. Times fall in geometric buckets, eight per doubling from a
quarter of a second (bucket 0 holds everything under it); the median is read
as the midpoint of the bucket (or the mean of the two buckets) holding the
middle response(s), within `MEDIAN_RELATIVE_ERROR` (4.4%) of the exact median
plus `MEDIAN_ABSOLUTE_ERROR` (0.125 s, for times under a quarter second).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, pre_delete

SCOPES = ("first", "best", "last", "all")
# The scopes a LessonScore points to one attempt in, by its column.
POINTED_SCOPES = {
    "first": "first_attempt_id",
    "best": "best_attempt_id",
    "last": "latest_attempt_id",
}

NO_TIME = -1
TIME_BUCKET_START = 0.25  # seconds: bucket 0 is [0, 0.25 s)
BUCKETS_PER_DOUBLING = 8
_RATIO = 2 ** (1 / BUCKETS_PER_DOUBLING)
MEDIAN_RELATIVE_ERROR = math.sqrt(_RATIO) - 1
MEDIAN_ABSOLUTE_ERROR = TIME_BUCKET_START / 2
WRITE_BATCH = 500  # rows per INSERT
ID_BATCH = 2000  # ids per IN list

# (cohort, lesson, scope)
Group = tuple[int, int, str]
# (cohort, scope, +1 or -1): where an attempt's contribution goes, and which way
Entry = tuple[int, str, int]


def time_bucket(time_taken: timedelta | None) -> int:
    if time_taken is None:
        return NO_TIME
    seconds = time_taken.total_seconds()
    if seconds < TIME_BUCKET_START:
        return 0
    return 1 + math.floor(BUCKETS_PER_DOUBLING * math.log2(seconds / TIME_BUCKET_START))


def bucket_seconds(bucket: int) -> float:
    """The value a bucket stands for: the geometric midpoint of its bounds."""
    if bucket == 0:
        return TIME_BUCKET_START / 2
    return TIME_BUCKET_START * _RATIO ** (bucket - 1) * math.sqrt(_RATIO)


def median_from_buckets(counts: Mapping[int, int]) -> timedelta | None:
    """The median time of responses counted per bucket (no-time ones left out),
    as the exact median takes the mean of the two middle values when even."""
    timed = sorted((b, n) for b, n in counts.items() if b != NO_TIME and n > 0)
    total = sum(n for _, n in timed)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # 0-based ranks of the middle value(s)
    found: list[float] = []
    seen = 0
    for bucket, n in timed:
        while wanted and wanted[0] < seen + n:
            found.append(bucket_seconds(bucket))
            wanted.pop(0)
        seen += n
    return timedelta(seconds=sum(found) / len(found))


class Tallies:
    """Changes to the tallies (or, for a rebuild, their totals), keyed as the rows are."""

    def __init__(self) -> None:
        # (cohort, lesson, scope, question, bucket) -> [n, Σx, Σy, Σy², Σxy]
        self.items: defaultdict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        # (cohort, lesson, scope, choice) -> picks
        self.options: defaultdict[tuple, int] = defaultdict(int)
        # (cohort, lesson, scope, correct count, score) -> attempts
        self.scores: defaultdict[tuple, int] = defaultdict(int)

    def attempt(
        self, groups: list[tuple[Group, int]], correct_count: int, score: float | None
    ) -> None:
        for (cohort, lesson, scope), sign in groups:
            self.scores[(cohort, lesson, scope, correct_count, score)] += sign

    def response(
        self,
        groups: list[tuple[Group, int]],
        *,
        question: int,
        is_correct: bool,
        bucket: int,
        attempt_correct: int,
    ) -> None:
        x = int(is_correct)
        y = attempt_correct - x
        for (cohort, lesson, scope), sign in groups:
            sums = self.items[(cohort, lesson, scope, question, bucket)]
            sums[0] += sign
            sums[1] += sign * x
            sums[2] += sign * y
            sums[3] += sign * y * y
            sums[4] += sign * x * y

    def pick(self, groups: list[tuple[Group, int]], choice: int) -> None:
        for (cohort, lesson, scope), sign in groups:
            self.options[(cohort, lesson, scope, choice)] += sign


def _groups(entries: Iterable[Entry], lesson_id: int) -> list[tuple[Group, int]]:
    return [((cohort, lesson_id, scope), sign) for cohort, scope, sign in entries]


def _chunks(ids: list[int], size: int = ID_BATCH) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _tally_attempts(
    apps: Apps, tallies: Tallies, entries: Mapping[int, list[Entry]], *, read_attempts: bool
) -> None:
    """Tally the attempts in `entries` (attempt id -> where they count and which
    way). With read_attempts the attempts' own row is read too; without, it
    comes with their responses (one statement fewer; every attempt the quiz
    finishes has at least one response)."""
    Attempt = apps.get_model("lessons", "Attempt")
    Response = apps.get_model("lessons", "Response")
    ResponseChoice = apps.get_model("lessons", "ResponseChoice")
    ids = sorted(entries)
    lesson_of: dict[int, int] = {}
    for chunk in _chunks(ids):
        if read_attempts:
            attempts = Attempt.objects.filter(
                pk__in=chunk, finished_at__isnull=False, is_retry=False
            ).values_list("pk", "lesson_id", "correct_count", "score")
            for pk, lesson_id, correct_count, score in attempts.order_by().iterator(5000):
                lesson_of[pk] = lesson_id
                tallies.attempt(_groups(entries[pk], lesson_id), correct_count, score)
        # Only finished full attempts count (scoped_attempts): a pointer may
        # name a retry, and a finishing retry is never counted.
        responses = Response.objects.filter(attempt_id__in=chunk, **COUNTED).values_list(
            "attempt_id",
            "attempt__lesson_id",
            "attempt__correct_count",
            "attempt__score",
            "question_id",
            "is_correct",
            "time_taken",
        )
        for (
            pk,
            lesson_id,
            correct_count,
            score,
            question,
            is_correct,
            time_taken,
        ) in responses.order_by().iterator(5000):
            groups = _groups(entries[pk], lesson_id)
            if pk not in lesson_of:
                lesson_of[pk] = lesson_id
                tallies.attempt(groups, correct_count, score)
            tallies.response(
                groups,
                question=question,
                is_correct=is_correct,
                bucket=time_bucket(time_taken),
                attempt_correct=correct_count,
            )
        picks = ResponseChoice.objects.filter(attempt_id__in=chunk, **COUNTED).values_list(
            "attempt_id", "choice_id"
        )
        for pk, choice in picks.order_by().iterator(5000):
            tallies.pick(_groups(entries[pk], lesson_of[pk]), choice)


def _as_list(change: list[int] | int) -> list[int]:
    return change if isinstance(change, list) else [change]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _add_to_rows(model, keys: list[str], values: list[str], changes: Mapping) -> None:
    """Add the changes to the rows (made at zero if missing), in key order, with
    INSERT … ON CONFLICT DO UPDATE (PostgreSQL and SQLite alike)."""
    rows = sorted(
        (key, _as_list(change)) for key, change in changes.items() if any(_as_list(change))
    )
    if not rows:
        return
    table = _quote(model._meta.db_table)
    key_columns = [_quote(model._meta.get_field(f).column) for f in keys]
    value_columns = [_quote(model._meta.get_field(f).column) for f in values]
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in value_columns)
    width = len(key_columns) + len(value_columns)
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            batch = rows[start : start + WRITE_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(key_columns + value_columns)}) "
                f"VALUES {', '.join([placeholder] * len(batch))} "
                f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}",
                [v for key, change in batch for v in (*key, *change)],
            )


COUNTED = {"attempt__finished_at__isnull": False, "attempt__is_retry": False}
ITEM_KEYS = ["cohort", "lesson", "scope", "question", "time_bucket"]
ITEM_VALUES = ["responses", "correct", "sum_rest", "sum_rest_squares", "sum_correct_rest"]
OPTION_KEYS = ["cohort", "lesson", "scope", "choice"]
SCORE_KEYS = ["cohort", "lesson", "scope", "correct_count", "score"]


def _write_changes(apps: Apps, tallies: Tallies) -> None:
    """Apply the changes; always the same tables in the same order."""
    _add_to_rows(apps.get_model("lessons", "ItemTally"), ITEM_KEYS, ITEM_VALUES, tallies.items)
    _add_to_rows(apps.get_model("lessons", "OptionTally"), OPTION_KEYS, ["picks"], tallies.options)
    _add_to_rows(apps.get_model("lessons", "ScoreTally"), SCORE_KEYS, ["attempts"], tallies.scores)


# ------------------------------------------------------------ an attempt finishes


class AttemptFinishing:
    """Around the LessonScore update of a finishing attempt, under its lock:

        finishing = AttemptFinishing(attempt)   # before the update
        _lesson_score_update(...)
        finishing.record()                      # after it

    A learner in no cohort costs one statement; otherwise the pointers are
    read again after the update, the attempts that enter or leave a scope
    with their responses and picks, and the changes are written in three."""

    def __init__(self, attempt, apps: Apps = installed_apps) -> None:
        self.attempt, self.apps = attempt, apps
        # The learner's cohorts and the pointers before the update, in one read.
        rows = list(self._scores().values_list(*POINTED_SCOPES.values(), "learner__cohorts"))
        self.cohorts = sorted({row[-1] for row in rows if row[-1] is not None})
        self.before = dict(zip(POINTED_SCOPES, rows[0][:-1], strict=True)) if rows else {}

    def _scores(self):
        LessonScore = self.apps.get_model("lessons", "LessonScore")
        return LessonScore.objects.filter(
            learner_id=self.attempt.learner_id, lesson_id=self.attempt.lesson_id
        )

    def _pointers(self) -> dict[str, int | None]:
        row = self._scores().values_list(*POINTED_SCOPES.values()).first()
        return dict(zip(POINTED_SCOPES, row or (None, None, None), strict=True))

    def record(self) -> None:
        if not self.cohorts:
            return
        after = self._pointers()
        entries: defaultdict[int, list[Entry]] = defaultdict(list)

        def move(attempt_id: int | None, scope: str, sign: int) -> None:
            if attempt_id is not None:
                entries[attempt_id].extend((cohort, scope, sign) for cohort in self.cohorts)

        move(self.attempt.pk, "all", +1)
        for scope in POINTED_SCOPES:
            # This attempt counted nowhere before: it was not finished.
            old = self.before[scope] if self.before[scope] != self.attempt.pk else None
            new = after[scope]
            if old != new:
                move(old, scope, -1)
                move(new, scope, +1)
        if not entries:
            return
        tallies = Tallies()
        _tally_attempts(self.apps, tallies, entries, read_attempts=False)
        _write_changes(self.apps, tallies)


# ------------------------------------------------------------ learners join or leave


def _learner_entries(
    apps: Apps, cohorts_of: Mapping[int, list[int]], sign: int
) -> dict[int, list[Entry]]:
    """attempt id -> entries for every attempt of these learners that a report
    counts, in each of the given cohorts and each scope it is in."""
    Attempt = apps.get_model("lessons", "Attempt")
    LessonScore = apps.get_model("lessons", "LessonScore")
    learners = sorted(cohorts_of)
    pointed: defaultdict[int, list[str]] = defaultdict(list)
    entries: dict[int, list[Entry]] = {}
    for chunk in _chunks(learners):
        scores = LessonScore.objects.filter(learner_id__in=chunk).values_list(
            *POINTED_SCOPES.values()
        )
        for row in scores.order_by().iterator(5000):
            for scope, attempt_id in zip(POINTED_SCOPES, row, strict=True):
                if attempt_id is not None:
                    pointed[attempt_id].append(scope)
        attempts = Attempt.objects.filter(
            learner_id__in=chunk, finished_at__isnull=False, is_retry=False
        ).values_list("pk", "learner_id")
        for pk, learner in attempts.order_by().iterator(5000):
            scopes = ["all", *pointed.get(pk, ())]
            entries[pk] = [(c, s, sign) for c in cohorts_of[learner] for s in scopes]
    return entries


def memberships_change(pairs: Iterable[tuple[int, int]], *, sign: int) -> None:
    """Add (sign +1) the contributions of learners joining cohorts, before their
    membership rows are written, or take them away (-1) before the rows are
    deleted; pairs are (cohort id, learner id)."""
    from django.contrib.auth import get_user_model

    from lessons.models import Attempt, Cohort

    wanted = set(pairs)
    if not wanted:
        return
    learners = sorted({learner for _, learner in wanted})
    with transaction.atomic():
        # One membership change per learner at a time (two tabs joining with
        # the code at once): the second then finds the row the first wrote.
        # And an attempt finishing now either commits first (and is read
        # below) or waits on its lock, then reads the new membership.
        for chunk in _chunks(learners):
            list(get_user_model().objects.select_for_update().filter(pk__in=chunk).values("pk"))
            list(
                Attempt.objects.select_for_update()
                .filter(learner_id__in=chunk, finished_at__isnull=True)
                .values_list("pk", flat=True)
            )
        existing: set[tuple[int, int]] = set()
        for chunk in _chunks(learners):
            existing.update(
                Cohort.learners.through.objects.filter(user_id__in=chunk).values_list(
                    "cohort_id", "user_id"
                )
            )
        changing = wanted - existing if sign > 0 else wanted & existing
        cohorts_of: defaultdict[int, list[int]] = defaultdict(list)
        for cohort, learner in sorted(changing):
            cohorts_of[learner].append(cohort)
        if not cohorts_of:
            return
        entries = _learner_entries(installed_apps, cohorts_of, sign)
        tallies = Tallies()
        _tally_attempts(installed_apps, tallies, entries, read_attempts=True)
        _write_changes(installed_apps, tallies)


def _members_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Cohort.learners changes: add, remove, set and clear, from the cohort's
    side (instance a cohort, pk_set learners) or the learner's (the reverse).
    Handled before the rows change, in the same transaction."""
    from lessons.models import Cohort

    if action in ("pre_add", "pre_remove"):
        pairs = [(p, instance.pk) if reverse else (instance.pk, p) for p in pk_set]
        memberships_change(pairs, sign=+1 if action == "pre_add" else -1)
    elif action == "pre_clear":
        members = Cohort.learners.through.objects.filter(
            **{"user_id" if reverse else "cohort_id": instance.pk}
        )
        memberships_change(members.values_list("cohort_id", "user_id"), sign=-1)


def _learner_deleted(sender, instance, **kwargs) -> None:
    """Deleting an account deletes its attempts and memberships without the m2m
    signals: take its contributions away first."""
    from lessons.models import Cohort

    Member = Cohort.learners.through
    memberships_change(
        Member.objects.filter(user_id=instance.pk).values_list("cohort_id", "user_id"), sign=-1
    )


def connect_signals() -> None:
    from django.contrib.auth import get_user_model

    from lessons.models import Cohort

    m2m_changed.connect(
        _members_changed, sender=Cohort.learners.through, dispatch_uid="item-tallies-members"
    )
    pre_delete.connect(_learner_deleted, sender=get_user_model(), dispatch_uid="item-tallies-user")


# ------------------------------------------------------------ from scratch


def rebuild(*, cohort_ids: list[int] | None = None, apps: Apps = installed_apps) -> int:
    """Work out the tallies of these cohorts (or all) from scratch, replacing
    what is stored; returns the number of rows written. Safe while answers
    come in: on PostgreSQL it locks the tally tables first, so a finish under
    way either commits before it reads or adds its change after."""
    Cohort = apps.get_model("lessons", "Cohort")
    models = [apps.get_model("lessons", m) for m in ("ItemTally", "OptionTally", "ScoreTally")]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                tables = ", ".join(_quote(m._meta.db_table) for m in models)
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        members = Cohort.learners.through.objects.all()
        if cohort_ids is not None:
            members = members.filter(cohort_id__in=cohort_ids)
        cohorts_of: defaultdict[int, list[int]] = defaultdict(list)
        for cohort, learner in members.order_by("cohort_id").values_list("cohort_id", "user_id"):
            cohorts_of[learner].append(cohort)
        entries = _learner_entries(apps, cohorts_of, +1)
        tallies = Tallies()
        _tally_attempts(apps, tallies, entries, read_attempts=True)
        for model in models:
            stored = model.objects.all()
            if cohort_ids is not None:
                stored = stored.filter(cohort_id__in=cohort_ids)
            stored.delete()
        written = 0
        plan: list[tuple[Any, list[str], Mapping[tuple, Any]]] = [
            (models[0], ITEM_KEYS + ITEM_VALUES, tallies.items),
            (models[1], [*OPTION_KEYS, "picks"], tallies.options),
            (models[2], [*SCORE_KEYS, "attempts"], tallies.scores),
        ]
        for model, fields, changes in plan:
            names = [model._meta.get_field(f).attname for f in fields]
            made = [
                model(**dict(zip(names, (*key, *_as_list(change)), strict=True)))
                for key, change in changes.items()
                if _as_list(change)[0]
            ]
            model.objects.bulk_create(made, batch_size=WRITE_BATCH)
            written += len(made)
        return written
