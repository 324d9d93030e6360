"""Identical submissions racing each other leave exactly one response.

SQLite serialises all writes, so the race is only real on PostgreSQL
(make test-postgres, and CI)."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection

from lessons import selectors, services
from lessons.grading import Submission
from lessons.models import Attempt, Response, ReviewCard
from tests.factories import LessonFactory, QuestionFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 8


def race(action):
    """Run `action` in THREADS threads released at the same moment."""
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def test_concurrent_identical_answers_store_exactly_one_response():
    question = QuestionFactory()
    learner = UserFactory()
    attempt, _ = services.attempt_start(learner=learner, lesson=question.lesson)
    data = selectors.question_data(question.pk)
    right = next(c.id for c in data.choices if c.is_correct)

    results = race(
        lambda: services.response_record(
            attempt=Attempt.objects.get(pk=attempt.pk),
            question=data,
            submission=Submission(choice_ids=frozenset({right})),
            time_taken=timedelta(seconds=12),
        )
    )
    assert sum(r.created for r in results) == 1
    assert Response.objects.filter(attempt=attempt).count() == 1
    attempt.refresh_from_db()
    assert (attempt.answered_count, attempt.correct_count) == (1, 1)
    assert attempt.is_finished and attempt.score == 1
    assert ReviewCard.objects.get(learner=learner, question=question).reviews == 1


def test_concurrent_starts_open_one_attempt():
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson)
    learner = UserFactory()
    results = race(lambda: services.attempt_start(learner=learner, lesson=lesson))
    assert len({attempt.pk for attempt, _ in results}) == 1
    assert Attempt.objects.filter(learner=learner).count() == 1


def sign_up_all_at_once(datas):
    """Validate every sign-up form first, then save them all at one moment:
    each passed the form's checks before any other was saved."""
    from lessons.forms import SignUpForm

    forms = [SignUpForm(data) for data in datas]
    assert all(form.is_valid() for form in forms)
    barrier = threading.Barrier(len(forms))
    errors = []

    def run(form):
        try:
            barrier.wait()
            form.save_unless_taken()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_concurrent_sign_ups_with_one_email_make_one_account():
    password = "a-long-test-password-42"
    sign_up_all_at_once(
        {
            "username": f"racer{number}",
            # One address, in different letter cases.
            "email": "SameX@example.org" if number % 2 else "samex@example.org",
            "password1": password,
            "password2": password,
        }
        for number in range(THREADS)
    )
    assert User.objects.filter(email__iexact="samex@example.org").count() == 1


def test_concurrent_look_alike_sign_ups_make_one_account():
    password = "a-long-test-password-42"
    # Each in one script, all with one skeleton.
    names = ["cap", "сар", "CAP", "САР", "Cap", "Сар", "cAp", "сАр"][:THREADS]
    sign_up_all_at_once(
        {"username": name, "email": "", "password1": password, "password2": password}
        for name in names
    )
    assert User.objects.filter(username__in=names).count() == 1
