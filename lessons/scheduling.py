"""Spaced repetition with FSRS (the fsrs package, as in Anki).

The card state lives in ReviewCard rows; this module converts to and from the
package's Card, picks the rating from correctness and time taken, and says how
likely a learner still recalls a question now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import fsrs
from django.conf import settings

from lessons.models import ReviewCard


@cache
def scheduler() -> fsrs.Scheduler:
    # No fuzzing: the same answers give the same schedule, which learners can
    # predict and tests can check.
    return fsrs.Scheduler(desired_retention=settings.FSRS_DESIRED_RETENTION, enable_fuzzing=False)


def rating_for(*, is_correct: bool, time_taken: timedelta | None) -> fsrs.Rating:
    """Wrong: Again. Right: Easy when fast, Hard when slow, Good otherwise."""
    if not is_correct:
        return fsrs.Rating.Again
    if time_taken is None:
        return fsrs.Rating.Good
    seconds = time_taken.total_seconds()
    if seconds <= settings.REVIEW_EASY_SECONDS:
        return fsrs.Rating.Easy
    if seconds >= settings.REVIEW_HARD_SECONDS:
        return fsrs.Rating.Hard
    return fsrs.Rating.Good


def _as_fsrs(card: ReviewCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk or 0,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def review(card: ReviewCard, *, rating: fsrs.Rating, when: datetime, is_correct: bool) -> None:
    """Apply one review to the card row in memory; the caller saves it."""
    updated, _log = scheduler().review_card(_as_fsrs(card), rating, review_datetime=when)
    card.state = updated.state.value
    card.step = updated.step
    card.stability = updated.stability
    card.difficulty = updated.difficulty
    card.due = updated.due
    card.last_review = updated.last_review
    card.last_correct = is_correct
    card.reviews += 1
    if not is_correct and card.reviews > 1:
        card.lapses += 1


def retrievability(
    *, stability: float | None, last_review: datetime | None, now: datetime
) -> float:
    """The probability that the learner recalls the question now (0 to 1)."""
    if stability is None or last_review is None:
        return 0.0
    card = fsrs.Card(stability=stability, last_review=last_review, state=fsrs.State.Review)
    return scheduler().get_card_retrievability(card, current_datetime=now)


def is_recalled(
    *, last_correct: bool, stability: float | None, last_review: datetime | None, now: datetime
) -> bool:
    """A question counts as mastered while its last answer was right and the
    scheduler still expects recall at the desired retention."""
    return (
        last_correct
        and retrievability(stability=stability, last_review=last_review, now=now)
        >= settings.FSRS_DESIRED_RETENTION
    )
