"""Refuse, once, a request body Django cannot read, or a query string no
page can take.

Django raises on every read of `request.POST` whose body it cannot parse (a
form declared in a charset other than UTF-8, too many fields, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a broken multipart body). The CSRF middleware
reads it, and so do the 400 and 500 handlers through `requires_csrf_token`,
each failing again: one such request became a 500 and hundreds of log lines.
Reading the body here, before anything else does, turns it into one 400
(413 for one too large).

DATA_UPLOAD_MAX_MEMORY_SIZE leaves out file parts, so UploadLimitHandler caps
a multipart body and each of its files at UPLOAD_MAX_BYTES: without it a
100 MB file posted to any page (the sign-in page, say) is streamed to disk.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.log import log_response

FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
UNREADABLE_BODY = (BadRequest, SuspiciousOperation, MultiPartParserError)


class NulInQueryString(BadRequest):
    pass


class UnreadableBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            # No page takes a NUL, and PostgreSQL cannot compare text with one:
            # an admin filter (?status__exact=%00) given one was a 500.
            return unreadable_body_response(request, NulInQueryString("a NUL in the query string"))
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
    status = 400
    if isinstance(error, RequestDataTooBig):
        message, status = "The request is too large.", 413
    elif isinstance(error, NulInQueryString):
        message = "The address holds a character no page takes (a NUL)."
    elif request.encoding and request.encoding.lower() != "utf-8":  # as Django tests it
        message = "The form could not be read: send it UTF-8 encoded, as browsers do."
    else:
        message = "The form could not be read."
    response = HttpResponse(refused_page(request, message, status), status=status)
    log_response(
        "Unreadable request body: %s: %s",
        request.path,
        error,
        response=response,
        request=request,
    )
    return response


def refused_page(request: HttpRequest, message: str, status: int) -> str:
    """The site's page for a refused request, not a bare line of text: a
    pasted text too large for a form left an educator on a blank page with
    no way back. The session and user are not read yet (this runs before
    their middleware), so it shows what a signed-out visitor sees."""
    referer = request.headers.get("referer", "")
    back = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {
        "user": AnonymousUser(),
        "messages": [],
        "message": message,
        "too_large": status == 413,
        "form_limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "back_url": referer if back else "",
    }
    return loader.get_template("request_refused.html").render(context, request)


class UploadLimitHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: refuse a multipart body over
    UPLOAD_MAX_BYTES before a byte of it is read, and any file part that
    grows past it (should a body be longer than it declared)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        if content_length > settings.UPLOAD_MAX_BYTES:
            raise RequestDataTooBig(f"Request body exceeded UPLOAD_MAX_BYTES ({content_length}).")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            raise RequestDataTooBig("An uploaded file exceeded UPLOAD_MAX_BYTES.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        # The next handler (memory or temporary file) makes the file.
        return None
