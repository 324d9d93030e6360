"""Moodle's GIFT format: export questions, parse GIFT files into drafts.

No maintained Python GIFT library exists (the PyPI ones are years stale), and
we need line-numbered error reports, so this module handles the subset that
maps onto our four kinds, which is also what Moodle writes for them:

    ::Q12:: [markdown]Prompt {
    =right answer #feedback
    ~wrong answer #feedback
    ####general feedback (our explanation)
    }

- single choice: one `=`, the rest `~`
- multiple answer: every option `~%weight%`; positive weights are correct
- true/false: `{TRUE#feedback when wrong#feedback when right ####explanation}`
- fill in the blank: Moodle's "missing word", `Text {=answer =variant} text`

Special characters in text are escaped with a backslash: ~ = # { } :
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import models

from lessons.grading import QuestionData
from lessons.models import AcceptedAnswer, Choice, Question

SPECIAL = "~=#{}:"
_TITLE = re.compile(r"^::(?P<title>(?:\\.|[^:\\]|:(?!:))*)::\s*")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE = {"T", "TRUE"}
_FALSE = {"F", "FALSE"}


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out).strip()


# ---------------------------------------------------------------- export


def _feedback(text: str) -> str:
    return f" #{escape(text)}" if text else ""


def _general(explanation: str) -> str:
    return f"\n####{escape(explanation)}" if explanation else ""


def export_question(q: QuestionData, *, title: str) -> str:
    head = f"::{escape(title)}:: [markdown]"
    if q.kind == Question.Kind.FILL_BLANK:
        before, _, after = q.prompt.partition(Question.BLANK)
        answers = " ".join(f"={escape(a)}" for a in q.accepted_answers)
        general = f" ####{escape(q.explanation)}" if q.explanation else ""
        return f"{head}{escape(before)}{{{answers}{general}}}{escape(after)}"
    if q.kind == Question.Kind.TRUE_FALSE:
        right = next(c for c in q.choices if c.is_correct)
        wrong = next(c for c in q.choices if not c.is_correct)
        value = "TRUE" if right.text.strip().lower() == "true" else "FALSE"
        feedback = f"#{escape(wrong.feedback)}#{escape(right.feedback)}"
        return f"{head}{escape(q.prompt)} {{{value}{feedback}{_general(q.explanation)}\n}}"
    lines = []
    if q.kind == Question.Kind.MULTIPLE_ANSWER:
        right_count = sum(c.is_correct for c in q.choices)
        wrong_count = len(q.choices) - right_count
        for c in q.choices:
            weight = (100 / right_count) if c.is_correct else (-100 / max(wrong_count, 1))
            lines.append(f"~%{weight:g}%{escape(c.text)}{_feedback(c.feedback)}")
    else:
        for c in q.choices:
            mark = "=" if c.is_correct else "~"
            lines.append(f"{mark}{escape(c.text)}{_feedback(c.feedback)}")
    body = "\n".join(lines)
    return f"{head}{escape(q.prompt)} {{\n{body}{_general(q.explanation)}\n}}"


def export_gift(questions: list[QuestionData]) -> str:
    header = "// Exported from Study quiz. Import into Moodle or back into Study quiz.\n\n"
    body = "\n\n".join(export_question(q, title=f"Q{q.id}") for q in questions)
    return header + body + "\n"


# ---------------------------------------------------------------- import


@dataclass
class ParsedChoice:
    text: str
    is_correct: bool
    feedback: str = ""


@dataclass
class ParsedQuestion:
    line: int
    title: str
    kind: str
    prompt: str
    explanation: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)
    accepted_answers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class GiftSyntaxError(ValueError):
    def __init__(self, errors: list[GiftError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions are separated by blank lines; comments (//) are dropped."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """Split answer text at unescaped separator characters, keeping each one."""
    parts: list[tuple[str, str]] = []
    mark, buf, i = "", [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i : i + 2])
            i += 2
            continue
        if ch in separators:
            if mark or "".join(buf).strip():
                parts.append((mark, "".join(buf)))
            mark, buf = ch, []
        else:
            buf.append(ch)
        i += 1
    if mark or "".join(buf).strip():
        parts.append((mark, "".join(buf)))
    return parts


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _split_general(answer_text: str) -> tuple[str, str]:
    index = answer_text.find("####")
    while index > 0 and answer_text[index - 1] == "\\":
        index = answer_text.find("####", index + 1)
    if index < 0:
        return answer_text, ""
    return answer_text[:index], unescape(answer_text[index + 4 :])


def _check_length(text: str, model: type[models.Model], what: str) -> None:
    """The database column's limit as a message: PostgreSQL refuses a longer
    value with an error that would abandon the whole import."""
    limit = getattr(model._meta.get_field("text"), "max_length", None)
    if limit is not None and len(text) > limit:
        raise ValueError(f"{what} is {len(text)} characters long; the limit is {limit}")


def _parse_block(line: int, block: str) -> ParsedQuestion:
    body = block.strip()
    title = ""
    match = _TITLE.match(body)
    if match:
        title = unescape(match["title"])
        body = body[match.end() :]
    body = re.sub(r"^\[(markdown|html|plain|moodle)\]", "", body)
    open_at = _find_unescaped(body, "{")
    close_at = _find_unescaped(body, "}", open_at + 1) if open_at >= 0 else -1
    if open_at < 0:
        raise ValueError("no answer block: a question needs answers in { }")
    if close_at < 0:
        raise ValueError("the answer block is not closed with }")
    if _find_unescaped(body, "{", close_at + 1) >= 0:
        raise ValueError("more than one answer block in one question")
    before, answers, after = body[:open_at], body[open_at + 1 : close_at], body[close_at + 1 :]
    answers, explanation = _split_general(answers)
    stripped = answers.strip()

    if stripped.upper().split("#")[0].strip() in _TRUE | _FALSE and "=" not in stripped:
        parts = [unescape(p) for _, p in _split_unescaped(stripped, "#")]
        value = parts[0].upper() in _TRUE
        wrong_feedback = parts[1] if len(parts) > 1 else ""
        right_feedback = parts[2] if len(parts) > 2 else ""
        return ParsedQuestion(
            line,
            title,
            Question.Kind.TRUE_FALSE,
            unescape(before + after),
            explanation,
            [
                ParsedChoice("True", value, right_feedback if value else wrong_feedback),
                ParsedChoice("False", not value, wrong_feedback if value else right_feedback),
            ],
        )

    if not stripped:
        raise ValueError("essay questions ({} with no answers) are not supported")
    if stripped.startswith("#"):
        raise ValueError("numerical questions ({#...}) are not supported")
    options = _split_unescaped(stripped, "=~")
    if options and all(mark == "=" for mark, _ in options) and "->" in stripped:
        raise ValueError("matching questions (=a -> b) are not supported")
    if not options or any(mark == "" for mark, _ in options):
        raise ValueError("answers must start with = (right) or ~ (wrong)")
    if all(mark == "=" for mark, _ in options):
        # Only right answers: Moodle's short answer, or "missing word" when text
        # follows the braces. Either way the braces are the blank.
        accepted = [unescape(_split_unescaped(text, "#")[0][1]) for _, text in options]
        if not all(accepted):
            raise ValueError("an accepted answer is empty")
        for answer in accepted:
            _check_length(answer, AcceptedAnswer, "an accepted answer")
        prompt = _tidy_blank(f"{unescape(before)} {Question.BLANK} {unescape(after)}")
        return ParsedQuestion(
            line, title, Question.Kind.FILL_BLANK, prompt, explanation, accepted_answers=accepted
        )

    choices: list[ParsedChoice] = []
    weighted = False
    for mark, text in options:
        weight = None
        weight_match = _WEIGHT.match(text.strip())
        if weight_match:
            weighted = True
            weight = float(weight_match[1])
            text = text.strip()[weight_match.end() :]
        pieces = _split_unescaped(text, "#")
        answer_text = unescape(pieces[0][1]) if pieces and pieces[0][0] == "" else ""
        feedback = unescape(pieces[-1][1]) if pieces and pieces[-1][0] == "#" else ""
        if not answer_text:
            raise ValueError("an answer option is empty")
        _check_length(answer_text, Choice, "an answer option")
        is_correct = mark == "=" or (weight is not None and weight > 0)
        choices.append(ParsedChoice(answer_text, is_correct, feedback))
    correct = sum(c.is_correct for c in choices)
    if correct == 0:
        raise ValueError("no right answer: mark one with = or a positive %weight%")
    kind = (
        Question.Kind.MULTIPLE_ANSWER
        if weighted and all(m == "~" for m, _ in options)
        else Question.Kind.SINGLE_CHOICE
    )
    if kind == Question.Kind.SINGLE_CHOICE and correct != 1:
        raise ValueError("a single-choice question has exactly one = answer")
    if len(choices) < 2:
        raise ValueError("a choice question needs at least two options")
    if after.strip():
        # Moodle's "missing word": the braces stand in the sentence, so keep a gap there.
        prompt = _tidy_blank(f"{unescape(before)} {Question.BLANK} {unescape(after)}")
    else:
        prompt = unescape(before).strip()
    if not prompt.replace(Question.BLANK, "").strip():
        raise ValueError("the question text is empty")
    return ParsedQuestion(line, title, kind, prompt, explanation, choices)


def _tidy_blank(prompt: str) -> str:
    """Single spaces, and none before punctuation: "is ____ ." -> "is ____."."""
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", prompt)).strip()


def parse_gift(text: str) -> list[ParsedQuestion]:
    """Every question of a GIFT file, or GiftSyntaxError naming each bad one."""
    questions: list[ParsedQuestion] = []
    errors: list[GiftError] = []
    for line, block in _blocks(text):
        if block.lstrip().startswith("$CATEGORY"):
            continue
        try:
            questions.append(_parse_block(line, block))
        except ValueError as error:
            errors.append(GiftError(line, str(error)))
    if errors:
        raise GiftSyntaxError(errors)
    if not questions:
        raise GiftSyntaxError([GiftError(1, "no questions found")])
    return questions
