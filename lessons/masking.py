"""What feedback may show while questions are still ahead (issue 14.1).

Feedback quotes a question's whole source sentence and explains it in its
words, so the answer of a later question on the same sentence (or one using
the same words) would be read just before it is asked: the later question
then tests reading, not recall, and retrieval practice is what makes a quiz
teach. So, during an attempt, the parts of feedback that give away the answer
of a question still ahead are hidden, and shown once that question is
answered (the results page shows everything).

Pure functions over plain data (grading.QuestionData); no database.

"The answer of a question" (answer_terms): a fill-in-the-blank question's
accepted answers, a choice question's right choices, and a true/false
statement's key term (its highlight, the words of the sentence it turns on:
quoting them says whether the statement is true). A choice question is also
given away in other words (giveaway_terms): feedback saying "benign" answers
"It is benign" over "It is malignant", so what tells a right option from the
wrong ones is hidden too, as long as it is not an everyday word or the
attempt's topic (which would hide half of every sentence). Matching is by words, the
way grade_typed_answer compares a typed answer: case, accents, dashes,
punctuation, a leading article and a regular plural do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from wordfreq import zipf_frequency

from lessons.grading import QuestionData
from lessons.lexicon import FUNCTION_WORDS, STOPWORDS
from lessons.models import Question
from lessons.text import answer_words, fold_accents, singular

# What stands in the text for a hidden part. A private-use character: no
# educator types it, Markdown and escaping leave it alone, and templates turn
# it into a visible, spoken "hidden" (display.show_masks).
MASK = "\ue000"

# A word of the text as answers are compared: a number with thousands
# separators ("2,500") is one word, and a percent sign belongs to its number.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:%)?|[^\W_]+%?")


def _word_key(word: str) -> str:
    word = fold_accents(word).casefold().replace(",", "").replace("%", "")
    return singular(word) if word.isalpha() else word


def _term_keys(term: str) -> list[tuple[str, ...]]:
    """The word sequences a term is found by: as grading reads it (article
    dropped, "5 to 10 percent" as "5 10%") and as its own words read."""
    forms = []
    for words in (answer_words(term), _TOKEN.findall(term)):
        keys = tuple(k for k in (_word_key(w) for w in words) if k)
        if keys and keys not in forms:
            forms.append(keys)
    return forms


def answer_terms(question: QuestionData) -> tuple[str, ...]:
    """The texts that would give this question's answer away."""
    if question.is_fill_blank:
        return question.accepted_answers
    if question.kind == Question.Kind.TRUE_FALSE:
        # The choices are "True" and "False"; the statement turns on its key term.
        return (question.highlight,) if question.highlight else ()
    return tuple(c.text for c in question.choices if c.is_correct)


# How common in English (Zipf scale: 7 is "the", 3 a word met once in a
# million) a word may be and still give a right option away on its own.
# An option that differs from the wrong ones by a single word ("It can form
# in the heart.") is given away by that word unless it is as everyday as
# "time" or "means"; in an option that differs by several words, one alone
# ("body" in "Swelling or pain in any area of the body") gives it away only
# if it is a technical word ("cartilage", "lymph").
SOLE_WORD_MAX_ZIPF = 5.5
TECHNICAL_WORD_MAX_ZIPF = 3.5
# A word in at least this share of the attempt's prompts is its topic
# ("leiomyosarcoma"): feedback cannot teach without it.
TOPIC_SHARE = 1 / 3
_FUNCTION_WORDS = FUNCTION_WORDS | STOPWORDS


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def giveaway_terms(questions: Sequence[QuestionData]) -> dict[int, tuple[str, ...]]:
    """For each question of an attempt, the texts that would give its answer
    away: its answer_terms and, for a choice question, the words that tell
    its right options from its wrong ones (distinguishing_terms)."""
    prompts = [_keys_of(q.prompt) for q in questions]
    topic = {
        k
        for k in set().union(*prompts)
        if (n := sum(k in p for p in prompts)) >= 2 and n >= TOPIC_SHARE * len(prompts)
    }
    return {q.id: (*answer_terms(q), *distinguishing_terms(q, topic)) for q in questions}


def distinguishing_terms(question: QuestionData, topic: Iterable[str] = ()) -> tuple[str, ...]:
    """The words of a choice question's right options that none of its wrong
    options and not its prompt share: each run of two or more of them side
    by side ("soft tissue"), and a single one as the rule above allows.
    Function words and the topic's words never count."""
    if question.is_fill_blank or question.kind == Question.Kind.TRUE_FALSE:
        return ()
    common = set(topic) | _keys_of(question.prompt)
    for choice in question.choices:
        if not choice.is_correct:
            common |= _keys_of(choice.text)
    terms: list[str] = []
    for choice in question.choices:
        if not choice.is_correct:
            continue
        words = _TOKEN.findall(choice.text)
        distinct = [
            len(w) > 1 and w.casefold() not in _FUNCTION_WORDS and _word_key(w) not in common
            for w in words
        ]
        run: list[str] = []
        for word, is_distinct in [*zip(words, distinct, strict=True), ("", False)]:
            if is_distinct:
                run.append(word)
                continue
            if len(run) > 1:
                terms.append(" ".join(run))
            run = []
        singles = [w for w, d in zip(words, distinct, strict=True) if d]
        limit = SOLE_WORD_MAX_ZIPF if len(singles) == 1 else TECHNICAL_WORD_MAX_ZIPF
        terms += [w for w in singles if _zipf(w.casefold()) < limit]
    return tuple(dict.fromkeys(terms))


