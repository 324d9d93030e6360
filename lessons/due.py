"""When something comes back, said plainly: "in 3 days (Mon 14:00 UTC)".

The review page, the review feedback and their tests share these two
functions; the template filters in templatetags/next_steps.py only pass in
the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.timesince import timeuntil

# Within this, a weekday names the day unambiguously; beyond it the date does.
WEEKDAY_HORIZON = timedelta(days=6)


def due_phrase(due: datetime, *, now: datetime) -> str:
    """How long until `due`: "now", "in under a minute", "in 2 hours"...

    One unit, rounded down (Django's timeuntil, so the units read and
    translate as elsewhere in Django); the clock time next to it is exact."""
    if due <= now:
        return "now"
    if due - now < timedelta(minutes=1):
        return "in under a minute"
    return f"in {timeuntil(due, now, depth=1)}"


def due_clock(due: datetime, *, now: datetime) -> str:
    """The time `due` falls on, in the site's time zone, named (learners on
    phones are anywhere): "Thu 14:00 UTC" within the coming week, else
    "Sun 13 Dec, 12:00 UTC"."""
    pattern = "D H:i T" if due - now <= WEEKDAY_HORIZON else "D j M, H:i T"
    return date_format(timezone.localtime(due), pattern)
