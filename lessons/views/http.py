"""The request types the views receive, for the type checker: django-htmx's
middleware adds `htmx`, and behind login_required the user is an account."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class SignedInRequest(HtmxHttpRequest):
    user: User  # login_required has turned the anonymous away


# A view function: the request, then the URL's arguments.
ViewFunction = Callable[..., HttpResponseBase]
