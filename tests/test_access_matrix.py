"""Every URL pattern of the site, the admin's included, against every role.

Each pattern is filled with objects the role should not reach (another
learner's attempt, another instructor's cohort, a draft lesson or question)
and the answer is checked against an expectation written here by hand, not
read from the permissions, so a changed permission or a forgotten scope
fails. A pattern added without an expectation fails
`test_every_url_pattern_has_an_expectation`. Every body is also searched for
markers of data the role must never read (see tests.attack_world)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.attack_world import (
    BOB_ANSWER,
    BOB_NAME,
    DRAFT_LESSON,
    DRAFT_QUESTION,
    ROLES,
    World,
    sign_in,
    world_for_module,
)

# ------------------------------------------------------------------ outcomes


@dataclass(frozen=True)
class Outcome:
    label: str
    check: Callable[[object], bool]

    def __repr__(self) -> str:
        return self.label


def status(*codes: int) -> Outcome:
    return Outcome(f"status {codes}", lambda r: r.status_code in codes)


def redirect_to(prefix: str) -> Outcome:
    return Outcome(
        f"redirect to {prefix}",
        lambda r: r.status_code == 302 and r["Location"].startswith(prefix),
    )


OK = status(200)
NOT_FOUND = status(404)
FORBIDDEN = status(403)
DENIED = status(403, 404)
METHOD = status(405)
SIGN_IN = redirect_to("/accounts/login/")
ADMIN_SIGN_IN = redirect_to("/admin/login/")
REDIRECT = status(301, 302)


@dataclass(frozen=True)
class Expect:
    outcomes: dict[str, Outcome]
    method: str = "get"
    params: Callable[[World], dict] = lambda w: {}
    query: str = ""
    data: Callable[[World], dict] = lambda w: {}


def site(
    *,
    anonymous: Outcome = SIGN_IN,
    students: Outcome | None = None,
    other_student: Outcome | None = None,
    owner: Outcome | None = None,
    staff: Outcome | None = None,
    instructor: Outcome | None = None,
    educator: Outcome | None = None,
    superuser: Outcome | None = None,
    signed_in: Outcome | None = None,
    **how,
) -> Expect:
    students = students or signed_in
    staff = staff or signed_in
    outcomes = {
        "anonymous": anonymous,
        "other_student": other_student or students,
        "owner": owner or students,
        "instructor": instructor or staff,
        "educator": educator or staff,
        "superuser": superuser or staff,
    }
    assert all(outcomes.values()), outcomes
    return Expect(outcomes, **how)


def everyone(outcome: Outcome, **how) -> Expect:
    return site(anonymous=outcome, signed_in=outcome, **how)


def bobs_attempt(w: World, question=None) -> dict:
    return {"attempt_id": w.attempt.pk, "question_id": (question or w.fill_blank).pk}


LEARNER_ONLY = {"other_student": NOT_FOUND, "staff": NOT_FOUND}
COHORT_Y = {
    "students": FORBIDDEN,
    "instructor": NOT_FOUND,
    "educator": FORBIDDEN,
    "superuser": OK,
    "params": lambda w: {"cohort_id": w.cohort_y.pk, "learner_id": w.bob.pk, "slug": "open-lesson"},
    # Y's own course (the item analysis reads its lesson's course instead).
    "query": "?course=course-of-y",
}

SITE = {
    "lessons:home": everyone(OK),
    "lessons:course_detail": everyone(NOT_FOUND, params=lambda w: {"slug": w.draft_course.slug}),
    "lessons:lesson_detail": everyone(NOT_FOUND, params=lambda w: {"slug": w.draft_lesson.slug}),
    "lessons:quiz_start": site(
        signed_in=NOT_FOUND, method="post", params=lambda w: {"slug": w.draft_lesson.slug}
    ),
    "lessons:attempt_detail": site(
        owner=redirect_to("/attempts/"), **LEARNER_ONLY, params=lambda w: bobs_attempt(w)
    ),
    "lessons:attempt_question": site(owner=OK, **LEARNER_ONLY, params=bobs_attempt),
    "lessons:quiz_answer": site(
        owner=redirect_to("/attempts/"), **LEARNER_ONLY, method="post", params=bobs_attempt
    ),
    "lessons:attempt_results": site(owner=OK, **LEARNER_ONLY, params=bobs_attempt),
    "lessons:attempt_retry": site(
        owner=redirect_to("/attempts/"), **LEARNER_ONLY, method="post", params=bobs_attempt
    ),
    "lessons:progress": site(signed_in=OK),
    "lessons:review": site(signed_in=OK),
    "lessons:review_feedback": site(signed_in=redirect_to("/review/")),
    # A draft question is in nobody's review queue.
    "lessons:review_answer": site(
        signed_in=NOT_FOUND,
        method="post",
        params=lambda w: {"question_id": w.draft_question.pk},
        data=lambda w: {
            "card_review_number": "0",
            "choice": w.draft_question.choices.get(is_correct=True).pk,
        },
    ),
    "lessons:cohort_join": site(signed_in=OK),
    "lessons:instructor_home": site(
        students=FORBIDDEN, instructor=OK, educator=FORBIDDEN, superuser=OK
    ),
    "lessons:instructor_cohort": site(**COHORT_Y),
    "lessons:instructor_learner": site(**COHORT_Y),
    "lessons:instructor_lesson": site(**COHORT_Y),
    "lessons:instructor_scores_csv": site(**COHORT_Y),
    "lessons:instructor_responses_csv": site(**COHORT_Y),
    "signup": site(anonymous=OK, signed_in=redirect_to("/")),
    "login": everyone(OK),
    "logout": everyone(METHOD),
    "password_change": site(signed_in=OK),
    "password_change_done": site(signed_in=OK),
    "password_reset": everyone(OK),
    "password_reset_done": everyone(OK),
    # A forged token for bob's account: the page says the link is invalid.
    "password_reset_confirm": everyone(
        OK,
        params=lambda w: {"uidb64": urlsafe_base64_encode(force_bytes(w.bob.pk)), "token": "x-y"},
    ),
    "password_reset_complete": everyone(OK),
    "healthz": everyone(OK),
    "favicon.ico": everyone(status(301)),
}

# ------------------------------------------------------------------ the admin

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = frozenset({VIEW, ADD, CHANGE, DELETE})
READ = frozenset({VIEW})
READ_DELETE = frozenset({VIEW, DELETE})
READ_CHANGE_DELETE = frozenset({VIEW, CHANGE, DELETE})
STAFF = ("instructor", "educator", "superuser")

# Per model admin: what each staff role may do, and the object its pages are
# probed with.
ADMIN_MODELS: dict[str, tuple[dict[str, frozenset], Callable[[World], object]]] = {
    "auth.group": (
        {"superuser": ALL},
        lambda w: Group.objects.get(name="Instructors").pk,
    ),
    "auth.user": ({"superuser": ALL}, lambda w: w.bob.pk),
    "axes.accessattempt": ({"superuser": READ_CHANGE_DELETE}, lambda w: _axes("AccessAttempt")),
    "axes.accesslog": ({"superuser": READ_CHANGE_DELETE}, lambda w: _axes("AccessLog")),
    "axes.accessfailurelog": (
        {"superuser": READ_CHANGE_DELETE},
        lambda w: _axes("AccessFailureLog"),
    ),
    "lessons.course": (
        {"educator": ALL, "instructor": READ, "superuser": ALL},
        lambda w: w.lesson.course_id,
    ),
    "lessons.source": (
        {"educator": ALL, "instructor": READ, "superuser": ALL},
        lambda w: w.lesson.source_id,
    ),
    "lessons.sentence": ({"educator": ALL, "superuser": ALL}, lambda w: w.question.provenance_id),
    "lessons.lesson": (
        {"educator": ALL, "instructor": READ, "superuser": ALL},
        lambda w: w.draft_lesson.pk,
    ),
    "lessons.question": (
        {"educator": ALL, "instructor": READ, "superuser": ALL},
        lambda w: w.draft_question.pk,
    ),
    # Learners' data: superusers only, and never edited by hand.
    "lessons.attempt": ({"superuser": READ_DELETE}, lambda w: w.attempt.pk),
    "lessons.response": ({"superuser": READ_DELETE}, lambda w: w.response.pk),
    "lessons.cohort": ({"superuser": ALL}, lambda w: w.cohort_y.pk),
    "lessons.derivation": ({"educator": ALL, "superuser": ALL}, lambda w: w.derivation.pk),
}


def _axes(model_name: str) -> int:
    from axes import models

    return getattr(models, model_name).objects.filter(username=BOB_NAME).earliest("pk").pk


LEARNER_DATA_MODELS = {"lessons.attempt", "lessons.response", "lessons.cohort"}


def _model_pages(model: str) -> dict[str, Expect]:
    """The six pages Django's admin makes for a registered model."""
    grants, target = ADMIN_MODELS[model]
    app, name = model.split(".")
    prefix = f"admin:{app}_{name}"

    def obj(w: World) -> dict:
        return {"object_id": target(w)}

    def allowed(needs: set[str]) -> Expect:
        outcomes = {role: ADMIN_SIGN_IN for role in ("anonymous", "other_student", "owner")}
        for role in STAFF:
            outcomes[role] = OK if grants.get(role, frozenset()) & needs else FORBIDDEN
        return Expect(outcomes, params=obj)

    bare = {role: ADMIN_SIGN_IN for role in ("anonymous", "other_student", "owner")}
    history = allowed({VIEW, CHANGE})
    if model in LEARNER_DATA_MODELS:
        # The admin scopes these rows itself, so another learner's row is "does
        # not exist" (a redirect to the index) before any permission check.
        for role in STAFF:
            if history.outcomes[role] is FORBIDDEN:
                history.outcomes[role] = redirect_to("/admin/")
    return {
        f"{prefix}_changelist": allowed({VIEW, CHANGE}),
        f"{prefix}_add": Expect(allowed({ADD}).outcomes),
        f"{prefix}_history": history,
        f"{prefix}_delete": allowed({DELETE}),
        f"{prefix}_change": allowed({VIEW, CHANGE}),
        # <object_id>/ redirects any staff member to the change page, which checks.
        f"admin/{app}/{name}/<path:object_id>/": Expect(
            bare | dict.fromkeys(STAFF, REDIRECT), params=obj
        ),
    }


