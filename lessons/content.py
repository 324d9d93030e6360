"""Build the shipped course's JSON fixture from its source text and authored content.

The authored file (fixtures/content/<slug>.toml) names the course (its title and
the notice shown on its pages), its lessons and questions, and
cites sentences by their exact text; this module splits the source the same way
the app does, resolves every citation to a sentence row, and refuses anything
that does not match, so a fixture can never cite a sentence the text lacks.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lessons.models import Source
from lessons.text import split_source

FIXTURE_TIMESTAMP = datetime(2026, 11, 23, tzinfo=UTC).isoformat()


class ContentError(ValueError):
    """The authored content does not fit its source text."""


def build_fixture(content_path: Path) -> list[dict[str, Any]]:
    content = tomllib.loads(content_path.read_text(encoding="utf-8"))
    source_meta = content["source"]
    course_meta = content["course"]
    text = (content_path.parent.parent / source_meta["file"]).read_text(encoding="utf-8")
    split = split_source(text)

    records: list[dict[str, Any]] = []

    def add(model: str, pk: int, **fields: Any) -> None:
        records.append({"model": f"lessons.{model}", "pk": pk, "fields": fields})

    add(
        "course",
        1,
        title=course_meta["title"],
        slug=course_meta["slug"],
        description=course_meta.get("description", ""),
        notice=course_meta.get("notice", ""),
        status=course_meta.get("status", "published"),
        authors=[],
        created_at=FIXTURE_TIMESTAMP,
    )
    add(
        "source",
        1,
        course=1,
        title=source_meta["title"],
        slug=source_meta["slug"],
        text=text,
        checksum=Source.checksum_of(text),
        created_at=FIXTURE_TIMESTAMP,
    )
    for position, passage in enumerate(split.passages):
        add("passage", position + 1, source=1, position=position, text=passage)

    sentence_pk: dict[str, int] = {}
    noise: set[str] = set()
    for position, sentence in enumerate(split.sentences):
        pk = position + 1
        sentence_pk[sentence.text] = pk
        if sentence.is_noise:
            noise.add(sentence.text)
        add(
            "sentence",
            pk,
            source=1,
            position=position,
            text=sentence.text,
            passages=[p + 1 for p in sentence.passages],
            is_noise=sentence.is_noise,
        )
    passages_of = {s.text: [p + 1 for p in s.passages] for s in split.sentences}

    def resolve(text: str, where: str) -> int:
        if text not in sentence_pk:
            raise ContentError(f"{where}: not a sentence of the source text: {text!r}")
        if text in noise:
            raise ContentError(f"{where}: cites web noise or a heading: {text!r}")
        return sentence_pk[text]

    ids = {"lessonsentence": 0, "question": 0, "choice": 0, "acceptedanswer": 0}

    def next_id(model: str) -> int:
        ids[model] += 1
        return ids[model]

    for lesson_position, lesson in enumerate(content["lessons"]):
        lesson_pk = lesson_position + 1
        add(
            "lesson",
            lesson_pk,
            course=1,
            source=1,
            title=lesson["title"],
            slug=lesson["slug"],
            summary=lesson["summary"],
            position=lesson_position,
            published=lesson.get("published", True),
        )
        for position, text in enumerate(lesson["sentences"]):
            add(
                "lessonsentence",
                next_id("lessonsentence"),
                lesson=lesson_pk,
                sentence=resolve(text, f"lesson {lesson['slug']}"),
                position=position,
            )
        for question_position, question in enumerate(lesson.get("questions", [])):
            where = f"lesson {lesson['slug']} question {question_position + 1}"
            provenance = resolve(question["source"], where)
            highlight = question.get("highlight", "")
            if highlight and highlight not in question["source"]:
                raise ContentError(f"{where}: highlight {highlight!r} is not in its sentence")
            question_pk = next_id("question")
            add(
                "question",
                question_pk,
                lesson=lesson_pk,
                kind=question["kind"],
                prompt=question["prompt"],
                explanation=question["explanation"],
                provenance=provenance,
                provenance_passage=question.get("passage", passages_of[question["source"]][0]),
                highlight=highlight,
                status=question.get("status", "published"),
                origin="authored",
                position=question_position,
                created_at=FIXTURE_TIMESTAMP,
                updated_at=FIXTURE_TIMESTAMP,
            )
            for choice_position, choice in enumerate(question.get("choices", [])):
                add(
                    "choice",
                    next_id("choice"),
                    question=question_pk,
                    text=choice["text"],
                    is_correct=choice["correct"],
                    feedback=choice.get("feedback", ""),
                    position=choice_position,
                )
            for accepted in question.get("accepted", []):
                add(
                    "acceptedanswer", next_id("acceptedanswer"), question=question_pk, text=accepted
                )
    return records
