"""Refuse, once, a request body Django cannot read.

Django raises on every read of `request.POST` whose body it cannot parse (a
form declared in a charset other than UTF-8, too many fields, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a broken multipart body). The CSRF middleware
reads it, and so do the 400 and 500 handlers through `requires_csrf_token`,
each failing again: one such request became a 500 and hundreds of log lines.
Reading the body here, before anything else does, turns it into one 400.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.log import log_response

FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
UNREADABLE_BODY = (BadRequest, SuspiciousOperation, MultiPartParserError)


class UnreadableBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Django parses a form body only for POST; other methods read empty.
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            try:
                request.POST  # noqa: B018 - parsing is the point
            except UNREADABLE_BODY as error:
                return unreadable_body_response(request, error)
        return self.get_response(request)


def unreadable_body_response(request: HttpRequest, error: Exception) -> HttpResponse:
    # Later readers (logging, the response middleware) see an empty form
    # rather than raising again.
    request.POST = QueryDict()
    if isinstance(error, RequestDataTooBig):
        message = "The request is too large."
    elif request.encoding and request.encoding.lower() not in {"utf-8", "utf8"}:
        message = "The form could not be read: send it UTF-8 encoded, as browsers do."
    else:
        message = "The form could not be read."
    response = HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    log_response(
        "Unreadable request body: %s: %s",
        request.path,
        error,
        response=response,
        request=request,
    )
    return response
