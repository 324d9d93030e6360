"""Accounts for a load test: a class of students who can sign in, and their
instructors, over the shipped course.

    manage.py seed_load --students 2000 --instructors 2 --password P [--plan PATH]

Students are `load-student-<n>` (n from 0), instructors `load-instructor-<n>`,
all with the one password, in the cohort "Load cohort". The password is hashed
once and the hash shared: hashing it 2,000 times would take ten minutes. With
--plan, writes the published questions (ids, kinds, choice ids, an accepted
answer) as JSON for the load test to answer from. Run it on a database made
for the load test; it refuses one that has other learners.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lessons.models import Cohort, Course, Source
from lessons.selectors import lesson_list_published, question_data

User = get_user_model()
COHORT = "Load cohort"


class Command(BaseCommand):
    help = "Make load-test students and instructors (one shared password) in one cohort."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--students", type=int, default=1000)
        parser.add_argument("--instructors", type=int, default=2)
        parser.add_argument("--password", required=True)
        parser.add_argument("--plan", type=Path, help="write the published questions here")
        parser.add_argument(
            "--hasher",
            help="hash with this algorithm (e.g. pbkdf2_sha256: accounts from before "
            "Argon2, whose first sign-in upgrades the hash); default the site's first",
        )

    def handle(
        self,
        *args,
        students: int,
        instructors: int,
        password: str,
        plan,
        hasher: str | None = None,
        **options,
    ) -> None:
        if User.objects.exclude(username__startswith="load-").filter(is_superuser=False).exists():
            raise CommandError("This database has other accounts: seed a database of its own.")
        encoded = make_password(password, hasher=hasher or "default")
        with transaction.atomic():
            if not Source.objects.filter(slug="leiomyosarcoma").exists():
                call_command("loaddata", "leiomyosarcoma", verbosity=0)
            have = set(
                User.objects.filter(username__startswith="load-").values_list("username", flat=True)
            )
            User.objects.bulk_create(
                User(username=name, password=encoded, first_name="Load", last_name=str(i))
                for i in range(students)
                if (name := f"load-student-{i}") not in have
            )
            User.objects.bulk_create(
                User(username=name, password=encoded, is_staff=True, first_name="Instructor")
                for i in range(instructors)
                if (name := f"load-instructor-{i}") not in have
            )
            group = Group.objects.get(name="Instructors")
            teachers = list(User.objects.filter(username__startswith="load-instructor-"))
            group.user_set.add(*teachers)
            cohort, _ = Cohort.objects.get_or_create(name=COHORT)
            cohort.instructors.add(*teachers)
            # The instructors' reports show the courses the load test takes.
            cohort.courses.add(*Course.objects.published())
            cohort.learners.add(
                *User.objects.filter(username__startswith="load-student-").values_list(
                    "pk", flat=True
                )
            )
        if plan:
            plan.write_text(json.dumps(self.plan(cohort), indent=1))
        self.stdout.write(
            f"{students} students and {instructors} instructors in {COHORT!r} (id {cohort.pk})."
        )

    def plan(self, cohort: Cohort) -> dict:
        lessons = []
        for lesson in lesson_list_published():
            questions = []
            for qid in lesson.questions.published().values_list("pk", flat=True):
                data = question_data(qid)
                questions.append(
                    {
                        "id": data.id,
                        "kind": data.kind,
                        "choices": [c.id for c in data.choices],
                        "right": [c.id for c in data.choices if c.is_correct],
                        "accepted": list(data.accepted_answers[:1]),
                    }
                )
            lessons.append({"slug": lesson.slug, "questions": questions})
        return {"cohort": cohort.pk, "lessons": lessons}
