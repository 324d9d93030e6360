"""Simulated learners over the loaded course, for make_cohort: which lessons
each takes, how each answer goes, when, and the review cards and lesson
scores the answer service would keep. Builds unsaved model instances; the
command writes them.

The answers follow a logistic item-response model: each learner has an
ability, each question a difficulty, a discrimination and a guessing floor,
and retaking a lesson helps a little. So facility and discrimination in the
item analysis mean something, and a few questions are made too easy, too hard
or weakly discriminating on purpose, for the report's flags to find.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management.base import CommandError

from lessons import scheduling
from lessons.grading import Submission, grade
from lessons.models import Attempt, LessonScore, Question, Response, ReviewCard
from lessons.selectors import lesson_list_published, question_data
from lessons.services import MAX_TIME_TAKEN

MAX_ATTEMPTS_PER_LESSON = 10
# Per kind: typical seconds to answer, difficulty shift, chance of a lucky guess
# (None: one over the number of choices).
KINDS: dict[str, tuple[float, float, float | None]] = {
    Question.Kind.TRUE_FALSE: (6.0, -0.6, None),
    Question.Kind.SINGLE_CHOICE: (11.0, 0.0, None),
    Question.Kind.MULTIPLE_ANSWER: (20.0, 0.4, 0.05),
    Question.Kind.FILL_BLANK: (15.0, 0.6, 0.0),
}


# ---------------------------------------------------------------- the course


class Pool:
    """Answers a learner may give to one question, each with a weight: the
    JSON stored, the choice ids for the chosen rows, picked by weight."""

    def __init__(self, entries: list[tuple[Submission, float]]) -> None:
        self.answers = [submission.as_json() for submission, _ in entries]
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
    snapshot: dict
    difficulty: float
    discrimination: float
    guess: float
    seconds: float
    right: Pool
    wrong: Pool
    # The id of the snapshot's stored QuestionVersion, set before responses are
    # written (make_cohort); no row has 0, so a forgotten one fails the insert.
    version_id: int = 0

    def p_correct(self, ability: float) -> float:
        if not self.wrong or not self.right:
            return 0.0 if self.wrong else 1.0
        logit = 1.7 * self.discrimination * (ability - self.difficulty)
        return self.guess + (1 - self.guess) / (1 + math.exp(-logit))


@dataclass
class LessonPlan:
    id: int
    question_ids: list[int] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


def _misspellings(text: str) -> list[str]:
    if len(text) < 4:
        return []
    middle = len(text) // 2
    dropped = text[:middle] + text[middle + 1 :]
    swapped = text[: middle - 1] + text[middle] + text[middle - 1] + text[middle + 1 :]
    return [dropped, swapped]


def _pools(data, all_blank_answers: list[str], rng: random.Random) -> tuple[Pool, Pool]:
    """Right and wrong answers for a question, each checked with grade()."""
    right: list[tuple[Submission, float]] = []
    wrong: list[tuple[Submission, float]] = []
    if data.kind == Question.Kind.FILL_BLANK:
        seen = set()
        for rank, accepted in enumerate(data.accepted_answers):
            variants = [(accepted, 1.0), (accepted.lower(), 0.3), (accepted.capitalize(), 0.2)]
            for variant, weight in [*variants, (accepted + ".", 0.05)]:
                if variant not in seen:
                    seen.add(variant)
                    right.append((Submission(text=variant), weight / (1 + rank)))
        candidates = [(t, 0.3) for t in all_blank_answers]
        for accepted in data.accepted_answers[:2]:
            candidates += [(t, 1.0) for t in _misspellings(accepted)]
        for text, weight in [*candidates, ("not sure", 0.5), ("muscle", 0.3), ("cancer", 0.3)]:
            if text not in seen:
                seen.add(text)
                wrong.append((Submission(text=text), weight))
    elif data.kind == Question.Kind.MULTIPLE_ANSWER:
        correct = data.correct_choice_ids
        ids = sorted(c.id for c in data.choices)
        for size in range(1, len(ids) + 1):
            for chosen in map(frozenset, itertools.combinations(ids, size)):
                if chosen == correct:
                    right.append((Submission(choice_ids=chosen), 1.0))
                else:
                    weight = {1: 1.0, 2: 0.25}.get(len(chosen ^ correct), 0.03)
                    wrong.append((Submission(choice_ids=chosen), weight * (0.5 + rng.random())))
    else:
        for choice in data.choices:
            entry = (Submission(choice_ids=frozenset({choice.id})), 0.05 + rng.random() ** 2)
            (right if choice.is_correct else wrong).append(entry)
    # The pools must agree with grading, or the report's counts would lie.
    right = [(s, w) for s, w in right if grade(data, s).is_correct]
    wrong = [(s, w) for s, w in wrong if not grade(data, s).is_correct]
    return Pool(right), Pool(wrong)


def course(rng: random.Random) -> list[LessonPlan]:
    """The published lessons with questions, each question read once."""
    # question_count: the annotation lesson_list_published adds.
    lessons = [lesson for lesson in lesson_list_published() if getattr(lesson, "question_count", 0)]
    if not lessons:
        raise CommandError(
            "No published lesson has published questions: run `manage.py loaddata "
            "leiomyosarcoma` (after migrate) first."
        )
    plans = [LessonPlan(lesson.pk) for lesson in lessons]
    # The same questions, in the same order, as services.attempt_start asks them.
    datas = [
        (plan, question_data(qid))
        for plan, lesson in zip(plans, lessons, strict=True)
        for qid in lesson.questions.published().values_list("pk", flat=True)
    ]
    blank = Question.Kind.FILL_BLANK
    blank_answers = sorted({d.accepted_answers[0] for _, d in datas if d.kind == blank})
    for plan, data in datas:
        right, wrong = _pools(data, blank_answers, rng)
        seconds, shift, guess = KINDS.get(data.kind, (12.0, 0.0, None))
        difficulty = rng.gauss(shift, 0.9)
        discrimination = rng.uniform(0.6, 2.2)
        special = rng.random()
        if special < 0.06:
            discrimination = 0.12  # weak: ability hardly matters
        elif special < 0.10:
            difficulty = -4.0  # too easy
        elif special < 0.13 and data.kind == blank:
            difficulty = 3.5  # too hard
        if guess is None:
            guess = 1 / max(2, len(data.choices))
        seconds *= math.exp(0.15 * difficulty)
        item = Item(
            data.id, data.snapshot(), difficulty, discrimination, guess, seconds, right, wrong
        )
        plan.question_ids.append(data.id)
        plan.items.append(item)
    return plans


# ---------------------------------------------------------------- one learner


@dataclass
class Taken:
    """One simulated attempt: its rows, unsaved, and the choices of each response."""

    lesson: LessonPlan
    attempt: Attempt
    responses: list[Response]
    choices: list[tuple[int, ...]]
    immediate: bool  # a retake straight after a poor score


@dataclass
class Learner:
    index: int
    ability: float
    target: float
    pk: int = 0  # the account's, once it is saved
    taken: list[Taken] = field(default_factory=list)
    cards: dict[int, ReviewCard] = field(default_factory=dict)


def _seconds(time_taken: timedelta | None) -> float:
    return time_taken.total_seconds() if time_taken is not None else 10.0


def _time_taken(item: Item, ability: float, is_correct: bool, rng: random.Random):
    roll = rng.random()
    if roll < 0.003:
        return None  # the browser sent no timing
    seconds = item.seconds * math.exp(-0.2 * ability + rng.gauss(0, 0.5))
    if not is_correct:
        seconds *= 1.3
    if roll > 0.995:
        seconds = rng.uniform(120, 3600)  # a page left open
    return min(timedelta(milliseconds=int(max(0.8, seconds) * 1000)), MAX_TIME_TAKEN)


def simulate(learner: Learner, course_plan: list[LessonPlan], rng: random.Random) -> int:
    """Which lessons the learner takes, in order, and how each answer goes,
    until their share of the responses is spent. Returns responses made."""
    used, next_new = 0, 0
    taken = [0] * len(course_plan)
    best = [0.0] * len(course_plan)
    last: int | None = None  # the lesson of the last attempt, and its score
    last_score = 1.0
    while True:
        immediate = False
        if (
            last is not None
            and last_score < 0.6
            and taken[last] < MAX_ATTEMPTS_PER_LESSON
            and rng.random() < 0.45
        ):
            index, immediate = last, True
        elif next_new < len(course_plan):
            index = next_new
        else:
            open_ = [i for i, n in enumerate(taken) if n < MAX_ATTEMPTS_PER_LESSON]
            if not open_:
                break
            index = rng.choices(open_, [1.05 - best[i] for i in open_])[0]
        lesson = course_plan[index]
        if used + len(lesson.items) / 2 > learner.target:
            break
        next_new += index == next_new
        # Each earlier go at the lesson helps a little, up to three.
        ability = learner.ability + 0.35 * min(taken[index], 3)
        responses, choices = [], []
        for item in lesson.items:
            is_correct = rng.random() < item.p_correct(ability)
            pool = item.right if is_correct else item.wrong
            pick = pool.pick(rng)
            time_taken = _time_taken(item, ability, is_correct, rng)
            responses.append(
                Response(
                    question_id=item.id,
                    answer=pool.answers[pick],
                    is_correct=is_correct,
                    time_taken=time_taken,
                    question_version_id=item.version_id,
                )
            )
            choices.append(pool.choices[pick])
        correct = sum(r.is_correct for r in responses)
        last, last_score = index, correct / len(responses)
        attempt = Attempt(
            learner_id=learner.pk,
            lesson_id=lesson.id,
            question_ids=lesson.question_ids,
            seed=rng.randrange(2**31),
            answered_count=len(responses),
            correct_count=correct,
            score=last_score,
        )
        learner.taken.append(Taken(lesson, attempt, responses, choices, immediate))
        taken[index] += 1
        best[index] = max(best[index], last_score)
        used += len(responses)
    return used


def schedule(learner: Learner, *, start: datetime, end: datetime, rng: random.Random) -> None:
    """Spread the attempts over [start, end] in order, none overlapping, then
    time every answer within its attempt."""
    if not learner.taken:
        return
    durations = [sum(_seconds(r.time_taken) + 6.0 for r in t.responses) for t in learner.taken]
    latest_start = end - timedelta(seconds=sum(durations) + 3600 * len(durations))
    start = min(start, latest_start)
    span = (latest_start - start).total_seconds()
    picks = sorted(start + timedelta(seconds=rng.random() * span) for _ in learner.taken)
    free = start
    for taken, pick in zip(learner.taken, picks, strict=True):
        if taken.immediate:
            moment = free + timedelta(seconds=rng.uniform(60, 900))
        else:
            moment = max(pick, free + timedelta(seconds=rng.uniform(300, 3600)))
        taken.attempt.started_at = moment
        for response in taken.responses:
            moment += timedelta(seconds=_seconds(response.time_taken) + rng.uniform(0.5, 5.5))
            response.answered_at = moment
        # response_record finishes the attempt with its last answer.
        taken.attempt.finished_at = free = moment


def review_cards(learner: Learner) -> None:
    """Run the spaced-repetition scheduler over every answer in time order, as
    the answer service does one answer at a time."""
    for response in (r for taken in learner.taken for r in taken.responses):
        when, qid = response.answered_at, response.question_id
        card = learner.cards.get(qid)
        if card is None:
            card = learner.cards[qid] = ReviewCard(learner_id=learner.pk, question_id=qid, due=when)
        is_correct = response.is_correct
        rating = scheduling.rating_for(is_correct=is_correct, time_taken=response.time_taken)
        scheduling.review(card, rating=rating, when=when, is_correct=is_correct)


def lesson_scores(learner: Learner) -> list[LessonScore]:
    """The rows services._lesson_score_update leaves after these (saved) attempts."""
    rows: dict[int, LessonScore] = {}
    for attempt in (taken.attempt for taken in learner.taken):  # in time order
        lesson_id = attempt.lesson_id
        row = rows.setdefault(lesson_id, LessonScore(learner_id=learner.pk, lesson_id=lesson_id))
        row.attempts += 1
        row.latest_score, row.latest_attempt_id = attempt.score, attempt.pk
        if row.first_attempt_id is None:
            row.first_attempt_id = attempt.pk
        if attempt.score is not None and (
            row.best_score is None or row.best_score < attempt.score
        ):  # ties keep the earlier
            row.best_score, row.best_attempt_id = attempt.score, attempt.pk
        row.last_activity = attempt.finished_at
    return list(rows.values())


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
