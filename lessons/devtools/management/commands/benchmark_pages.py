"""Measure what the learner's everyday pages cost in CPU, in-process (issue 16.6).

Signs in a learner through Django's test client and requests the home page
(course catalogue), a course page, a lesson's reading page and the progress
page many times each, printing CPU milliseconds per request (process_time:
other jobs on the machine's cores do not count, as they would in wall time)
and the queries per request. `--profile PAGE` prints cProfile's top functions
for that page instead.

Run it after `load_demo` (it reads the demo course and the `student` account,
or `--learner`), with DEBUG=1 for the development settings. The learner should
have history (attempts, review cards) to be realistic: `--answer` first takes
every lesson's quiz once through the services for the learner.
"""

import cProfile
import io
import pstats
import statistics
import time

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import Course, Lesson

PAGES = ("home", "course", "lesson", "progress")


class Command(BaseCommand):
    help = "CPU ms per request of the home, course, lesson and progress pages for a learner."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--learner", default="student")
        parser.add_argument("--requests", type=int, default=200, help="per page and round")
        parser.add_argument("--rounds", type=int, default=3, help="the median round is kept")
        parser.add_argument("--profile", choices=PAGES, help="print cProfile's top functions")

    def handle(self, *args, learner: str, requests: int, rounds: int, profile, **options) -> None:
        user = User.objects.filter(username=learner).first()
        lesson = Lesson.objects.published().select_related("course").first()
        if user is None or lesson is None:
            raise CommandError("needs a learner and a published lesson: run load_demo first")
        urls = {
            "home": reverse("lessons:home"),
            "course": reverse("lessons:course_detail", args=[lesson.course.slug]),
            "lesson": reverse("lessons:lesson_detail", args=[lesson.slug]),
            "progress": reverse("lessons:progress"),
        }
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            cache.clear()
            client = Client()
            client.force_login(user)
            for url in urls.values():  # warm: imports, templates, caches
                self.get(client, url)
            if profile:
                self.profile(client, urls[profile], requests)
                return
            self.stdout.write(
                f"{learner}: {Course.objects.count()} courses, "
                f"{Lesson.objects.count()} lessons; {requests} requests x {rounds} rounds"
            )
            for page, url in urls.items():
                per_round = [self.cpu_ms(client, url, requests) for _ in range(rounds)]
                with CaptureQueriesContext(connection) as queries:
                    self.get(client, url)
                self.stdout.write(
                    f"{page:<9} {statistics.median(per_round):6.2f} ms CPU per request "
                    f"(rounds {', '.join(f'{ms:.2f}' for ms in per_round)}), "
                    f"{len(queries)} queries"
                )

    @staticmethod
    def get(client: Client, url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")

    def cpu_ms(self, client: Client, url: str, requests: int) -> float:
        start = time.process_time()
        for _ in range(requests):
            self.get(client, url)
        return (time.process_time() - start) * 1000 / requests

    def profile(self, client: Client, url: str, requests: int) -> None:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(requests):
            self.get(client, url)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
        self.stdout.write(out.getvalue())
