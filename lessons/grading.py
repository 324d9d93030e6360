"""Grading: one function per question kind, in one place.

Used by the quiz, the review queue, the admin preview and the load test's checks.
Pure functions over plain data: the caller loads the question's choices or
accepted answers, and the terms of its text a typed answer must not be taken
for (see terms_to_refuse); nothing here touches the database.

A typed answer is graded as a teacher would mark it (grade_typed_answer):
case, accents, punctuation, dashes and spacing do not count; nor does a
singular for a plural, the text's second name when it is an accepted answer
(derived questions store the aliases the text gives as accepted answers), a
generic geographic head word left off ("Tocantins" for "Tocantins River"),
a percent sign left off a number, British or American spelling ("water
vapor" for "water vapour", "tumour" for "tumor"), or one slip in a long
word, which is accepted with the right spelling shown. None of these leniencies ever
accepts another term of the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from lessons.models import Question
from lessons.text import (
    answer_key,
    answer_words,
    fold_accents,
    normalise_answer,
    singular,
    words_key,
)

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
    # Terms of the question's text near its accepted answers, which a lenient
    # reading must never accept (terms_to_refuse). In the snapshot, so that a
    # replay grades a stored answer as it was graded.
    refused_terms: tuple[str, ...] = ()
    # Not part of a snapshot: an unfinished attempt skips a question that an
    # educator has since unpublished.
    is_published: bool = True

    def __post_init__(self) -> None:
        # True/False reads "True", then "False", however the pair is stored:
        # a pair that swaps from question to question reads as a trick.
        if self.kind == Question.Kind.TRUE_FALSE:
            ordered = sorted(self.choices, key=lambda c: c.text.strip().lower() != "true")
            object.__setattr__(self, "choices", tuple(ordered))

    def snapshot(self) -> dict:
        """What a learner answered against, for a QuestionVersion's content."""
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "choices": [
                {"id": c.id, "text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
                for c in self.choices
            ],
            "accepted_answers": list(self.accepted_answers),
            "refused_terms": list(self.refused_terms),
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
            # Snapshots from before refused terms were kept have none.
            refused_terms=tuple(snapshot.get("refused_terms", ())),
        )

    @property
    def is_multiple(self) -> bool:
        return self.kind == Question.Kind.MULTIPLE_ANSWER

    @property
    def is_fill_blank(self) -> bool:
        return self.kind == Question.Kind.FILL_BLANK

    @property
    def keeps_choice_order(self) -> bool:
        """Whether an attempt shows the choices as they are (True, then False)
        rather than shuffled."""
        return self.kind == Question.Kind.TRUE_FALSE

    @property
    def needs_select_all_hint(self) -> bool:
        """A multiple-answer prompt says "Select all that apply" unless its
        text already does (derived prompts do): said once, not twice."""
        return self.is_multiple and "select all that apply" not in self.prompt.lower()

    @property
    def needs_arrow_keys_hint(self) -> bool:
        """One option of several is picked with radio buttons (single choice,
        true/false): the group is a single Tab stop and the arrow keys move
        between its options, which a keyboard user is told."""
        return not self.is_multiple and not self.is_fill_blank

    @property
    def correct_choice_ids(self) -> frozenset[int]:
        return frozenset(c.id for c in self.choices if c.is_correct)


@dataclass(frozen=True)
class Result:
    is_correct: bool
    correct_choice_ids: frozenset[int]
    accepted_answer: str = ""
    # Set when a typed answer was accepted despite one slip: the right spelling.
    spelling: str = ""


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
        return grade_typed_answer(
            submission.text, question.accepted_answers, refused_terms=question.refused_terms
        )
    # Single choice and true/false are the one-element case of "exactly the right set".
    return Result(is_correct=submission.choice_ids == correct_ids, correct_choice_ids=correct_ids)


# "One slip" is one Damerau-Levenshtein edit (a letter missed, added, changed,
# or two swapped), and only in a word of at least this many letters: below it
# one edit too often makes another word (fat/fit, vein/vain, ileum/ilium), and
# the text's vocabulary cannot list every word of English. Never in a number:
# "5-11%" is another number, not a slip.
MIN_SLIP_LETTERS = 7

