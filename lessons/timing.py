"""How long a learner took over a question, for the review scheduler.

The question page carries a signed token of when the question was first shown
to this learner in this attempt (or at this review of its card). The token is
bound to the learner, the question and that occasion, so it cannot be carried
to another question or forged, and reloading the page does not restart the
clock: the first time shown is kept in the cache (Redis in production), so a
reload before answering cannot make a slow answer look fast (Easy).
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.core import signing
from django.core.cache import cache

SHOWN_SALT = "lessons.question-shown"
# A page left open longer than this says nothing about the question.
SHOWN_MAX_AGE = 24 * 3600


def attempt_occasion(attempt_id: int) -> str:
    return f"attempt:{attempt_id}"


def review_occasion(card_review_number: int) -> str:
    return f"review:{card_review_number}"


def shown_token(*, learner_id: int, question_id: int, occasion: str) -> str:
    """A signed note of when this learner was first shown this question on this occasion."""
    key = f"lessons:shown:{learner_id}:{question_id}:{occasion}"
    first_shown = cache.get_or_set(key, time.time, SHOWN_MAX_AGE)
    return signing.dumps(
        {"learner": learner_id, "question": question_id, "occasion": occasion, "at": first_shown},
        salt=SHOWN_SALT,
    )


def time_taken_from(
    token: str | None, *, learner_id: int, question_id: int, occasion: str
) -> timedelta | None:
    """The time since the question was shown, or None for a token that is
    missing, forged, expired or made for another learner, question or occasion."""
    try:
        shown = signing.loads(token or "", salt=SHOWN_SALT, max_age=SHOWN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(shown, dict) or (
        shown.get("learner"),
        shown.get("question"),
        shown.get("occasion"),
    ) != (learner_id, question_id, occasion):
        return None
    try:
        return timedelta(seconds=max(0.0, time.time() - float(shown["at"])))
    except (KeyError, TypeError, ValueError):
        return None
