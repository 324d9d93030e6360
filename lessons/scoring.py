"""What the score numbers mean: the one definition every page and export reads.

A learner's numbers for a lesson, wherever they are shown (the student's home,
course page, progress page and chart, the results page, the instructor's
scores table, learner page and item analysis, and both CSV exports):

- **Attempt** (a *full attempt*): one go at every question the lesson had
  published when it started. Only full attempts are scored: they are what
  "attempts" counts, and the only points of the scores chart.
- **Retry of missed questions**: practice on the questions missed in an
  earlier attempt. It is short and asks only what was missed, so its score
  (often 100%) says nothing about the lesson as a whole: it never changes
  best, latest or attempts, and it is labelled as a retry wherever attempts
  are listed. Its answers do count towards mastery, since they are recall.
- **Best**: the highest score of the learner's full attempts.
- **Latest**: the score of the learner's most recently finished full attempt.
- **Score** of an attempt: the share of its questions answered right.
- **Mastery**: the share of the lesson's published questions the learner
  recalls *now*: those whose last answer (in a quiz, a retry or the review
  queue) was right and whose predicted recall (FSRS, lessons.scheduling) has
  not yet fallen below the desired retention. It measures memory today, not
  a past result, so it falls as time passes without review, and a wrong
  answer takes a question out at once: a best score of 89% from last month
  can sit next to a mastery of 0%. A question due for review is never
  mastered: the stored recall ends by the card's due time, and a question
  counts until then, not at that instant (`is_recalled`).

The answer service keeps best, latest and attempts in LessonScore
(services._lesson_score_update, fed by `counts_towards_scores`); every report
reads that row, and mastery from the review cards' stored recall.

Pages show a share as a whole percentage rounded half up (5 of 8 is 63%,
`whole_percent`); the CSV exports give it in the same form ("63%", which
spreadsheets read as the number 0.63 shown as a percentage, `csv_percent`).
templates/lessons/score_glossary.html says all this to the reader.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

RETRY_LABEL = "Retry of missed questions"
FULL_ATTEMPT_LABEL = "Full attempt"


class _HasKind(Protocol):
    is_retry: bool


def counts_towards_scores(attempt: _HasKind) -> bool:
    """Whether the attempt's score is one of the learner's scores (best,
    latest, attempts, the chart): full attempts only, never a retry."""
    return not attempt.is_retry


def attempt_kind_label(attempt: _HasKind) -> str:
    return RETRY_LABEL if attempt.is_retry else FULL_ATTEMPT_LABEL


def mastery(recalled: int, question_count: int) -> float | None:
    """The share of the lesson's questions recalled now; None for a lesson
    without questions, where there is nothing to master."""
    return recalled / question_count if question_count else None


def is_recalled(recall_until: datetime | None, *, now: datetime) -> bool:
    """Whether a card's question is recalled (mastered) at `now`: strictly
    before its stored recall ends, which is by its due time at the latest,
    so a card due now is due and not mastered. ReviewCard.objects.recalled()
    asks the same in SQL."""
    return recall_until is not None and recall_until > now


def whole_percent(share: float) -> int:
    """A share from 0 to 1 as a whole percentage, rounded half up (0.625 is
    63), from its shortest decimal form so float noise cannot tip a half."""
    return int((Decimal(repr(share)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_label(share: float | None) -> str:
    """A share as pages show it: "63%", or "–" when there is none."""
    return "–" if share is None else f"{whole_percent(share)}%"


def csv_percent(share: float | None) -> str:
    """A share as the CSV exports give it: as the pages do ("63%"), or an empty
    cell when there is none (the pages' "–" would be text in a numeric column)."""
    return "" if share is None else f"{whole_percent(share)}%"
