"""Rules about accounts beyond one form field: one account per email, how
often a password reset may be asked for."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection

# Any fixed number: the key of the PostgreSQL advisory lock sign-ups share.
SIGNUP_LOCK_KEY = 7_301_000_001


def email_taken(email: str) -> bool:
    """Whether an account already has `email`, in any letter case: password
    resets go to every account with the address, so two would share a reset."""
    return User.objects.filter(email__iexact=email.strip()).exists()


def lock_signups() -> None:
    """Serialize sign-ups until the current transaction ends, so a check made
    after this call still holds at the insert.

    On PostgreSQL, a transaction-scoped advisory lock (sign-ups are rare and
    short). SQLite needs none: the site opens its transactions IMMEDIATE,
    which already takes the database's single write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SIGNUP_LOCK_KEY])


def _counted(key: str) -> int:
    """One more request under `key` in the current window; the count so far."""
    window = int(settings.PASSWORD_RESET_WINDOW.total_seconds())
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The cache is unreachable (or the key expired between add and incr):
        # resets go on uncounted rather than stop for everyone.
        return 0


def password_reset_allowed(*, address: str | None, email: str) -> bool:
    """Count a reset request from `address` for `email`; False once either has
    asked more than PASSWORD_RESET_LIMIT times in the window.

    Per address, so one client cannot flood many inboxes; per email, so many
    clients cannot flood one. The email is hashed: cache keys need no address
    book, and any length and character fit."""
    email_key = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    counts = [_counted(f"password-reset:email:{email_key}")]
    if address:
        counts.append(_counted(f"password-reset:address:{address}"))
    return max(counts) <= settings.PASSWORD_RESET_LIMIT
