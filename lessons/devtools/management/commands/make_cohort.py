"""Build a large synthetic cohort over the loaded course, to load-test the
instructor reports.

    manage.py make_cohort --learners 10000 --responses 1000000 [--name N] [--seed 1]

Every row is what the quiz would have written had these learners really taken
the published lessons' quizzes over the last `--days` days: finished full
attempts, their responses (answer JSON consistent with grading, the
question's snapshot, the chosen-choice rows), one review card per learner and
question answered (scheduled by lessons.scheduling.review, answer by answer,
in time order) and the LessonScore rows as the answer service keeps them.

The answers follow a logistic item-response model: each learner has an
ability, each question a difficulty, a discrimination and a guessing floor,
and retaking a lesson helps a little. So facility and discrimination in the
item analysis mean something, and a few questions are made too easy, too hard
or weakly discriminating on purpose, for the report's flags to find.

Times are real: Attempt.started_at and Response.answered_at are auto_now_add,
which bulk_create would overwrite with "now", so this command switches
auto_now_add off on those two fields for its own inserts (in memory, for the
duration of the command) instead of rewriting a million rows afterwards.

Rows are written with bulk_create in batches. On PostgreSQL the big tables
(attempts, responses, chosen choices, review cards, lesson scores) go through
COPY instead, with ids drawn from the tables' identity sequences first:
bulk_create's UNNEST insert of a million JSON snapshots spends ~200 µs a row
quoting and parsing array literals, COPY ~30 µs. `--no-copy` forces
bulk_create there too. A writer thread does all the writing while the main
thread simulates the next learners (the FSRS scheduling is most of that), and
foreign keys are checked per statement rather than all at COMMIT.

Everything is written in one transaction: a failed run leaves nothing behind.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import queue
import random
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from lessons import scheduling
from lessons.grading import Submission, grade
from lessons.models import (
    AcceptedAnswer,
    Attempt,
    Choice,
    Cohort,
    Lesson,
    LessonScore,
    Question,
    Response,
    ReviewCard,
)
from lessons.selectors import lesson_list_published, question_data
from lessons.services import MAX_TIME_TAKEN

User = get_user_model()
INSTRUCTOR = "bench-instructor"
# Learners are simulated, then written, about this many responses at a time;
# each bulk_create statement carries BATCH rows.
CHUNK_RESPONSES = 20_000
BATCH = 5_000
MAX_ATTEMPTS_PER_LESSON = 10
FIRST_NAMES = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Femi",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Noor",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zeno",
]
LAST_NAMES = [
    "Abbott",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Urban",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zimmer",
]


# ---------------------------------------------------------------- the course


class Pool:
    """Answers a learner may give to one question, each with a weight: the
    JSON stored, the choice ids for the chosen rows, picked by weight."""

    def __init__(self, entries: list[tuple[Submission, float]]) -> None:
        self.answers = [submission.as_json() for submission, _ in entries]
        self.answers_json = [json.dumps(answer) for answer in self.answers]  # for COPY
        self.choices = [tuple(sorted(submission.choice_ids)) for submission, _ in entries]
        self.cumulative = list(itertools.accumulate(weight for _, weight in entries))

    def __bool__(self) -> bool:
        return bool(self.answers)

    def pick(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])


@dataclass
class Item:
    """One published question and how it behaves in the response model."""

    id: int
    kind: str
    snapshot: dict
    difficulty: float
    discrimination: float
    guess: float
    seconds: float
    right: Pool
    wrong: Pool
    snapshot_json: str = ""

    def __post_init__(self) -> None:
        self.snapshot_json = json.dumps(self.snapshot)

    def p_correct(self, ability: float) -> float:
        if not self.wrong:
            return 1.0
        if not self.right:
            return 0.0
        logit = 1.7 * self.discrimination * (ability - self.difficulty)
        return self.guess + (1 - self.guess) / (1 + math.exp(-logit))


@dataclass
class LessonPlan:
    id: int
    question_ids: list[int]
    items: list[Item]

    @property
    def question_ids_json(self) -> str:
        return json.dumps(self.question_ids)


def _misspellings(text: str) -> list[str]:
    out = []
    if len(text) >= 4:
        middle = len(text) // 2
        out.append(text[:middle] + text[middle + 1 :])  # a letter dropped
        out.append(text[: middle - 1] + text[middle] + text[middle - 1] + text[middle + 1 :])
    return out


def _pools(data, all_blank_answers: list[str], rng: random.Random) -> tuple[Pool, Pool]:
    """Right and wrong answers for a question, each checked with grade()."""
    right: list[tuple[Submission, float]] = []
    wrong: list[tuple[Submission, float]] = []
    if data.kind == Question.Kind.FILL_BLANK:
        seen = set()
        for rank, accepted in enumerate(data.accepted_answers):
            for variant, weight in (
                (accepted, 1.0),
                (accepted.lower(), 0.3),
                (accepted.capitalize(), 0.2),
                (accepted + ".", 0.05),
            ):
                if variant not in seen:
                    seen.add(variant)
                    right.append((Submission(text=variant), weight / (1 + rank)))
        candidates = [(t, 0.3) for t in all_blank_answers]
        for accepted in data.accepted_answers[:2]:
            candidates += [(t, 1.0) for t in _misspellings(accepted)]
        candidates += [("not sure", 0.5), ("muscle", 0.3), ("cancer", 0.3)]
        for text, weight in candidates:
            if text not in seen:
                seen.add(text)
                wrong.append((Submission(text=text), weight))
    elif data.kind == Question.Kind.MULTIPLE_ANSWER:
        correct = data.correct_choice_ids
        ids = sorted(c.id for c in data.choices)
        for size in range(1, len(ids) + 1):
            for subset in itertools.combinations(ids, size):
                chosen = frozenset(subset)
                if chosen == correct:
                    right.append((Submission(choice_ids=chosen), 1.0))
                else:
                    distance = len(chosen ^ correct)
                    weight = {1: 1.0, 2: 0.25}.get(distance, 0.03) * (0.5 + rng.random())
                    wrong.append((Submission(choice_ids=chosen), weight))
    else:
        for choice in data.choices:
            entry = (Submission(choice_ids=frozenset({choice.id})), 0.05 + rng.random() ** 2)
            (right if choice.is_correct else wrong).append(entry)
    # The pools must agree with grading, or the report's counts would lie.
    right = [(s, w) for s, w in right if grade(data, s).is_correct]
    wrong = [(s, w) for s, w in wrong if not grade(data, s).is_correct]
    return Pool(right), Pool(wrong)


SECONDS = {
    Question.Kind.TRUE_FALSE: 6.0,
    Question.Kind.SINGLE_CHOICE: 11.0,
    Question.Kind.MULTIPLE_ANSWER: 20.0,
    Question.Kind.FILL_BLANK: 15.0,
}
DIFFICULTY_SHIFT = {
    Question.Kind.TRUE_FALSE: -0.6,
    Question.Kind.SINGLE_CHOICE: 0.0,
    Question.Kind.MULTIPLE_ANSWER: 0.4,
    Question.Kind.FILL_BLANK: 0.6,
}


def course(rng: random.Random) -> list[LessonPlan]:
    """The published lessons with questions, each question read once."""
    lessons = [lesson for lesson in lesson_list_published() if lesson.question_count]
    if not lessons:
        raise CommandError(
            "No published lesson has published questions: run `manage.py loaddata "
            "leiomyosarcoma` (after migrate) first."
        )
    datas = {}
    for lesson in lessons:
        # The same questions, in the same order, as services.attempt_start asks them.
        for qid in lesson.questions.published().values_list("pk", flat=True):
            datas[qid] = (lesson.pk, question_data(qid))
    blank_answers = sorted(
        {
            answer
            for _, data in datas.values()
            if data.kind == Question.Kind.FILL_BLANK
            for answer in data.accepted_answers[:1]
        }
    )
    plans = {lesson.pk: LessonPlan(lesson.pk, [], []) for lesson in lessons}
    for qid, (lesson_id, data) in datas.items():
        right, wrong = _pools(data, blank_answers, rng)
        difficulty = rng.gauss(DIFFICULTY_SHIFT.get(data.kind, 0.0), 0.9)
        discrimination = rng.uniform(0.6, 2.2)
        special = rng.random()
        if special < 0.06:
            discrimination = 0.12  # weak: ability hardly matters
        elif special < 0.10:
            difficulty = -4.0  # too easy
        elif special < 0.13 and data.kind in {Question.Kind.FILL_BLANK}:
            difficulty = 3.5  # too hard
        if data.kind == Question.Kind.FILL_BLANK:
            guess = 0.0
        elif data.kind == Question.Kind.MULTIPLE_ANSWER:
            guess = 0.05
        else:
            guess = 1 / max(2, len(data.choices))
        item = Item(
            qid,
            data.kind,
            data.snapshot(),
            difficulty,
            discrimination,
            guess,
            SECONDS.get(data.kind, 12.0) * math.exp(0.15 * difficulty),
            right,
            wrong,
        )
        plans[lesson_id].question_ids.append(qid)
        plans[lesson_id].items.append(item)
    return [plans[lesson.pk] for lesson in lessons]


# ---------------------------------------------------------------- one learner


@dataclass
class Answer:
    item: Item
    pick: int  # index into the item's right or wrong pool
    is_correct: bool
    time_taken: timedelta | None
    answered_at: datetime | None = None

    @property
    def pool(self) -> Pool:
        return self.item.right if self.is_correct else self.item.wrong


@dataclass
class PlannedAttempt:
    lesson: LessonPlan
    answers: list[Answer]
    correct: int
    immediate: bool  # a retake straight after a poor score
    seed: int
    started_at: datetime | None = None
    pk: int | None = None

    @property
    def finished_at(self) -> datetime:
        return self.answers[-1].answered_at

    @property
    def score(self) -> float:
        return self.correct / len(self.answers)

    def duration(self) -> float:
        return sum(
            (a.time_taken.total_seconds() if a.time_taken is not None else 10.0) + 6.0
            for a in self.answers
        )


@dataclass
class Learner:
    index: int
    ability: float
    target: float
    pk: int | None = None
    attempts: list[PlannedAttempt] = field(default_factory=list)
    cards: dict[int, ReviewCard] = field(default_factory=dict)


def _time_taken(item: Item, ability: float, is_correct: bool, rng: random.Random):
    roll = rng.random()
    if roll < 0.003:
        return None  # the browser sent no timing
    seconds = item.seconds * math.exp(-0.2 * ability + rng.gauss(0, 0.5))
    if not is_correct:
        seconds *= 1.3
    if roll > 0.995:
        seconds = rng.uniform(120, 3600)  # a page left open
    taken = timedelta(milliseconds=int(max(0.8, seconds) * 1000))
    return min(taken, MAX_TIME_TAKEN)


def simulate(learner: Learner, course_plan: list[LessonPlan], rng: random.Random) -> int:
    """Which lessons the learner takes, in order, and how each answer goes,
    until their share of the responses is spent. Returns responses made."""
    used = 0
    taken = [0] * len(course_plan)
    best = [0.0] * len(course_plan)
    next_new = 0
    last: PlannedAttempt | None = None
    while True:
        immediate = False
        last_index = course_plan.index(last.lesson) if last is not None else None
        if (
            last_index is not None
            and last.score < 0.6
            and taken[last_index] < MAX_ATTEMPTS_PER_LESSON
            and rng.random() < 0.45
        ):
            index, immediate = last_index, True
        elif next_new < len(course_plan):
            index = next_new
        else:
            open_ = [i for i, n in enumerate(taken) if n < MAX_ATTEMPTS_PER_LESSON]
            if not open_:
                break
            weights = [1.05 - best[i] for i in open_]
            index = rng.choices(open_, weights)[0]
        lesson = course_plan[index]
        if used + len(lesson.items) / 2 > learner.target:
            break
        if index == next_new:
            next_new += 1
        # Each earlier go at the lesson helps a little, up to three.
        ability = learner.ability + 0.35 * min(taken[index], 3)
        answers = []
        for item in lesson.items:
            is_correct = rng.random() < item.p_correct(ability)
            pool = item.right if is_correct else item.wrong
            answers.append(
                Answer(
                    item, pool.pick(rng), is_correct, _time_taken(item, ability, is_correct, rng)
                )
            )
        correct = sum(a.is_correct for a in answers)
        last = PlannedAttempt(lesson, answers, correct, immediate, rng.randrange(2**31))
        learner.attempts.append(last)
        taken[index] += 1
        best[index] = max(best[index], last.score)
        used += len(answers)
    return used


def schedule(learner: Learner, *, start: datetime, end: datetime, rng: random.Random) -> None:
    """Spread the attempts over [start, end] in order, none overlapping, then
    time every answer within its attempt."""
    if not learner.attempts:
        return
    durations = [a.duration() for a in learner.attempts]
    budget = sum(durations) + 3600 * len(durations)
    latest_start = end - timedelta(seconds=budget)
    start = min(start, latest_start)
    span = (latest_start - start).total_seconds()
    picks = sorted(start + timedelta(seconds=rng.random() * span) for _ in learner.attempts)
    free = start
    for planned, pick in zip(learner.attempts, picks, strict=True):
        if planned.immediate:
            begin = free + timedelta(seconds=rng.uniform(60, 900))
        else:
            begin = max(pick, free + timedelta(seconds=rng.uniform(300, 3600)))
        planned.started_at = begin
        moment = begin
        for answer in planned.answers:
            seconds = (
                answer.time_taken.total_seconds() if answer.time_taken is not None else 10.0
            ) + rng.uniform(0.5, 5.5)
            moment += timedelta(seconds=seconds)
            answer.answered_at = moment
        free = moment


def review_cards(learner: Learner) -> None:
    """Run the spaced-repetition scheduler over every answer in time order, as
    the answer service does one answer at a time."""
    for planned in learner.attempts:
        for answer in planned.answers:
            card = learner.cards.get(answer.item.id)
            if card is None:
                card = ReviewCard(
                    learner_id=learner.pk, question_id=answer.item.id, due=answer.answered_at
                )
                learner.cards[answer.item.id] = card
            rating = scheduling.rating_for(
                is_correct=answer.is_correct, time_taken=answer.time_taken
            )
            scheduling.review(
                card, rating=rating, when=answer.answered_at, is_correct=answer.is_correct
            )


def lesson_scores(learner: Learner) -> list[LessonScore]:
    """The rows services._lesson_score_update leaves after these attempts."""
    rows: dict[int, LessonScore] = {}
    for attempt in learner.attempts:  # in time order
        row = rows.setdefault(
            attempt.lesson.id, LessonScore(learner_id=learner.pk, lesson_id=attempt.lesson.id)
        )
        row.attempts += 1
        row.latest_score, row.latest_attempt_id = attempt.score, attempt.pk
        if row.first_attempt_id is None:
            row.first_attempt_id = attempt.pk
        if row.best_score is None or row.best_score < attempt.score:  # ties keep the earlier
            row.best_score, row.best_attempt_id = attempt.score, attempt.pk
        row.last_activity = attempt.finished_at
    return list(rows.values())


# ---------------------------------------------------------------- writing

ATTEMPT_COLUMNS = (
    "id",
    "learner_id",
    "lesson_id",
    "started_at",
    "finished_at",
    "score",
    "question_ids",
    "seed",
    "is_retry",
    "answered_count",
    "correct_count",
)
RESPONSE_COLUMNS = (
    "id",
    "attempt_id",
    "question_id",
    "answer",
    "is_correct",
    "answered_at",
    "time_taken",
    "question_snapshot",
)
CARD_COLUMNS = (
    "learner_id",
    "question_id",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "last_correct",
    "recall_until",
    "reviews",
    "lapses",
)
SCORE_COLUMNS = (
    "learner_id",
    "lesson_id",
    "attempts",
    "best_score",
    "latest_score",
    "first_attempt_id",
    "best_attempt_id",
    "latest_attempt_id",
    "last_activity",
)


def next_ids(model, count: int) -> list[int]:
    """Reserve `count` primary keys from the table's identity sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_rows(model, columns, rows) -> None:
    """COPY rows (tuples in `columns` order; JSON as text) into the model's table."""
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def given_times(*fields) -> Iterator[None]:
    """Let bulk_create store the times we give instead of auto_now_add's 'now'."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _ in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


class Writer(threading.Thread):
    """Does every write, on its own connection and in one transaction, while
    the main thread simulates the next learners: the database and Python then
    work at the same time instead of taking turns.

    The main thread hands over lists of simulated learners through `inbox`
    (None ends it); the learners' user ids come back through `user_ids`."""

    def __init__(self, command: Command, *, name: str, prefix: str, people, joined, rng):
        super().__init__(name="make_cohort-writer", daemon=True)
        self.command = command
        self.args = (name, prefix, people, joined, rng)
        self.copy = command.copy
        self.inbox: queue.Queue = queue.Queue(maxsize=2)
        self.user_ids: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.cohort: Cohort | None = None
        self.totals = dict.fromkeys(("attempts", "responses", "chosen", "cards", "scores"), 0)
        self.stages: dict[str, float] = {}

    def begin(self) -> list[int]:
        """Open the one transaction and create the cohort and its learners;
        returns the learners' user ids."""
        fields = (Attempt._meta.get_field("started_at"), Response._meta.get_field("answered_at"))
        self._stack = ExitStack()
        try:
            self._stack.enter_context(transaction.atomic())
            self._stack.enter_context(given_times(*fields))
            if connection.vendor == "postgresql":
                # Check each statement's foreign keys as it runs, overlapping the
                # simulation, rather than millions of them at once in COMMIT.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.cohort = self.command.cohort(*self.args)
        except BaseException as error:
            self.abort(error)
            raise
        return [person.pk for person in self.args[2]]

    def abort(self, error: BaseException) -> None:
        """Roll the transaction back: a failed run leaves nothing behind."""
        self._stack.__exit__(type(error), error, error.__traceback__)

    def finish(self) -> None:
        started = time.perf_counter()
        self._stack.close()
        self.stages["commit"] = time.perf_counter() - started
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            started = time.perf_counter()
            # What autovacuum soon does to a real database (and does not do where it
            # is off): planner statistics, and the visibility map that index-only
            # scans need. The course tables the reports join are analyzed too.
            written = (User, Attempt, Response, Response.chosen.through, ReviewCard)
            written += (LessonScore, Cohort.learners.through)
            with connection.cursor() as cursor:
                for model in written:
                    cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
                for model in (Lesson, Question, Choice, AcceptedAnswer):
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
            self.stages["vacuum analyze"] = time.perf_counter() - started

    def run(self) -> None:
        began = False
        try:
            self.user_ids.put(self.begin())
            began = True
            while (chunk := self.inbox.get()) is not None:
                self.write(chunk)
                self.command.progress(chunk[-1].index, len(self.args[2]), self.totals)
            self.finish()
        except BaseException as error:  # handed to the main thread, which raises it
            self.error = error
            if began:
                self.abort(error)
            else:
                self.user_ids.put(None)
        finally:
            connection.close()

    def send(self, chunk: list[Learner] | None) -> None:
        while True:
            try:
                self.inbox.put(chunk, timeout=0.5)
                return
            except queue.Full:
                if not self.is_alive():
                    raise CommandError(f"The writer stopped: {self.error!r}") from self.error

    def write(self, chunk: list[Learner]) -> None:
        planned = [(person, a) for person in chunk for a in person.attempts]
        if self.copy:
            ids = next_ids(Attempt, len(planned))
            for pk, (_, attempt) in zip(ids, planned, strict=True):
                attempt.pk = pk
            copy_rows(
                Attempt,
                ATTEMPT_COLUMNS,
                (
                    (
                        a.pk,
                        person.pk,
                        a.lesson.id,
                        a.started_at,
                        a.finished_at,
                        a.score,
                        a.lesson.question_ids_json,
                        a.seed,
                        False,
                        len(a.answers),
                        a.correct,
                    )
                    for person, a in planned
                ),
            )
        else:
            objs = [
                Attempt(
                    learner_id=person.pk,
                    lesson_id=a.lesson.id,
                    started_at=a.started_at,
                    finished_at=a.finished_at,
                    score=a.score,
                    question_ids=a.lesson.question_ids,
                    seed=a.seed,
                    is_retry=False,
                    answered_count=len(a.answers),
                    correct_count=a.correct,
                )
                for person, a in planned
            ]
            Attempt.objects.bulk_create(objs, batch_size=BATCH)
            for obj, (_, attempt) in zip(objs, planned, strict=True):
                attempt.pk = obj.pk
        answers = [(a.pk, answer) for _, a in planned for answer in a.answers]
        if self.copy:
            ids = next_ids(Response, len(answers))
            copy_rows(
                Response,
                RESPONSE_COLUMNS,
                (
                    (
                        pk,
                        attempt_id,
                        answer.item.id,
                        answer.pool.answers_json[answer.pick],
                        answer.is_correct,
                        answer.answered_at,
                        answer.time_taken,
                        answer.item.snapshot_json,
                    )
                    for pk, (attempt_id, answer) in zip(ids, answers, strict=True)
                ),
            )
        else:
            rows = [
                Response(
                    attempt_id=attempt_id,
                    question_id=answer.item.id,
                    answer=answer.pool.answers[answer.pick],
                    is_correct=answer.is_correct,
                    answered_at=answer.answered_at,
                    time_taken=answer.time_taken,
                    question_snapshot=answer.item.snapshot,
                )
                for attempt_id, answer in answers
            ]
            Response.objects.bulk_create(rows, batch_size=BATCH)
            ids = [row.pk for row in rows]
        # As response_record stores them: one row per choice, in id order.
        links = [
            (pk, choice_id, attempt_pk)
            for pk, (attempt_pk, answer) in zip(ids, answers, strict=True)
            for choice_id in answer.pool.choices[answer.pick]
        ]
        Chosen = Response.chosen.through
        cards = [card for person in chunk for card in person.cards.values()]
        scores = [row for person in chunk for row in lesson_scores(person)]
        if self.copy:
            copy_rows(Chosen, ("response_id", "choice_id", "attempt_id"), links)
            copy_rows(
                ReviewCard,
                CARD_COLUMNS,
                ([getattr(card, column) for column in CARD_COLUMNS] for card in cards),
            )
            copy_rows(
                LessonScore,
                SCORE_COLUMNS,
                ([getattr(row, column) for column in SCORE_COLUMNS] for row in scores),
            )
        else:
            Chosen.objects.bulk_create(
                (Chosen(response_id=r, choice_id=c, attempt_id=a) for r, c, a in links),
                batch_size=BATCH * 2,
            )
            ReviewCard.objects.bulk_create(cards, batch_size=BATCH)
            LessonScore.objects.bulk_create(scores, batch_size=BATCH)
        for person in chunk:
            person.attempts, person.cards = [], {}  # written: free the memory
        totals = self.totals
        totals["attempts"] += len(planned)
        totals["responses"] += len(answers)
        totals["chosen"] += len(links)
        totals["cards"] += len(cards)
        totals["scores"] += len(scores)


