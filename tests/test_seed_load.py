"""The load test's class: students who can sign in, in one cohort, and the plan."""

import json

from django.core.management import call_command
from django.urls import reverse

from lessons.models import Cohort, Question


def test_seed_load_makes_a_class_that_signs_in_and_a_plan_of_the_course(client, db, tmp_path):
    plan = tmp_path / "plan.json"
    call_command("seed_load", students=3, instructors=1, password="load-pass-x1", plan=plan)
    cohort = Cohort.objects.get(name="Load cohort")
    assert sorted(cohort.learners.values_list("username", flat=True)) == [
        "load-student-0",
        "load-student-1",
        "load-student-2",
    ]
    assert list(cohort.instructors.values_list("username", flat=True)) == ["load-instructor-0"]
    assert list(cohort.courses.values_list("slug", flat=True)) == ["leiomyosarcoma"]
    signed_in = client.post(
        reverse("login"), {"username": "load-student-2", "password": "load-pass-x1"}
    )
    assert signed_in.status_code == 302
    written = json.loads(plan.read_text())
    questions = [q for lesson in written["lessons"] for q in lesson["questions"]]
    # Every published question of the shipped course, however many it has.
    shipped = Question.objects.published().filter(lesson__course__slug="leiomyosarcoma")
    assert written["cohort"] == cohort.pk and len(questions) == shipped.count() >= 60
    assert sorted(q["id"] for q in questions) == sorted(shipped.values_list("pk", flat=True))
    assert all(q["right"] or q["accepted"] for q in questions)
    # Again is harmless: nobody is made twice.
    call_command("seed_load", students=3, instructors=1, password="load-pass-x1")
    assert cohort.learners.count() == 3


def test_seed_load_can_make_accounts_from_before_argon2_that_upgrade_at_sign_in(
    settings, client, db
):
    from django.contrib.auth.models import User

    from quizsite import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    call_command(
        "seed_load", students=1, instructors=0, password="load-pass-x1", hasher="pbkdf2_sha256"
    )
    student = User.objects.get(username="load-student-0")
    assert student.password.startswith("pbkdf2_sha256$")
    signed_in = client.post(
        reverse("login"), {"username": "load-student-0", "password": "load-pass-x1"}
    )
    assert signed_in.status_code == 302
    student.refresh_from_db()
    assert student.password.startswith("argon2$")
