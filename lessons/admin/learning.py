"""Admin of learners' data (attempts, responses, cohorts) and of accounts,
each scoped to what the signed-in staff member may see."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.html import format_html

from lessons import reports, scoring, services
from lessons.admin.base import (
    SUMMARY_ROWS,
    CheckedIdsMixin,
    CheckedModelAdmin,
    FirstRelatedChoicesFilter,
    shown_of,
)
from lessons.forms import StaffUserChangeForm, StaffUserCreationForm
from lessons.models import Attempt, Cohort, Response


class LearnerDataAdmin(CheckedModelAdmin):
    """An admin of learners' data, scoped by the admin itself: a non-superuser
    sees only rows of the learners of the cohorts they instruct, whatever
    permissions a group is given later. get_queryset also serves the change,
    history and delete views' lookups by id, so another learner's row there is
    the admin's "does not exist" redirect, not the row."""

    def scoped_for(self, queryset: QuerySet, user) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scoped_for(queryset, request.user)


class DateHierarchyChangeList(ChangeList):
    """Django turns a date hierarchy's impossible date (ValueError) into its
    bad-lookup redirect, but a year too large for a C long is an OverflowError,
    which was a 500."""

    def get_filters(self, request) -> Any:
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


@admin.register(Attempt)
class AttemptAdmin(LearnerDataAdmin):
    list_display = ("learner", "lesson", "kind", "started_at", "finished_at", "score")
    list_filter = (("lesson", FirstRelatedChoicesFilter),)
    search_fields = ("learner__username",)
    date_hierarchy = "started_at"

    @admin.display(description="Kind", ordering="is_retry")
    def kind(self, attempt: Attempt) -> str:
        # A retry's score is practice, not the learner's score (lessons.scoring).
        return scoring.attempt_kind_label(attempt)

    def scoped_for(self, queryset, user) -> QuerySet:
        return queryset.filter(learner__in=reports.learners_for(user))

    def get_changelist(self, request, **kwargs) -> type[ChangeList]:
        return DateHierarchyChangeList

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(LearnerDataAdmin):
    list_display = ("attempt", "question", "is_correct", "answered_at", "time_taken")
    list_filter = ("is_correct",)
    list_select_related = ("attempt__learner", "attempt__lesson", "question")

    def scoped_for(self, queryset, user) -> QuerySet:
        return queryset.filter(attempt__learner__in=reports.learners_for(user))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


MAX_USERNAMES_PER_SAVE = 1000


class CohortForm(forms.ModelForm):
    """A cohort's learners are not one select of every member (a page that
    grows with the cohort): the page shows the first of them, and learners are
    added or removed here by username, beside joining with the code."""

    add_learners = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Usernames to add, separated by spaces, commas or new lines.",
    )
    remove_learners = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Usernames to remove from the cohort.",
    )

    class Meta:
        model = Cohort
        fields = ("name", "code", "pass_mark", "instructors", "courses")

    def _accounts(self, name: str) -> list:
        usernames = set(re.split(r"[\s,]+", self.cleaned_data[name].strip())) - {""}
        if len(usernames) > MAX_USERNAMES_PER_SAVE:
            raise forms.ValidationError(
                f"That is {len(usernames)} usernames; give at most "
                f"{MAX_USERNAMES_PER_SAVE} at a time."
            )
        accounts = list(User.objects.filter(username__in=usernames))
        unknown = usernames - {account.get_username() for account in accounts}
        if unknown:
            raise forms.ValidationError(f"No account is named {', '.join(sorted(unknown))}.")
        return accounts

    def clean_add_learners(self) -> list:
        return self._accounts("add_learners")

    def clean_remove_learners(self) -> list:
        return self._accounts("remove_learners")


@admin.register(Cohort)
class CohortAdmin(LearnerDataAdmin):
    """Cohorts are learner data: superusers (or whoever is given the cohort
    permissions) manage them; learners can also join with the code. A
    non-superuser sees only the cohorts they instruct."""

    form = CohortForm
    list_display = ("name", "code", "learner_total", "instructor_names", "pass_mark")
    search_fields = ("name", "code")
    # Autocompletes: the page shows the chosen rows only, not every account or course.
    autocomplete_fields = ("instructors", "courses")
    readonly_fields = ("learner_summary",)
    fieldsets = (
        (None, {"fields": ("name", "code", "pass_mark", "instructors", "courses")}),
        ("Learners", {"fields": ("learner_summary", "add_learners", "remove_learners")}),
    )

    def scoped_for(self, queryset, user) -> QuerySet:
        return queryset.filter(pk__in=reports.cohorts_for(user).values("pk"))

    def get_queryset(self, request) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(learner_total=Count("learners", distinct=True))
            .prefetch_related("instructors")
        )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.cohort_learners_change(
            cohort=form.instance,
            add=form.cleaned_data["add_learners"],
            remove=form.cleaned_data["remove_learners"],
        )

    @admin.display(description="Learners")
    def learner_summary(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "None yet: add them below, or give learners the join code."
        learners = [u.get_username() for u in obj.learners.order_by("username")[:SUMMARY_ROWS]]
        if not learners:
            return "None yet: add them below, or give learners the join code."
        total = getattr(obj, "learner_total", None)
        if total is None:
            total = obj.learners.count()
        return format_html(
            '{}<p>{} <a href="{}">Their scores</a></p>',
            ", ".join(learners),
            shown_of(total, "learner"),
            reverse("lessons:instructor_cohort", args=[obj.pk]),
        )

    @admin.display(description="Learners", ordering="learner_total")
    def learner_total(self, obj) -> int:
        return obj.learner_total

    @admin.display(description="Instructors")
    def instructor_names(self, obj) -> str:
        return ", ".join(u.get_username() for u in obj.instructors.all()) or "–"

    def view_on_site(self, obj) -> str:
        return reverse("lessons:instructor_cohort", args=[obj.pk])


# Django's user admin, with sign-up's username rules on "add user" and renames.
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(CheckedIdsMixin, UserAdmin):
    add_form = StaffUserCreationForm
    form = StaffUserChangeForm
