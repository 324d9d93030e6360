"""Admin of the course content: courses, sources, sentences, lessons and questions."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from lessons import reports, scoring, selectors, services
from lessons.admin.base import (
    SUMMARY_ROWS,
    CheckedAutocompleteSelect,
    CheckedModelAdmin,
    CheckedTabularInline,
    FirstRelatedChoicesFilter,
    NamedInlineRowsFormSet,
    shown_of,
    summary_table,
)
from lessons.admin.gift import LessonGiftMixin, QuestionGiftMixin
from lessons.exports import csv_download, question_csv_rows
from lessons.grading import InvalidAnswer, grade, parse_submission
from lessons.models import (
    AcceptedAnswer,
    Attempt,
    Choice,
    Course,
    Lesson,
    LessonScore,
    LessonSentence,
    Question,
    Sentence,
    Source,
)


@admin.register(Course)
class CourseAdmin(CheckedModelAdmin):
    list_display = ("title", "status", "lesson_total", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "description")
    # Explicit: the lesson count's GROUP BY drops Meta.ordering, and the cohort
    # admin's course autocomplete pages through these rows.
    ordering = ("title", "pk")
    prepopulated_fields = {"slug": ("title",)}
    # A select of every user would grow with the site; authors are few.
    raw_id_fields = ("authors",)
    # Only the actions change the status: publishing checks the course first.
    readonly_fields = ("status", "created_at", "lesson_summary")
    actions = ["publish_course", "unpublish_course"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).annotate(lesson_count=Count("lessons"))

    @admin.display(description="Lessons", ordering="lesson_count")
    def lesson_total(self, obj) -> int:
        return obj.lesson_count

    @admin.display(description="Lessons")
    def lesson_summary(self, obj) -> str:
        """The first lessons in course order, with links."""
        if obj is None or obj.pk is None:
            return "Save the course first; lessons are derived into it or added to it."
        lessons = list(obj.lessons.order_by("position", "title")[:SUMMARY_ROWS])
        total = obj.lessons.count() if len(lessons) == SUMMARY_ROWS else len(lessons)
        rows = [
            (
                lesson.position,
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:lessons_lesson_change", args=[lesson.pk]),
                    lesson.title,
                ),
                "yes" if lesson.published else "no",
            )
            for lesson in lessons
        ]
        return format_html(
            '{}<p>{} <a href="{}?course__id__exact={}">All lessons of this course</a></p>',
            summary_table(("Position", "Lesson", "Published"), rows),
            shown_of(total, "lesson"),
            reverse("admin:lessons_lesson_changelist"),
            obj.pk,
        )

    @admin.action(description="Publish course", permissions=["change"])
    def publish_course(self, request, queryset) -> None:
        for course in queryset:
            try:
                services.course_publish(course=course)
            except services.CourseNotReady as error:
                self.message_user(
                    request,
                    f"“{course}” is not published: {' '.join(error.problems)}",
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    f"“{course}” is published: students see its published lessons.",
                    messages.SUCCESS,
                )
                if not course.cohorts.exists():
                    # Reports are per cohort: without one, no instructor sees its
                    # scores. Only who may change cohorts is told to add it.
                    todo = (
                        "add it to a cohort's courses."
                        if request.user.has_perm("lessons.change_cohort")
                        else "ask an administrator to add it to a cohort's courses."
                    )
                    self.message_user(
                        request,
                        f"No cohort follows it yet, so no instructor's reports show “{course}”: "
                        + todo,
                        messages.WARNING,
                    )

    @admin.action(description="Take course back to draft", permissions=["change"])
    def unpublish_course(self, request, queryset) -> None:
        for course in queryset:
            services.course_unpublish(course=course)
            self.message_user(
                request, f"“{course}” is a draft: students no longer see it.", messages.SUCCESS
            )


@admin.register(Source)
class SourceAdmin(CheckedModelAdmin):
    list_display = ("title", "slug", "course", "created_at")
    list_filter = (("course", FirstRelatedChoicesFilter),)
    search_fields = ("title", "text")
    autocomplete_fields = ("course",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("checksum", "created_at", "passage_summary")

    @admin.display(description="Passages")
    def passage_summary(self, obj) -> str:
        """The first passages, shortened: the full text is the field above."""
        if obj is None or obj.pk is None:
            return "The passages are split from the text when it is brought in."
        passages = list(obj.passages.order_by("position")[:SUMMARY_ROWS])
        total = obj.passages.count() if len(passages) == SUMMARY_ROWS else len(passages)
        rows = [(p.number, Truncator(p.text).chars(200)) for p in passages]
        return format_html(
            "{}<p>{}</p>", summary_table(("Passage", "Text"), rows), shown_of(total, "passage")
        )


@admin.register(Sentence)
class SentenceAdmin(CheckedModelAdmin):
    list_display = ("text", "source", "position", "is_noise")
    list_filter = (("source", FirstRelatedChoicesFilter), "is_noise")
    search_fields = ("text",)
    # A select of every source, or of every passage (whose name reads its
    # source), would grow the page and its queries with the whole library.
    autocomplete_fields = ("source",)
    raw_id_fields = ("passages",)


class PreloadedAutocompleteSelect(CheckedAutocompleteSelect):
    """An autocomplete select that renders its chosen object from the one its
    form already holds: the stock widget looks it up again, a query per row."""

    chosen = None

    def optgroups(self, name, value, attr=None) -> list:
        values = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.chosen is None or values != [str(self.chosen.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(self.chosen)
        options.append(self.create_option(name, self.chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


class LessonSentenceForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("sentence")
        if field is not None and self.instance.sentence_id:
            # The admin wraps the widget to add its related-object links.
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, PreloadedAutocompleteSelect):
                widget.chosen = self.instance.sentence


class LessonSentenceInline(CheckedTabularInline):
    model = LessonSentence
    # A derived lesson has at most 12 sentences (derive.grouping.MAX_SENTENCES),
    # the shipped ones at most 7; room for a long authored one.
    max_num = 50
    form = LessonSentenceForm
    extra = 0
    autocomplete_fields = ("sentence",)
    ordering = ("position",)

    def get_queryset(self, request) -> QuerySet:
        # Each row shows its name, which reads the lesson, and its sentence.
        return super().get_queryset(request).select_related("lesson", "sentence")

    def formfield_for_foreignkey(
        self, db_field, request, **kwargs
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "sentence":
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Lesson)
class LessonAdmin(LessonGiftMixin, CheckedModelAdmin):
    list_display = ("title", "course", "position", "published", "source")
    list_editable = ("position", "published")
    list_filter = (
        ("course", FirstRelatedChoicesFilter),
        "published",
        ("source", FirstRelatedChoicesFilter),
    )
    search_fields = ("title", "summary")
    autocomplete_fields = ("course", "source")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("question_summary",)
    inlines = [LessonSentenceInline]
    actions = ["export_gift"]

    @admin.display(description="Questions")
    def question_summary(self, obj) -> str:
        """The first questions with links; they are edited on the question
        page, which pages through any number of them."""
        add = reverse("admin:lessons_question_add")
        if obj is None or obj.pk is None:
            return "Save the lesson first, then add its questions."
        questions = list(
            obj.questions.order_by("position", "pk").only(
                "pk", "lesson_id", "position", "kind", "prompt", "status"
            )[:SUMMARY_ROWS]
        )
        total = obj.questions.count() if len(questions) == SUMMARY_ROWS else len(questions)
        rows = [
            (
                q.position,
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:lessons_question_change", args=[q.pk]),
                    Truncator(q.prompt).chars(90),
                ),
                q.get_kind_display(),
                q.get_status_display(),
            )
            for q in questions
        ]
        changelist = reverse("admin:lessons_question_changelist")
        return format_html(
            '{}<p>{} <a href="{}?lesson__id__exact={}">All questions of this lesson</a> · '
            '<a href="{}?lesson={}">Add a question</a></p>',
            summary_table(("Position", "Prompt", "Kind", "Status"), rows),
            shown_of(total, "question"),
            changelist,
            obj.pk,
            add,
            obj.pk,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None) -> HttpResponse:
        # Questions that give each other away in any order: masking cannot
        # hide a question's own words, so the educator is told to reword them.
        lesson_id = int(object_id) if str(object_id).isdecimal() else None
        extra_context = {**(extra_context or {}), "giveaways": _giveaway_rows(lesson_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.lesson_content_changed(lesson_id=form.instance.pk)


# The warning lists this many give-aways at most: enough to start editing,
# and the page stays short for a lesson whose every question shares words.
GIVEAWAY_ROWS = 10


def _giveaway_rows(lesson_id: int | None) -> list[dict]:
    """The lesson's unavoidable give-aways for the change page's warning."""
    if lesson_id is None:
        return []
    change = "admin:lessons_question_change"
    found = selectors.lesson_unavoidable_giveaways(lesson_id)
    return [
        {
            "question": Truncator(question.prompt).chars(90),
            "question_url": reverse(change, args=[question.id]),
            "other": Truncator(other.prompt).chars(90),
            "other_url": reverse(change, args=[other.id]),
            "words": words,
        }
        for question, other, words in found[:GIVEAWAY_ROWS]
    ] + ([{"more": len(found) - GIVEAWAY_ROWS}] if len(found) > GIVEAWAY_ROWS else [])


class AnswerRowsFormSet(NamedInlineRowsFormSet):
    """Hands the submitted rows to the question's own rules, so the admin shows
    the same message the model gives everywhere else."""

    def live_rows(self) -> list:
        return [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def check_rows(self, question: Question, rows: list) -> None:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        # The parent form's cleaned values are already on self.instance here.
        if any(form.errors for form in self.forms) or not self.instance.kind:
            return
        self.check_rows(self.instance, self.live_rows())


class ChoiceFormSet(AnswerRowsFormSet):
    def check_rows(self, question: Question, rows: list) -> None:
        question.clean_choices(rows)


class AcceptedAnswerFormSet(AnswerRowsFormSet):
    def check_rows(self, question: Question, rows: list) -> None:
        question.clean_accepted_answers(rows)


class ChoiceInline(CheckedTabularInline):
    model = Choice
    # The shipped questions have at most 5 choices; derived ones a similar handful.
    max_num = 20
    formset = ChoiceFormSet
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}
    }

    def get_extra(self, request, obj=None, **kwargs) -> int:
        # A new question starts with room for four choices; blank rows are ignored.
        return 4 if obj is None else 0

    fields = ("position", "text", "is_correct", "feedback")
    ordering = ("position",)


class AcceptedAnswerInline(CheckedTabularInline):
    model = AcceptedAnswer
    # The shipped questions accept at most 8 spellings.
    max_num = 20
    formset = AcceptedAnswerFormSet

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 2 if obj is None else 0


class QuestionChangeList(ChangeList):
    """Attaches each listed question's item statistics (over learners' first
    attempts, as the instructor reports count them) in two grouped queries."""

    def get_results(self, request) -> None:
        super().get_results(request)
        if "facility" not in self.list_display:
            return
        ids = [q.pk for q in self.result_list]
        first_attempts = Attempt.objects.filter(pk__in=LessonScore.objects.values("first_attempt"))
        stats = reports.item_statistics(attempts=first_attempts, question_ids=ids)
        for question in self.result_list:
            question.item_stats = stats.get(question.pk)


@admin.register(Question)
class QuestionAdmin(QuestionGiftMixin, CheckedModelAdmin):
    list_display = (
        "short_prompt",
        "lesson",
        "kind",
        "status",
        # Origin is a filter, not a column: the statistics columns ran off a 1280 px screen.
        "position",
        "response_count",
        "facility",
        "discrimination",
        "needs_review",
        "suggested_sentence",
    )
    list_filter = (
        ("lesson__course", FirstRelatedChoicesFilter),
        ("lesson", FirstRelatedChoicesFilter),
        "kind",
        "status",
        "origin",
    )
    search_fields = ("prompt", "explanation")
    ordering = ("lesson", "position")
    # Not selects of every lesson and passage: those grow with the library, and
    # a passage's name reads its source, a query per option.
    autocomplete_fields = ("lesson", "provenance")
    raw_id_fields = ("provenance_passage",)
    list_select_related = ("lesson", "suggested_provenance")
    readonly_fields = ("responses_note", "suggested_provenance")
    inlines = [ChoiceInline, AcceptedAnswerInline]

    def change_view(self, request, object_id, form_url="", extra_context=None) -> HttpResponse:
        lesson_id = (
            Question.objects.filter(pk=object_id).values_list("lesson_id", flat=True).first()
            if str(object_id).isdecimal()
            else None
        )
        extra_context = {**(extra_context or {}), "giveaways": _giveaway_rows(lesson_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    actions = [
        "publish",
        "confirm_suggestion",
        "unpublish",
        "duplicate",
        "move_to_lesson",
        "export_gift",
        "export_csv",
    ]
    fieldsets = (
        (None, {"fields": ("lesson", "kind", "status", "position", "prompt")}),
        (
            "Teaching",
            {
                "fields": (
                    "explanation",
                    "provenance",
                    "suggested_provenance",
                    "provenance_passage",
                    "highlight",
                )
            },
        ),
        ("Where it came from", {"fields": ("origin", "responses_note")}),
    )

    # Computed over every learner on the site: for the people who edit the
    # questions, not for whoever may only look at them.
    STATISTICS_COLUMNS = ("response_count", "facility", "discrimination", "needs_review")

    def get_list_display(self, request) -> Sequence[str]:  # type: ignore[override]  # names only
        if request.user.has_perm("lessons.change_question"):
            return self.list_display
        # The suggestion column holds the button that confirms it.
        editors_only = (*self.STATISTICS_COLUMNS, "suggested_sentence")
        return tuple(c for c in self.list_display if c not in editors_only)

    def get_queryset(self, request) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                responses_total=Count("responses"),
                responses_correct=Count("responses", filter=Q(responses__is_correct=True)),
            )
        )

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:question_id>/preview/", preview, name="lessons_question_preview"),
            *super().get_urls(),
        ]

    # ---- columns

    @admin.display(description="Prompt", ordering="prompt")
    def short_prompt(self, obj) -> str:
        return Truncator(obj.prompt).chars(90)

    @admin.display(description="Responses", ordering="responses_total")
    def response_count(self, obj) -> int:
        return obj.responses_total

    def get_changelist(self, request, **kwargs) -> type[ChangeList]:
        return QuestionChangeList

    # A share as the instructor's pages give it ("66%"), over every learner's
    # first attempt (the instructor's pages count one cohort's).
    @admin.display(description="Facility")
    def facility(self, obj) -> str:
        stats = getattr(obj, "item_stats", None)
        return "–" if stats is None else scoring.percent_label(stats.facility)

    @admin.display(description="Discrimination")
    def discrimination(self, obj) -> str:
        stats = getattr(obj, "item_stats", None)
        if stats is None or stats.discrimination is None:
            return "–"
        return f"{stats.discrimination:.0f}"

    @admin.display(description="Needs review")
    def needs_review(self, obj) -> str:
        stats = getattr(obj, "item_stats", None)
        if stats is None or stats.responses < reports.REVIEW_MIN_RESPONSES:
            return "–"
        reason = reports.needs_review(stats)
        if not reason:
            return format_html('<img src="{}" alt="No"> no', static("admin/img/icon-no.svg"))
        return format_html(
            '<img src="{}" alt="Needs review"> {}', static("admin/img/icon-alert.svg"), reason
        )

    @admin.display(description="Learners' responses")
    def responses_note(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "None yet."
        count = obj.responses.count()
        preview = reverse("admin:lessons_question_preview", args=[obj.pk])
        if not count:
            return format_html(
                'None yet. <a href="{}" target="_blank">Preview as a student</a>', preview
            )
        return format_html(
            "{} response{}: edits keep what they answered against; to retire this question, "
            'unpublish it (it cannot be deleted). <a href="{}" target="_blank">Preview as a '
            "student</a>",
            count,
            pluralize(count),
            preview,
        )

    # ---- safety

    def has_delete_permission(self, request, obj=None) -> bool:
        # Learners' answers point at the question; history must not vanish.
        if obj is not None and obj.responses.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # After the inlines: the fingerprint covers the choices and accepted answers.
        services.question_fingerprints_refresh(question_ids=[form.instance.pk])
        # A question moved to another lesson changes both lessons' content.
        lesson_ids = {form.instance.lesson_id, form.initial.get("lesson")} - {None}
        for lesson_id in lesson_ids:
            services.lesson_content_changed(lesson_id=lesson_id)
        question = form.instance
        if not question.is_published and (problems := question.publishing_problems()):
            self.message_user(
                request,
                "Saved as a draft. Before it can be published: " + " ".join(problems),
                messages.WARNING,
            )

    # ---- where a saved or deleted question leads

    def _back_to(self, request) -> str | None:
        """The page that sent the educator here (?next=, e.g. a derivation's
        review of drafts), if it is on this site: a save or a delete returns
        there instead of to the list of every question."""
        target = request.GET.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return None

    def response_change(self, request, obj) -> HttpResponse:
        response = super().response_change(request, obj)
        staying = {"_continue", "_addanother", "_saveasnew"} & set(request.POST)
        back = self._back_to(request)
        if back and not staying and response.status_code == 302:
            return HttpResponseRedirect(back)
        return response

    def response_delete(self, request, obj_display, obj_id) -> HttpResponse:
        response = super().response_delete(request, obj_display, obj_id)
        back = self._back_to(request)
        if back and response.status_code == 302:
            return HttpResponseRedirect(back)
        return response

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        services.lesson_content_changed(lesson_id=obj.lesson_id)

    def delete_queryset(self, request, queryset) -> None:
        lesson_ids = set(queryset.values_list("lesson_id", flat=True))
        super().delete_queryset(request, queryset)
        for lesson_id in lesson_ids:
            services.lesson_content_changed(lesson_id=lesson_id)

    # ---- actions

    def _report(self, request, outcome: services.BulkOutcome, verb: str) -> None:
        if outcome.changed:
            count = len(outcome.changed)
            self.message_user(
                request, f"{count} question{pluralize(count)} {verb}.", messages.SUCCESS
            )
        for question, reason in outcome.refused:
            self.message_user(
                request,
                f"Not {verb}: “{Truncator(question.prompt).chars(60)}”: {reason}",
                messages.ERROR,
            )

    @admin.action(description="Publish selected questions", permissions=["change"])
    def publish(self, request, queryset) -> None:
        questions = queryset.select_related("lesson", "provenance__source").prefetch_related(
            "choices", "accepted_answers"
        )
        self._report(request, services.questions_publish(questions=list(questions)), "published")

    @admin.action(description="Unpublish selected questions", permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        self._report(request, services.questions_unpublish(questions=list(queryset)), "unpublished")

    @admin.action(description="Duplicate selected questions (as drafts)", permissions=["add"])
    def duplicate(self, request, queryset) -> None:
        copies = [services.question_duplicate(question=q) for q in queryset]
        self._report(request, services.BulkOutcome(copies, []), "duplicated")

    @admin.action(description="Move selected questions to another lesson", permissions=["change"])
    def move_to_lesson(self, request, queryset) -> HttpResponse | None:
        form = MoveQuestionsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            questions = list(queryset.select_related("provenance"))
            outcome = services.questions_move(
                questions=questions, lesson=form.cleaned_data["lesson"]
            )
            self._report(request, outcome, f"moved to “{form.cleaned_data['lesson']}”")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Move questions to another lesson",
            "form": form,
            "questions": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/lessons/question/move.html", context)

    @admin.action(description="Export selected questions to CSV", permissions=["view"])
    def export_csv(self, request, queryset) -> StreamingHttpResponse:
        questions = queryset.select_related("lesson", "provenance").prefetch_related(
            "choices", "accepted_answers"
        )
        return csv_download(question_csv_rows(questions), "questions.csv")

    # ---- preview

    def preview_view(self, request, question_id: int) -> HttpResponse:
        """The question exactly as a student sees it; answering it shows the
        feedback and records nothing."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            question = selectors.question_data(question_id)
        except Question.DoesNotExist:
            raise Http404("No such question.") from None
        context = {
            "preview": True,
            "question": question,
            "choices": [(c, False) for c in question.choices],
            "answer_url": reverse("admin:lessons_question_preview", args=[question_id]),
            "change_url": reverse("admin:lessons_question_change", args=[question_id]),
        }
        status = 200
        if request.method == "POST":
            try:
                submission = parse_submission(
                    question,
                    choice_values=request.POST.getlist("choice"),
                    text=request.POST.get("answer"),
                )
            except InvalidAnswer as error:
                context["error"], status = str(error), 400
            else:
                chosen = submission.choice_ids
                context |= {
                    "response": SimpleNamespace(answer=submission.as_json()),
                    "result": grade(question, submission),
                    "choices": [(c, c.id in chosen) for c in question.choices],
                }
        template = "lessons/question.html#card" if request.htmx else "lessons/question.html"
        return TemplateResponse(request, template, context, status=status)


class MoveQuestionsForm(forms.Form):
    lesson = forms.ModelChoiceField(queryset=Lesson.objects.order_by("position", "title"))
