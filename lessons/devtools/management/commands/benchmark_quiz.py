"""Measure the answer round trip against a plain signed-in page, in-process.

Prints requests' median and 95th-percentile times, their median CPU time in
this process, and the ratios of the answer submit (HTMX) to the plain page.

Every timed answer commits, as in production (issue 16.7): a rolled-back
transaction around them would leave out the commit's cost (the WAL flush on
PostgreSQL) and hold every row lock until the end. So the command makes a
throwaway course and learner, with names of their own, and deletes them
afterwards, whether or not the run finished.
"""

import statistics
import time
import uuid

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from lessons import catalogue
from lessons.models import Attempt, Choice, Course, Lesson, Question, Sentence, Source


def timed(call) -> tuple[float, float]:
    """The request's wall time and this process's CPU time in it, in ms. The
    CPU time leaves out what other programs on a shared machine take from
    the cores (though also the database server's own work), so two runs
    on a busy machine still compare."""
    start, start_cpu = time.perf_counter(), time.process_time()
    response = call()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    if response.status_code >= 400:
        raise RuntimeError(f"benchmark request failed with {response.status_code}")
    return elapsed * 1000, cpu * 1000


def summary(name: str, samples: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in samples]
    cuts = statistics.quantiles(wall, n=20)
    return (
        f"{name:<28} n={len(samples):<5} median {statistics.median(wall):6.2f} ms"
        f"   p95 {cuts[18]:6.2f} ms   CPU median {median_cpu(samples):6.2f} ms"
    )


def median_cpu(samples: list[tuple[float, float]]) -> float:
    return statistics.median(c for _, c in samples)


def delete_throwaway(tag: str) -> None:
    """Delete what run() made, in the order the PROTECT foreign keys allow:
    the learner (with their attempts, answers and scores), then the lesson
    (with its questions), then the course's source and the course."""
    User.objects.filter(username=tag).delete()
    Lesson.objects.filter(slug=tag).delete()
    Source.objects.filter(slug=tag).delete()
    Course.objects.filter(slug=tag).delete()


class Command(BaseCommand):
    help = (
        "Benchmark the answer submit against a plain signed-in page; every answer "
        "commits, in a throwaway course deleted afterwards."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--questions", type=int, default=300)

    def handle(self, *args, questions: int, **options) -> None:
        # Names of this run's own, so a run beside another (or after one that
        # was killed before its clean-up) does not collide with it.
        tag = f"benchmark-{uuid.uuid4().hex[:12]}"
        try:
            with override_settings(ALLOWED_HOSTS=["testserver"]):
                self.run(questions, tag)
        finally:
            delete_throwaway(tag)

    def run(self, count: int, tag: str) -> None:
        course = Course.objects.create(title=tag, slug=tag, status=Course.Status.PUBLISHED)
        source = Source.objects.create(course=course, title=tag, slug=tag, text="x.")
        sentence = Sentence.objects.create(source=source, position=0, text="x.")
        lesson = Lesson.objects.create(
            course=course,
            source=source,
            title=tag,
            slug=tag,
            summary="-",
            published=True,
        )
        created = Question.objects.bulk_create(
            Question(
                lesson=lesson,
                kind=Question.Kind.SINGLE_CHOICE,
                prompt=f"Question {i}?",
                explanation="Because.",
                provenance=sentence,
                status=Question.Status.PUBLISHED,
                position=i,
            )
            for i in range(count)
        )
        catalogue.content_changed()  # bulk_create sends no signals (lessons.catalogue)
        Choice.objects.bulk_create(
            Choice(question=q, text=text, is_correct=correct, position=p, feedback="-")
            for q in created
            for p, (text, correct) in enumerate([("Right", True), ("Wrong", False), ("No", False)])
        )
        learner = User.objects.create_user(tag)  # no password: force_login signs it in
        client = Client()
        client.force_login(learner)
        client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
        attempt = Attempt.objects.get(learner=learner)
        right = dict(
            Choice.objects.filter(question__lesson=lesson, is_correct=True).values_list(
                "question_id", "pk"
            )
        )
        lesson_url = lesson.get_absolute_url()
        for _ in range(20):  # warm up caches and connections
            client.get(lesson_url)

        plain, question_page, submit = [], [], []
        for question_id in attempt.question_ids:
            plain.append(timed(lambda: client.get(lesson_url)))
            question_page.append(
                timed(lambda: client.get(reverse("lessons:attempt_detail", args=[attempt.pk])))
            )
            url = reverse("lessons:quiz_answer", args=[attempt.pk, question_id])
            submit.append(
                timed(
                    lambda url=url, qid=question_id: client.post(
                        url, {"choice": right[qid]}, headers={"HX-Request": "true"}
                    )
                )
            )
        self.stdout.write(f"database: {connection.vendor}; every answer committed")
        self.stdout.write(summary("plain signed-in page", plain))
        self.stdout.write(summary("question page", question_page))
        self.stdout.write(summary("answer submit (HTMX)", submit))
        ratio = statistics.median(w for w, _ in submit) / statistics.median(w for w, _ in plain)
        cpu_ratio = median_cpu(submit) / median_cpu(plain)
        self.stdout.write(
            f"answer submit / plain page (medians): {ratio:.2f}; in CPU time {cpu_ratio:.2f}"
        )
