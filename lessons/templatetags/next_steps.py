"""Template filters for what comes next: lessons.due with the clock read now."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from lessons.due import due_clock, due_phrase

register = template.Library()


@register.filter
def due_in(due: datetime | None) -> str:
    """ "in 3 days" (see lessons.due.due_phrase)."""
    return due_phrase(due, now=timezone.now()) if due else ""


@register.filter
def due_at(due: datetime | None) -> str:
    """ "Thu 14:00 UTC" (see lessons.due.due_clock)."""
    return due_clock(due, now=timezone.now()) if due else ""
