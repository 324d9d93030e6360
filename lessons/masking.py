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
punctuation, a leading article and a regular plural do not count; nor do
the endings of a word's other forms (stem): an explanation saying "which
the text calls metastasizing" gives away the answer "metastasis". What
gives away (giveaways) is what is masked, and what a test of the shipped
course looks for in everything shown before a question is answered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from functools import lru_cache

from wordfreq import zipf_frequency

from lessons.grading import QuestionData
from lessons.lexicon import FUNCTION_WORDS, STOPWORDS
from lessons.models import Question
from lessons.text import answer_words, fold_accents, singular

# The version of the rules giveaway_terms follows: part of the key under
# which an attempt's terms are cached (selectors.answer_terms_remember), so a
# release that changes what gives an answer away does not go on masking by
# the old rules for the day the cached terms last. Raise it with the rules.
RULES_VERSION = 3

# What stands in the text for a hidden part. A private-use character: no
# educator types it, Markdown and escaping leave it alone, and templates turn
# it into a visible, spoken "hidden" (display.show_masks).
MASK = "\ue000"

# A word of the text as answers are compared: a number with thousands
# separators ("2,500") is one word, and a percent sign belongs to its number.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:%)?|[^\W_]+%?")


def _word_key(word: str) -> str:
    word = fold_accents(word).casefold().replace(",", "").replace("%", "")
    return stem(singular(word)) if word.isalpha() else word


