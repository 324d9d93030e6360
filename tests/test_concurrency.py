"""Identical submissions racing each other leave exactly one response.

SQLite serialises all writes, so the race is only real on PostgreSQL
(make test-postgres, and CI)."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from lessons import selectors, services
from lessons.grading import Submission
from lessons.models import (
    Attempt,
    Cohort,
    LessonScore,
    QuestionVersion,
    Response,
    Review,
    ReviewCard,
)
from tests.factories import PASSWORD, LessonFactory, QuestionFactory, UserFactory, take_quiz

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 8


def race(action, *others):
    """Run `action` in THREADS threads released at the same moment, or, given
    several actions, each in a thread of its own."""
    actions = [action, *others] if others else [action] * THREADS
    barrier = threading.Barrier(len(actions))
    results, errors = [], []

    def run(action):
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
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
            learner=learner,
            attempt_id=attempt.pk,
            question_id=data.id,
            choice_values=[str(right)],
            time_taken=timedelta(seconds=12),
        )
    )
    assert sum(r.created for r in results) == 1
    assert Response.objects.filter(attempt=attempt).count() == 1
    attempt.refresh_from_db()
    assert (attempt.answered_count, attempt.correct_count) == (1, 1)
    assert attempt.is_finished and attempt.score == 1
    assert ReviewCard.objects.get(learner=learner, question=question).reviews == 1


def test_learners_answering_a_new_version_at_once_share_one_version():
    question = QuestionFactory()
    learners = [UserFactory() for _ in range(THREADS)]
    attempts = [
        services.attempt_start(learner=learner, lesson=question.lesson)[0] for learner in learners
    ]
    data = selectors.question_data(question.pk)
    right = next(c.id for c in data.choices if c.is_correct)

    def answer(learner, attempt):
        return lambda: services.response_record(
            learner=learner,
            attempt_id=attempt.pk,
            question_id=data.id,
            choice_values=[str(right)],
            time_taken=None,
        )

    race(*(answer(learner, attempt) for learner, attempt in zip(learners, attempts, strict=True)))
    (version,) = QuestionVersion.objects.filter(question=question)
    assert version.responses.count() == THREADS
    assert version.content == data.snapshot()


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


def _answer(attempt, question_id, *, right=True):
    data = selectors.question_data(question_id)
    choice = next(c.id for c in data.choices if c.is_correct == right)
    learner = attempt.learner
    return lambda: services.response_record(
        learner=learner,
        attempt_id=attempt.pk,
        question_id=question_id,
        choice_values=[str(choice)],
        time_taken=timedelta(seconds=5),
    )


def test_the_last_two_answers_at_once_finish_the_attempt_once():
    lesson = LessonFactory()
    first, second = QuestionFactory(lesson=lesson), QuestionFactory(lesson=lesson)
    learner = UserFactory()
    attempt, _ = services.attempt_start(learner=learner, lesson=lesson)

    race(_answer(attempt, first.pk), _answer(attempt, second.pk))
    attempt.refresh_from_db()
    assert Response.objects.filter(attempt=attempt).count() == 2
    assert (attempt.answered_count, attempt.correct_count) == (2, 2)
    assert attempt.is_finished and attempt.score == 1
    score = LessonScore.objects.get(learner=learner, lesson=lesson)
    assert (score.attempts, score.best_score) == (1, 1)


def test_different_answers_to_one_question_at_once_keep_the_first_only():
    question = QuestionFactory()
    learner = UserFactory()
    attempt, _ = services.attempt_start(learner=learner, lesson=question.lesson)
    answers = [_answer(attempt, question.pk, right=i % 2 == 0) for i in range(THREADS)]

    results = race(*answers)
    assert sum(r.created for r in results) == 1
    response = Response.objects.get(attempt=attempt)
    attempt.refresh_from_db()
    assert (attempt.answered_count, attempt.correct_count) == (1, int(response.is_correct))
    # Every thread was shown the answer that was kept, not its own.
    assert {r.response.pk for r in results} == {response.pk}


def test_concurrent_identical_reviews_store_one_review():
    question = QuestionFactory()
    learner = UserFactory()
    take_quiz(learner, question.lesson, [True])
    card = ReviewCard.objects.get(learner=learner, question=question)
    data = selectors.question_data(question.pk)
    right = next(c.id for c in data.choices if c.is_correct)

    results = race(
        lambda: services.review_record(
            learner=learner,
            question=data,
            submission=Submission(choice_ids=frozenset({right})),
            card_review_number=card.reviews,
            time_taken=timedelta(seconds=5),
        )
    )
    assert len({r.review.pk for r in results}) == 1
    assert Review.objects.filter(learner=learner).count() == 1
    card.refresh_from_db()
    assert card.reviews == 2  # the quiz's answer, then one review


def test_concurrent_retries_open_one_retry_attempt():
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson)
    learner = UserFactory()
    missed = take_quiz(learner, lesson, [False])

    results = race(lambda: services.attempt_retry_missed(learner=learner, attempt=missed))
    assert len({attempt.pk for attempt, _ in results}) == 1
    assert Attempt.objects.filter(learner=learner, is_retry=True).count() == 1


def test_concurrent_joins_of_one_cohort_make_one_membership():
    cohort = Cohort.objects.create(name="Group")
    learner = UserFactory()
    race(lambda: services.cohort_join(learner=learner, code=cohort.code))
    assert Cohort.learners.through.objects.filter(cohort=cohort, user=learner).count() == 1


def test_simultaneous_sign_ups_with_one_username_make_one_account():
    form = {"username": "twin", "password1": PASSWORD, "password2": PASSWORD}

    def sign_up():
        client = Client(raise_request_exception=False)
        response = client.post(reverse("signup"), form)
        return response.status_code, response.content.decode()

    results = race(sign_up)
    assert sorted(code for code, _ in results) == [302] + [400] * (THREADS - 1)
    assert all("already exists" in body for code, body in results if code == 400)
    assert User.objects.filter(username="twin").count() == 1


def _item_analysis_is_exact(cohort, lesson):
    from lessons import reports

    for scope in ("first", "best", "last", "all"):
        live = reports.lesson_report(cohort=cohort, lesson=lesson, scope=scope)
        exact = reports.lesson_report_exact(cohort=cohort, lesson=lesson, scope=scope)
        assert live.attempts == exact.attempts, scope
        assert [
            (i.stats.responses, i.stats.correct, i.stats.sum_correct_rest) for i in live.items
        ] == [
            (i.stats.responses, i.stats.correct, i.stats.sum_correct_rest) for i in exact.items
        ], scope
    return live.attempts


def test_concurrent_joins_bring_a_learners_attempts_once():
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson)
    cohort = Cohort.objects.create(name="Group")
    cohort.courses.add(lesson.course)
    learner = UserFactory()
    take_quiz(learner, lesson, [True])
    race(lambda: services.cohort_join(learner=learner, code=cohort.code))
    assert _item_analysis_is_exact(cohort, lesson) == 1


def test_a_class_finishing_at_once_is_counted_exactly():
    lesson = LessonFactory()
    first, last = QuestionFactory(lesson=lesson), QuestionFactory(lesson=lesson)
    cohorts = [Cohort.objects.create(name=f"Group {n}") for n in range(2)]
    attempts = []
    for n in range(THREADS):
        learner = UserFactory()
        cohorts[0].learners.add(learner)
        if n % 2:
            cohorts[1].learners.add(learner)
        take_quiz(learner, lesson, [n % 3 == 0, True])  # an earlier attempt to replace
        attempt, _ = services.attempt_start(learner=learner, lesson=lesson)
        _answer(attempt, first.pk, right=n % 2 == 0)()
        attempts.append(attempt)

    race(*[_answer(attempt, last.pk, right=n % 3 == 1) for n, attempt in enumerate(attempts)])
    assert _item_analysis_is_exact(cohorts[0], lesson) == THREADS * 2
    assert _item_analysis_is_exact(cohorts[1], lesson) == THREADS
