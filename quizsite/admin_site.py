"""The project's admin site: Django's, plus checks that hold for every
registered ModelAdmin, the project's and third-party ones (auth, axes,
django_tasks) alike. INSTALLED_APPS names QuizAdminConfig in place of
"django.contrib.admin", so admin.site and @admin.register are this site."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, TypeVar, cast

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from lessons.ids import parse_pk

ViewType = TypeVar("ViewType", bound=Callable)

if TYPE_CHECKING:  # auth's forms need the app registry, which loads this module
    from django.contrib.auth.forms import AuthenticationForm


def forged_selection(request: HttpRequest) -> bool:
    """Whether a POST selects rows by values that cannot be ids. Django's
    actions filter the changelist by them unchecked: text raised ValueError,
    and an id past 64 bits OverflowError on SQLite, a 500 on every changelist."""
    if request.method != "POST":
        return False
    return any(parse_pk(value) is None for value in request.POST.getlist(ACTION_CHECKBOX_NAME))


class CourseNamingAutocompleteJsonView(AutocompleteJsonView):
    """The admin's search-as-you-type results, with each lesson named with its
    course: lessons of several courses share titles ("Evaporation and
    transpiration" three times over), and a bare title could not tell them
    apart."""

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if queryset.model._meta.label == "lessons.Lesson":
            queryset = queryset.select_related("course")
        return queryset

    def serialize_result(self, obj, to_field_name) -> dict:
        result = super().serialize_result(obj, to_field_name)
        if obj._meta.label == "lessons.Lesson":
            result["text"] = f"{obj.title} · {obj.course.title}"
        return result


class QuizAdminSite(admin.AdminSite):
    # The app list beside every page took a quarter of a 1280 px screen, and
    # the question list's statistics columns ran off its right edge; the
    # breadcrumbs and the index lead to the same pages.
    enable_nav_sidebar = False

    # The site's own name (settings.SITE_NAME), as every other page says it.
    @property
    def site_header(self) -> str:  # type: ignore[override]
        return f"{settings.SITE_NAME} administration"

    @property
    def site_title(self) -> str:  # type: ignore[override]
        return f"{settings.SITE_NAME} admin"

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        # A JsonResponse, as Django's own view returns.
        return cast(
            HttpResponse, CourseNamingAutocompleteJsonView.as_view(admin_site=self)(request)
        )

    # Django's is a class attribute, which this module cannot set at import.
    @property
    def login_form(self) -> type[AuthenticationForm]:  # type: ignore[override]
        # Imported when first used: this module is loaded with the app
        # registry, before forms (which need models) can be imported.
        from lessons.forms import AdminSignInForm

        return AdminSignInForm

    def admin_view(self, view: ViewType, cacheable: bool = False) -> ViewType:
        @wraps(view)
        def checked_view(request, *args, **kwargs):
            # Inside Django's wrapper: only a signed-in staff member gets here.
            if forged_selection(request):
                messages.error(
                    request,
                    "The selected rows are not rows of this list; select them again. "
                    "No items have been changed.",
                )
                return HttpResponseRedirect(request.get_full_path())
            return view(request, *args, **kwargs)

        return super().admin_view(cast(ViewType, checked_view), cacheable)


class QuizAdminConfig(AdminConfig):
    default_site = "quizsite.admin_site.QuizAdminSite"
