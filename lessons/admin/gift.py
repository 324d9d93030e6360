"""GIFT (Moodle's question format) in the admin: export the questions of
lessons or of a selection, and import a file into a chosen lesson as drafts,
each with the sentence of the text it seems to come from for an educator to
confirm."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from lessons import gift, services
from lessons.admin.base import ModelAdminMixinBase
from lessons.exports import gift_download
from lessons.forms import uploaded_text_check
from lessons.models import Lesson, Question

GIFT_MAX_BYTES = 2 * 1024 * 1024


def lesson_choices(lessons) -> list[tuple[str, list[tuple[int, str]]]]:
    """Lessons as a select's options grouped by course, in course order."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for lesson in lessons.select_related("course").order_by("course", "position", "title"):
        groups.setdefault(lesson.course_id, (str(lesson.course), []))[1].append(
            (lesson.pk, lesson.title)
        )
    return list(groups.values())


class GiftImportForm(forms.Form):
    lesson = forms.TypedChoiceField(
        coerce=int,
        help_text="The questions become drafts at the end of this lesson, and are matched "
        "against the sentences of its text.",
    )
    file = forms.FileField(required=False, help_text="A GIFT file (.txt or .gift), UTF-8.")
    # Not stripped, so the line numbers of errors are those of the pasted text.
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Or paste GIFT here.",
    )

    def __init__(self, *args, lessons, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lesson = self.fields["lesson"]
        assert isinstance(lesson, forms.TypedChoiceField)
        lesson.choices = [("", "Choose a course’s lesson"), *lesson_choices(lessons)]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        upload, text = data.get("file"), data.get("text", "").strip()
        if not upload and not text:
            raise forms.ValidationError("Choose a GIFT file or paste GIFT text.")
        if upload:
            if upload.size > GIFT_MAX_BYTES:
                raise forms.ValidationError("That file is over 2 MB; split it into smaller files.")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    "That file is not UTF-8 text. Save it as UTF-8 and try again."
                ) from None
            data["text"] = uploaded_text_check(self.fields["text"], text, name="That file")
        return data

    def gift_text(self) -> str:
        return self.cleaned_data["text"]


class LessonGiftMixin(ModelAdminMixinBase):
    """A lesson's GIFT: its questions exported, and a file imported into it."""

    def get_urls(self) -> list[URLPattern]:
        import_view = self.admin_site.admin_view(self.import_gift_view)
        return [
            path("import-gift/", import_view, name="lessons_lesson_import_gift_choose"),
            path("<int:lesson_id>/import-gift/", import_view, name="lessons_lesson_import_gift"),
            *super().get_urls(),
        ]

    @admin.action(
        description="Export the questions of selected lessons to GIFT", permissions=["view"]
    )
    def export_gift(self, request, queryset) -> HttpResponse:
        return gift_download(Question.objects.filter(lesson__in=queryset), "lessons.gift.txt")

    def import_gift_view(self, request, lesson_id: int | None = None) -> HttpResponse:
        """Upload or paste a GIFT file and choose a course's lesson (the one it
        was opened from, unless changed); every new question becomes a draft
        there, or, if any line is bad, nothing is imported and each error shown."""
        if not self.has_change_permission(request) or not request.user.has_perm(
            "lessons.add_question"
        ):
            raise PermissionDenied
        lessons = self.get_queryset(request)
        opened_from = get_object_or_404(lessons, pk=lesson_id) if lesson_id else None
        data = None
        if request.method == "POST":
            data = request.POST.copy()
            if opened_from and not data.get("lesson"):
                # A post from the lesson's own page that names no other lesson.
                data["lesson"] = str(opened_from.pk)
        form = GiftImportForm(
            data,
            request.FILES or None,
            lessons=lessons,
            initial={"lesson": opened_from.pk if opened_from else None},
        )
        errors, status = [], 200
        if request.method == "POST" and form.is_valid():
            lesson = get_object_or_404(lessons, pk=form.cleaned_data["lesson"])
            if not self.has_change_permission(request, lesson):
                raise PermissionDenied
            try:
                imported = services.gift_import(lesson=lesson, text=form.gift_text())
            except gift.GiftSyntaxError as error:
                errors, status = error.errors, 400
            else:
                self._report_import(request, imported, lesson)
                changelist = reverse("admin:lessons_question_changelist")
                return redirect(f"{changelist}?lesson__id__exact={lesson.pk}&status__exact=draft")
        elif request.method == "POST":
            status = 400
        where = f" into “{opened_from}”" if opened_from else ""
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import GIFT questions{where}",
            "lesson": opened_from,
            "form": form,
            "gift_errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/lessons/lesson/import_gift.html", context, status=status
        )

    def _report_import(self, request, imported: services.GiftImported, lesson: Lesson) -> None:
        count = len(imported.created)
        suggested = sum(1 for q in imported.created if q.suggested_provenance_id)
        if count:
            self.message_user(
                request,
                f"Imported {count} question{pluralize(count)} into “{lesson}” as drafts. "
                f"{suggested} of them {pluralize(suggested, 'has,have')} a suggested source "
                "sentence to confirm; the others can be published as written by you, with "
                "their explanation.",
                messages.SUCCESS,
            )
        if imported.skipped:
            skipped, were = imported.skipped, pluralize(imported.skipped, "was,were")
            self.message_user(
                request,
                f"{skipped} question{pluralize(skipped)} {were} already in this lesson and "
                f"{were} skipped.",
                messages.WARNING,
            )


