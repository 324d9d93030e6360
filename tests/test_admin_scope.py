"""Learner data in the admin is scoped by the admin itself, whatever
permissions a group is given later: a non-superuser sees attempts, responses
and cohorts of the cohorts they instruct only, and the question changelist's
site-wide statistics are for the people who edit questions."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from lessons.models import Cohort
from tests.factories import LessonFactory, QuestionFactory, UserFactory, take_quiz

LEARNER_DATA_PERMISSIONS = ["view_attempt", "view_response", "view_cohort"]


@pytest.fixture
def instructor_given_learner_data(instructor):
    """An instructor someone later gave the admin's learner-data permissions."""
    instructor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="lessons", codename__in=LEARNER_DATA_PERMISSIONS
        )
    )
    return instructor


@pytest.fixture
def two_cohorts(db, instructor_given_learner_data):
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson)
    mine, theirs = UserFactory(username="in-my-cohort"), UserFactory(username="elsewhere")
    own = Cohort.objects.create(name="Own cohort")
    own.instructors.add(instructor_given_learner_data)
    own.learners.add(mine)
    other = Cohort.objects.create(name="Other cohort")
    other.learners.add(theirs)
    return {
        "own": own,
        "other": other,
        "mine": take_quiz(mine, lesson, [True]),
        "theirs": take_quiz(theirs, lesson, [False]),
    }


def test_learners_for_are_the_learners_of_the_users_cohorts(two_cohorts, instructor):
    from lessons.reports import learners_for

    assert [u.username for u in learners_for(instructor)] == ["in-my-cohort"]
    outsider = UserFactory(username="teaches-nobody", is_staff=True)
    assert not learners_for(outsider).exists()


def test_an_instructor_given_view_permissions_lists_only_their_cohorts_learners(
    client, instructor, two_cohorts
):
    client.force_login(instructor)
    for name in ("attempt", "response"):
        page = client.get(reverse(f"admin:lessons_{name}_changelist"))
        assert page.status_code == 200, name
        html = page.content.decode()
        assert "in-my-cohort" in html, name
        assert "elsewhere" not in html, name
    cohorts = client.get(reverse("admin:lessons_cohort_changelist")).content.decode()
    assert "Own cohort" in cohorts and "Other cohort" not in cohorts


def test_an_instructor_cannot_open_another_learners_rows_by_id(client, instructor, two_cohorts):
    theirs = two_cohorts["theirs"]
    mine = two_cohorts["mine"]
    client.force_login(instructor)
    others = [
        ("attempt", theirs.pk),
        ("response", theirs.responses.get().pk),
        ("cohort", two_cohorts["other"].pk),
    ]
    # The admin treats a row outside the instructor's queryset as one that does
    # not exist (back to the index); deleting is refused outright.
    for name, pk in others:
        for view in ("change", "history", "delete"):
            response = client.get(reverse(f"admin:lessons_{name}_{view}", args=[pk]))
            if view == "delete":
                assert response.status_code == 403, (name, view)
            else:
                assert response.status_code == 302, (name, view)
                assert response["Location"] == reverse("admin:index"), (name, view)
            assert b"elsewhere" not in response.content and b"Other cohort" not in (
                response.content
            )
    own = [
        ("attempt", mine.pk),
        ("response", mine.responses.get().pk),
        ("cohort", two_cohorts["own"].pk),
    ]
    for name, pk in own:
        assert client.get(reverse(f"admin:lessons_{name}_change", args=[pk])).status_code == 200


def test_a_superuser_still_sees_every_learner(admin_client, two_cohorts):
    for name in ("attempt", "response"):
        html = admin_client.get(reverse(f"admin:lessons_{name}_changelist")).content.decode()
        assert "in-my-cohort" in html and "elsewhere" in html
    theirs = two_cohorts["theirs"]
    assert (
        admin_client.get(reverse("admin:lessons_attempt_change", args=[theirs.pk])).status_code
        == 200
    )


STATISTICS_COLUMNS = ("column-response_count", "column-facility", "column-discrimination")


def test_question_statistics_columns_are_for_educators_not_view_only_users(
    client, educator, instructor, db
):
    QuestionFactory()
    client.force_login(educator)
    html = client.get(reverse("admin:lessons_question_changelist")).content.decode()
    assert all(column in html for column in STATISTICS_COLUMNS)
    client.force_login(instructor)
    page = client.get(reverse("admin:lessons_question_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert not any(column in html for column in STATISTICS_COLUMNS)
    assert "column-needs_review" not in html
