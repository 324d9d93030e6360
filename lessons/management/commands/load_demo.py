"""Load the shipped course and demo accounts, for a local run of the app."""

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lessons.derive.services import derivation_execute
from lessons.models import Cohort, Derivation, Source

DEMO_PASSWORD = "demo-pass-2026"
DEMO_COHORT = "Demo cohort"
DEMO_ACCOUNTS = [
    # username, role group (None: student), is_staff, is_superuser
    ("student", None, False, False),
    ("educator", "Educators", True, False),
    ("instructor", "Instructors", True, False),
    ("admin", None, True, True),
]
# A second course, derived from a sample text and left a draft, so that every
# role sees at once that a new text stays apart until an educator publishes it.
DEMO_DRAFT_TITLE = "Photosynthesis"
DEMO_DRAFT_TEXT = settings.BASE_DIR / "fixtures" / "samples" / "photosynthesis.txt"


class Command(BaseCommand):
    help = "Load the leiomyosarcoma course and demo accounts (DEBUG only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates accounts with a known password: run it with DEBUG=1."
            )
        made = []
        with transaction.atomic():
            # Once only: loading again would undo what educators have edited since.
            if not Source.objects.filter(slug="leiomyosarcoma").exists():
                call_command("loaddata", "leiomyosarcoma", verbosity=0)
            for username, group_name, is_staff, is_superuser in DEMO_ACCOUNTS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={"is_staff": is_staff, "is_superuser": is_superuser},
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                    made.append(username)
                if group_name:
                    user.groups.add(Group.objects.get(name=group_name))
            self.demo_cohort()
            self.demo_draft_course()
        self.stdout.write("Demo course and cohort ready.")
        if made:
            # Said once, when the accounts are made; the README has it too.
            self.stdout.write(f"Demo accounts {', '.join(made)}: password {DEMO_PASSWORD}")

    def demo_cohort(self) -> None:
        """A cohort of simulated learners for the instructor's reports to show,
        with the demo student in it and the demo instructor following it."""
        if not Cohort.objects.filter(name=DEMO_COHORT).exists():
            call_command(
                "make_cohort", learners=40, responses=2500, name=DEMO_COHORT, stdout=StringIO()
            )
        cohort = Cohort.objects.get(name=DEMO_COHORT)
        cohort.instructors.add(User.objects.get(username="instructor"))
        cohort.learners.add(User.objects.get(username="student"))

    def demo_draft_course(self) -> None:
        """The sample text derived into a draft course the demo educator
        authors, as if they had brought it: once only (its derivation record
        says it was done), so what they publish or rename since stays."""
        educator = User.objects.get(username="educator")
        if Derivation.objects.filter(title=DEMO_DRAFT_TITLE, created_by=educator).exists():
            return
        record = Derivation.objects.create(
            title=DEMO_DRAFT_TITLE,
            text=Path(DEMO_DRAFT_TEXT).read_text(encoding="utf-8"),
            created_by=educator,
        )
        # Run here rather than queued: offline, deterministic, done when the command is.
        record = derivation_execute(derivation_id=record.pk)
        if record.status != Derivation.Status.DONE or record.course is None:
            raise CommandError(f"Deriving the demo's draft course failed: {record.message}")
        record.course.authors.add(educator)
        # The demo cohort follows it from the start, so the instructor's reports
        # offer it the moment the educator publishes it.
        Cohort.objects.get(name=DEMO_COHORT).courses.add(record.course)
