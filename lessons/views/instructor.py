"""Instructors' pages: their cohorts' scores, one learner's record, item
analysis of a lesson, and CSV exports, each about one course the cohort
follows (`?course=<slug>`, by default its first). Scope (which cohorts,
courses and learners a user may see) is enforced in lessons.reports; these
views translate HTTP."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lessons import charts, exports, reports
from lessons.models import Cohort, Course
from lessons.views.http import HtmxHttpRequest, SignedInRequest, ViewFunction

REPORT_PERMISSION = "lessons.view_cohort_reports"


def instructor_required(view: ViewFunction) -> ViewFunction:
    """Signed-in users with the report permission (Instructors, superusers);
    anyone else signed in gets a 403, anonymous visitors the sign-in page."""

    @login_required
    @wraps(view)
    def wrapped(request: SignedInRequest, *args, **kwargs):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied("Only instructors can see learners' scores.")
        return view(request, *args, **kwargs)

    return wrapped


class ScoresQuery(forms.Form):
    sort = forms.ChoiceField(required=False)
    q = forms.CharField(required=False, max_length=100, strip=True)
    page = forms.CharField(required=False, max_length=12)

    def __init__(self, *args, lessons, **kwargs):
        super().__init__(*args, **kwargs)
        keys = reports.sort_options(lessons)
        sort = self.fields["sort"]
        assert isinstance(sort, forms.ChoiceField)
        sort.choices = [(k, k) for k in keys] + [(f"-{k}", k) for k in keys]


class CourseQuery(forms.Form):
    course = forms.SlugField(required=False, max_length=200)


class LessonReportQuery(forms.Form):
    attempts = forms.ChoiceField(required=False, choices=reports.AttemptScope.choices)


def _bad_request(request: HtmxHttpRequest, form: forms.Form) -> HttpResponse:
    errors = [
        f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in form.errors.items()
    ]
    return render(request, "instructor/bad_request.html", {"errors": errors}, status=400)


class BadQuery(Exception):
    def __init__(self, form: forms.Form):
        self.form = form


def _course_picked(request: HtmxHttpRequest, cohort: Cohort) -> tuple[Course | None, list]:
    """The course the page is about (see reports.course_followed) and the
    courses the picker offers; BadQuery for a malformed ?course=."""
    query = CourseQuery(request.GET)
    if not query.is_valid():
        raise BadQuery(query)
    courses = reports.courses_followed(cohort)
    return reports.course_followed(courses, query.cleaned_data["course"]), courses


def _course_required(course: Course | None) -> Course:
    if course is None:
        raise Http404("This cohort follows no published course.")
    return course


@require_GET
@instructor_required
def instructor_home(request: SignedInRequest) -> HttpResponse:
    cohorts = list(reports.cohorts_for(request.user).prefetch_related("courses"))
    if chosen := request.GET.get("cohort"):
        if chosen.isdecimal() and any(c.pk == int(chosen) for c in cohorts):
            return redirect("lessons:instructor_cohort", cohort_id=int(chosen))
        return render(
            request,
            "instructor/home.html",
            {"cohorts": cohorts, "error": "Pick one of your cohorts."},
            status=400,
        )
    return render(request, "instructor/home.html", {"cohorts": cohorts})


@require_GET
@instructor_required
def instructor_cohort(request: SignedInRequest, cohort_id: int) -> HttpResponse:
    cohort = reports.cohort_for(request.user, cohort_id)
    try:
        course, courses = _course_picked(request, cohort)
    except BadQuery as bad:
        return _bad_request(request, bad.form)
    if course is None:
        return render(
            request, "instructor/cohort.html", {"cohort": cohort, "course": None, "courses": []}
        )
    lessons = list(reports.course_lessons(course))
    query = ScoresQuery(request.GET, lessons=lessons)
    if not query.is_valid():
        return _bad_request(request, query)
    now = timezone.now()
    table = reports.score_table(
        cohort=cohort,
        course=course,
        now=now,
        sort=query.cleaned_data["sort"] or "name",
        query=query.cleaned_data["q"],
        page=query.cleaned_data["page"] or 1,
    )
    context = {
        "table": table,
        "cohort": cohort,
        "course": course,
        "courses": courses,
        "headers": (headers := _sort_headers(table)),
        "lesson_columns": [
            {
                "lesson": lesson,
                "metrics": [
                    {"label": label, **headers[f"{metric}-{lesson.pk}"]}
                    for metric, label in (
                        ("best", "Best"),
                        ("attempts", "Attempts"),
                        ("mastery", "Mastery"),
                    )
                ],
            }
            for lesson in lessons
        ],
        "mastery_chart": charts.bar_chart_svg(
            [
                (lesson.title, cell.mastery or 0)
                for lesson, cell in zip(lessons, table.averages, strict=True)
            ],
            title="Mastery per lesson",
            description=f"The share of each lesson's questions the learners of {cohort} "
            "currently recall, on average.",
            as_percent=True,
            chart_id="mastery-chart",
        ),
    }
    return render(request, "instructor/cohort.html", context)


def _sort_headers(table: reports.ScoreTable) -> dict[str, dict]:
    """Per sort key: the sort a click on its column header asks for (the other
    direction when it is the current one) and its aria-sort state."""
    headers = {}
    current, descending = table.sort.removeprefix("-"), table.sort.startswith("-")
    for key in reports.sort_options(table.lessons):
        # Names read A to Z first; scores and dates most useful highest first.
        first = key if key == "name" else f"-{key}"
        if key == current:
            state = "descending" if descending else "ascending"
            next_sort = key if descending else f"-{key}"
        else:
            state, next_sort = "none", first
        headers[key] = {"sort": next_sort, "state": state}
    return headers


@require_GET
@instructor_required
def instructor_learner(request: SignedInRequest, cohort_id: int, learner_id: int) -> HttpResponse:
    cohort = reports.cohort_for(request.user, cohort_id)
    learner = reports.learner_in(cohort, learner_id)
    try:
        course, courses = _course_picked(request, cohort)
    except BadQuery as bad:
        return _bad_request(request, bad.form)
    context: dict[str, object] = {
        "cohort": cohort,
        "learner": learner,
        "course": course,
        "courses": courses,
    }
    if course is not None:
        context["report"] = reports.learner_report(
            cohort=cohort,
            course=course,
            learner=learner,
            now=timezone.now(),
            page=request.GET.get("page") or 1,
        )
    return render(request, "instructor/learner.html", context)


@require_GET
@instructor_required
def instructor_lesson(request: SignedInRequest, cohort_id: int, slug: str) -> HttpResponse:
    cohort = reports.cohort_for(request.user, cohort_id)
    # Reached from the course's lessons: a lesson of a course the cohort does not follow is a 404.
    lesson = reports.lesson_in(cohort, slug)
    query = LessonReportQuery(request.GET)
    if not query.is_valid():
        return _bad_request(request, query)
    scope = query.cleaned_data["attempts"] or reports.AttemptScope.FIRST
    report = reports.lesson_report_recent(cohort=cohort, lesson=lesson, scope=scope)
    answered = [item for item in report.items if item.stats.responses]
    context = {
        "cohort": cohort,
        "report": report,
        "scopes": reports.AttemptScope.choices,
        "histogram_chart": charts.bar_chart_svg(
            report.histogram,
            title="Scores",
            description=f"How many of the {report.attempts} attempts scored in each band.",
            chart_id="histogram-chart",
        ),
        "facility_chart": charts.bar_chart_svg(
            [(f"Q{n}", item.stats.facility) for n, item in enumerate(answered, start=1)],
            title="Facility per question",
            description="The share of learners answering each question right.",
            as_percent=True,
            chart_id="facility-chart",
        ),
    }
    return render(request, "instructor/lesson_report.html", context)


@require_GET
@instructor_required
def instructor_scores_csv(
    request: SignedInRequest, cohort_id: int
) -> StreamingHttpResponse | HttpResponse:
    cohort = reports.cohort_for(request.user, cohort_id)
    try:
        course = _course_required(_course_picked(request, cohort)[0])
    except BadQuery as bad:
        return _bad_request(request, bad.form)
    rows = exports.score_csv_rows(cohort=cohort, course=course, now=timezone.now())
    return exports.csv_download(rows, f"scores-{cohort.code.lower()}-{course.slug}.csv")


@require_GET
@instructor_required
def instructor_responses_csv(
    request: SignedInRequest, cohort_id: int
) -> StreamingHttpResponse | HttpResponse:
    cohort = reports.cohort_for(request.user, cohort_id)
    try:
        course = _course_required(_course_picked(request, cohort)[0])
    except BadQuery as bad:
        return _bad_request(request, bad.form)
    return exports.csv_download(
        exports.response_csv_rows(cohort=cohort, course=course),
        f"responses-{cohort.code.lower()}-{course.slug}.csv",
    )