class QuestionGiftMixin(ModelAdminMixinBase):
    """Exported questions, and imported ones' suggested source sentences
    confirmed in one click (a row's button) or in bulk (the action)."""

    def get_urls(self) -> list[URLPattern]:
        confirm = self.admin_site.admin_view(self.confirm_suggestion_view)
        return [
            path(
                "<int:question_id>/confirm-suggestion/",
                confirm,
                name="lessons_question_confirm_suggestion",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Export selected questions to GIFT (Moodle)", permissions=["view"])
    def export_gift(self, request, queryset) -> HttpResponse:
        return gift_download(queryset, "questions.gift.txt")

    @admin.display(description="Suggested source sentence")
    def suggested_sentence(self, obj) -> str:
        sentence = obj.suggested_provenance
        if sentence is None:
            return "–"
        # A button of the changelist's own form (which carries the CSRF token)
        # posting elsewhere: a form cannot sit inside that form.
        return format_html(
            '<q>{}</q> <button type="submit" class="button" formaction="{}" '
            'formnovalidate aria-label="Confirm the suggested sentence of question {}">'
            "Confirm</button>",
            Truncator(sentence.text).chars(160),
            reverse("admin:lessons_question_confirm_suggestion", args=[obj.pk]),
            obj.pk,
        )

    @admin.action(description="Confirm suggested sentence", permissions=["change"])
    def confirm_suggestion(self, request, queryset) -> None:
        questions = queryset.select_related("lesson", "suggested_provenance")
        self._report_confirmed(
            request, services.questions_confirm_suggestion(questions=list(questions))
        )

    def confirm_suggestion_view(self, request, question_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        question = get_object_or_404(
            Question.objects.select_related("lesson", "suggested_provenance"), pk=question_id
        )
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        self._report_confirmed(request, services.questions_confirm_suggestion(questions=[question]))
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:lessons_question_changelist")
        return redirect(back)

    def _report_confirmed(self, request, outcome: services.BulkOutcome) -> None:
        if outcome.changed:
            count = len(outcome.changed)
            self.message_user(
                request,
                f"{count} question{pluralize(count)} now cite{pluralize(count, 's,')} "
                "the suggested sentence; publish when ready.",
                messages.SUCCESS,
            )
        for question, reason in outcome.refused:
            self.message_user(
                request,
                f"Not confirmed: “{Truncator(question.prompt).chars(60)}”: {reason}",
                messages.ERROR,
            )
