"""GIFT (Moodle's question format) in the admin: export the questions of
lessons or of a selection, and import a file into a lesson as drafts."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from lessons import gift, services
from lessons.admin.base import ModelAdminMixinBase
from lessons.exports import gift_download
from lessons.forms import uploaded_text_check
from lessons.models import Lesson, Question

GIFT_MAX_BYTES = 2 * 1024 * 1024


class GiftImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="A GIFT file (.txt or .gift), UTF-8.")
    # Not stripped, so the line numbers of errors are those of the pasted text.
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Or paste GIFT here.",
    )

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
            path("<int:lesson_id>/import-gift/", import_view, name="lessons_lesson_import_gift"),
            *super().get_urls(),
        ]

    @admin.action(
        description="Export the questions of selected lessons to GIFT", permissions=["view"]
    )
    def export_gift(self, request, queryset) -> HttpResponse:
        return gift_download(Question.objects.filter(lesson__in=queryset), "lessons.gift.txt")

    def import_gift_view(self, request, lesson_id: int) -> HttpResponse:
        """Upload or paste a GIFT file; every question becomes a draft in this
        lesson, or, if any line is bad, nothing is imported and each error shown."""
        lesson = get_object_or_404(Lesson, pk=lesson_id)
        if not self.has_change_permission(request, lesson) or not request.user.has_perm(
            "lessons.add_question"
        ):
            raise PermissionDenied
        form = GiftImportForm(request.POST or None, request.FILES or None)
        errors, status = [], 200
        if request.method == "POST" and form.is_valid():
            try:
                created = services.gift_import(lesson=lesson, text=form.gift_text())
            except gift.GiftSyntaxError as error:
                errors, status = error.errors, 400
            else:
                count = len(created)
                self.message_user(
                    request,
                    f"Imported {count} question{pluralize(count)} into “{lesson}” as drafts.",
                    messages.SUCCESS,
                )
                changelist = reverse("admin:lessons_question_changelist")
                return redirect(f"{changelist}?lesson__id__exact={lesson.pk}&status__exact=draft")
        elif request.method == "POST":
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import GIFT questions into “{lesson}”",
            "lesson": lesson,
            "form": form,
            "gift_errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/lessons/lesson/import_gift.html", context, status=status
        )


class QuestionGiftMixin(ModelAdminMixinBase):
    @admin.action(description="Export selected questions to GIFT (Moodle)", permissions=["view"])
    def export_gift(self, request, queryset) -> HttpResponse:
        return gift_download(queryset, "questions.gift.txt")
