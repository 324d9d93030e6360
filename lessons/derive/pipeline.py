"""The derivation pipeline: text in, a Derivation out. Offline, deterministic,
no database."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from time import monotonic

from lessons.derive.analysis import build_term_index, key, sentence_facts
from lessons.derive.checks import MIN_CONFIDENCE, confidence, problems
from lessons.derive.drafting import Drafter, worthiness
from lessons.derive.grouping import group_lessons
from lessons.derive.references import build_antecedents
from lessons.derive.types import Derivation, DerivedQuestion, DerivedSentence, WithheldDraft
from lessons.text import bound_spaces, normalise_answer, normalise_text, split_source

MAX_BYTES = 5 * 1024 * 1024
GLOBAL_POOL = 80

Progress = Callable[[int, str], None]


class DeriveError(ValueError):
    """The text cannot be derived from; the message is for the educator."""


class DeriveTimeout(DeriveError):
    """The derivation ran past its time limit. Each stage is linear in the text
    (tests/test_derive_linear.py), but a worker must not be held for ever by a
    text that is merely huge or by a shape nobody has seen yet."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(
            f"Derivation stopped after {seconds:g} s: the text is too long or unusual; "
            "split it and try again."
        )


def _deadline_checker(time_limit: float | None) -> Callable[[], None]:
    if time_limit is None:
        return lambda: None
    deadline = monotonic() + time_limit

    def check() -> None:
        if monotonic() >= deadline:
            raise DeriveTimeout(time_limit)

    return check


def read_text(data: bytes, *, name: str = "The file") -> str:
    """Decode an uploaded or named file, refusing what is not usable text."""
    if len(data) > MAX_BYTES:
        raise DeriveError(
            f"{name} is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller texts."
        )
    if not data.strip():
        raise DeriveError(f"{name} is empty.")
    if b"\x00" in data[:8192]:
        raise DeriveError(f"{name} looks like a binary file, not plain text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DeriveError(
            f"{name} is not UTF-8 text (a byte at position {error.start} cannot be read). "
            "Save it as UTF-8 plain text and try again."
        ) from None
    return text


def check_text(text: str) -> None:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise DeriveError(f"The text is over {MAX_BYTES // 1024 // 1024} MB.")
    if not text.strip():
        raise DeriveError("The text is empty.")


# A text that opens with a '#' heading and has '##' sections: the '#' is its title.
_MARKDOWN_TITLE = re.compile(r"\s*#\s+\S")
_MARKDOWN_SECTION = re.compile(r"^\s{0,3}##\s+\S", re.M)


