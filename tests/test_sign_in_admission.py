"""Admission control for sign-ins (issue 16.4): at most a few password
verifications at once per server process, so that a class arriving at once
leaves threads for the students already signed in. A sign-in that finds no
slot is told to try again (503, Retry-After) on the sign-in page, with its
username kept, and is not counted as a failed password by django-axes."""

import threading
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse

from quizsite.sign_in_admission import (
    AdmittedModelBackend,
    SignInsBusy,
    verification_slots,
)
from tests.factories import UserFactory

PASSWORD = "a-long-enough-pass"
BUSY = "Many people are signing in right now. Please try again in a few seconds."


@pytest.fixture
def one_slot(settings):
    """One verification at a time and nobody waiting: the slot this test
    holds turns every sign-in away at once."""
    settings.SIGN_IN_VERIFICATIONS_AT_ONCE = 1
    settings.SIGN_IN_WAITING = 0
    settings.SIGN_IN_WAIT_SECONDS = 0.05
    settings.SIGN_IN_RETRY_AFTER_SECONDS = 5
    return verification_slots(1, 0)


def sign_in(client, username="rita", password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_a_sign_in_that_finds_no_slot_is_told_to_retry_on_the_sign_in_page(one_slot, client, db):
    UserFactory(username="rita", password=PASSWORD)
    with one_slot.held(wait=0):
        response = sign_in(client)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert BUSY in page
    assert 'name="username" value="rita"' in page  # the username stays typed
    assert PASSWORD not in page  # the password is not sent back
    assert "<form" in page and "Sign in" in page  # the styled page, not an error page
    assert "_auth_user_id" not in client.session


def test_the_sign_in_succeeds_once_the_slot_is_free(one_slot, client, db):
    UserFactory(username="rita", password=PASSWORD)
    with one_slot.held(wait=0):
        assert sign_in(client).status_code == 503
    assert sign_in(client).status_code == 302


def test_an_htmx_sign_in_that_finds_no_slot_gets_the_same_answer(one_slot, client, db):
    UserFactory(username="rita", password=PASSWORD)
    with one_slot.held(wait=0):
        response = sign_in(client, headers={"HX-Request": "true"})
    assert response.status_code == 503
    assert BUSY in response.content.decode()


def test_a_sign_in_turned_away_for_load_is_not_a_failed_password(one_slot, settings, client, db):
    UserFactory(username="rita", password=PASSWORD)
    with one_slot.held(wait=0):
        for _ in range(settings.AXES_FAILURE_LIMIT + 2):
            assert sign_in(client, password="wrong").status_code == 503
    assert not AccessAttempt.objects.exists()
    assert sign_in(client).status_code == 302


def test_a_locked_out_sign_in_is_refused_as_before_even_with_no_slot_free(
    one_slot, settings, client, db
):
    UserFactory(username="rita", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, password="wrong")
    with one_slot.held(wait=0):
        locked = sign_in(client)
    # The lockout is checked before a slot is asked for, so it is not a 503.
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert sign_in(client).status_code == 429


def test_wrong_passwords_still_lock_out_with_admission_control(one_slot, settings, client, db):
    UserFactory(username="rita", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, password="wrong").status_code == 200
    assert sign_in(client, password="wrong").status_code == 429


def test_an_admin_sign_in_that_finds_no_slot_gets_the_message_not_a_server_error(
    one_slot, client, db
):
    UserFactory(username="rita", password=PASSWORD, is_staff=True)
    with one_slot.held(wait=0):
        response = client.post(reverse("admin:login"), {"username": "rita", "password": PASSWORD})
    assert response.status_code == 200  # the admin's form again, with the message
    assert BUSY in response.content.decode()


def test_no_more_verifications_run_at_once_than_the_limit(settings, monkeypatch):
    settings.SIGN_IN_VERIFICATIONS_AT_ONCE = 2
    settings.SIGN_IN_WAITING = 10
    settings.SIGN_IN_WAIT_SECONDS = 0.3
    inside, most_inside = 0, 0
    count_lock = threading.Lock()
    release = threading.Event()

    def slow_verify(self, request, username=None, password=None, **kwargs):
        nonlocal inside, most_inside
        with count_lock:
            inside += 1
            most_inside = max(most_inside, inside)
        release.wait(10)
        with count_lock:
            inside -= 1
        return username

    monkeypatch.setattr(ModelBackend, "authenticate", slow_verify)
    outcomes: list[str] = []

    def attempt(number: int) -> None:
        try:
            AdmittedModelBackend().authenticate(None, username=f"u{number}", password="p")
            outcomes.append("verified")
        except SignInsBusy:
            outcomes.append("busy")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    # The three that found both slots taken give up after their wait...
    deadline = time.monotonic() + 10
    while outcomes.count("busy") < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert outcomes.count("busy") == 3
    # ...while the two inside are still verifying; then they finish.
    release.set()
    for thread in threads:
        thread.join()
    assert most_inside == 2
    assert sorted(outcomes) == ["busy"] * 3 + ["verified"] * 2


def test_a_sign_in_beyond_the_waiting_line_is_turned_away_without_waiting():
    slots = verification_slots(1, 0)
    with slots.held(wait=0):
        started = time.monotonic()
        with pytest.raises(SignInsBusy), slots.held(wait=30):
            pass
        # Turned away at once, not after its 30 s wait: its thread is free for others.
        assert time.monotonic() - started < 5


def test_the_backend_gives_the_slot_back_when_verifying_fails(settings, monkeypatch):
    settings.SIGN_IN_VERIFICATIONS_AT_ONCE = 1
    settings.SIGN_IN_WAITING = 0
    settings.SIGN_IN_WAIT_SECONDS = 0

    def broken_verify(self, request, username=None, password=None, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ModelBackend, "authenticate", broken_verify)
    backend = AdmittedModelBackend()
    for _ in range(3):  # with the slot kept, the second would be SignInsBusy
        with pytest.raises(RuntimeError):
            backend.authenticate(None, username="rita", password=PASSWORD)


def test_the_backend_gives_the_slot_back_after_a_wrong_password(settings, client, db):
    settings.SIGN_IN_VERIFICATIONS_AT_ONCE = 1
    settings.SIGN_IN_WAITING = 0
    settings.SIGN_IN_WAIT_SECONDS = 0
    UserFactory(username="rita", password=PASSWORD)
    assert sign_in(client, password="wrong").status_code == 200
    assert sign_in(client).status_code == 302