def admin_site(
    *, staff: Outcome | None = None, non_staff: Outcome = ADMIN_SIGN_IN, **per_role
) -> Expect:
    how = {k: per_role.pop(k) for k in ("method", "params", "query", "data") if k in per_role}
    outcomes = dict.fromkeys(("anonymous", "other_student", "owner"), non_staff)
    outcomes |= dict.fromkeys(STAFF, staff)
    outcomes |= per_role
    assert all(outcomes.values()), outcomes
    return Expect(outcomes, **how)


ADMIN = {
    "admin:index": admin_site(staff=OK),
    "admin:login": admin_site(
        anonymous=OK, other_student=OK, owner=OK, staff=redirect_to("/admin/")
    ),
    # Django's logout is POST only; a GET from anyone else is sent to the index.
    "admin:logout": admin_site(staff=METHOD, non_staff=redirect_to("/admin/")),
    "admin:password_change": admin_site(staff=OK),
    "admin:password_change_done": admin_site(staff=OK),
    "admin:jsi18n": admin_site(staff=OK),
    # The cohort's learners through the autocomplete of its change form.
    "admin:autocomplete": admin_site(
        staff=FORBIDDEN,
        superuser=OK,
        query=f"?app_label=lessons&model_name=cohort&field_name=learners&term={BOB_NAME[:3]}",
    ),
    # Sends staff to the object's page on the site, which checks for itself.
    "admin:view_on_site": admin_site(
        staff=redirect_to("http://testserver/lessons/draft-lesson/"),
        params=lambda w: {
            "content_type_id": _content_type(w.draft_lesson),
            "object_id": w.draft_lesson.pk,
        },
    ),
    "admin:auth_user_password_change": admin_site(
        staff=FORBIDDEN, superuser=OK, params=lambda w: {"id": w.bob.pk}
    ),
    "admin:app_list": admin_site(staff=NOT_FOUND, superuser=OK, params=lambda w: {"app": "auth"}),
    "admin/(?P<url>.*)$": admin_site(staff=NOT_FOUND, params=lambda w: {"url": "lessons/nothing/"}),
    "admin:lessons_lesson_import_gift": admin_site(
        instructor=FORBIDDEN,
        educator=OK,
        superuser=OK,
        params=lambda w: {"lesson_id": w.draft_lesson.pk},
    ),
    "admin:lessons_lesson_import_gift_choose": admin_site(
        instructor=FORBIDDEN, educator=OK, superuser=OK
    ),
    # The draft question has no suggested sentence: nothing changes, a message says so.
    "admin:lessons_question_confirm_suggestion": admin_site(
        instructor=FORBIDDEN,
        educator=REDIRECT,
        superuser=REDIRECT,
        method="post",
        params=lambda w: {"question_id": w.draft_question.pk},
    ),
    "admin:lessons_question_preview": admin_site(
        staff=OK, params=lambda w: {"question_id": w.draft_question.pk}
    ),
    "admin:lessons_derivation_review": admin_site(
        instructor=FORBIDDEN, educator=OK, superuser=OK, params=lambda w: {"pk": w.derivation.pk}
    ),
    "admin:lessons_derivation_publish": admin_site(
        instructor=FORBIDDEN,
        educator=redirect_to("/admin/"),
        superuser=redirect_to("/admin/"),
        method="post",
        params=lambda w: {"pk": w.derivation.pk},
    ),
}
for _model in ADMIN_MODELS:
    ADMIN |= _model_pages(_model)

