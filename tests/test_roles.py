import pytest
from django.contrib.auth.models import Group


@pytest.mark.django_db
def test_roles_are_created_with_their_permissions():
    educators = Group.objects.get(name="Educators")
    codenames = set(educators.permissions.values_list("codename", flat=True))
    assert {"add_question", "change_question", "delete_question", "change_choice"} <= codenames
    assert not {"view_attempt", "view_response", "view_user", "change_user"} & codenames

    instructors = Group.objects.get(name="Instructors")
    codenames = set(instructors.permissions.values_list("codename", flat=True))
    assert {"view_attempt", "view_response"} <= codenames
    assert not {c for c in codenames if not c.startswith("view_")}


def test_an_educator_edits_questions_but_cannot_see_attempts_or_users(client, educator, course):
    client.force_login(educator)
    assert client.get("/admin/lessons/question/").status_code == 200
    assert client.get("/admin/lessons/question/1/change/").status_code == 200
    assert client.get("/admin/lessons/attempt/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_an_instructor_sees_attempts_but_cannot_change_questions(client, instructor, course):
    client.force_login(instructor)
    assert client.get("/admin/lessons/attempt/").status_code == 200
    page = client.get("/admin/lessons/question/1/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_students_cannot_reach_the_admin(student_client):
    response = student_client.get("/admin/lessons/question/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
