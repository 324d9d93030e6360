"""Grading: one function per question kind, in one place.

Used by the quiz, the review queue, the admin preview and the load test's checks.
Pure functions over plain data: the caller loads the question's choices or
accepted answers; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lessons.models import Question
from lessons.text import answer_key

MAX_TEXT_ANSWER = 500


class InvalidAnswer(ValueError):
    """The submission cannot be an answer to this question (a 400, not a wrong answer)."""


@dataclass(frozen=True)
class Submission:
    """What a learner submitted: choice ids for choice kinds, text for a blank."""

    choice_ids: frozenset[int] = field(default_factory=frozenset)
    text: str = ""

    def as_json(self) -> dict:
        if self.choice_ids:
            return {"choices": sorted(self.choice_ids)}
        return {"text": self.text}

    @classmethod
    def from_json(cls, data: dict) -> Submission:
        return cls(choice_ids=frozenset(data.get("choices", [])), text=data.get("text", ""))


@dataclass(frozen=True)
class ChoiceData:
    id: int
    text: str
    is_correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class QuestionData:
    """A question detached from the ORM: what grading and the feedback need."""

    id: int
    kind: str
    choices: tuple[ChoiceData, ...] = ()
    accepted_answers: tuple[str, ...] = ()
    prompt: str = ""
    explanation: str = ""
    provenance: str = ""
    passage_number: int | None = None
    highlight: str = ""
    lesson_id: int | None = None
    # Not part of a snapshot: an unfinished attempt skips a question that an
    # educator has since unpublished.
    is_published: bool = True

    def snapshot(self) -> dict:
        """What a learner answered against, for Response.question_snapshot."""
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "choices": [
                {"id": c.id, "text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
                for c in self.choices
            ],
            "accepted_answers": list(self.accepted_answers),
        }

    def as_answered(self, snapshot: dict) -> QuestionData:
        """This question as it stood when a response was recorded."""
        if not snapshot:
            return self
        return replace(
            self,
            kind=snapshot["kind"],
            prompt=snapshot["prompt"],
            explanation=snapshot["explanation"],
            choices=tuple(ChoiceData(**c) for c in snapshot["choices"]),
            accepted_answers=tuple(snapshot["accepted_answers"]),
        )

    @property
    def is_multiple(self) -> bool:
        return self.kind == Question.Kind.MULTIPLE_ANSWER

    @property
    def is_fill_blank(self) -> bool:
        return self.kind == Question.Kind.FILL_BLANK

    @property
    def correct_choice_ids(self) -> frozenset[int]:
        return frozenset(c.id for c in self.choices if c.is_correct)


@dataclass(frozen=True)
class Result:
    is_correct: bool
    correct_choice_ids: frozenset[int]
    accepted_answer: str = ""


def parse_submission(
    question: QuestionData, *, choice_values: list[str], text: str | None
) -> Submission:
    """Turn raw form values into a Submission, refusing what cannot be an answer."""
    if question.kind == Question.Kind.FILL_BLANK:
        text = (text or "").strip()
        if not text:
            raise InvalidAnswer("Type an answer before checking.")
        if len(text) > MAX_TEXT_ANSWER:
            raise InvalidAnswer(
                f"That answer is too long: keep it under {MAX_TEXT_ANSWER} characters."
            )
        if "\x00" in text:
            # PostgreSQL cannot store a NUL character; no real answer has one.
            raise InvalidAnswer("That answer has a character that cannot be stored.")
        return Submission(text=text)

    if not choice_values:
        raise InvalidAnswer("Choose an answer before checking.")
    try:
        ids = frozenset(int(value) for value in choice_values)
    except ValueError:
        raise InvalidAnswer("That is not one of this question's choices.") from None
    if not ids <= {c.id for c in question.choices}:
        raise InvalidAnswer("That is not one of this question's choices.")
    if question.kind != Question.Kind.MULTIPLE_ANSWER and len(ids) != 1:
        raise InvalidAnswer("Choose exactly one answer.")
    return Submission(choice_ids=ids)


def grade(question: QuestionData, submission: Submission) -> Result:
    correct_ids = question.correct_choice_ids
    if question.kind == Question.Kind.FILL_BLANK:
        given = answer_key(submission.text)
        accepted = {answer_key(a) for a in question.accepted_answers}
        return Result(
            is_correct=given in accepted,
            correct_choice_ids=frozenset(),
            accepted_answer=question.accepted_answers[0] if question.accepted_answers else "",
        )
    # Single choice and true/false are the one-element case of "exactly the right set".
    return Result(is_correct=submission.choice_ids == correct_ids, correct_choice_ids=correct_ids)