# Task results: the test settings run tasks at once and store none, so these
# pages are probed with an id that does not exist; Django's admin sends staff
# who may look to the index, and checks the history's permission only after.
_TASK = "admin/django_tasks_database/dbtaskresult/"
ADMIN |= {
    "admin:django_tasks_database_dbtaskresult_changelist": admin_site(
        staff=FORBIDDEN, superuser=OK
    ),
    "admin:django_tasks_database_dbtaskresult_add": admin_site(staff=FORBIDDEN),
    "admin:django_tasks_database_dbtaskresult_change": admin_site(
        staff=FORBIDDEN, superuser=redirect_to("/admin/"), params=lambda w: {"object_id": 1}
    ),
    "admin:django_tasks_database_dbtaskresult_history": admin_site(
        staff=redirect_to("/admin/"), params=lambda w: {"object_id": 1}
    ),
    "admin:django_tasks_database_dbtaskresult_delete": admin_site(
        staff=FORBIDDEN, params=lambda w: {"object_id": 1}
    ),
    f"{_TASK}<path:object_id>/": admin_site(staff=REDIRECT, params=lambda w: {"object_id": 1}),
}


def _content_type(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


EXPECTATIONS: dict[str, Expect] = SITE | ADMIN

# ------------------------------------------------------------------ the patterns


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(key, route) of every pattern: its name, namespaced, or its route if unnamed."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


ROUTES = dict(url_patterns())

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def url_for(route: str, params: dict) -> str:
    if route.startswith("admin/^"):  # the app index, a regular expression
        return f"/admin/{params['app']}/"
    if route == "admin/(?P<url>.*)$":
        return f"/admin/{params['url']}"
    return "/" + _PARAM.sub(lambda m: str(params[m.group(1)]), route)


def test_every_url_pattern_has_an_expectation():
    unclassified = sorted(set(ROUTES) - set(EXPECTATIONS))
    assert not unclassified, (
        "URL patterns without an access expectation: add each to SITE or ADMIN_MODELS/ADMIN "
        f"in {__name__}: {unclassified}"
    )
    stale = sorted(set(EXPECTATIONS) - set(ROUTES))
    assert not stale, f"Expectations for URL patterns that no longer exist: {stale}"


# ------------------------------------------------------------------ the matrix


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker) as world:
        yield world


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# Who may read each marker; anyone else never gets a byte of it.
MARKER_READERS = {
    BOB_ANSWER: {"owner", "superuser"},
    BOB_NAME: {"owner", "superuser"},
    DRAFT_LESSON: set(STAFF),
    DRAFT_QUESTION: set(STAFF),
}