# Endings that inflect or derive a word without changing what it names
# ("metastasis", "metastasize", "metastasizing", "metastases" all name one
# thing), longest first so that "-izing" goes before "-ing".
_ENDINGS = sorted(
    """izations ization isations isation ational ations ation ating ated ates ate ators
    ator izing ising ized ised izes ises ize ise ings ing edly ed ers er ances ance
    ancy ant ents ence ency ent ments ment ness ously ous ically ical ic ally al ly
    ities ity ively ive ions ion ors or ary ar ine is us es e y""".split(),  # noqa: SIM905 (a list to read, not to parse)
    key=len,
    reverse=True,
)
# What an ending may leave: shorter, and unrelated words would meet ("organ",
# "organize" are as far as it goes).
_MIN_STEM = 4


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The word without the endings of its inflections and derivations, so
    that every form of an answer is found: "metastasizing" and "metastases"
    as "metastasis", "malignancy" as "malignant", "uterine" as "uterus".
    Rules, not a dictionary: a term of a text is mostly a regular technical
    word, and a rare wrong merge only hides a word more. The Greek pair
    -sis / -tic ("metastatic", "diagnostic", "necrotic") is read as -sis."""
    if not word.isalpha() or len(word) <= _MIN_STEM:
        return word
    if re.search(r"(?:stat|ot)ic$", word):
        word = word[:-3] + "sis"
    elif word.endswith("stic"):
        word = word[:-3] + "is"
    for _ in range(2):  # "cancerous" -> "cancer" -> "canc", as "cancers"
        ending = next(
            (e for e in _ENDINGS if word.endswith(e) and len(word) - len(e) >= _MIN_STEM), ""
        )
        if not ending:
            break
        word = word[: -len(ending)]
    if len(word) > _MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopped", "planning": the doubled consonant
    return word


# Feedback checks the same few texts against every answer still ahead, and
# each answer against every text: the words of each are read once, not at
# every check (at 150 answers ahead, 1.4 ms of every answer's feedback).
@lru_cache(maxsize=8192)
def _term_keys(term: str) -> tuple[tuple[str, ...], ...]:
    """The word sequences a term is found by: as grading reads it (article
    dropped, "5 to 10 percent" as "5 10%") and as its own words read."""
    forms: list[tuple[str, ...]] = []
    for words in (answer_words(term), _TOKEN.findall(term)):
        keys = tuple(k for k in (_word_key(w) for w in words) if k)
        if keys and keys not in forms:
            forms.append(keys)
    return tuple(forms)


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text))


@lru_cache(maxsize=8192)
def _word_keys(text: str) -> tuple[str, ...]:
    return tuple(_word_key(w) for w in _words(text))


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
# A word in at least this share of the attempt's prompts and options is its
# topic ("leiomyosarcoma", in a lesson on muscles "involuntary"): feedback
# cannot teach without it, and the questions show it anyway.
TOPIC_SHARE = 1 / 3
_FUNCTION_WORDS = FUNCTION_WORDS | STOPWORDS


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def giveaway_terms(questions: Sequence[QuestionData]) -> dict[int, tuple[str, ...]]:
    """For each question of an attempt, the texts that would give its answer
    away: its answer_terms and, for a choice question, the words that tell
    its right options from its wrong ones (distinguishing_terms), for the
    others the technical words of their longer answers (key_words)."""
    # What the attempt shows on screen, question after question: a word a
    # third of them show is what it is about.
    prompts = [_keys_of(" ".join([q.prompt, *(c.text for c in q.choices)])) for q in questions]
    topic = {
        k
        for k in set().union(*prompts)
        if (n := sum(k in p for p in prompts)) >= 2 and n >= TOPIC_SHARE * len(prompts)
    }
    return {
        q.id: tuple(
            dict.fromkeys((*answer_terms(q), *distinguishing_terms(q, topic), *key_words(q, topic)))
        )
        for q in questions
    }


def key_words(question: QuestionData, topic: Iterable[str] = ()) -> tuple[str, ...]:
    """The technical words of a fill-in-the-blank question's longer answers
    and of a true/false statement's key term that its prompt does not show:
    "lymph" gives "lymph vessels" away, and "malignant" says a statement that
    "it is a benign tumor" is false. A single-word answer is its own term,
    and an everyday word or the topic's gives nothing away alone."""
    if question.is_fill_blank:
        texts = [a for a in question.accepted_answers if len(_TOKEN.findall(a)) > 1]
    elif question.kind == Question.Kind.TRUE_FALSE:
        texts = [question.highlight] if question.highlight else []
    else:
        return ()
    common = set(topic) | _keys_of(question.prompt)
    words = [
        w
        for text in texts
        for w in _TOKEN.findall(text)
        if w.isalpha()
        and len(w) > 1
        and w.casefold() not in _FUNCTION_WORDS
        and _word_key(w) not in common
        and _zipf(w.casefold()) < TECHNICAL_WORD_MAX_ZIPF
    ]
    return tuple(dict.fromkeys(words))


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


def giveaways(text: str, terms: Iterable[str]) -> list[str]:
    """The words of a shown text that give away an answer whose giveaway
    terms (giveaway_terms) are `terms`, each run of them as the text writes
    it: by every form of their words (stem), so "which the text calls
    metastasizing" gives away "metastasis". What masking hides, and what a
    test of the shipped course looks for."""
    matches = list(_TOKEN.finditer(text))
    hidden = sorted(_hidden_tokens(text, [t for t in terms if t]))
    runs: list[list[int]] = []
    for index in hidden:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return [text[matches[run[0]].start() : matches[run[-1]].end()] for run in runs]


def contains_term(text: str, term: str) -> bool:
    """Whether the term's words occur in the text, as words, in order."""
    return bool(_hidden_tokens(text, [term]))


def _hidden_tokens(text: str, terms: Iterable[str]) -> set[int]:
    words = _words(text)
    tokens = _word_keys(text)
    hidden: set[int] = set()
    for term in terms:
        for keys in _term_keys(term):
            size = len(keys)
            for start in range(len(tokens) - size + 1):
                if tokens[start : start + size] == keys and (
                    size > 1 or _same_or_technical(words[start], _words(term))
                ):
                    hidden.update(range(start, start + size))
    return hidden