def derive(
    text: str,
    *,
    title: str = "",
    progress: Progress | None = None,
    time_limit: float | None = None,
) -> Derivation:
    """Split, analyse and draft. Raises DeriveError for a text with nothing to
    teach, DeriveTimeout when it runs for more than `time_limit` seconds (checked
    between stages and between sentences)."""
    on_progress = progress or (lambda percent, message: None)
    check_deadline = _deadline_checker(time_limit)

    def report(percent: int, message: str) -> None:
        check_deadline()
        on_progress(percent, message)

    check_text(text)
    text = bound_spaces(normalise_text(text))
    report(5, "Splitting passages and sentences")
    split = split_source(text)
    sentences = [
        DerivedSentence(i, s.text, list(s.passages), s.is_noise, s.reason)
        for i, s in enumerate(split.sentences)
    ]
    if not any(not s.is_noise and len(s.text.split()) >= 4 for s in sentences):
        raise DeriveError(
            "No usable sentence was found: the text has no complete sentences "
            "(only headings, fragments or web noise)."
        )
    report(20, "Finding key terms")
    facts = {}
    for s in sentences:
        if not s.is_noise:
            check_deadline()
            facts[s.position] = sentence_facts(s.position, s.text)
    first_words = {
        s.text.split()[0].lower() for s in sentences if s.text.split()
    }  # capitalised only because they start a sentence
    lowercase_seen = {w for f in facts.values() for w in f.words if w[:1].islower()}
    # Cut-off sentences still count as text, but lend no terms ("and recur after years").
    index = build_term_index(
        [f for p, f in facts.items() if not sentences[p].reason],
        first_words=first_words & lowercase_seen,
    )

    report(35, "Grouping sentences into lessons")
    lessons = group_lessons(
        sentences,
        index,
        title=title or "Lesson",
        sections=split.sections,
        titled_by_markdown=bool(_MARKDOWN_TITLE.match(text) and _MARKDOWN_SECTION.search(text)),
    )
    lesson_of = {p: i for i, lesson in enumerate(lessons) for p in lesson.sentences}
    ranked = sorted(index.terms.values(), key=lambda t: (-t.score, t.key))
    lesson_terms: dict[int, list[str]] = defaultdict(list)
    for term in ranked:
        for lesson in sorted({lesson_of.get(p, -1) for p in index.sentences_of[term.key]}):
            if lesson >= 0 and len(lesson_terms[lesson]) < 60:
                lesson_terms[lesson].append(term.key)
    numbers_by_kind: dict[str, list[tuple[str, int]]] = defaultdict(list)
    definitions: list[tuple[str, str, int]] = []
    for position, f in sorted(facts.items()):
        if worthiness(sentences[position], f):
            continue
        for number in f.numbers:
            if len(numbers_by_kind[number.kind]) < 200:
                numbers_by_kind[number.kind].append((number.text, position))
        for subject, definition in f.definitions:
            if len(definitions) < 400:
                definitions.append((subject, definition, position))

    drafter = Drafter(
        sentences={s.position: s for s in sentences},
        facts=facts,
        index=index,
        lesson_of=lesson_of,
        lesson_terms=lesson_terms,
        global_terms=[t.key for t in ranked[:GLOBAL_POOL]],
        numbers_by_kind=numbers_by_kind,
        definitions=definitions,
        normalised={p: normalise_answer(s.text) for p, s in enumerate(split.sentences)},
        antecedents=build_antecedents(
            {
                s.position: facts[s.position]
                for s in sentences
                if not s.is_noise and s.position in facts
            }
        ),
    )
    teachable_count = sum(1 for s in sentences if not s.is_noise)
    title_key = " ".join(key(w) for w in title.split())
    topics = frozenset(
        t.key
        for t in ranked[:5]
        if len(index.sentences_of[t.key]) >= max(4, teachable_count / 6)
        or (title_key and t.key in title_key.split())
    )
    drafter.topics = topics
    report(45, "Drafting questions")
    previous = None
    previous_passage = None
    teachable = [s for s in sentences if not s.is_noise]
    step = max(1, len(teachable) // 10)
    for n, s in enumerate(teachable):
        check_deadline()
        if s.passage != previous_passage:
            previous = None
        drafter.draft_sentence(s.position, previous)
        previous, previous_passage = facts.get(s.position), s.passage
        if n % step == 0:
            report(45 + int(50 * n / len(teachable)), "Drafting questions")
    questions = sorted(drafter.questions, key=lambda q: (q.lesson, q.sentence))
    report(95, "Checking drafts")
    drafted = Derivation(
        title=title,
        text=text,
        passages=split.passages,
        sentences=sentences,
        lessons=lessons,
        questions=questions,
        key_terms=[t.text for t in ranked[:30]],
    )
    offered = withhold_faulty(drafted, fallbacks=drafter.dropped_beside_statements)
    return replace(offered, uncovered=uncovered_sentences(offered))


def uncovered_sentences(derivation: Derivation) -> list[int]:
    """The lessons' sentences, in reading order, that no offered draft cites."""
    cited = {q.sentence for q in derivation.questions}
    return [p for lesson in derivation.lessons for p in lesson.sentences if p not in cited]


def withhold_faulty(
    drafted: Derivation, *, fallbacks: dict[int, list[DerivedQuestion]] | None = None
) -> Derivation:
    """The derivation without the drafts a check finds a fault in, which are
    listed as withheld instead, with the reasons. Every check is precise on the
    judged set (it flags no draft the reader kept), so those are drafts an
    educator would have rejected; surplus true statements go too, and drafts
    whose confidence is below MIN_CONFIDENCE, listed as suggestions.

    `fallbacks` are drafts the drafter dropped beside a true statement of
    their sentence (by sentence position): where that statement is withheld
    as surplus, the best of them that passes the checks is offered instead,
    so the sentence is still asked about."""
    for q in drafted.questions:
        q.confidence = confidence(q, drafted)
    found = [(q, _faults(q, drafted)) for q in drafted.questions]
    for q, faults in found:
        _withhold_below_confidence(q, faults)
    surplus = _withhold_surplus_true_statements([(q, faults) for q, faults in found if not faults])
    for statement in surplus:
        fallback = _best_fallback((fallbacks or {}).get(statement.sentence, []), drafted)
        if fallback is not None:
            found.append((fallback, []))
    questions = [q for q, faults in found if not faults]
    return replace(
        drafted,
        questions=sorted(questions, key=lambda q: (q.lesson, q.sentence)),
        withheld=[WithheldDraft(q, faults) for q, faults in found if faults],
    )


def _withhold_below_confidence(question: DerivedQuestion, faults: list[str]) -> None:
    if not faults and question.confidence < MIN_CONFIDENCE:
        faults.append(
            f"Confidence {question.confidence:.2f} is below {MIN_CONFIDENCE:.2f}: "
            "a suggestion, not a question."
        )


def _best_fallback(
    candidates: list[DerivedQuestion], drafted: Derivation
) -> DerivedQuestion | None:
    """The most confident candidate no check finds a fault in, if any."""
    passing = []
    for q in candidates:
        q.confidence = confidence(q, drafted)
        faults = _faults(q, drafted)
        _withhold_below_confidence(q, faults)
        if not faults:
            passing.append(q)
    return max(passing, key=lambda q: q.confidence, default=None)


def _faults(question: DerivedQuestion, drafted: Derivation) -> list[str]:
    return [p for found in problems(question, drafted).values() for p in found]


def _withhold_surplus_true_statements(
    offered: list[tuple[DerivedQuestion, list[str]]],
) -> list[DerivedQuestion]:
    """Learners soon notice when most statements are true: the drafter keeps
    true and false statements even, and the checks withhold more false ones
    (a swap is riskier), so the least confident true statements past one more
    than the false ones are withheld too."""
    statements = [(q, faults) for q, faults in offered if q.kind == "true_false"]
    true = [(q, faults) for q, faults in statements if q.choices[0].correct]
    # Most confident first, so the surplus cut from the end is the least confident.
    true.sort(key=lambda qf: -qf[0].confidence)
    surplus = len(true) - (len(statements) - len(true)) - 1
    withheld = true[len(true) - surplus :] if surplus > 0 else []
    for _, faults in withheld:
        faults.append("One true statement too many beside the false ones.")
    return [q for q, _ in withheld]
