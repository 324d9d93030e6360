"""Spaced repetition with FSRS (the fsrs package, as in Anki).

The card state lives in ReviewCard rows; this module converts to and from the
package's Card, picks the rating from correctness and time taken, and says until
when a learner still recalls a question.
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
    recalled = recall_until(
        last_correct=is_correct, stability=card.stability, last_review=card.last_review
    )
    # A question due for review is not mastered (lessons.scoring): a learning
    # step brings it back in minutes while its recall holds for days, so the
    # recall ends by the due time (ReviewCard's recall_by_due constraint).
    card.recall_until = None if recalled is None else min(recalled, card.due)
    card.reviews += 1
    if not is_correct and card.reviews > 1:
        card.lapses += 1


def recall_until(
    *, last_correct: bool, stability: float | None, last_review: datetime | None
) -> datetime | None:
    """When the expected recall falls to the desired retention, or None when
    the last answer was wrong. review() stores the earlier of this and the
    card's due time, until which the question counts as mastered.

    Stored on the card so that reports count mastery with a plain SQL filter;
    it solves FSRS's forgetting curve R(t) = (1 + F·t/S)^-D for R = retention."""
    if not last_correct or stability is None or last_review is None:
        return None
    decay = -scheduler().parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    days = stability / factor * (settings.FSRS_DESIRED_RETENTION ** (1 / decay) - 1)
    return last_review + timedelta(days=days)
