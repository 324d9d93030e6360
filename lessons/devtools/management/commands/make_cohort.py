"""Build a large synthetic cohort over the loaded course, to load-test the
instructor reports.

    manage.py make_cohort --learners 10000 --responses 1000000 [--name N] [--seed 1]

Every row is what the quiz would have written had these learners really taken
the published lessons' quizzes over the last `--days` days: finished full
attempts, their responses (answer JSON consistent with grading, the
question's version, the chosen-choice rows), one review card per learner and
question answered and the LessonScore rows as the answer service keeps them.
How the learners behave is lessons.devtools.simulated_learners.

Learners are simulated a chunk at a time, each chunk written with bulk_create,
all in one transaction: a failed run leaves nothing behind.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from lessons import item_tallies
from lessons.devtools.simulated_learners import (
    MAX_ATTEMPTS_PER_LESSON,
    Learner,
    course,
    lesson_scores,
    review_cards,
    schedule,
    simulate,
    targets,
)
from lessons.models import (
    Attempt,
    Cohort,
    Course,
    ItemTally,
    LessonScore,
    OptionTally,
    Response,
    ResponseChoice,
    ReviewCard,
    ScoreTally,
)
from lessons.services import question_version_for

User = get_user_model()
Member = Cohort.learners.through
INSTRUCTOR = "bench-instructor"
# Learners are simulated, then written, about this many responses at a time;
# each bulk_create statement carries BATCH rows.
CHUNK_RESPONSES = 20_000
BATCH = 5_000
FIRST_NAMES = "Ada Ben Chloe Dev Elif Femi Greta Hiro Ines Jonas Kofi Lena Mateo Noor Olga"
FIRST_NAMES += " Pavel Quinn Rosa Sami Tara Umar Vera Wen Xavi Yara Zeno"
LAST_NAMES = "Abbott Bauer Costa Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen Kowalski"
LAST_NAMES += " Larsen Moreau Nakamura Okafor Petrov Quist Rossi Schmidt Tanaka Urban Varga Weber"
LAST_NAMES += " Xu Young Zimmer"


def write(learners: list[Learner]) -> dict[str, int]:
    """Insert the simulated learners' rows, then forget them; returns how many of each."""
    taken = [t for person in learners for t in person.taken]
    Attempt.objects.bulk_create([t.attempt for t in taken], batch_size=BATCH)
    for t in taken:
        for response in t.responses:
            response.attempt_id = t.attempt.pk
    responses = [r for t in taken for r in t.responses]
    Response.objects.bulk_create(responses, batch_size=BATCH)
    # As response_record stores them: one row per choice, in id order.
    chosen = [
        ResponseChoice(response_id=response.pk, choice_id=choice_id, attempt_id=response.attempt_id)
        for t in taken
        for response, choice_ids in zip(t.responses, t.choices, strict=True)
        for choice_id in choice_ids
    ]
    ResponseChoice.objects.bulk_create(chosen, batch_size=BATCH * 2)
    cards = [card for person in learners for card in person.cards.values()]
    ReviewCard.objects.bulk_create(cards, batch_size=BATCH)
    scores = [row for person in learners for row in lesson_scores(person)]
    LessonScore.objects.bulk_create(scores, batch_size=BATCH)
    for person in learners:
        person.taken, person.cards = [], {}
    counts = (len(taken), len(responses), len(chosen), len(cards), len(scores))
    return dict(zip(("attempts", "responses", "chosen", "cards", "scores"), counts, strict=True))


