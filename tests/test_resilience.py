"""When a service behind the site is away: the database (a 503 page, nothing
half-written) and Redis (cache misses, sessions kept)."""

import re
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from lessons.models import Attempt, Response
from quizsite.resilience import DegradingRedisCache
from quizsite.settings import redis_caches
from tests.factories import LessonFactory, QuestionFactory, UserFactory

HTMX = {"HX-Request": "true"}
# Nothing listens on port 1; connecting is refused at once.
CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def lesson(db):
    lesson = LessonFactory(title="Smooth muscle")
    for position in range(2):
        QuestionFactory(lesson=lesson, position=position)
    return lesson


def answer_right(client, attempt, question_id, headers=HTMX):
    choice = attempt.lesson.questions.get(pk=question_id).choices.get(is_correct=True)
    url = reverse("lessons:quiz_answer", args=[attempt.pk, question_id])
    return client.post(url, {"choice": choice.pk}, headers=headers)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_view_meeting_a_database_outage_answers_503_with_the_friendly_page(student_client, error):
    with mock.patch(
        "lessons.selectors.progress_for_learner", side_effect=error("server closed the connection")
    ):
        response = student_client.get(reverse("lessons:progress"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "recorded once" in page
    # The page needs no database: it names no user and offers no sign-out.
    assert "Sign out" not in page
    assert "Content-Security-Policy" in response.headers


def test_an_answer_meeting_a_database_outage_is_a_503_and_writes_nothing(student_client, lesson):
    attempt = Attempt.objects.get(
        pk=re.search(
            r"/attempts/(\d+)/",
            student_client.post(reverse("lessons:quiz_start", args=[lesson.slug]))["Location"],
        )[1]
    )
    question_id = attempt.question_ids[0]
    with mock.patch(
        "lessons.services._card_review", side_effect=OperationalError("terminating connection")
    ):
        response = answer_right(student_client, attempt, question_id)
    assert response.status_code == 503
    # The transaction rolled back: no response, no count, so the retry records it.
    assert not Response.objects.exists()
    attempt.refresh_from_db()
    assert attempt.answered_count == 0
    retry = answer_right(student_client, attempt, question_id)
    assert retry.status_code == 200
    assert Response.objects.filter(attempt=attempt).count() == 1


def test_an_outage_met_outside_the_view_also_gets_the_503_page(student_client):
    # The session middleware saving the session after the view, say.
    student_client.raise_request_exception = False
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_response",
        side_effect=OperationalError("connection refused"),
    ):
        response = student_client.get(reverse("lessons:home"))
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_other_errors_are_still_500(student_client):
    student_client.raise_request_exception = False
    with mock.patch("lessons.selectors.progress_for_learner", side_effect=ValueError("bug")):
        response = student_client.get(reverse("lessons:progress"))
    assert response.status_code == 500


def test_with_redis_unreachable_a_signed_in_student_still_answers(settings, client, lesson):
    settings.CACHES = redis_caches(CLOSED_REDIS)
    from django.core.cache import cache, caches

    assert isinstance(caches["default"], DegradingRedisCache)
    assert cache.get("anything", "missed") == "missed"
    cache.set("anything", 1)  # dropped, not raised

    student = UserFactory(username="rita")
    client.force_login(student)
    started = client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    assert started.status_code == 302
    attempt = Attempt.objects.get(learner=student)
    page = client.get(reverse("lessons:attempt_detail", args=[attempt.pk]))
    assert page.status_code == 200
    for question_id in attempt.question_ids:
        response = answer_right(client, attempt, question_id)
        assert response.status_code == 200
        assert "Correct" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.score == 1
    assert client.get(reverse("lessons:progress")).status_code == 200


def test_with_redis_unreachable_a_student_signs_in_and_stays_signed_in(settings, client, db):
    settings.CACHES = redis_caches(CLOSED_REDIS)
    UserFactory(username="rita", password="a-long-enough-pass")
    response = client.post(reverse("login"), {"username": "rita", "password": "a-long-enough-pass"})
    assert response.status_code == 302
    home = client.get(reverse("lessons:home"))
    assert home.context["user"].username == "rita"
    assert "Sign out" in home.content.decode()


def test_an_unreachable_redis_is_skipped_for_a_while_after_a_failure(settings):
    settings.CACHES = redis_caches(CLOSED_REDIS)
    from django.core.cache import caches

    cache = caches["default"]
    with mock.patch.object(
        DegradingRedisCache.__mro__[1], "get", autospec=True, side_effect=ConnectionRefusedError
    ) as redis_get:
        assert cache.get("a", "miss") == "miss"
        assert cache.get("b", "miss") == "miss"
        assert cache.get_or_set("c", 3) == 3
    # Only the first read went to Redis; the others were misses at once.
    assert redis_get.call_count == 1
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_a_broken_rule_is_not_mistaken_for_an_outage(student_client):
    from django.db import IntegrityError

    student_client.raise_request_exception = False
    with mock.patch("lessons.selectors.progress_for_learner", side_effect=IntegrityError("dup")):
        response = student_client.get(reverse("lessons:progress"))
    assert response.status_code == 500
