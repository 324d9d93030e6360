"""Time the instructor report pages on one cohort, in-process, through
Django's test client signed in as the cohort's instructor.

    manage.py benchmark_reports [--cohort NAME] [--repeat 5] [--explain 5]

Each page gets one untimed request (Python's and the database's first-use
costs), then --repeat timed ones; the table gives the median, p95 and max in
ms, the SQL statements per request and the slowest statement's time. Every
timed request is cold: the cache is cleared before it (so the session too is
read from the database, as on a request that finds nothing cached), unless
its label says "warm", which times a page served from a cached copy (the
item analysis with ITEM_ANALYSIS_CACHE_SECONDS set, for comparison). The
"worked out" rows time the item analysis computed from every response
(reports.lesson_report_exact, what the page did before the running tallies)
as a function call, without HTTP. The two CSV exports are timed to their first 100 KB of
streamed content (what a browser waits for before the download starts) and to
the end; one more full download runs under tracemalloc for the Python heap's
peak, and the process's resident memory is sampled while it streams.

Notes: timings include the test client and middleware but no network. With
DEBUG on, Django keeps each query's SQL, which costs a little. A streamed
export's query runs through a server-side cursor on PostgreSQL: it is one
statement however many chunks it fetches. Outside a transaction Django
declares it WITH HOLD, which PostgreSQL runs to the end and stores at the
DECLARE, so that statement's time is the whole query's. --explain N prints
EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL for the N slowest distinct
statements seen.
"""

from __future__ import annotations

import re
import resource
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons import reports
from lessons.models import Attempt, Cohort, Response

FIRST_BYTES = 100 * 1024
DECLARE = re.compile(r"^DECLARE\s.*?\sFOR\s", re.S | re.I)
# The reports put "now" in their SQL: statements that differ only by it are one.
TIMESTAMP = re.compile(r"'\d{4}-\d\d-\d\d[ T][\d:.]+(?:[+-]\d\d(?::\d\d)?)?'")


@dataclass
class Measure:
    label: str
    url: str
    samples: list[float] = field(default_factory=list)
    queries: int = 0
    slowest_ms: float = 0.0
    size: int = 0
    status: int = 0
    note: str = ""
    top: dict[str, float] = field(default_factory=dict)  # SQL -> slowest ms

    def cells(self) -> list[str]:
        ordered = sorted(self.samples)
        if len(ordered) >= 2:
            p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18]
        else:
            p95 = ordered[-1]
        return [
            self.label,
            str(self.status),
            f"{statistics.median(ordered):.0f}",
            f"{p95:.0f}",
            f"{ordered[-1]:.0f}",
            str(self.queries),
            f"{self.slowest_ms:.0f}",
            _size(self.size),
            self.note,
        ]


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{n / 1024:.0f} KB"