class Command(BaseCommand):
    help = "Create a large synthetic cohort with realistic attempts, for report benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--learners", type=int, default=10_000)
        parser.add_argument("--responses", type=int, default=1_000_000)
        parser.add_argument("--name", default="Synthetic cohort")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--days", type=int, default=60, help="Spread attempts over these.")

    def handle(
        self, *args, learners: int, responses: int, name: str, seed: int, days: int, **_
    ) -> None:
        if learners < 1 or responses < 0 or days < 1:
            raise CommandError("--learners and --days must be positive, --responses not negative.")
        if not connection.features.can_return_rows_from_bulk_insert:
            raise CommandError(f"{connection.vendor} cannot return ids from bulk inserts.")
        if Cohort.objects.filter(name=name).exists():
            raise CommandError(f"A cohort named {name!r} exists already: pick another --name.")
        prefix = f"{slugify(name) or 'cohort'}-learner"
        if User.objects.filter(username__startswith=prefix).exists():
            raise CommandError(f"Usernames starting {prefix!r} are taken: pick another --name.")

        rng = random.Random(seed)
        began, now = time.perf_counter(), timezone.now()
        plan = course(rng)
        per_pass = sum(len(lesson.items) for lesson in plan)
        self.stdout.write(
            f"{connection.vendor}: {len(plan)} lessons, {per_pass} questions; "
            f"{learners:,} learners, ~{responses:,} responses over {days} days (seed {seed})"
        )
        cap = per_pass * MAX_ATTEMPTS_PER_LESSON * 0.9
        people = [
            Learner(i, ability, target)
            for i, (ability, target) in enumerate(targets(learners, responses, cap, rng), start=1)
        ]
        window_start, end = now - timedelta(days=days), now - timedelta(minutes=30)
        totals = dict.fromkeys(("attempts", "responses", "chosen", "cards", "scores"), 0)
        with transaction.atomic():
            cohort = self.cohort(name, prefix, people, window_start, rng)
            # It follows the courses it takes (the shipped one), so its reports show them.
            cohort.courses.add(*Course.objects.filter(lessons__in=[p.id for p in plan]).distinct())
            # Every response to a question answers its version as it stands now,
            # as the answer service would have stored it.
            for item in (item for lesson in plan for item in lesson.items):
                item.version_id = question_version_for(
                    question_id=item.id, content=item.snapshot
                ).pk
            chunk, planned = [], 0
            for person in people:
                planned += simulate(person, plan, rng)
                # Most join early; everyone's last answer is before `end`.
                joined = window_start + (end - window_start) * (rng.random() ** 2) * 0.95
                schedule(person, start=joined, end=end, rng=rng)
                review_cards(person)
                chunk.append(person)
                if planned >= CHUNK_RESPONSES or person is people[-1]:
                    for key, count in write(chunk).items():
                        totals[key] += count
                    chunk, planned = [], 0
                    elapsed = time.perf_counter() - began
                    self.stdout.write(
                        f"  {person.index:>7,}/{learners:,} learners  {totals['responses']:>10,} "
                        f"responses  {elapsed:7.1f} s"
                    )
            # Written around the services, so the item analysis tallies are worked out here.
            rows = item_tallies.rebuild(cohort_ids=[cohort.pk])
            self.stdout.write(
                f"  item tallies: {rows:,} rows  {time.perf_counter() - began:7.1f} s"
            )
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum soon does to a real database (and does not do where it
            # is off): planner statistics, and the visibility map that index-only
            # scans need.
            with connection.cursor() as cursor:
                for model in (
                    User,
                    Attempt,
                    Response,
                    ResponseChoice,
                    ReviewCard,
                    LessonScore,
                    Member,
                    ItemTally,
                    OptionTally,
                    ScoreTally,
                ):
                    cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
                cursor.execute("ANALYZE")  # the course tables the reports join, too
        self.report(cohort, totals, time.perf_counter() - began, now)

    def cohort(self, name, prefix, people, joined, rng) -> Cohort:
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{prefix}{p.index}",
                    first_name=rng.choice(FIRST_NAMES.split()),
                    last_name=rng.choice(LAST_NAMES.split()),
                    email=f"{prefix}{p.index}@example.invalid",
                    # Unusable, as set_unusable_password() makes it, without hashing 10,000 times.
                    password="!" + secrets.token_urlsafe(30),
                    date_joined=joined,
                )
                for p in people
            ],
            batch_size=BATCH,
        )
        for person, user in zip(people, users, strict=True):
            person.pk = user.pk
        cohort = Cohort.objects.create(name=name)
        Cohort.objects.filter(pk=cohort.pk).update(created_at=joined)
        Member.objects.bulk_create([Member(cohort=cohort, user=u) for u in users], batch_size=BATCH)
        instructor, created = User.objects.get_or_create(
            username=INSTRUCTOR, defaults={"is_staff": True, "first_name": "Bench"}
        )
        if created:
            instructor.set_unusable_password()
            instructor.save(update_fields=["password"])
        # The group is made by a migration; a test database flushed since has none.
        if group := Group.objects.filter(name="Instructors").first():
            instructor.groups.add(group)
        else:
            instructor.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label="lessons", codename="view_cohort_reports"
                )
            )
        cohort.instructors.add(instructor)
        self.stdout.write(
            f"cohort {cohort.pk} {name!r}: {len(users):,} learners, instructor {INSTRUCTOR}"
        )
        return cohort

    def report(self, cohort: Cohort, totals: dict, elapsed: float, now: datetime) -> None:
        self.stdout.write(f"done in {elapsed:.1f} s: cohort {cohort.pk} {cohort.name!r}")
        for key, value in totals.items():
            self.stdout.write(f"  {key:<10} {value:>12,}")
        cards = ReviewCard.objects.filter(learner__cohorts=cohort)
        recalled = cards.recalled(now).count() / max(1, totals["cards"])
        self.stdout.write(f"  review cards recalled now: {recalled:.1%}")
