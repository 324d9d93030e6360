"""Template context every page gets."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.utils import timezone

from lessons import selectors


def review_due(request: HttpRequest) -> dict:
    """`nav_review_due`: how many questions the signed-in learner has due, for
    the navigation. Lazy: the query runs only when a page shows the
    navigation (an HTMX fragment does not), and once per page. A view that
    already knows the count passes its own `nav_review_due` instead."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return selectors.review_due_count(learner=user, now=timezone.now())

    return {"nav_review_due": count}