# ---------------------------------------------------------------- the command


def targets(count: int, total: int, cap: float, rng: random.Random) -> list[tuple[float, float]]:
    """(ability, responses to give) per learner: engagement is log-normal and
    a little higher for abler learners; shares above the cap are spread over
    the others so the total stays on target."""
    abilities = [rng.gauss(0, 1) for _ in range(count)]
    weights = [math.exp(rng.gauss(0, 0.8) + 0.3 * a) for a in abilities]
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    for _ in range(20):
        over = [s >= cap for s in shares]
        fixed = cap * sum(over)
        free = sum(s for s, o in zip(shares, over, strict=True) if not o)
        if not any(s > cap for s in shares) or free <= 0:
            break
        scale = max(0.0, total - fixed) / free
        shares = [cap if o else s * scale for s, o in zip(shares, over, strict=True)]
    return list(zip(abilities, shares, strict=True))


class Command(BaseCommand):
    help = "Create a large synthetic cohort with realistic attempts, for report benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=10_000)
        parser.add_argument("--responses", type=int, default=1_000_000)
        parser.add_argument("--name", default="Synthetic cohort")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--days", type=int, default=60, help="Spread attempts over these.")
        parser.add_argument(
            "--no-copy",
            action="store_true",
            help="On PostgreSQL too, write every table with bulk_create (slower).",
        )

    def handle(
        self, *args, learners: int, responses: int, name: str, seed: int, days: int, **options
    ):
        if learners < 1 or responses < 0 or days < 1:
            raise CommandError("--learners and --days must be positive, --responses not negative.")
        if not connection.features.can_return_rows_from_bulk_insert:
            raise CommandError(f"{connection.vendor} cannot return ids from bulk inserts.")
        if Cohort.objects.filter(name=name).exists():
            raise CommandError(f"A cohort named {name!r} exists already: pick another --name.")
        prefix = f"{slugify(name) or 'cohort'}-learner"
        if User.objects.filter(username__startswith=prefix).exists():
            raise CommandError(f"Usernames starting {prefix!r} are taken: pick another --name.")
        self.copy = connection.vendor == "postgresql" and not options["no_copy"]

        rng = random.Random(seed)
        self.began = time.perf_counter()
        now = timezone.now()
        plan = course(rng)
        per_pass = sum(len(lesson.items) for lesson in plan)
        self.stdout.write(
            f"{connection.vendor}: {len(plan)} lessons, {per_pass} questions; "
            f"{learners:,} learners, ~{responses:,} responses over {days} days (seed {seed}); "
            f"writing with {'COPY' if self.copy else 'bulk_create'}"
        )
        cap = per_pass * MAX_ATTEMPTS_PER_LESSON * 0.9
        people = [
            Learner(i, ability, target)
            for i, (ability, target) in enumerate(targets(learners, responses, cap, rng), start=1)
        ]
        window_start = now - timedelta(days=days)
        end = now - timedelta(minutes=30)
        writer = Writer(self, name=name, prefix=prefix, people=people, joined=window_start, rng=rng)
        # Inside a caller's transaction (load_demo, tests) another connection would
        # not see its rows, and SQLite allows one writer: write in this thread then.
        inline = connection.in_atomic_block or connection.vendor != "postgresql"
        if inline:
            ids = writer.begin()
        else:
            writer.start()
            ids = writer.user_ids.get()
            if ids is None:
                writer.join()
                raise writer.error
        for person, pk in zip(people, ids, strict=True):
            person.pk = pk
        try:
            self.simulate_and_write(writer, people, plan, window_start, end, rng, inline)
        except BaseException as error:
            if inline:
                writer.abort(error)
            raise
        simulated = time.perf_counter() - self.began
        if inline:
            writer.finish()
        else:
            writer.send(None)
            writer.join()
            if writer.error is not None:
                raise writer.error
        elapsed = time.perf_counter() - self.began
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in writer.stages.items())
        self.stdout.write(f"simulated by {simulated:.1f} s; {stages}")
        self.report(writer.cohort, writer.totals, elapsed, now)

    def simulate_and_write(self, writer, people, plan, window_start, end, rng, inline) -> None:
        def send(chunk):
            if inline:
                writer.write(chunk)
                self.progress(chunk[-1].index, len(people), writer.totals)
            else:
                writer.send(chunk)

        chunk: list[Learner] = []
        planned = 0
        for person in people:
            planned += simulate(person, plan, rng)
            # Most join early; everyone's last answer is before `end`.
            joined = window_start + (end - window_start) * (rng.random() ** 2) * 0.95
            schedule(person, start=joined, end=end, rng=rng)
            review_cards(person)
            chunk.append(person)
            if planned >= CHUNK_RESPONSES:
                send(chunk)
                chunk, planned = [], 0
        if chunk:
            send(chunk)

    def cohort(self, name, prefix, people, joined, rng) -> Cohort:
        users = [
            User(
                username=f"{prefix}{p.index}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"{prefix}{p.index}@example.invalid",
                # Unusable, as set_unusable_password() makes it, without hashing 10,000 times.
                password="!" + secrets.token_urlsafe(30),
                date_joined=joined,
            )
            for p in people
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        for person, user in zip(people, users, strict=True):
            person.pk = user.pk
        cohort = Cohort.objects.create(name=name)
        Cohort.objects.filter(pk=cohort.pk).update(created_at=joined)
        Member = Cohort.learners.through
        Member.objects.bulk_create(
            (Member(cohort_id=cohort.pk, user_id=p.pk) for p in people), batch_size=BATCH
        )
        instructor, created = User.objects.get_or_create(
            username=INSTRUCTOR, defaults={"is_staff": True, "first_name": "Bench"}
        )
        if created:
            instructor.set_unusable_password()
            instructor.save(update_fields=["password"])
        group = Group.objects.filter(name="Instructors").first()
        if group:
            instructor.groups.add(group)
        else:
            permission = Permission.objects.get(
                content_type__app_label="lessons", codename="view_cohort_reports"
            )
            instructor.user_permissions.add(permission)
        cohort.instructors.add(instructor)
        self.stdout.write(
            f"cohort {cohort.pk} {name!r}: {len(users):,} learners, instructor {INSTRUCTOR}"
        )
        return cohort

    def progress(self, done: int, learners: int, totals: dict) -> None:
        elapsed = time.perf_counter() - self.began
        self.stdout.write(
            f"  {done:>7,}/{learners:,} learners  {totals['responses']:>10,} responses  "
            f"{totals['attempts']:>8,} attempts  {elapsed:7.1f} s  "
            f"({totals['responses'] / elapsed:,.0f} responses/s)"
        )

    def report(self, cohort: Cohort, totals: dict, elapsed: float, now: datetime) -> None:
        members = Cohort.learners.through.objects.filter(cohort=cohort).values("user_id")
        attempts = Attempt.objects.filter(learner_id__in=members)
        counted = {
            "learners": Cohort.learners.through.objects.filter(cohort=cohort).count(),
            "attempts": attempts.count(),
            "responses": Response.objects.filter(attempt__learner_id__in=members).count(),
            "chosen": Response.chosen.through.objects.filter(
                response__attempt__learner_id__in=members
            ).count(),
            "cards": ReviewCard.objects.filter(learner_id__in=members).count(),
            "scores": LessonScore.objects.filter(learner_id__in=members).count(),
        }
        recalled = ReviewCard.objects.filter(learner_id__in=members, recall_until__gte=now).count()
        idle = (
            Cohort.learners.through.objects.filter(cohort=cohort)
            .exclude(user_id__in=attempts.values("learner_id"))
            .count()
        )
        self.stdout.write(f"done in {elapsed:.1f} s: cohort {cohort.pk} {cohort.name!r}")
        for key, value in counted.items():
            self.stdout.write(f"  {key:<10} {value:>12,}")
        if counted["cards"]:
            self.stdout.write(
                f"  learners without an attempt: {idle:,}; review cards recalled now: "
                f"{recalled / counted['cards']:.1%}"
            )
        written = {"learners": counted["learners"], **totals}
        if written != counted:
            raise CommandError(f"Counts differ from what was written: {written} vs {counted}")
