"""Downloads: CSV streamed row by row so a big export never sits in memory,
and small files made whole."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object whose write returns the line, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value):
    """Text cells that a spreadsheet would run as a formula are quoted; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _as_attachment(response: HttpResponse | StreamingHttpResponse, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow([safe_cell(cell) for cell in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    return _as_attachment(response, filename)


def file_download(content: str, filename: str, content_type: str) -> HttpResponse:
    """A download made whole in memory (a GIFT file: bounded by the questions chosen)."""
    return _as_attachment(
        HttpResponse(content, content_type=f"{content_type}; charset=utf-8"), filename
    )