def _rss() -> int:
    """Resident memory of this process now, in bytes (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Command(BaseCommand):
    help = "Time the instructor report pages and CSV exports for a cohort."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cohort", help="Cohort name (default: the one with most learners).")
        parser.add_argument("--repeat", type=int, default=5, help="Timed requests per page.")
        parser.add_argument(
            "--csv-repeat", type=int, default=2, help="Timed full downloads per CSV export."
        )
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated words: time only the pages whose label contains one.",
        )
        parser.add_argument(
            "--explain",
            type=int,
            default=0,
            metavar="N",
            help="EXPLAIN ANALYZE the N slowest distinct statements (PostgreSQL).",
        )

    def handle(
        self, *args, cohort: str | None, repeat: int, csv_repeat: int, explain: int, **options
    ) -> None:
        if repeat < 1 or csv_repeat < 1:
            raise CommandError("--repeat and --csv-repeat must be at least 1.")
        chosen = self.cohort(cohort)
        instructor = chosen.instructors.order_by("pk").first()
        if instructor is None:
            raise CommandError(f"Cohort {chosen} has no instructor to sign in as.")
        members = Cohort.learners.through.objects.filter(cohort=chosen).values("user_id")
        learner_count = members.count()
        attempts = Attempt.objects.filter(learner_id__in=members)
        followed = reports.courses_followed(chosen)
        if not followed:
            raise CommandError(f"Cohort {chosen} follows no published course: nothing to report.")
        course = followed[0]  # what the pages show by default
        lesson = reports.course_lessons(course)[0]
        attempts = attempts.filter(lesson__course=course)
        busiest = (
            attempts.values("learner_id").annotate(n=Count("pk")).order_by("-n", "learner_id")
        ).first()
        if busiest is None:
            raise CommandError(f"No learner of {chosen} has an attempt in {course}.")
        responses = Response.objects.filter(
            attempt__learner_id__in=members, attempt__lesson__course=course
        ).count()
        driver = connection.Database.__name__  # type: ignore[attr-defined]  # not in the stubs
        self.stdout.write(
            f"{connection.vendor} {driver}, DEBUG={settings.DEBUG}; cohort "
            f"{chosen.pk} {chosen.name!r}: {learner_count:,} learners, {attempts.count():,} "
            f"attempts, {responses:,} responses; instructor {instructor.username}; "
            f"learner page for learner {busiest['learner_id']} ({busiest['n']} attempts, the "
            f"most); course {course.slug}, lesson {lesson.slug} (id {lesson.pk}); {repeat} "
            "timed runs per page"
        )

        self.seen: dict[str, tuple[float, str]] = {}  # for --explain: slowest time, SQL
        client = Client(SERVER_NAME="localhost")
        client.force_login(instructor)
        cid = chosen.pk
        cohort_url = reverse("lessons:instructor_cohort", args=[cid])
        pages = [
            ("home", reverse("lessons:instructor_home")),
            ("cohort", cohort_url),
            (f"cohort ?sort=-best-{lesson.pk}", f"{cohort_url}?sort=-best-{lesson.pk}"),
            (f"cohort ?sort=-mastery-{lesson.pk}", f"{cohort_url}?sort=-mastery-{lesson.pk}"),
            ("cohort ?q=learner12", f"{cohort_url}?q=learner12"),
            ("cohort ?sort=-average (extra)", f"{cohort_url}?sort=-average"),
            ("cohort ?sort=-activity (extra)", f"{cohort_url}?sort=-activity"),
            ("cohort ?page=last (extra)", f"{cohort_url}?page=last"),
            ("learner", reverse("lessons:instructor_learner", args=[cid, busiest["learner_id"]])),
            ("lesson ?attempts=first", self.lesson_url(cid, lesson, "first")),
            ("lesson ?attempts=all", self.lesson_url(cid, lesson, "all")),
            ("lesson ?attempts=best", self.lesson_url(cid, lesson, "best")),
            ("lesson ?attempts=last", self.lesson_url(cid, lesson, "last")),
        ]
        warm_pages = [
            ("lesson ?attempts=first (warm: cached copy)", self.lesson_url(cid, lesson, "first")),
            ("lesson ?attempts=all (warm: cached copy)", self.lesson_url(cid, lesson, "all")),
        ]
        wanted = [word.strip() for word in options["only"].split(",") if word.strip()]

        def picked(label: str) -> bool:
            return not wanted or any(word in label for word in wanted)

        results = []
        hosts = [*settings.ALLOWED_HOSTS, "localhost"]
        with override_settings(ALLOWED_HOSTS=hosts):
            for label, url in pages:
                if not picked(label):
                    continue
                results.append(self.page(client, label, url, repeat))
                self.stdout.write(
                    f"  {label}: median {statistics.median(results[-1].samples):.0f} ms"
                )
            with override_settings(ITEM_ANALYSIS_CACHE_SECONDS=300):
                for label, url in warm_pages:
                    if picked(label):
                        results.append(self.page(client, label, url, repeat, warm=True))
            for scope in ("first", "all"):
                label = f"item analysis ?attempts={scope}: worked out (function)"
                if picked(label):
                    results.append(self.worked_out(label, chosen, lesson, scope, repeat))
            for name in ("instructor_scores_csv", "instructor_responses_csv"):
                if not picked(name.removeprefix("instructor_").replace("_csv", ".csv")):
                    continue
                url = reverse(f"lessons:{name}", args=[cid]) + f"?course={course.slug}"
                results.extend(self.download(client, name, url, repeat, csv_repeat))
                self.stdout.write(f"  {name}: done")
        self.table(results, learner_count, responses)
        if options["verbosity"] >= 2:
            self.slowest(results)
        if explain:
            self.explain(explain)

    def cohort(self, name: str | None) -> Cohort:
        cohorts = Cohort.objects.annotate(n=Count("learners")).order_by("-n", "pk")
        if name:
            found = cohorts.filter(name=name).first()
            if found is None:
                known = ", ".join(repr(c.name) for c in cohorts[:10])
                raise CommandError(f"No cohort named {name!r}. Known: {known or 'none'}.")
            return found
        found = cohorts.first()
        if found is None:
            raise CommandError("There is no cohort: make one with `manage.py make_cohort`.")
        return found

    def lesson_url(self, cohort_id: int, lesson, scope: str) -> str:
        url = reverse("lessons:instructor_lesson", args=[cohort_id, lesson.slug])
        return f"{url}?attempts={scope}"

    def note_queries(self, measure: Measure, captured: list[dict]) -> None:
        measure.queries = max(measure.queries, len(captured))
        for query in captured:
            ms = float(query["time"]) * 1000
            measure.slowest_ms = max(measure.slowest_ms, ms)
            # A streamed export's query is declared as a (uniquely named) server-side cursor.
            sql = DECLARE.sub("", query["sql"], count=1)
            key = TIMESTAMP.sub("'<now>'", sql)
            if ms > self.seen.get(key, (0.0, ""))[0]:
                self.seen[key] = (ms, sql)
            measure.top[key] = max(measure.top.get(key, 0.0), ms)

    def get(self, client: Client, url: str) -> Any:  # the test client's response
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return response

    def page(
        self, client: Client, label: str, url: str, repeat: int, *, warm: bool = False
    ) -> Measure:
        measure = Measure(label, url)
        for run in range(repeat + 1):  # the first is untimed (and, warm, fills the cache)
            if not warm:
                cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = self.get(client, url)
                elapsed = (time.perf_counter() - start) * 1000
            if run:
                measure.samples.append(elapsed)
            measure.status, measure.size = response.status_code, len(response.content)
            self.note_queries(measure, ctx.captured_queries)
        return measure

    def worked_out(self, label: str, cohort: Cohort, lesson, scope: str, repeat: int) -> Measure:
        measure = Measure(label, "reports.lesson_report_exact")
        for run in range(repeat + 1):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                report = reports.lesson_report_exact(cohort=cohort, lesson=lesson, scope=scope)
                elapsed = (time.perf_counter() - start) * 1000
            if run:
                measure.samples.append(elapsed)
            measure.status, measure.note = 200, f"{report.attempts:,} attempts"
            self.note_queries(measure, ctx.captured_queries)
        return measure

    def stream(
        self, client: Client, url: str, limit: int | None, sample_rss: bool = False
    ) -> tuple[float, int, int, int]:
        """Read a streamed download to `limit` bytes or the end: (ms, bytes, lines, peak rss)."""
        start = time.perf_counter()
        response = self.get(client, url)
        received = lines = 0
        peak = _rss() if sample_rss else 0
        chunks = iter(response.streaming_content)
        try:
            for chunk in chunks:
                received += len(chunk)
                lines += 1
                if sample_rss and lines % 2000 == 0:
                    peak = max(peak, _rss())
                if limit and received >= limit:
                    break
        finally:
            # Stop early like a browser that cancelled: close the generator so the
            # server-side cursor is released and request_finished is sent.
            close = getattr(chunks, "close", None)
            if close:
                close()
            response.close()
        return (time.perf_counter() - start) * 1000, received, lines, peak

    def download(
        self, client: Client, name: str, url: str, repeat: int, full_repeat: int
    ) -> list[Measure]:
        label = name.removeprefix("instructor_").replace("_csv", ".csv")
        first = Measure(f"{label} first 100 KB", url)
        for run in range(repeat + 1):
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                ms, received, _, _ = self.stream(client, url, FIRST_BYTES)
            if run:
                first.samples.append(ms)
            first.status, first.size = 200, received
            self.note_queries(first, ctx.captured_queries)
        full = Measure(f"{label} full download", url)
        rss_before = _rss()
        rss_peak = 0
        for _ in range(full_repeat):
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                ms, received, lines, peak = self.stream(client, url, None, sample_rss=True)
            full.samples.append(ms)
            full.status, full.size = 200, received
            rss_peak = max(rss_peak, peak)
            self.note_queries(full, ctx.captured_queries)
        tracemalloc.start()
        tracemalloc.reset_peak()
        try:
            traced_ms, *_ = self.stream(client, url, None)
            _, heap_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        full.note = (
            f"{lines - 1:,} rows; Python heap peak {_size(heap_peak)} (tracemalloc run "
            f"{traced_ms / 1000:.1f} s); RSS {_size(rss_before)} -> peak {_size(rss_peak)}"
        )
        return [first, full]

    def table(self, results: list[Measure], learners: int, responses: int) -> None:
        header = ["page", "status", "median ms", "p95 ms", "max ms", "queries", "slowest q ms",
                  "size", "notes"]  # fmt: skip
        rows = [header] + [m.cells() for m in results]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
        self.stdout.write(
            f"\nReports for {learners:,} learners, {responses:,} responses (every timed "
            "request cold, the cache cleared before it, unless labelled warm):"
        )
        for n, row in enumerate(rows):
            cells = [
                row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i])
                for i in range(len(widths))
            ]
            self.stdout.write("  ".join(cells) + ("  " + row[-1] if row[-1] else ""))
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))

    def slowest(self, results: list[Measure], per_page: int = 3) -> None:
        """Each page's slowest statements (-v 2), abridged."""
        self.stdout.write("\nSlowest statements per page (ms, SQL abridged):")
        for measure in results:
            self.stdout.write(f"  {measure.label}")
            top = sorted(measure.top.items(), key=lambda kv: kv[1], reverse=True)[:per_page]
            for sql, ms in top:
                abridged = re.sub(r"\s+", " ", sql)
                abridged = abridged if len(abridged) <= 160 else abridged[:157] + "..."
                self.stdout.write(f"    {ms:7.0f}  {abridged}")

    def explain(self, count: int) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("\n--explain needs PostgreSQL; skipped.")
            return
        slowest = sorted(self.seen.values(), reverse=True)
        shown = 0
        for ms, query in slowest:
            if not re.match(r"\s*(SELECT|WITH)\b", query, re.I):
                continue
            shown += 1
            self.stdout.write(f"\n#{shown}, {ms:.0f} ms as timed:\n{query}\n")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
                for (line,) in cursor.fetchall():
                    self.stdout.write(f"    {line}")
            if shown >= count:
                break
