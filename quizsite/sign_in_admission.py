"""Admission control for sign-ins (issue 16.4).

A password verification is about 0.2 s of CPU by design (Argon2 at Django's
parameters). When a class arrives at once, sign-ins would otherwise take
every gunicorn thread and the students already signed in would wait tens of
seconds for a page. So each server process verifies at most
SIGN_IN_VERIFICATIONS_AT_ONCE passwords at once, lets at most SIGN_IN_WAITING
more wait up to SIGN_IN_WAIT_SECONDS for a slot, and turns the rest away at
once with SignInsBusy, which the sign-in page answers with a 503 "try again
in a few seconds" (README, "Signing in").

The limit sits in the authentication backend, after django-axes's backend:
a locked-out attempt is refused before it asks for a slot, and SignInsBusy
is not PermissionDenied, so django.contrib.auth sends no user_login_failed
and axes does not count a sign-in turned away for load as a wrong password.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

SIGN_INS_BUSY = "Many people are signing in right now. Please try again in a few seconds."
SIGN_INS_BUSY_CODE = "sign_ins_busy"  # the sign-in form's error code for it


class SignInsBusy(Exception):
    """No password verification slot came free soon enough: try again shortly."""


class VerificationSlots:
    """At most `size` password verifications at once in this process, and at
    most `waiting` more sign-ins waiting for a slot: a waiting sign-in holds
    a thread too, so the line is kept short and the rest turned away at once."""

    def __init__(self, size: int, waiting: int) -> None:
        self.size = size
        self.waiting = waiting
        self._verifying = threading.BoundedSemaphore(size)
        self._admitted = threading.BoundedSemaphore(size + waiting)

    @contextmanager
    def held(self, *, wait: float) -> Iterator[None]:
        """A slot for the block, waited for up to `wait` seconds; SignInsBusy
        when none comes free or the line is full. Released however the block ends."""
        if not self._admitted.acquire(blocking=False):
            raise SignInsBusy
        try:
            if not self._verifying.acquire(timeout=wait):
                raise SignInsBusy
            try:
                yield
            finally:
                self._verifying.release()
        finally:
            self._admitted.release()


@functools.cache
def verification_slots(size: int, waiting: int) -> VerificationSlots:
    """This process's slots for the given limits (one set per process: the
    settings do not change while it runs; tests ask for other limits)."""
    return VerificationSlots(size, waiting)


def current_slots() -> VerificationSlots:
    return verification_slots(settings.SIGN_IN_VERIFICATIONS_AT_ONCE, settings.SIGN_IN_WAITING)


class AdmittedModelBackend(ModelBackend):
    """Django's ModelBackend, verifying a password only while it holds a slot.

    Django's ModelBackend stays listed after this one, so that sessions it
    signed in (before this backend, and at sign-up) stay valid; a failed
    verification here therefore ends the chain with PermissionDenied, as
    returning None would let ModelBackend verify the same password again
    without a slot. Both end in the same user_login_failed that axes counts."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if password is None:  # nothing to verify; ModelBackend would refuse it too
            return None
        with current_slots().held(wait=settings.SIGN_IN_WAIT_SECONDS):
            user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            raise PermissionDenied
        return user
