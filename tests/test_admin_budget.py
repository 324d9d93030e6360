"""Every admin page runs a fixed number of queries and stays a bounded size
whatever the data: each registered ModelAdmin's changelist, add page and the
change page of its busiest object are measured with a few rows of everything
and again with many, and must not grow. Admins are read from the registry, so
a new one is held to this without anyone remembering to add it."""

from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import connection
from django.db.models.signals import post_init
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lessons.admin import base, content, learning
from lessons.models import AcceptedAnswer, Choice, Question
from tests.factories import (
    AttemptFactory,
    CohortFactory,
    DerivationFactory,
    LessonFactory,
    LessonSentenceFactory,
    PassageFactory,
    QuestionFactory,
    ResponseFactory,
    SentenceFactory,
    SourceFactory,
    UserFactory,
)

SMALL, LARGE = 3, 60
# The same page may differ by a query (a lazily filled cache) and by a few
# bytes (longer ids and names); growth with the data is far beyond either.
QUERY_SLACK = 1
SIZE_SLACK = 1500
# Pages that edit an object's own few children in place grow by at most this
# much per child: a lesson's reading sentences (a handful; a derived lesson has
# at most 12) and a cohort's instructors and the courses it follows (each one
# of them grown here: an option of each autocomplete). Anything else is summarised.
BYTES_PER_CHILD_EDITED_IN_PLACE = {
    "lessons.Lesson change": 3500,
    "lessons.Cohort change": 160,
}


class World:
    """One of everything to open (the hubs), each with `size` related rows."""

    def __init__(self, superuser):
        self.size = 0
        self.source = SourceFactory(text="Smooth muscles are involuntary muscles. " * 20)
        self.lesson = LessonFactory(source=self.source)
        self.learner = UserFactory(username="hub-learner")
        self.cohort = CohortFactory(name="Hub cohort")
        self.derivation = DerivationFactory(source=self.source)
        self.sentence = SentenceFactory(source=self.source, position=10_000)
        self.question = QuestionFactory(lesson=self.lesson, provenance=self.sentence)
        self.attempt = AttemptFactory(learner=self.learner, lesson=self.lesson)
        self.hubs = {
            "lessons.source": self.source,
            "lessons.lesson": self.lesson,
            "lessons.sentence": self.sentence,
            "lessons.question": self.question,
            "lessons.attempt": self.attempt,
            "lessons.cohort": self.cohort,
            "lessons.derivation": self.derivation,
            "auth.user": superuser,
        }

    def grow(self, size: int) -> None:
        for i in range(self.size, size):
            passage = PassageFactory(source=self.source, position=i, text="A passage. " * 50)
            sentence = SentenceFactory(source=self.source, position=i, text=f"Sentence {i}.")
            sentence.passages.add(passage)
            self.sentence.passages.add(passage)
            LessonSentenceFactory(lesson=self.lesson, sentence=sentence, position=i)
            question = QuestionFactory(
                lesson=self.lesson,
                provenance=sentence,
                provenance_passage=passage,
                derivation=self.derivation,
                origin=Question.Origin.DERIVED,
                position=i + 1,
            )
            other = LessonFactory(source=SourceFactory())
            self.cohort.courses.add(other.course)
            learner = UserFactory()
            self.cohort.learners.add(learner)
            self.cohort.instructors.add(UserFactory(is_staff=True))
            attempt = AttemptFactory(learner=learner, lesson=self.lesson)
            ResponseFactory(attempt=attempt, question=self.question)
            ResponseFactory(attempt=self.attempt, question=question)
            AttemptFactory(learner=self.learner, lesson=self.lesson)
            CohortFactory(learners=[learner])
            DerivationFactory(source=self.source)
            for log in (AccessAttempt, AccessLog, AccessFailureLog):
                extra = {"failures_since_start": 1} if log is AccessAttempt else {}
                log.objects.create(username=f"u{i}", ip_address="127.0.0.1", **extra)
            DBTaskResult.objects.create(
                task_path="lessons.tasks.derive",
                args_kwargs={"args": [i], "kwargs": {}},
                backend_name="default",
                run_after=timezone.now(),
            )
        self.size = size

    def hub(self, model):
        return (
            self.hubs.get(model._meta.label_lower) or model._default_manager.order_by("pk").first()
        )