# Words that name the kind of place, not the place: "Tocantins River" is the
# Tocantins. Only geographic heads: "tumor" or "muscle" says which thing it is.
GENERIC_HEADS = frozenset(
    """
    river lake sea ocean island islands mountain mountains bay gulf strait desert
    valley basin plateau peninsula falls fall
    """.split()  # noqa: SIM905
)
# Heads that stand first: "Lake Titicaca", "Mount Roraima".
LEADING_GENERIC_HEADS = frozenset({"lake", "mount", "cape", "isle"})
# Left alone these are a direction or a description, not a name ("Red Sea",
# "Great Lakes", "North Island").
NOT_A_NAME = frozenset(
    """
    north south east west northern southern eastern western central middle upper lower
    great little big grand high new old red black white yellow green blue dead
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class _Form:
    """One way of writing an accepted answer: its compared words, and the
    accepted answer it stands for."""

    words: tuple[str, ...]
    answer: str
    exact: bool  # the accepted answer itself, not a lenient reading of it

    @property
    def key(self) -> str:
        return words_key(list(self.words))


# British spellings and their American forms, at a word's end or start: the
# regular differences only, so that no other word is folded onto another.
_AMERICAN_ENDINGS = (
    ("isation", "ization"),
    ("isations", "izations"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("our", "or"),
    ("ours", "ors"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("ogue", "og"),
    ("ogues", "ogs"),
)
_AMERICAN_STARTS = (("haem", "hem"), ("anaem", "anem"), ("oesoph", "esoph"), ("oestr", "estr"))
MIN_VARIANT_LETTERS = 5  # "tour", "four", "rise" keep their letters


def american(word: str) -> str:
    """A word in its American spelling, where British spelling differs by
    rule ("vapour" -> "vapor", "haemoglobin" -> "hemoglobin"); any other
    word as it is."""
    if len(word) < MIN_VARIANT_LETTERS or not word.isalpha():
        return word
    for british, us in _AMERICAN_STARTS:
        if word.startswith(british):
            word = us + word[len(british) :]
            break
    for british, us in sorted(_AMERICAN_ENDINGS, key=lambda pair: -len(pair[0])):
        if word.endswith(british) and len(word) - len(british) >= 3:
            return word[: -len(british)] + us
    return word


def _singular_last(words: Sequence[str]) -> tuple[str, ...]:
    if words and words[-1].isalpha():
        return (*words[:-1], singular(words[-1]))
    return tuple(words)


def _is_a_name(words: list[str]) -> bool:
    return bool(words) and not set(words) <= NOT_A_NAME | GENERIC_HEADS and "".join(words).isalpha()


def _forms(accepted_answers: Iterable[str]) -> list[_Form]:
    forms: list[_Form] = []
    for answer in accepted_answers:
        words = answer_words(answer)
        if not words:
            continue
        forms.append(_Form(tuple(words), answer, exact=True))
        # An accepted answer that gives its own second name: "leiomyosarcoma (LMS)".
        if "(" in answer and answer.rstrip().endswith(")"):
            name, _, second = answer.rstrip()[:-1].partition("(")
            forms += [_Form(tuple(answer_words(p)), answer, exact=True) for p in (name, second)]
        lenient = [_singular_last(words)]
        if len(words) > 1 and singular(words[-1]) in GENERIC_HEADS and _is_a_name(words[:-1]):
            lenient.append(_singular_last(words[:-1]))
        if len(words) > 1 and words[0] in LEADING_GENERIC_HEADS and _is_a_name(words[1:]):
            lenient.append(_singular_last(words[1:]))
        if words[-1].endswith("%") and len(words[-1]) > 1:
            lenient.append((*words[:-1], words[-1][:-1]))
        lenient += [tuple(american(w) for w in form) for form in (tuple(words), *lenient)]
        forms += [_Form(w, answer, exact=False) for w in lenient if w]
    return forms


def _one_slip(typed: list[str], form: tuple[str, ...]) -> bool:
    """The typed words are the form's but for one slip in one long word."""
    if len(typed) != len(form):
        return False
    differing = [(t, f) for t, f in zip(typed, form, strict=True) if t != f]
    if len(differing) != 1:
        return False
    t, f = differing[0]
    return (
        f.isalpha()
        and t.isalpha()
        and len(f) >= MIN_SLIP_LETTERS
        and DamerauLevenshtein.distance(t, f, score_cutoff=1) == 1
    )


def _near(word: str, terms: Iterable[str], distance: int) -> bool:
    return any(
        abs(len(term) - len(word)) <= distance
        and DamerauLevenshtein.distance(word, term, score_cutoff=distance) <= distance
        for term in terms
    )


def grade_typed_answer(
    typed: str, accepted_answers: Iterable[str], *, refused_terms: Iterable[str] = ()
) -> Result:
    """A typed answer against the accepted answers, as a teacher marks it (see
    the module's docstring). A lenient reading that gives another term of the
    text (refused_terms) is not taken: a teacher would mark that term wrong."""
    accepted_answers = tuple(accepted_answers)
    first = accepted_answers[0] if accepted_answers else ""
    forms = _forms(accepted_answers)
    words = answer_words(typed)
    given = words_key(words)
    # The typed words with a plural's last word singular, as every lenient form
    # has it, and in American spelling, as the lenient forms have it too.
    given_singular = words_key(list(_singular_last(words)))
    given_american = words_key([american(w) for w in words])
    given_american_singular = words_key([american(w) for w in _singular_last(words)])
    refused_keys = {answer_key(term) for term in refused_terms} - {f.key for f in forms if f.exact}
    refused_keys.discard("")
    refused_keys |= {words_key([american(w) for w in answer_words(k)]) for k in refused_keys}
    wrong = Result(is_correct=False, correct_choice_ids=frozenset(), accepted_answer=first)

    for form in forms:
        if form.exact and form.key == given:
            return replace(wrong, is_correct=True)
    readings = (given, given_singular, given_american, given_american_singular)
    if any(reading in refused_keys for reading in readings):
        return wrong
    for form in forms:
        if not form.exact and form.key in readings:
            return replace(wrong, is_correct=True)

    # One slip, unless what was typed is as near another term of the text.
    refused_words = {k for k in refused_keys if k.isalpha()}
    for form in forms:
        for typed_words in (words, list(_singular_last(words))):
            if not _one_slip(typed_words, form.words):
                continue
            slipped = next(t for t, f in zip(typed_words, form.words, strict=True) if t != f)
            if _near(slipped, refused_words, 1) or _near(given, refused_keys, 1):
                return wrong
            return replace(wrong, is_correct=True, spelling=form.answer)
    return wrong


def terms_to_refuse(
    accepted_answers: Iterable[str], *, other_answers: Iterable[str], text: str = ""
) -> tuple[str, ...]:
    """The terms a lenient reading of these accepted answers could take for
    them: other questions' answers and choices, and the words of the text,
    within two slips of an accepted answer (one slip from what was typed, and
    one more from the accepted answer). An accepted answer's own words and
    their plurals are not refused. Small, so a question's version keeps it."""
    forms = _forms(accepted_answers)
    keys = {f.key for f in forms}
    # Another question's answer that is one of ours, or its plural, is ours; one
    # that is only a lenient reading of ours ("Tocantins" the state, where ours
    # is the Tocantins River) is refused.
    ours = {
        words_key(list(w)) for f in forms if f.exact for w in (f.words, _singular_last(f.words))
    }
    own_words = {singular(w) for f in forms for w in f.words}
    # Only a long word takes a slip (MIN_SLIP_LETTERS), so only words near one matter.
    form_words = {w for f in forms for w in f.words if w.isalpha() and len(w) >= MIN_SLIP_LETTERS}
    refused: dict[str, str] = {}
    for term in other_answers:
        words = answer_words(term)
        term_key = words_key(words)
        if (
            term_key
            and term_key not in ours
            and words_key(list(_singular_last(words))) not in ours
            and _near(term_key, keys, 2)
        ):
            refused.setdefault(term_key, term)
    vocabulary = text_vocabulary(text)
    for form_word in form_words:
        # One pass in C over what may be a long text's hundred thousand words.
        near = process.extract(
            form_word, vocabulary, scorer=DamerauLevenshtein.distance, score_cutoff=2, limit=None
        )
        for word, _, _ in near:
            if singular(word) not in own_words and word not in refused:
                refused[word] = word
    return tuple(sorted(refused.values()))


@lru_cache(maxsize=8)
def text_vocabulary(text: str) -> tuple[str, ...]:
    """The distinct words of a text as answers are compared. Cached: the quiz
    asks for the same few texts' words on every question it reads afresh."""
    words = set(normalise_answer(fold_accents(text)).split())
    return tuple(w for w in words if w.isalpha())
