"""Admin for deriving lessons and drafts from a text, and for reviewing the
drafts. Views only translate HTTP to lessons.derive.services and back."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from lessons.admin.base import CheckedModelAdmin, IdChoiceField
from lessons.derive import MAX_BYTES, DeriveError, read_text
from lessons.derive.pipeline import check_text
from lessons.derive.services import (
    derivation_quality,
    derivation_request,
    derivation_uncovered,
    drafts_publish,
)
from lessons.forms import uploaded_text_check
from lessons.ids import parse_pk
from lessons.models import Course, Derivation, Question

REVIEW_PAGE_SIZE = 50


class DerivationForm(forms.Form):
    title = forms.CharField(max_length=200)
    course = IdChoiceField(
        queryset=Course.objects.filter(status=Course.Status.DRAFT),
        required=False,
        empty_label="A new draft course, titled as the text",
        help_text="Or add the lessons to a draft course. Students see a course's lessons only "
        "once the course is published.",
    )
    file = forms.FileField(required=False, help_text="A UTF-8 .txt file, at most 5 MB.")
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 12}), help_text="Or paste the text."
    )

    def clean_file(self) -> str | None:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB."
            )
        try:
            text = read_text(upload.read(), name="The file")
        except DeriveError as error:
            raise forms.ValidationError(str(error)) from None
        return uploaded_text_check(self.fields["text"], text)

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        text = cleaned.get("file") or cleaned.get("text") or ""
        if cleaned.get("file") and cleaned.get("text"):
            raise forms.ValidationError("Upload a file or paste a text, not both.")
        try:
            check_text(text)
        except DeriveError as error:
            raise forms.ValidationError(str(error)) from None
        # Whether the text has a sentence to teach is the task's to find: splitting
        # a 5 MB text here took 10 s of the request (issue 15.9), and the task
        # fails with that message on the derivation's page.
        cleaned["source_text"] = text
        return cleaned


@admin.register(Derivation)
class DerivationAdmin(CheckedModelAdmin):
    list_display = ("title", "status", "progress", "lesson_count", "question_count", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = (
        "status",
        "progress",
        "message",
        "source",
        "course",
        "lesson_count",
        "question_count",
    )
    change_list_template = "admin/lessons/derivation/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        own = [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="lessons_derivation_review",
            ),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(require_POST(self.publish_view)),
                name="lessons_derivation_publish",
            ),
        ]
        return own + urls

    def changelist_view(self, request, extra_context=None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "quality": derivation_quality()}
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DerivationForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            record = derivation_request(
                title=form.cleaned_data["title"],
                text=form.cleaned_data["source_text"],
                user=request.user,
                course=form.cleaned_data["course"],
            )
            return HttpResponseRedirect(
                reverse("admin:lessons_derivation_change", args=[record.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Derive lessons and questions from a text",
            "form": form,
            "opts": self.model._meta,
            "max_mb": MAX_BYTES // 1024 // 1024,
        }
        return TemplateResponse(request, "admin/lessons/derivation/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None) -> HttpResponse:
        record = get_object_or_404(
            Derivation.objects.select_related("source", "course"), pk=object_id
        )
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Derivation: {record.title}",
            "record": record,
            "opts": self.model._meta,
            "quality": derivation_quality(derivation_ids=[record.pk])
            if record.status == "done"
            else None,
            "uncovered": derivation_uncovered(record=record) if record.status == "done" else None,
        }
        return TemplateResponse(request, "admin/lessons/derivation/progress.html", context)

    def review_view(self, request, pk) -> HttpResponse:
        record = get_object_or_404(Derivation, pk=pk)
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        drafts = (
            Question.objects.filter(derivation=record, status=Question.Status.DRAFT)
            .select_related("provenance", "lesson")
            .prefetch_related("choices", "accepted_answers")
            # The best drafts first: an educator short of time reviews those.
            .order_by(F("confidence").desc(nulls_last=True), "lesson__position", "position", "pk")
        )
        page = Paginator(drafts, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review drafts: {record.title}",
            "record": record,
            "page": page,
            "opts": self.model._meta,
            "can_publish": request.user.has_perm("lessons.change_question"),
        }
        return TemplateResponse(request, "admin/lessons/derivation/review.html", context)

    def publish_view(self, request, pk) -> HttpResponse:
        record = get_object_or_404(Derivation, pk=pk)
        if not request.user.has_perm("lessons.change_question"):
            raise PermissionDenied
        # Not ids are skipped, as unchecked boxes are (one past 64 bits broke SQLite's driver).
        ids = [pk for v in request.POST.getlist("question") if (pk := parse_pk(v)) is not None]
        ids = list(
            Question.objects.filter(derivation=record, pk__in=ids).values_list("pk", flat=True)
        )
        if not ids:
            messages.warning(request, "Select the drafts to publish first.")
        else:
            result = drafts_publish(question_ids=ids)
            messages.success(
                request,
                f"Published {result.published} question(s)"
                + (f" and {result.lessons} lesson(s)" if result.lessons else "")
                + ".",
            )
            for title in result.draft_courses:
                messages.info(
                    request,
                    f"“{title}” is a draft course: students see its lessons once you publish "
                    "the course.",
                )
            for qid, reason in sorted(result.refused.items()):
                messages.error(request, f"Question {qid} stays a draft: {reason}")
        return HttpResponseRedirect(reverse("admin:lessons_derivation_review", args=[record.pk]))