CASES = [
    pytest.param(key, role, id=f"{key}-{role}")
    for key in sorted(EXPECTATIONS)
    for role in ROLES
    if key in ROUTES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), CASES)
def test_access(client, world, key, role):
    expect = EXPECTATIONS[key]
    sign_in(client, world, role)
    url = url_for(ROUTES[key], expect.params(world)) + expect.query
    response = getattr(client, expect.method)(url, expect.data(world))
    wanted = expect.outcomes[role]
    assert response.status_code < 500
    assert wanted.check(response), (
        f"{role} {expect.method.upper()} {url}: wanted {wanted!r}, got {response.status_code} "
        f"{response.get('Location', '')}"
    )
    body = body_of(response)
    leaked = [m for m, readers in MARKER_READERS.items() if role not in readers and m in body]
    assert not leaked, f"{role} {url} shows {leaked}"


# ------------------------------------------------------------------ beyond the matrix

OWN_COHORT_PAGES = {
    "lessons:instructor_home": lambda w: {},
    "lessons:instructor_cohort": lambda w: {"cohort_id": w.cohort_x.pk},
    "lessons:instructor_learner": lambda w: {"cohort_id": w.cohort_x.pk, "learner_id": w.alice.pk},
    "lessons:instructor_lesson": lambda w: {"cohort_id": w.cohort_x.pk, "slug": w.lesson.slug},
    "lessons:instructor_scores_csv": lambda w: {"cohort_id": w.cohort_x.pk},
    "lessons:instructor_responses_csv": lambda w: {"cohort_id": w.cohort_x.pk},
}


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(OWN_COHORT_PAGES))
def test_an_instructor_s_own_pages_show_no_learner_of_another_cohort(client, world, key):
    """Ivan's cohort X pages work and carry nothing of bob, who is in Y only."""
    sign_in(client, world, "instructor")
    response = client.get(url_for(ROUTES[key], OWN_COHORT_PAGES[key](world)))
    assert response.status_code == 200
    body = body_of(response)
    assert BOB_NAME not in body and BOB_ANSWER not in body


