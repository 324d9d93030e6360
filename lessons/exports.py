"""Exports: rows and files made from data other modules read. The CSV rows
(questions, a cohort's scores, a cohort's responses), GIFT files of questions,
the download responses that carry them, and a stored answer as text.

Nothing here decides who may see what: the callers pass questions the admin
chose, and cohort data comes through lessons.reports, which scopes it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse

from lessons import gift, reports
from lessons.models import Cohort, Course, Question
from lessons.scoring import FULL_ATTEMPT_LABEL, RETRY_LABEL, csv_percent
from lessons.selectors import question_data_from

# ---------------------------------------------------------------- downloads

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object whose write returns the line, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: object) -> object:
    """Text cells that a spreadsheet would run as a formula are quoted; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _as_attachment(response: HttpResponse | StreamingHttpResponse, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Excel reads a CSV without a byte order mark in the computer's local code
# page ("Zoë" shows as "ZoÃ«"); with one, it and LibreOffice read UTF-8, and
# Python's "utf-8-sig" codec drops it.
UTF8_BOM = "\ufeff"


def csv_download(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """CSV streamed row by row, so a big export never sits in memory; UTF-8
    with a byte order mark, so that spreadsheets open it as UTF-8."""
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        chain((UTF8_BOM,), (writer.writerow([safe_cell(cell) for cell in row]) for row in rows)),
        content_type="text/csv; charset=utf-8",
    )
    return _as_attachment(response, filename)


def file_download(content: str, filename: str, content_type: str) -> HttpResponse:
    """A download made whole in memory (a GIFT file: bounded by the questions chosen)."""
    return _as_attachment(
        HttpResponse(content, content_type=f"{content_type}; charset=utf-8"), filename
    )


# ---------------------------------------------------------------- answers as text

# These read a QuestionVersion's content (grading.QuestionData.snapshot() makes
# it) as the plain dict it is stored as: rebuilding a QuestionData for each row
# of the responses CSV (as_answered) cost about four times as much, some 30 s
# per million responses. A response stored before versions were kept (once
# copied into each response) has an empty one.


def answer_text(answer: dict, snapshot: dict) -> str:
    """A stored answer as text: the texts of the choices picked, as the learner
    saw them, or the text typed."""
    if "choices" in answer:
        texts = {c["id"]: c["text"] for c in snapshot.get("choices", ())}
        return " | ".join(texts.get(i, f"choice {i}") for i in answer["choices"])
    return answer.get("text", "")


def correct_answer_text(snapshot: dict) -> str:
    """What counted as right when the learner answered: the correct choices'
    texts, or the accepted answers."""
    if choices := snapshot.get("choices"):
        return " | ".join(c["text"] for c in choices if c["is_correct"])
    return " | ".join(snapshot.get("accepted_answers", ()))


# ---------------------------------------------------------------- CSV rows

QUESTION_CSV_HEADER = [
    "id",
    "lesson",
    "kind",
    "status",
    "origin",
    "position",
    "prompt",
    "choices",
    "accepted answers",
    "explanation",
    "source sentence",
    "responses",
    "facility",
]


def question_csv_rows(questions: Iterable[Question]) -> Iterator[list]:
    """The header, then one row per question; choices are marked [x] when right.
    Expects questions annotated with responses_total and responses_correct."""
    yield QUESTION_CSV_HEADER
    for q in questions:
        total = getattr(q, "responses_total", 0)
        correct = getattr(q, "responses_correct", 0)
        yield [
            q.pk,
            q.lesson.title,
            q.get_kind_display(),
            q.get_status_display(),
            q.get_origin_display(),
            q.position,
            q.prompt,
            " | ".join(f"[{'x' if c.is_correct else ' '}] {c.text}" for c in q.choices.all()),
            " | ".join(a.text for a in q.accepted_answers.all()),
            q.explanation,
            q.provenance.text if q.provenance else "",
            total,
            f"{correct / total:.2f}" if total else "",
        ]


def score_csv_rows(
    *, cohort: Cohort, course: Course, now: datetime, chunk: int = 500
) -> Iterator[list]:
    """The header, then one row per learner of the cohort with each of the
    course's lessons' best, latest, attempts and mastery, as lessons.scoring
    defines them; shares as the pages show them (scoring.csv_percent)."""
    lessons = list(reports.course_lessons(course))
    header = ["learner", "first name", "last name"]
    for lesson in lessons:
        header += [f"{lesson.title}: {m}" for m in ("best", "latest", "attempts", "mastery")]
    yield [*header, "average best"]
    for scores in reports.learner_scores_all(cohort=cohort, lessons=lessons, now=now, chunk=chunk):
        row: list[str | float] = list(scores.names)
        for cell in scores.cells:
            row += [csv_percent(cell.best), csv_percent(cell.latest), cell.attempts]
            row.append(csv_percent(cell.mastery))
        yield [*row, csv_percent(scores.average_best)]


RESPONSE_CSV_HEADER = [
    "learner",
    "lesson",
    "attempt",
    "attempt started",
    "question",
    "prompt",
    "answer",
    "correct",
    "seconds taken",
    "answered at",
    # Last, so the columns before them keep their places in existing spreadsheets.
    "correct answer",
    # "Full attempt", or "Retry of missed questions": practice that no score counts.
    "attempt kind",
]


def response_csv_rows(*, cohort: Cohort, course: Course, chunk: int = 200) -> Iterator[list]:
    """The header, then every response of the cohort's learners in the course's
    lessons, with the prompt and the choices as the learner saw them (the
    question's version they answered), not as edited since."""
    yield RESPONSE_CSV_HEADER
    for row in reports.response_rows_all(cohort=cohort, course=course, chunk=chunk):
        (username, lesson, attempt, started, qid, answer, correct, taken, at, as_seen, retry) = row
        yield [
            username,
            lesson,
            attempt,
            started.isoformat(),
            qid,
            as_seen.get("prompt", ""),
            answer_text(answer, as_seen),
            "yes" if correct else "no",
            "" if taken is None else round(taken.total_seconds(), 1),
            at.isoformat(),
            correct_answer_text(as_seen),
            RETRY_LABEL if retry else FULL_ATTEMPT_LABEL,
        ]


# ---------------------------------------------------------------- GIFT


def questions_to_gift(questions: Iterable[Question]) -> str:
    """GIFT text for questions fetched with their choices and accepted answers."""
    return gift.export_gift([question_data_from(q) for q in questions])


def gift_download(questions: QuerySet[Question], filename: str) -> HttpResponse:
    """The questions as a GIFT file, in course order."""
    questions = (
        questions.select_related("provenance", "provenance_passage")
        .prefetch_related("choices", "accepted_answers")
        .order_by("lesson__position", "position")
    )
    return file_download(questions_to_gift(questions), filename, "text/plain")