def _keys_of(text: str) -> set[str]:
    return {_word_key(w) for w in _TOKEN.findall(text)}


def contains_term(text: str, term: str) -> bool:
    """Whether the term's words occur in the text, as words, in order."""
    return bool(_hidden_tokens(text, [term]))


def _hidden_tokens(text: str, terms: Iterable[str]) -> set[int]:
    tokens = [_word_key(m.group()) for m in _TOKEN.finditer(text)]
    hidden: set[int] = set()
    for term in terms:
        for keys in _term_keys(term):
            size = len(keys)
            for start in range(len(tokens) - size + 1):
                if tuple(tokens[start : start + size]) == keys:
                    hidden.update(range(start, start + size))
    return hidden


def mask(text: str, terms: Iterable[str], keep: Iterable[str] = ()) -> str:
    """The text with every occurrence of the terms replaced by MASK; words
    hidden side by side (the sentence's "(LMS)", two terms in a row) under one
    MASK, so that the mask does not tell how many words it hides. Words of
    `keep` stay, even inside a term ("soft tissue sarcomas" on the screen
    already keeps its words in "a group called soft tissue sarcomas")."""
    if not text:
        return text
    terms = [t for t in terms if t]
    matches = list(_TOKEN.finditer(text))
    hidden = _hidden_tokens(text, terms) if terms else set()
    hidden -= _hidden_tokens(text, [k for k in keep if k])
    if not hidden:
        return text
    pieces = []
    end = 0
    index = 0
    while index < len(matches):
        if index not in hidden:
            index += 1
            continue
        first = index
        while index + 1 in hidden:
            index += 1
        pieces += [text[end : matches[first].start()], MASK]
        end = matches[index].end()
        # A bracket opened inside the hidden words closes with them: "a ▮
        # tumor" for "a malignant (cancerous) tumor", not "a ▮) tumor".
        hidden_text = text[matches[first].start() : end]
        while hidden_text.count("(") > hidden_text.count(")") and text[end : end + 1] == ")":
            end += 1
            hidden_text += ")"
        index += 1
    pieces.append(text[end:])
    return "".join(pieces)


def is_masked(text: str) -> bool:
    return MASK in text


def feedback_masked(question: QuestionData, terms: Iterable[str]) -> QuestionData:
    """The question as its feedback may show it while the questions whose
    answers are `terms` are still ahead: its explanation, quoted sentence,
    highlight and choice feedback masked. The prompt, choices and accepted
    answers are the question itself and stay as they are.

    A term the question itself shows (in its prompt, its choices or its own
    answer) is not hidden: the learner has it on screen already, and a mask
    over it would only spoil the feedback."""
    shown = [question.prompt, *(c.text for c in question.choices), *answer_terms(question)]
    shown = [text for text in shown if text]
    terms = tuple(t for t in terms if t and not any(contains_term(text, t) for text in shown))
    if not terms:
        return question

    # The options and the question's own answer keep their words even inside
    # a longer term: a mask over the option just chosen only puzzles.
    options = [text for text in shown[1:] if text]

    def masked(text: str) -> str:
        return mask(text, terms, keep=options)

    provenance = masked(question.provenance)
    highlight = masked(question.highlight)
    if hidden_share(question.provenance, provenance) >= MAX_HIDDEN_SHARE:
        # A quote mostly hidden ("▮ and ▮.") teaches nothing: it is withheld
        # whole, and shown with the answers.
        provenance, highlight = MASK, ""
    return replace(
        question,
        explanation=masked(question.explanation),
        provenance=provenance,
        highlight=highlight,
        choices=tuple(replace(c, feedback=masked(c.feedback)) for c in question.choices),
    )


# Half or more of a quote's words hidden, and it is withheld whole.
MAX_HIDDEN_SHARE = 0.5


def hidden_share(text: str, masked_text: str) -> float:
    """The share of the text's words that masking hid."""
    words = len(_TOKEN.findall(text))
    return 1 - len(_TOKEN.findall(masked_text)) / words if words else 0.0


def is_withheld(text: str) -> bool:
    """Whether the whole text is hidden (feedback_masked withheld a quote)."""
    return text == MASK