COURSE_PAGES = [
    "lessons:instructor_cohort",
    "lessons:instructor_learner",
    "lessons:instructor_scores_csv",
    "lessons:instructor_responses_csv",
]


@pytest.mark.django_db
@pytest.mark.parametrize("key", COURSE_PAGES)
@pytest.mark.parametrize(
    ("course", "outcome"),
    [
        ("open", OK),
        ("course-of-y", NOT_FOUND),  # another instructor's cohort's course
        ("draft-course", NOT_FOUND),  # followed, but a draft
        ("no-such-course", NOT_FOUND),
        ("not a slug", status(400)),
    ],
)
def test_an_instructor_s_pages_show_only_courses_their_cohort_follows(
    client, world, key, course, outcome
):
    sign_in(client, world, "instructor")
    slug = world.lesson.course.slug if course == "open" else course
    url = url_for(ROUTES[key], OWN_COHORT_PAGES[key](world))
    response = client.get(url, {"course": slug})
    assert outcome.check(response), (url, slug, response.status_code)
    assert BOB_NAME not in body_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "outcome"), [("instructor", NOT_FOUND), ("superuser", OK)])
def test_a_lesson_of_a_course_the_cohort_does_not_follow_is_not_found(client, world, role, outcome):
    """Cohort X does not follow Y's course: its lesson's item analysis is no page
    of X, for Ivan nor for a superuser; through Y the superuser sees it."""
    sign_in(client, world, role)
    params = {"cohort_id": world.cohort_x.pk, "slug": world.lesson_y.slug}
    assert client.get(url_for(ROUTES["lessons:instructor_lesson"], params)).status_code == 404
    params["cohort_id"] = world.cohort_y.pk
    wanted = NOT_FOUND if role == "instructor" else outcome
    assert wanted.check(client.get(url_for(ROUTES["lessons:instructor_lesson"], params)))
    # And Y's course through cohort Y: Olga's and the superuser's, never Ivan's.
    response = client.get(
        url_for(ROUTES["lessons:instructor_cohort"], {"cohort_id": world.cohort_y.pk}),
        {"course": world.course_y.slug},
    )
    assert outcome.check(response)


@pytest.mark.django_db
def test_a_student_s_quiz_never_asks_a_draft_question(client, world):
    sign_in(client, world, "other_student")
    client.post(url_for(ROUTES["lessons:quiz_start"], {"slug": world.lesson.slug}))
    attempt = world.alice.attempts.get(lesson=world.lesson, finished_at=None)
    assert world.draft_question.pk not in attempt.question_ids
    for question_id in attempt.question_ids:
        page = client.get(
            url_for(
                ROUTES["lessons:attempt_question"],
                {"attempt_id": attempt.pk, "question_id": question_id},
            )
        )
        assert page.status_code == 200
        assert DRAFT_QUESTION not in page.content.decode()
    # Asking for the draft by id inside the attempt is refused too.
    page = client.get(
        url_for(
            ROUTES["lessons:attempt_question"],
            {"attempt_id": attempt.pk, "question_id": world.draft_question.pk},
        )
    )
    assert page.status_code == 404
    assert DRAFT_QUESTION not in page.content.decode()
