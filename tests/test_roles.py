import pytest
from django.contrib.auth.models import Group

from lessons.models import Question


@pytest.mark.django_db
def test_roles_are_created_with_their_permissions():
    educators = Group.objects.get(name="Educators")
    codenames = set(educators.permissions.values_list("codename", flat=True))
    assert {"add_question", "change_question", "delete_question", "change_choice"} <= codenames
    assert not {"view_attempt", "view_response", "view_user", "change_user"} & codenames

    instructors = Group.objects.get(name="Instructors")
    codenames = set(instructors.permissions.values_list("codename", flat=True))
    # Learners' attempts and answers only through their own cohorts' pages.
    assert not {"view_attempt", "view_response", "view_user"} & codenames
    assert not {c for c in codenames if not c.startswith("view_")}


def test_an_educator_edits_questions_but_cannot_see_attempts_or_users(client, educator, course):
    client.force_login(educator)
    assert client.get("/admin/lessons/question/").status_code == 200
    assert client.get("/admin/lessons/question/1/change/").status_code == 200
    assert client.get("/admin/lessons/attempt/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_an_instructor_reads_no_learner_data_in_the_admin_only_content(client, instructor, course):
    from tests.factories import LessonFactory, QuestionFactory, UserFactory, take_quiz

    lesson = LessonFactory()
    QuestionFactory(lesson=lesson)
    stranger = UserFactory(username="stranger")  # in no cohort of this instructor
    attempt = take_quiz(stranger, lesson, [True])
    someone_elses = attempt.responses.first()
    client.force_login(instructor)
    refused = {
        "/admin/lessons/attempt/": 403,
        "/admin/lessons/response/": 403,
        f"/admin/lessons/attempt/{someone_elses.attempt_id}/change/": 403,
        f"/admin/lessons/response/{someone_elses.pk}/change/": 403,
        "/admin/lessons/cohort/": 403,
        "/admin/lessons/reviewcard/": 404,  # review cards are not in the admin at all
        "/admin/auth/user/": 403,
    }
    for url, status in refused.items():
        assert client.get(url).status_code == status, url
    index = client.get("/admin/").content.decode()
    assert "/admin/lessons/attempt/" not in index
    assert "/admin/lessons/response/" not in index
    shipped = Question.objects.filter(lesson__source__slug="leiomyosarcoma").first()
    page = client.get(f"/admin/lessons/question/{shipped.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_students_cannot_reach_the_admin(student_client):
    response = student_client.get("/admin/lessons/question/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