@dataclass
class Measure:
    status: int
    queries: int
    size: int


def measure(client, url: str) -> Measure:
    client.get(url)  # fill the per-process caches (content types, sites) first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return Measure(response.status_code, len(queries), len(response.content))


def admin_pages(world, superuser):
    """(name, url) of every registered admin's changelist, add and change page."""
    request = RequestFactory().get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield f"{model._meta.label} changelist", reverse(f"{info}_changelist")
        if model_admin.has_add_permission(request):
            yield f"{model._meta.label} add", reverse(f"{info}_add")
        hub = world.hub(model)
        assert hub is not None, f"give World rows of {model._meta.label} to open one"
        yield f"{model._meta.label} change", reverse(f"{info}_change", args=[hub.pk])


def test_every_admin_page_keeps_its_queries_and_size_whatever_the_data(
    admin_client, admin_user, monkeypatch
):
    # Pages show at most a page of rows; with the page no longer than the small
    # data, any difference between the two measures is growth with the data.
    for module in (base, content, learning):  # each reads the name it imported
        monkeypatch.setattr(module, "SUMMARY_ROWS", SMALL)
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", SMALL)
    world = World(admin_user)
    world.grow(SMALL)
    pages = list(admin_pages(world, admin_user))
    small = {name: measure(admin_client, url) for name, url in pages}
    world.grow(LARGE)
    large = {name: measure(admin_client, url) for name, url in pages}

    report = [
        f"{name}: {small[name].queries}->{large[name].queries} queries, "
        f"{small[name].size}->{large[name].size} bytes"
        for name, _ in pages
    ]

    def size_allowed(name: str) -> int:
        per_child = BYTES_PER_CHILD_EDITED_IN_PLACE.get(name, 0)
        return small[name].size + SIZE_SLACK + per_child * (LARGE - SMALL)

    broken = [
        line
        for line, (name, _) in zip(report, pages, strict=True)
        if large[name].status != 200
        or small[name].status != 200
        or large[name].queries > small[name].queries + QUERY_SLACK
        or large[name].size > size_allowed(name)
    ]
    assert not broken, "\n".join(broken)


def test_the_derivation_pages_read_no_derived_question_whatever_their_number(admin_client):
    """The quality figures on the derivation changelist and change page: a few
    queries, and no question, choice or answer loaded, at 3 or 60 questions."""
    record = DerivationFactory()
    lesson = LessonFactory()
    urls = {
        "changelist": reverse("admin:lessons_derivation_changelist"),
        "changelist of failed": reverse("admin:lessons_derivation_changelist")
        + "?status__exact=failed",
        "change": reverse("admin:lessons_derivation_change", args=[record.pk]),
    }
    loaded = []

    def count_loaded(sender, **kwargs):
        if sender in (Question, Choice, AcceptedAnswer):
            loaded.append(sender)

    def grow(size: int) -> None:
        for i in range(Question.objects.filter(derivation=record).count(), size):
            QuestionFactory(
                lesson=lesson,
                derivation=record,
                origin=Question.Origin.DERIVED,
                status=Question.Status.PUBLISHED if i % 2 else Question.Status.DRAFT,
            )
        record.question_count = size
        record.save()

    def measure_all() -> dict[str, tuple[Measure, int]]:
        result = {}
        for name, url in urls.items():
            loaded.clear()
            page = measure(admin_client, url)
            result[name] = (page, len(loaded))
        return result

    post_init.connect(count_loaded)
    try:
        grow(SMALL)
        small = measure_all()
        grow(LARGE)
        large = measure_all()
    finally:
        post_init.disconnect(count_loaded)

    for name in urls:
        (small_page, small_loaded), (large_page, large_loaded) = small[name], large[name]
        assert small_page.status == large_page.status == 200, name
        assert large_page.queries <= small_page.queries + QUERY_SLACK, name
        # measure() loads each page twice; neither load builds a question.
        assert small_loaded == large_loaded == 0, (name, small_loaded, large_loaded)