def _same_or_technical(word: str, term_words: Sequence[str]) -> bool:
    """Whether a word with the stem of a one-word term gives it away: as the
    term writes it (or its plural), or in another form that is a technical
    word ("metastasizing" for "metastasis"); "cancer" is not "cancerous"."""
    plain = singular(fold_accents(word).casefold())
    return any(plain == singular(fold_accents(t).casefold()) for t in term_words) or (
        _zipf(word.casefold()) < TECHNICAL_WORD_MAX_ZIPF
    )


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


def feedback_masked(
    question: QuestionData, terms: Iterable[str], *, sentences_ahead: AbstractSet[str] = frozenset()
) -> QuestionData:
    """The question as its feedback may show it while the questions whose
    answers are `terms` are still ahead: its explanation, quoted sentence,
    highlight and choice feedback masked. The prompt, choices and accepted
    answers are the question itself and stay as they are.

    A term the question itself shows (in its prompt, its choices or its own
    answer) is not hidden: the learner has it on screen already, and a mask
    over it would only spoil the feedback.

    A sentence that a question still ahead asks about (`sentences_ahead`) is
    not quoted at all: the words left around its masks answer that question
    all the same (a reader saw "Since ··· muscle is found all over the body"
    answer "Why can it form almost anywhere?"), and a true/false statement is
    answered by its sentence whole. It is quoted with the results."""
    withhold_quote = bool(question.provenance) and question.provenance in sentences_ahead
    shown = [question.prompt, *(c.text for c in question.choices), *answer_terms(question)]
    shown = [text for text in shown if text]
    terms = tuple(
        t for t in dict.fromkeys(terms) if t and not any(contains_term(text, t) for text in shown)
    )
    if not terms:
        return replace(question, provenance=MASK, highlight="") if withhold_quote else question

    # The options and the question's own answer keep their words even inside
    # a longer term: a mask over the option just chosen only puzzles.
    options = [text for text in shown[1:] if text]

    def masked(text: str) -> str:
        return mask(text, terms, keep=options)

    def explained(text: str) -> str:
        # An explanation left "The other two are ▮, and ▮." teaches nothing
        # and reads as broken: withheld whole, as a mostly hidden quote is.
        shown = masked(text)
        if shown != text and (
            hidden_share(text, shown) >= MAX_HIDDEN_SHARE_OF_FEEDBACK
            or any(hidden_share(s, masked(s)) >= MAX_HIDDEN_SHARE for s in _sentences(text))
        ):
            return MASK
        return shown

    provenance = masked(question.provenance)
    highlight = masked(question.highlight)
    if withhold_quote or hidden_share(question.provenance, provenance) >= MAX_HIDDEN_SHARE:
        # A quote mostly hidden ("▮ and ▮.") teaches nothing: it is withheld
        # whole, and shown with the answers.
        provenance, highlight = MASK, ""
    return replace(
        question,
        explanation=explained(question.explanation),
        provenance=provenance,
        highlight=highlight,
        choices=tuple(replace(c, feedback=explained(c.feedback)) for c in question.choices),
    )


# Half or more of a quote's words hidden, and it is withheld whole; so is
# an explanation or a choice's feedback with a third of its words hidden, or
# half of one of its sentences (the quote in "The text says '▮ involuntary ▮.'").
MAX_HIDDEN_SHARE = 0.5
MAX_HIDDEN_SHARE_OF_FEEDBACK = 1 / 3
_SENTENCE_END = re.compile(r"(?<=[.!?])['’\")]*\s+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def hidden_share(text: str, masked_text: str) -> float:
    """The share of the text's words that masking hid."""
    words = len(_TOKEN.findall(text))
    return 1 - len(_TOKEN.findall(masked_text)) / words if words else 0.0


def is_withheld(text: str) -> bool:
    """Whether the whole text is hidden (feedback_masked withheld a quote, an
    explanation or a choice's feedback)."""
    return text == MASK
