"""Drafting questions from analysed sentences: fill in the blank, single choice,
multiple answer and true/false, each citing its sentence, explained from it,
and flagged for what an educator should check.

Rules that keep drafts honest, checked here and again by the tests:
- the answer stands in the provenance sentence; a cloze has one blank and does
  not repeat its answer;
- wrong choices are terms of the same type from the same text, never in the
  sentence itself, never an alias, a hypernym or a term the text relates to
  the answer, and never one that the text states in the same slot elsewhere;
- one question per fact: the same answer in the same or a near-duplicate
  sentence is asked once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import fuzz

from lessons.derive.analysis import (
    HEDGES,
    Number,
    SentenceFacts,
    TermIndex,
    _candidates,
    is_plural,
    key,
    specificity,
    zipf,
)
from lessons.derive.references import (
    Antecedents,
    head_ends_phrase,
    kept_as_it_stands,
    names_a_person,
)
from lessons.derive.types import DerivedChoice, DerivedQuestion, DerivedSentence
from lessons.lexicon import (
    BACK_REFERRING_HEADS,
    COMPARED_BY_ENDING,
    CONNECTIVES,
    COUNTING_SUBJECTS,
    FUNCTION_WORDS,
    INNER_CONNECTIVES,
    LEANING_PHRASES,
    NUMBER_WORDS,
    OPPOSITES,
    PRONOUN_STARTS,
    SAME_SENSE,
    STOPWORDS,
    UNRESOLVABLE_STARTS,
    VAGUE_ITEM_STARTS,
)
from lessons.text import normalise_answer, singular

BLANK = "____"
SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
FILL_BLANK = "fill_blank"
MAX_PER_SENTENCE = 2
WANTED_DISTRACTORS = 3
MIN_WORDS, MAX_WORDS = 6, 60

FLAG_PRONOUN = "Pronoun resolved: the sentence begins “{pronoun}”, read here as “{subject}”."
FLAG_CONNECTIVE = "Opening connective “{word}” dropped from the prompt."
FLAG_INNER_CONNECTIVE = "Connective “{word}” dropped from the prompt."
FLAG_REFERENCE = "Reference resolved: “{phrase}” read here as “{meant}”."
FLAG_DISTRACTORS = "Wrong choices come from elsewhere in the text: check that none is also true."
FLAG_DEFINITIONS = "Wrong choices are definitions of other terms: check that none also fits."
FLAG_FEW = "Only two wrong choices could be found: consider adding one."
FLAG_SWAP = "False statement made by putting “{wrong}” in place of “{right}”: check it is false."
FLAG_HEDGED = "The sentence is hedged (“{word}”): check the question keeps the hedge."
FLAG_NUMBER = "Number answer: check the accepted forms ({forms})."
FLAG_LONG = "Long sentence ({n} words): consider shortening the prompt."
FLAG_PARENS = "A parenthesis was left out of the prompt."
FLAG_LIST = "Only part of the list is offered; check the choices against the whole sentence."
FLAG_LEANS = "The description leans on the sentence around it (“{words}”): say what it refers to."
_LEANING = re.compile(rf"\b(?:{'|'.join(LEANING_PHRASES)})\b", re.I)


@dataclass
class Fact:
    """Something one sentence says that a question can test."""

    kind: str  # "alias", "number", "term", "definition", "list"
    answer: str  # as in the sentence
    accepted: list[str] = field(default_factory=list)
    start: int = -1
    number: Number | None = None
    subject: str = ""
    items: list[str] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)


@dataclass
class Stem:
    text: str  # the sentence as the prompt shows it
    offset: int  # where the sentence's text starts being copied unchanged
    flags: list[str]


def stable_hash(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _quote(text: str) -> str:
    return f"“{text}”"


# ---------------------------------------------------------------------------
# Which sentences may be asked about, and how their prompt reads.


def worthiness(sentence: DerivedSentence, facts: SentenceFacts | None) -> str:
    """Why a sentence gives no question, or "" when it may."""
    if sentence.is_noise:
        return sentence.reason or "noise"
    if sentence.reason:
        return sentence.reason
    text = sentence.text.rstrip()
    if not text.endswith((".", "!", "?")):
        return "no full stop"
    if facts is None or facts.has_list_marker:
        return "list"
    n = len(facts.words)
    if n < MIN_WORDS:
        return "too short"
    if n > MAX_WORDS:
        return "too long"
    if text.endswith("?"):
        return "a question"
    return ""


_DETERMINERS = frozenset(
    ("the", "a", "an", "this", "that", "these", "those", "each", "every", "some", "many", "all")
)
_INNER_CONNECTIVE = re.compile(
    rf",\s+(?:{'|'.join(sorted(INNER_CONNECTIVES, key=len, reverse=True))}),\s+", re.I
)
# "The second is dividends": a subject that counts what came before.
_COUNTING_SUBJECT = re.compile(
    rf"^(?:The (?:{'|'.join(sorted(COUNTING_SUBJECTS))})(?: ones?)?|Another|One)"
    r" (?:is|are|was|were|has|have|had)\b"
)
# "A smaller drop of about 10 percent": a comparison with something the
# sentence does not name.
_COMPARED_SUBJECT = re.compile(
    r"^(?:An?|The) (?:(?:more|less) \w+|"
    + "|".join(sorted({c for c, _ in COMPARED_BY_ENDING.values()}))
    + r") \w+"
)
_OPENER = re.compile(
    r"^(?:After|Before|When|While|If|Because|Although|As|Since|Once|Until|During|In|On|At)\b"
)


@lru_cache(maxsize=64)
def _references_to(heads: frozenset[str]) -> re.Pattern:
    """ "the city", "these reactions": a definite phrase of one of these heads."""
    alternatives = "|".join(sorted(map(re.escape, heads), key=len, reverse=True))
    return re.compile(rf"\b(?P<det>[Tt]he|[Tt]his|[Tt]hese) (?P<head>{alternatives})\b")


def make_stem(
    sentence: str,
    previous: SentenceFacts | None,
    antecedents: Antecedents | None = None,
    *,
    position: int = -1,
) -> Stem | None:
    """The sentence as a self-contained statement, or None when it leans on
    something before it that cannot be resolved.

    A pronoun that opens it is read as the previous sentence's subject when
    they agree ("it" a thing, "they" a plural, "she" a person); an expletive
    or cleft "it" stays. With the text's antecedents, "the city" or "the
    cycle" is read as the one thing the text before calls so ("Lisbon", "the
    Calvin cycle"); a subject that points back at nothing named leaves the
    sentence out."""
    flags: list[str] = []
    text = sentence
    lower = text.lower()
    for connective in CONNECTIVES:
        if lower.startswith(connective):
            flags.append(FLAG_CONNECTIVE.format(word=text[: len(connective) - 2]))
            text = cap(text[len(connective) :])
            break
    inner = _INNER_CONNECTIVE.search(text)
    if inner:
        flags.append(FLAG_INNER_CONNECTIVE.format(word=inner.group(0).strip(" ,")))
        # "After the infection is cleared, however, some B cells remain": the
        # opening clause keeps its comma; "Corals, however, grow" loses both.
        joint = ", " if _OPENER.match(text) else " "
        text = text[: inner.start()] + joint + text[inner.end() :]
    if _COUNTING_SUBJECT.match(text) or (
        _COMPARED_SUBJECT.match(text) and not re.search(r"\bthan\b", text)
    ):
        return None
    first = text.split()[0]
    if first.lower() in PRONOUN_STARTS and not kept_as_it_stands(text):
        if first.lower() in UNRESOLVABLE_STARTS:
            return None
        antecedent = previous.subject if previous else ""
        if not antecedent or antecedent.split()[0].lower() in PRONOUN_STARTS:
            return None
        plural = is_plural(antecedent)
        if (first.lower() in {"it", "its"} and plural) or (
            first.lower().startswith("the") and not (plural)
        ):
            return None
        if first.lower() in {"he", "she", "his", "her"} and not names_a_person(
            antecedent, previous.text if previous else ""
        ):
            return None
        replacement = antecedent
        # "The human heart is ... It sits": the subject was read without its
        # article, and "Human heart sits" is no English.
        if antecedent[:1].islower() and antecedent.split()[0] not in _DETERMINERS:
            replacement = f"the {antecedent}"
        if first.lower() in {"its", "their", "his", "her"}:
            replacement = f"{antecedent}’s" if not antecedent.endswith("s") else f"{antecedent}’"
        replacement = cap(replacement)
        flags.append(FLAG_PRONOUN.format(pronoun=first, subject=replacement))
        rest = text[len(first) :]
        # A second pronoun in the same sentence would still point nowhere.
        if first.lower() == "it" and re.search(r"\bit\b", rest):
            return None
        text = replacement + rest
    if antecedents is not None:
        resolved = _resolve_references(text, antecedents, position, flags)
        if resolved is None:
            return None
        text = resolved
    offset = len(text) - len(sentence) if text.endswith(sentence[-10:]) else 0
    return Stem(text, offset, flags)


def _resolve_references(
    text: str, antecedents: Antecedents, position: int, flags: list[str]
) -> str | None:
    """The text with each "the <head>" the text before names written out; None
    when its subject is one that cannot be."""
    pattern = _references_to(BACK_REFERRING_HEADS | antecedents.heads)
    for m in reversed(list(pattern.finditer(text))):
        head = m.group("head").lower()
        # Latin plurals are plural too ("the algae carry", "the stomata open").
        plural = is_plural(head) or head.endswith(("ae", "ata"))
        if not head_ends_phrase(text[m.end() :], plural=plural):
            continue
        meant = antecedents.resolve(head, position)
        if m.group("det").lower() != "the" and meant and not meant.startswith("the "):
            meant = None  # "these reactions" are a compound's, never a name's
        if meant and _whole_word(meant.removeprefix("the ").lower()).search(text.lower()):
            continue  # the sentence names it itself
        if meant is None:
            if m.start() == 0 and head in BACK_REFERRING_HEADS:
                return None  # "The project was paid for ...": which project?
            continue
        written = cap(meant) if m.start() == 0 else meant
        flags.append(FLAG_REFERENCE.format(phrase=m.group(0), meant=written))
        text = text[: m.start()] + written + text[m.end() :]
    return text


def tidy_stem(stem: str) -> tuple[str, bool]:
    """Drop etymology and long asides in parentheses from a prompt."""
    changed = False
    stem = re.sub(r"\s{2,}", " ", stem)

    def repl(m: re.Match) -> str:
        nonlocal changed
        inner = m.group(0)
        if re.search(r"\b(Gr|Lat|Latin|Greek|from)\b", inner) or len(inner.split()) > 5:
            changed = True
            return ""
        return inner

    tidied = re.sub(r"\s*\([^()]*\)", repl, stem)
    tidied = re.sub(r"\s+,", ",", tidied)
    return tidied, changed


# ---------------------------------------------------------------------------
@dataclass
class Drafter:
    sentences: dict[int, DerivedSentence]
    facts: dict[int, SentenceFacts]
    index: TermIndex
    lesson_of: dict[int, int]
    lesson_terms: dict[int, list[str]]
    global_terms: list[str]
    numbers_by_kind: dict[str, list[tuple[str, int]]]
    definitions: list[tuple[str, str, int]]  # (subject, definition, sentence position)
    normalised: dict[int, str]
    topics: frozenset[str] = frozenset()  # terms in so many sentences that they are guessed
    antecedents: Antecedents | None = None  # what "the city", "the cycle" may mean
    questions: list[DerivedQuestion] = field(default_factory=list)
    _facts_seen: dict[str, list[str]] = field(default_factory=dict)
    _defined: set[str] = field(default_factory=set)
    _turn: int = 0
    _contrasted: set[str] = field(default_factory=set)
    _longer: dict[str, list[str]] | None = None
    _definition_words: dict[str, list[set[str]]] | None = None
    _asked_terms: list[set[str]] = field(default_factory=list)
    _asked_with: dict[str, list[int]] = field(default_factory=dict)  # term -> asked indexes
    _true_statements: int = 0
    _false_statements: int = 0
    _lone_names: set[str] | None = None  # lone_capitalised over the text, built once
    # Drafts dropped beside a true statement of their sentence, by position:
    # offered in its place if the statement is withheld (pipeline.withhold_faulty).
    dropped_beside_statements: dict[int, list[DerivedQuestion]] = field(default_factory=dict)

    # -- selection ---------------------------------------------------------
    def draft_sentence(self, position: int, previous: SentenceFacts | None) -> None:
        sentence = self.sentences[position]
        facts = self.facts.get(position)
        if worthiness(sentence, facts) or facts is None:
            return
        stem = make_stem(sentence.text, previous, self.antecedents, position=position)
        if stem is None or self._restates_an_earlier_sentence(stem.text):
            return
        made = 0
        asked_true_false = False
        stem_key = normalise_answer(stem.text)
        for fact in self._facts_of(sentence.text, facts, stem.text):
            if made >= MAX_PER_SENTENCE:
                break
            fact_key = key(fact.answer) if fact.kind != "definition" else f"def {key(fact.subject)}"
            if self._seen(fact_key, stem_key):
                continue
            # One true/false a sentence: its true and its false version side by
            # side would answer each other.
            question = self._draft(fact, sentence, facts, stem, true_false=not asked_true_false)
            if question is None:
                continue
            # A true statement copies the sentence whole: beside a blank from the
            # same sentence, one answers the other. The statement stays (the
            # judged blanks beside one were mostly rejected, the statements kept).
            dropped = self.dropped_beside_statements.setdefault(position, [])
            if _is_true_statement(question):
                for earlier in [q for q in self.questions[len(self.questions) - made :]]:
                    if earlier.kind != TRUE_FALSE:
                        self.questions.remove(earlier)
                        dropped.append(earlier)
                        made -= 1
            elif any(_is_true_statement(q) for q in self.questions[len(self.questions) - made :]):
                question.fact = f"{fact_key} @ {position}"
                dropped.append(question)
                continue
            asked_true_false |= question.kind == TRUE_FALSE
            question.fact = f"{fact_key} @ {position}"
            self._facts_seen.setdefault(fact_key, []).append(stem_key)
            self.questions.append(question)
            made += 1
        if made:
            terms = self._key_terms(stem.text)
            for k in terms:
                self._asked_with.setdefault(k, []).append(len(self._asked_terms))
            self._asked_terms.append(terms)

    def _restates_an_earlier_sentence(self, stem: str) -> bool:
        """A statement whose key terms all stand together in one sentence asked
        before says that sentence's fact again in other words ("Under the Marquis
        of Pombal, the city was rebuilt on a regular grid" after "He replaced the
        streets ... with a regular grid"): asking both would test one fact twice."""
        mine = self._key_terms(stem)
        if len(mine) < 2:
            return False
        # Only sentences holding the rarest of these terms can hold them all.
        rarest = min(mine, key=lambda k: len(self._asked_with.get(k, ())))
        return any(mine <= self._asked_terms[i] for i in self._asked_with.get(rarest, ()))

    def _key_terms(self, stem: str) -> set[str]:
        return {
            k for k in map(key, _candidates(stem)) if k in self.index.terms and k not in self.topics
        }

    def _seen(self, fact_key: str, stem_key: str) -> bool:
        """The same answer asked from the same or a near-duplicate statement."""
        return any(
            fuzz.token_sort_ratio(stem_key, other) >= 75
            for other in self._facts_seen.get(fact_key, ())
        )

    def _facts_of(self, text: str, facts: SentenceFacts, stem: str) -> list[Fact]:
        found: list[Fact] = []
        stem_lower = stem.lower()
        for term, alias in facts.aliases:
            if alias in stem and alias.lower() not in term.lower():
                found.append(Fact("alias", alias, [alias], text.find(alias), subject=term))
        for subject, definition in facts.definitions:
            if key(subject) in self.index.terms and definition in text:
                found.append(Fact("definition", definition, subject=subject))
        for span in (s for s in facts.lists if not s.open_ended and len(s.items) >= 3):
            found.append(
                Fact(
                    "list",
                    text[span.start : span.end],
                    items=span.items,
                    span=(span.start, span.end),
                )
            )
        list_ranges = [(s.start, s.end) for s in facts.lists]
        paren_ranges = [m.span() for m in re.finditer(r"\([^()]*\)", text)]

        def inside(start: int, ranges) -> bool:
            return any(a <= start < b for a, b in ranges)

        for number in facts.numbers:
            if inside(number.start, list_ranges) or inside(number.start, paren_ranges):
                continue
            found.append(Fact("number", number.text, number.accepted, number.start, number=number))
            break  # one number a sentence: "between 20 and 100" is one fact
        contrasts: list[Fact] = []
        if not facts.negated:
            for m in re.finditer(r"(?<![\w\-])(?:(?:most|more) )?[A-Za-z]+(?![\w\-])", stem):
                said = m.group(0)
                opposite = opposite_of(said)
                if opposite is None and said.startswith(("most ", "more ")):
                    said = said.split()[1]
                    opposite = opposite_of(said)
                if not opposite or _whole_word(opposite.split()[-1]).search(stem_lower):
                    continue  # "voluntary and involuntary": swapping says nothing new
                if _said_again(said, stem_lower, m.start(), m.end()):
                    continue  # "one of the oldest cities, older than London"
                # "Before the fall of Rome it was ruled ...": a sentence's opening
                # frame swapped is seldom definitely false; "one of the last
                # examples" for "one of the first" reads as nonsense.
                if m.start() == 0 or re.search(r"\bone of the $", stem_lower[: m.start()]):
                    continue
                # "is controlled by signals": a passive verb's opposite reads as
                # nonsense ("is uncontrolled by signals").
                if said.endswith("ed") and re.match(r"\s+by\b", stem[m.end() :]):
                    continue
                # "first the Suebi and then the Visigoths": an order, not a fact
                # an opposite can deny ("last the Suebi and then ...").
                if said.lower() in {"first", "last"} and " then " in stem_lower[m.end() :]:
                    continue
                start = text.find(said)
                if start < 0 or inside(start, paren_ranges) or inside(start, list_ranges):
                    continue
                contrasts.append(Fact("contrast", said, start=start, subject=opposite))
                break
        terms: list[tuple[float, Fact]] = []
        seen: set[str] = set()
        taken: list[tuple[int, int]] = []
        phrases = sorted(set(_candidates(text)), key=lambda p: (-len(p), p))
        for phrase in phrases:
            k = key(phrase)
            indexed = self.index.terms.get(k)
            if indexed is None or k in seen:
                continue
            seen.add(k)
            start = _find_word(text, phrase)
            if start < 0:
                continue
            end = start + len(phrase)
            # The longest term wins: "soft tissue", never "tissue" out of it.
            if any(a < end and start < b for a, b in taken):
                continue
            taken.append((start, end))
            if start == 0 or k in self.topics:
                continue  # the subject or the text's topic: guessed, not recalled
            if inside(start, list_ranges) or inside(start, paren_ranges):
                continue
            if _find_word(stem_lower, phrase.lower(), start=0) < 0:
                continue
            # A term that stands twice in the sentence would give itself away.
            if len(_whole_word(phrase.lower()).findall(stem_lower)) != 1:
                continue
            terms.append((indexed.score, Fact("term", phrase, [phrase], start)))
        terms.sort(key=lambda sf: (-sf[0], sf[1].start))
        # A sentence's best term first, then its opposite for a false statement.
        ranked = [f for _, f in terms]
        found.extend(ranked[:1] + contrasts + ranked[1:])
        return found

    # -- drafting one question ----------------------------------------------
    def _draft(
        self,
        fact: Fact,
        sentence: DerivedSentence,
        facts: SentenceFacts,
        stem: Stem,
        *,
        true_false: bool = True,
    ) -> DerivedQuestion | None:
        if fact.kind == "definition":
            return self._definition(fact, sentence, stem)
        if fact.kind == "list":
            return self._multiple(fact, sentence, facts, stem)
        if not _find_word(stem.text, fact.answer, start=0) >= 0:
            return None
        kinds = [FILL_BLANK, SINGLE, TRUE_FALSE]
        if fact.kind == "contrast":
            # "common" for "rare" once is a question; in every sentence, a pattern.
            if not true_false or fact.answer.lower() in self._contrasted:
                return None
            question = self._true_false(fact, sentence, stem)
            if question is not None:
                self._contrasted.add(fact.answer.lower())
            return question
        if fact.kind == "alias":
            kinds = [FILL_BLANK]
        elif facts.negated or (fact.kind == "number" and len(facts.numbers) > 1):
            # "not" makes a swapped statement ambiguous, and so does a range:
            # "between 25 and 100" is as true as "between 20 and 100".
            kinds = [FILL_BLANK, SINGLE]
        if not true_false:
            kinds = [k for k in kinds if k != TRUE_FALSE]
        start = self._turn % len(kinds)
        self._turn += 1
        order = kinds[start:] + kinds[:start]
        if order[0] == SINGLE and FILL_BLANK in order:
            # A choice without three wrong options of the answer's kind becomes
            # the fill-in-the-blank version of the same question.
            order = [SINGLE, FILL_BLANK, *(k for k in order if k not in {SINGLE, FILL_BLANK})]
        for kind in order:
            question = {
                FILL_BLANK: self._cloze,
                SINGLE: self._single,
                TRUE_FALSE: self._true_false,
            }[kind](fact, sentence, stem)
            if question is not None:
                return question
        return None

    def _blanked(self, stem: Stem, answer: str, *, alias_fact: bool = False) -> str | None:
        start = _find_word(stem.text, answer, start=0)
        if start < 0:
            return None
        before, after = stem.text[:start], stem.text[start + len(answer) :]
        before = re.sub(r"\b([Aa])n? $", r"\1(n) ", before)
        blanked, _ = tidy_stem(f"{before}{BLANK}{after}")
        if blanked.count(BLANK) != 1:
            return None
        rest = normalise_answer(blanked.replace(BLANK, " "))
        answer_key = normalise_answer(answer)
        if _whole_word(answer_key).search(rest):
            return None
        if key(answer) and re.search(rf"\b{re.escape(key(answer))}s?\b", rest):
            return None
        # "The ____, also known as the light-independent reactions": an alias gives it away.
        for alias in () if alias_fact else self.index.aliases.get(key(answer), ()):
            if _whole_word(normalise_answer(alias)).search(rest):
                return None
        return blanked

    def _base(self, kind: str, sentence: DerivedSentence, made: Stem, **kw) -> DerivedQuestion:
        flags = list(made.flags)
        n = len(sentence.text.split())
        if n > 40:
            flags.append(FLAG_LONG.format(n=n))
        return DerivedQuestion(
            kind=kind,
            sentence=sentence.position,
            passage=sentence.passage,
            lesson=self.lesson_of.get(sentence.position, 0),
            flags=flags,
            **kw,
        )

    def _cloze(self, fact: Fact, sentence: DerivedSentence, stem: Stem) -> DerivedQuestion | None:
        blanked = self._blanked(stem, fact.answer, alias_fact=fact.kind == "alias")
        if blanked is None:
            return None
        accepted = list(dict.fromkeys(fact.accepted or [fact.answer]))
        accepted.extend(v for v in answer_variants(fact.answer) if v not in accepted)
        if fact.kind == "term":
            for alias in sorted(self.index.aliases.get(key(fact.answer), ())):
                if alias not in accepted and len(alias) <= 60:
                    accepted.append(alias)
        if fact.kind in {"term", "alias"}:
            if self._lone_names is None:
                self._lone_names = lone_capitalised(s.text for s in self.sentences.values())
            forms = text_forms(fact.answer, blanked, self._lone_names)
            accepted.extend(f for f in forms if f not in accepted)
        question = self._base(
            FILL_BLANK,
            sentence,
            stem,
            prompt=blanked,
            stem=blanked,
            answer=fact.answer,
            highlight=fact.answer,
            accepted=accepted,
            # The feedback quotes the sentence just below: the explanation
            # does not say it a second time.
            explanation=f"The missing {_missing(fact)} {_quote(fact.answer)}.",
        )
        if fact.kind == "number":
            question.flags.append(FLAG_NUMBER.format(forms=", ".join(accepted)))
        self._hedge(question, sentence.text)
        return question

    def _single(self, fact: Fact, sentence: DerivedSentence, stem: Stem) -> DerivedQuestion | None:
        blanked = self._blanked(stem, fact.answer)
        if blanked is None:
            return None
        wrong = self.distractors(fact, sentence.position, blanked, wanted=8)
        if fact.kind != "number":
            wrong = [w for w in wrong if self._of_the_answers_class(key(w), key(fact.answer))]
        wrong = wrong[:WANTED_DISTRACTORS]
        # Fewer than three wrong options of the answer's own kind make a choice
        # answered by elimination: the fill-in-the-blank version asks it better.
        if len(wrong) < WANTED_DISTRACTORS:
            return None
        # The explanation names the answer; feedback on each choice repeated it.
        choices = [DerivedChoice(fact.answer, True), *(DerivedChoice(w, False) for w in wrong)]
        question = self._base(
            SINGLE,
            sentence,
            stem,
            prompt=f"Which word or phrase completes the statement? {_quote(blanked)}",
            stem=blanked,
            answer=fact.answer,
            highlight=fact.answer,
            choices=_ordered(choices, blanked),
            explanation=f"The statement is completed by {_quote(fact.answer)}.",
        )
        question.flags.append(FLAG_DISTRACTORS)
        if len(wrong) == 2:
            question.flags.append(FLAG_FEW)
        self._hedge(question, sentence.text)
        return question

    def _true_false(
        self, fact: Fact, sentence: DerivedSentence, stem: Stem
    ) -> DerivedQuestion | None:
        blanked = self._blanked(stem, fact.answer)
        if blanked is None or fact.kind not in {"term", "number", "contrast"}:
            return None
        if fact.kind == "contrast":
            # The opposite makes the false statement; the true one is asked by
            # the sentence's other facts. A gloss on the word would contradict
            # it ("a benign (cancerous) tumor"), so it goes too.
            blanked = re.sub(rf"{re.escape(BLANK)}\s*\([^()]*\)", BLANK, blanked)
            wrong = [_match_case(fact.subject, fact.answer)]
        else:
            wrong = self._stand_in(fact, sentence.position, blanked)
        is_true = fact.kind != "contrast" and (stable_hash(stem.text) % 2 == 0 or not wrong)
        # Learners soon notice when most statements are true: trues never
        # outnumber falses by more than one, whatever stand-ins the text offers.
        if is_true and self._true_statements > self._false_statements:
            if not wrong:
                return None
            is_true = False
        statement, _ = tidy_stem(stem.text)
        flags: list[str] = []
        if is_true:
            self._true_statements += 1
            explanation = "True: this is what the text says."
        else:
            self._false_statements += 1
            swapped = blanked.replace(BLANK, wrong[0])
            statement = _fix_articles(swapped)
            explanation = f"False: in the text it is {_quote(fact.answer)}, not {_quote(wrong[0])}."
            flags.append(FLAG_SWAP.format(wrong=wrong[0], right=fact.answer))
        question = self._base(
            TRUE_FALSE,
            sentence,
            stem,
            prompt=statement,
            stem=statement,
            answer=fact.answer,
            highlight=fact.answer,
            # No feedback of their own: the verdict and the explanation say it,
            # and a copy of the explanation on the choice said it twice.
            choices=[DerivedChoice("True", is_true, ""), DerivedChoice("False", not is_true, "")],
            explanation=explanation,
        )
        question.flags += flags
        self._hedge(question, sentence.text)
        return question

    def _definition(
        self, fact: Fact, sentence: DerivedSentence, stem: Stem
    ) -> DerivedQuestion | None:
        subject = fact.subject
        subject_key = key(subject)
        if subject_key in self._defined or subject_key not in self.index.terms:
            return None
        wrong: list[str] = []
        used_subjects: set[str] = set()
        for other, definition, _ in self._definitions_spread():
            if key(other) in used_subjects and len(self._subjects) > WANTED_DISTRACTORS:
                continue
            other_key = key(other)
            if (
                other_key == subject_key
                or self.index.is_related(subject_key, other_key)
                or other_key in subject_key
                or subject_key in other_key
                or subject_key in key(definition)
                or other_key in key(fact.answer)
                or fuzz.ratio(definition.lower(), fact.answer.lower()) >= 70
                or any(fuzz.ratio(definition.lower(), w.lower()) >= 70 for w in wrong)
                or any(
                    self.index.is_related(subject_key, key(d)) and key(d) != subject_key
                    for d in (other,)
                )
            ):
                continue
            wrong.append(definition)
            used_subjects.add(other_key)
            if len(wrong) == WANTED_DISTRACTORS:
                break
        if len(wrong) < 2:
            return None
        self._defined.add(subject_key)
        term = self.index.terms[subject_key]
        shown = subject if term.is_name else subject[:1].lower() + subject[1:]
        shown = re.sub(r"^(?:[Aa]n?|[Tt]he) ", "", shown)
        verb = "are" if is_plural(shown) else "is"
        choices = [
            DerivedChoice(cap(fact.answer), True, "Right: this is how the text describes it.")
        ]
        choices += [
            DerivedChoice(cap(w), False, "Not this one: the text says this of something else.")
            for w in wrong
        ]
        question = self._base(
            SINGLE,
            sentence,
            stem,
            prompt=f"According to the text, what {verb} {shown}?",
            stem=f"{cap(shown)} {verb} {BLANK}.",
            answer=fact.answer,
            highlight=fact.answer,
            choices=_ordered(choices, subject),
            explanation=(
                f"The text says {shown} {verb} {_quote(fact.answer)}; the other descriptions "
                "are what it says of other things."
            ),
        )
        question.flags.append(FLAG_DEFINITIONS)
        if leaning := _LEANING.search(fact.answer):
            question.flags.append(FLAG_LEANS.format(words=leaning.group(0)))
        return question

    def _multiple(
        self, fact: Fact, sentence: DerivedSentence, facts: SentenceFacts, stem: Stem
    ) -> DerivedQuestion | None:
        start = _find_word(stem.text, fact.answer, start=0)
        if start < 0:
            return None
        items = [
            i
            for i in fact.items
            if i in sentence.text and i.split()[0].lower() not in VAGUE_ITEM_STARTS
        ][:4]
        if len(items) < 2:
            return None
        blanked = f"{stem.text[:start]}{BLANK}{stem.text[start + len(fact.answer) :]}"
        blanked, _ = tidy_stem(blanked)
        item_keys = {key(i) for i in fact.items}
        sentence_key = normalise_answer(sentence.text)
        wrong: list[str] = []
        item_words = {w for k in item_keys for w in k.split()}
        # What the sentence says the items are ("soft tissue includes ...").
        about = [key(p) for p in _candidates(blanked.replace(BLANK, ","))]
        item_spec = sum(specificity(k) for k in item_keys) / len(item_keys)
        scored: list[tuple[float, str]] = []
        for candidate in self._pool(sentence.position):
            term = self.index.terms[candidate]
            if candidate in self.topics:
                continue
            if (
                candidate in item_keys
                or _starts_word(candidate).search(sentence_key)
                or any(self.index.is_related(candidate, k) for k in item_keys)
                or any(self.index.is_related(candidate, k) for k in about)
                # Listed beside one of these somewhere: of the same set, maybe
                # a true answer the sentence just does not name.
                or self.index.listed_with.get(candidate, set()) & item_keys
                # ... or beside something that shares a word with one of these:
                # "lungs, liver, blood vessels" makes liver a soft tissue too.
                or {w for k in self.index.listed_with.get(candidate, ()) for w in k.split()}
                & item_words
                or set(candidate.split()) & item_words
                or len(term.text.split()) > 3
                or term.is_name != all(i[:1].isupper() for i in items)
            ):
                continue
            # Terms the text lists elsewhere are of a listable kind; others must
            # at least be about as common words as the items.
            preference = (
                (3.0 if self.index.listed_with.get(candidate) else 0.0)
                - abs(specificity(candidate) - item_spec)
                + max(self.index.likeness(candidate, k) for k in item_keys) * 4
            )
            scored.append((preference, candidate))
        scored.sort(key=lambda pc: (-pc[0], pc[1]))
        for _, candidate in scored:
            if any(key(w) in candidate or candidate in key(w) for w in wrong):
                continue
            # Of the items' own kind by the text's evidence, or the odd one out.
            if not any(self._of_the_answers_class(candidate, k) for k in item_keys):
                continue
            wrong.append(_listed_form(candidate, self.index))
            if len(wrong) == WANTED_DISTRACTORS:
                break
        if len(wrong) < WANTED_DISTRACTORS:
            return None
        choices = [DerivedChoice(i, True, "Yes: the text lists this here.") for i in items]
        choices += [DerivedChoice(w, False, "No: the text does not list this here.") for w in wrong]
        question = self._base(
            MULTIPLE,
            sentence,
            stem,
            prompt=(
                "According to the text, which of these belong in the gap? Select all that "
                f"apply. {_quote(blanked)}"
            ),
            stem=blanked,
            answer=fact.answer,
            highlight=fact.answer,
            choices=_ordered(choices, blanked),
            explanation=f"The text lists {', '.join(_quote(i) for i in fact.items)}.",
        )
        question.flags.append(FLAG_DISTRACTORS)
        if len(items) < len(fact.items):
            question.flags.append(FLAG_LIST)
        return question

    def _hedge(self, question: DerivedQuestion, text: str) -> None:
        m = HEDGES.search(text)
        if m and question.kind == TRUE_FALSE:
            question.flags.append(FLAG_HEDGED.format(word=m.group(0)))

    @property
    def _subjects(self) -> set[str]:
        return {key(o) for o, _, _ in self.definitions}

    def _definitions_spread(self) -> list[tuple[str, str, int]]:
        """Definitions with each subject's first one before any second one."""
        firsts: list[tuple[str, str, int]] = []
        rest: list[tuple[str, str, int]] = []
        seen: set[str] = set()
        for item in self.definitions:
            (rest if key(item[0]) in seen else firsts).append(item)
            seen.add(key(item[0]))
        return firsts + rest

    # -- distractors -----------------------------------------------------------
    def _pool(self, position: int) -> list[str]:
        lesson = self.lesson_of.get(position, 0)
        pool = list(self.lesson_terms.get(lesson, []))
        pool += [t for t in self.global_terms if t not in set(pool)]
        return pool

    def distractors(
        self, fact: Fact, position: int, blanked: str, *, wanted: int = WANTED_DISTRACTORS
    ) -> list[str]:
        if fact.kind == "number":
            return self._number_distractors(fact, position, wanted)
        answer_key = key(fact.answer)
        answer_term = self.index.terms.get(answer_key)
        if answer_term is None:
            return []
        before = blanked.split(BLANK)[0]
        if len(fact.answer.split()) > 1 and re.search(r"\b(?:or|and)\s*$", before):
            # "smooth or involuntary muscle": the word before "or" shares the
            # answer's head, so any stand-in reads as nonsense ("smooth or uterus").
            return []
        stem_key = normalise_answer(blanked.replace(BLANK, " "))
        sentence_key = self.normalised[position]
        stem_terms = [key(p) for p in _candidates(blanked.replace(BLANK, ","))]
        stem_words = {key(w) for w in stem_key.split()}
        left, right = _context(blanked)
        leading = normalise_answer(blanked.partition(BLANK)[0]).split()[-3:]
        answer_words = len(fact.answer.split())
        answer_spec = specificity(answer_key)
        scored: list[tuple[float, str]] = []
        lesson_terms = set(self.lesson_terms.get(self.lesson_of.get(position, 0), []))
        # What the text calls the subject is true of it; what it calls the answer
        # is a broader term for it ("chloroplasts are organelles"): neither is wrong.
        described = self._what_the_text_calls([*stem_terms, answer_key])
        for candidate in self._pool(position):
            term = self.index.terms[candidate]
            if (
                candidate == answer_key
                or term.is_name != answer_term.is_name
                or (term.is_name and term.plural != is_plural(fact.answer))
                or abs(len(term.text.split()) - answer_words) > 1
                or candidate in answer_key
                or answer_key in candidate
                or _starts_word(candidate).search(stem_key)
                or _starts_word(candidate).search(sentence_key)
                or self.index.is_related(candidate, answer_key)
            ):
                continue
            # Two things the text says of the same subject may both be true here.
            if any(
                self.index.is_related(t, answer_key) and self.index.is_related(t, candidate)
                for t in stem_terms
            ):
                continue
            if self._stated_elsewhere(candidate, term.text, left, right, leading):
                continue
            # A term of the text joining the candidate to a word of the statement
            # ties them: sarcomas do arise from soft tissue ("soft tissue sarcoma").
            if any(
                f" {t} " in f" {longer} " and longer != t
                for t in stem_terms
                if t and t != answer_key
                for longer in self._containing(candidate)
            ):
                continue
            # Compared as bags of words, whatever the verb or the words between:
            # "a malignant smooth muscle tumor" makes "malignant tumor" true of
            # leiomyosarcoma, so it cannot be the wrong one.
            if any(_words(candidate) <= d for d in described):
                continue
            # A candidate sharing its head with a word of the statement is too close
            # to it ("soft tissue sarcomas" in a statement about sarcomas).
            if candidate.split()[-1] in stem_words:
                continue
            preference = (
                (0.0 if is_plural(term.text) == is_plural(fact.answer) else -3.0)
                + (2.0 if candidate in lesson_terms else 0.0)
                - abs(specificity(candidate) - answer_spec) / 2
                + (1.0 if candidate[-3:] == answer_key[-3:] else 0.0)
                + 4.0 * self.index.likeness(candidate, answer_key)
                + 0.05 * term.score
            )
            scored.append((preference, candidate))
            if len(scored) >= 40:
                break
        scored.sort(key=lambda pc: (-pc[0], pc[1]))
        chosen: list[str] = []
        at_start = blanked.startswith(BLANK)
        for _, candidate in scored:
            text = self.index.terms[candidate].text
            if any(key(c) in candidate or candidate in key(c) for c in chosen):
                continue
            agreed = _agree(text, fact.answer)
            if agreed is None:
                continue
            if self.index.terms[candidate].is_name or self._capital_mid_sentence(candidate, text):
                chosen.append(agreed)  # "Calvin cycle" keeps its capital anywhere
            else:
                chosen.append(_match_case(agreed, fact.answer, at_start=at_start))
            if len(chosen) == wanted:
                break
        return chosen

    def _of_the_answers_class(self, candidate: str, answer: str) -> bool:
        """Whether the text's own evidence makes the candidate the same kind of
        thing as the answer: the same head word ("lymph vessels", "blood
        vessels"), a content word beside both somewhere ("a pigment called
        chlorophyll", "pigments such as carotenoids"), or listed beside the
        answer in another sentence. Rarity of use alone ("underside" beside
        "chlorophyll") is no evidence: most rejected choices were of that kind."""
        if candidate not in self.index.terms:
            return False
        a_words, c_words = answer.split(), candidate.split()
        if len(a_words) > 1 and len(c_words) > 1 and a_words[-1] == c_words[-1]:
            return True
        if candidate in self.index.listed_with.get(answer, ()):
            return True
        answer_context = _content_context(self.index.contexts.get(answer, set()))
        return bool(answer_context & self.index.contexts.get(candidate, set()))

    def _capital_mid_sentence(self, candidate: str, surface: str) -> bool:
        """Whether the text capitalises the term where no sentence starts."""
        if not surface[:1].isupper():
            return False
        for position in self.index.sentences_of.get(candidate, [])[:50]:
            if self.sentences[position].text.find(surface) > 0:
                return True
        return False

    def _stand_in(self, fact: Fact, position: int, blanked: str) -> list[str]:
        """The one term a false statement puts in place of the answer.

        Beside three other choices a loose distractor is merely easy; alone in a
        statement it reads as nonsense ("uses ATP and Earth"). So the stand-in
        must be of the answer's kind by the text's own evidence: a number of the
        same kind, or a term sharing the answer's head word ("lymph vessels" for
        "blood vessels") or a content word beside it somewhere ("a pigment
        called chlorophyll", "tiny pores called stomata")."""
        candidates = self.distractors(fact, position, blanked, wanted=6)
        if fact.kind == "number":
            return candidates[:1]
        # "CAM plants", "C4 plants": the answer heads a compound, and a stand-in
        # makes a new one that reads as a term of its own ("CAM pigments").
        before = blanked.split(BLANK)[0].split()[-1:]
        if before and re.fullmatch(r"[A-Z][A-Z0-9]+|\w*\d\w*", before[0]):
            return []
        answer_key = key(fact.answer)
        answer_context = _content_context(self.index.contexts.get(answer_key, set()))
        for candidate in candidates:
            candidate_key = key(candidate)
            same_head = (
                len(answer_key.split()) > 1
                and len(candidate_key.split()) > 1
                and answer_key.split()[-1] == candidate_key.split()[-1]
            )
            shared = answer_context & self.index.contexts.get(candidate_key, set())
            if same_head or shared:
                return [candidate]
        return []

    def _containing(self, term: str) -> list[str]:
        """The text's longer terms with this one inside ("soft tissue sarcoma")."""
        if self._longer is None:
            self._longer = {}
            for k in self.index.terms:
                words = k.split()
                for n in range(1, len(words)):
                    for i in range(len(words) - n + 1):
                        self._longer.setdefault(" ".join(words[i : i + n]), []).append(k)
        return self._longer.get(term, [])

    def _what_the_text_calls(self, terms: list[str]) -> list[set[str]]:
        """The words of each definition the text gives of any of these terms."""
        if self._definition_words is None:
            self._definition_words = {}
            for subject, definition, _ in self.definitions:
                self._definition_words.setdefault(key(subject), []).append(_words(definition))
        return [words for t in set(terms) for words in self._definition_words.get(t, ())]

    def _stated_elsewhere(
        self, candidate: str, surface: str, left: str, right: str, leading: list[str]
    ) -> bool:
        """Whether the text puts the candidate in this very slot somewhere: then it
        is another true answer, not a distractor."""
        probes = []
        said = normalise_answer(surface)
        if left:
            probes.append(f"{left} {said}")
        # The words leading to the slot count one by one, whatever stands
        # between: "the Romans called the town ____" is filled by "a municipium
        # called Felicitas Julia" as well.
        for word in leading:
            if word not in FUNCTION_WORDS and not _NUMBERISH.match(word):
                probes.append(f"{word} {said}")
        if right:
            probes.append(f"{said} {right}")
        for position in self.index.sentences_of.get(candidate, [])[:50]:
            text = self.normalised.get(position, "")
            if any(p in text for p in probes):
                return True
        return False

    def _number_distractors(self, fact: Fact, position: int, wanted: int) -> list[str]:
        number = fact.number
        assert number is not None
        value = _value(number.text)
        in_sentence = {normalise_answer(n.text) for n in self.facts[position].numbers}
        pool = []
        for text, where in self.numbers_by_kind.get(number.kind, []):
            if normalise_answer(text) in in_sentence or where == position:
                continue
            if number.text[:1].isalpha() != text[:1].isalpha():
                continue
            other = _value(text)
            if other is None or other == value:
                continue
            if value and number.kind != "year" and not 0.2 <= other / value <= 5:
                continue  # "98" is no plausible stand-in for "30,000"
            distance = abs(other - value) if value is not None else 0
            pool.append((distance, text))
        pool.sort()
        chosen: list[str] = []
        for _, text in pool:
            if normalise_answer(text) not in {normalise_answer(c) for c in chosen}:
                chosen.append(text)
            if len(chosen) == wanted:
                break
        return chosen


_NUMBERISH = re.compile(r"^\d")


def _content_context(contexts: set[str]) -> set[str]:
    """Neighbouring words that say what kind of thing a term is ("<called",
    ">absorb"), not the articles and prepositions any noun stands beside."""
    return {c for c in contexts if c[1:] not in STOPWORDS and not c[1:].isdigit()}


# Patterns for the text's terms, compiled once: the drafter tries each term
# against thousands of sentences, far beyond the re module's own small cache.
@lru_cache(maxsize=1 << 14)
def _starts_word(term: str) -> re.Pattern:
    return re.compile(rf"\b{re.escape(term)}")


@lru_cache(maxsize=1 << 14)
def _whole_word(term: str) -> re.Pattern:
    return re.compile(rf"\b{re.escape(term)}\b")


@lru_cache(maxsize=1 << 14)
def _standalone(phrase: str) -> re.Pattern:
    return re.compile(rf"(?<![\w\-]){re.escape(phrase)}(?![\w\-])")


def _is_true_statement(question: DerivedQuestion) -> bool:
    return question.kind == TRUE_FALSE and question.choices[0].correct


def opposite_of(said: str) -> str | None:
    """The opposite of a word or of "most"/"more" and a word, inflected as
    English compares it: "most common" -> "rarest", "rarest" -> "most common",
    "rare" -> "common"; None when the lexicon knows no opposite."""
    words = said.lower().split()
    degree = ""
    if len(words) == 2:
        degree, base = words
        if degree not in {"most", "more"}:
            return None
    else:
        base = words[0]
        for plain, forms in COMPARED_BY_ENDING.items():
            if base in forms and base not in OPPOSITES:
                degree, base = ("more" if base == forms[0] else "most"), plain
                break
    opposite = OPPOSITES.get(base)
    if opposite is None or (degree and " " in opposite):
        return None
    if not degree:
        return opposite
    compared = COMPARED_BY_ENDING.get(opposite)
    if compared:
        return compared[0] if degree == "more" else compared[1]
    return f"{degree} {opposite}"


def _plain_form(word: str) -> str:
    """ "largest" -> "large", "older" -> "old"; other words as they are."""
    word = word.lower().split()[-1]
    for plain, forms in COMPARED_BY_ENDING.items():
        if word == plain or word in forms:
            return plain
    return word


def _said_again(said: str, stem_lower: str, start: int, end: int) -> bool:
    """Whether the rest of the sentence says the word again, in another form
    ("older" beside "oldest") or a word of the same sense ("Great" beside
    "largest"): its opposite would contradict the sentence on its face."""
    plain = _plain_form(said)
    family = {plain, *COMPARED_BY_ENDING.get(plain, ()), *SAME_SENSE.get(plain, ())}
    rest = stem_lower[:start] + " " + stem_lower[end:]
    return any(_whole_word(w).search(rest) for w in family)


def _missing(fact: Fact) -> str:
    if fact.kind == "number":
        return "number is"
    return "words are" if len(fact.answer.split()) > 1 else "word is"


def _words(text: str) -> set[str]:
    """The words of a phrase, singular, for comparing phrases as bags of words."""
    return {w.removesuffix("s") for w in normalise_answer(text).split()}


def _value(text: str) -> float | None:
    lower = text.lower().strip()
    if lower in NUMBER_WORDS:
        return float(NUMBER_WORDS[lower])
    m = re.match(r"\d[\d,]*(?:\.\d+)?", lower)
    return float(m.group(0).replace(",", "")) if m else None


def _listed_form(candidate: str, index: TermIndex) -> str:
    return index.terms[candidate].text


def _context(blanked: str) -> tuple[str, str]:
    before, _, after = blanked.partition(BLANK)
    left = normalise_answer(before).split()[-2:]
    right = normalise_answer(after).split()[:2]
    return " ".join(left), " ".join(right)


def _find_word(text: str, phrase: str, start: int = 0) -> int:
    m = _standalone(phrase).search(text, start)
    return m.start() if m else -1


def _match_case(text: str, answer: str, *, at_start: bool = True) -> str:
    # A capital that only starts the sentence goes with the place, not the word:
    # beside "Calvin cycle" mid-sentence, "stroma" stays lower case.
    if answer[:1].isupper() and not text[:1].isupper() and at_start:
        return cap(text)
    # "Sarcomas" at a sentence start is "sarcomas" in a gap.
    if answer[:1].islower() and text[:1].isupper() and not any(c.isupper() for c in text[1:]):
        return text[:1].lower() + text[1:]
    return text


@cache
def _inflect():
    # Imported on first use: inflect takes seconds to import, and every
    # process that loads the admin would pay for it otherwise.
    import inflect

    return inflect.engine()


def _agree(term: str, answer: str) -> str | None:
    """The term in the answer's grammatical number: "tumor" for "sarcomas" is
    "tumors"; None when that form is not in use ("respirations": a mass noun)."""
    words = term.split()
    if not words or words[-1][:1].isupper() or words[-1].isupper():
        return term
    want_plural = is_plural(answer)
    if want_plural == is_plural(term):
        return term
    engine = _inflect()
    last = words[-1]
    changed = engine.plural_noun(last) if want_plural else engine.singular_noun(last)
    if not changed:
        return term
    # Far rarer than the word itself: "respirations", "oxygens" are not said.
    if zipf(changed) < 3 and zipf(changed) + 1 < zipf(last):
        return None
    return " ".join([*words[:-1], changed])


def _fix_articles(text: str) -> str:
    def repl(m: re.Match) -> str:
        article, word = m.group(1), m.group(2)
        new = _inflect().a(word).split()[0]
        if article[:1].isupper():
            new = new.capitalize()
        return f"{new} {word}"

    return re.sub(r"\b([Aa]n?|[Aa]\(n\)) (\w[\w\-]*)", repl, text)


def _ordered(choices: list[DerivedChoice], seed: str) -> list[DerivedChoice]:
    """A fixed order that does not put the right answer first every time."""
    return sorted(choices, key=lambda c: stable_hash(f"{seed}|{c.text}"))


COMMON_NAME_ZIPF = 4.4
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*")
_NAMED_BEFORE = re.compile(
    r"(?P<named>[\w\-]+(?:\s+[\w\-]+){0,2}),?\s+(?:also\s+)?(?:called|known as)\s+$"
)
_NAME_WORD = re.compile(r"[A-Z][\w’'\-]*|(?:da|de|do|dos|van|von|of|the)")
_POSSESSIVE_TITLE = re.compile(r"^[A-Z][\w\- .]*['’]s\s+(?P<title>[A-Z].*)$")


def lone_capitalised(sentences) -> set[str]:
    """The capitalised words that stand alone, not inside a longer name:
    "Marconi later sold ..." beside "Pietro Marconi" is the text's own short
    form of that name."""
    lone: set[str] = set()
    for sentence in sentences:
        for m in _CAPITALISED_RUN.finditer(sentence):
            word = m.group(0)
            # A sentence's first word is capitalised whatever it is: there only
            # a rare word ("Marconi ...") is a name, not "Exchange rates ...".
            if " " not in word and (m.start() > 0 or zipf(word.lower()) < COMMON_NAME_ZIPF):
                lone.add(word)
    return lone


def text_forms(answer: str, blanked: str, lone_names: set[str]) -> list[str]:
    """Shorter forms of a blank's answer a teacher would accept, by the text's
    own evidence (issue 15 item 7, the reader's "answer variants missing"):
    the short form the text uses for a name ("Marconi" for "Pietro Marconi",
    "Africa" for "North Africa"), a work's title without its author's
    possessive ("The Canterbury Tales"), and a name's modifier alone where its
    head stands right before the naming word ("Hard corals, also called ____":
    "stony" for "stony corals")."""
    forms: list[str] = []
    words = answer.split()
    is_name = len(words) >= 2 and all(_NAME_WORD.fullmatch(w) for w in words)
    if is_name and words[-1] in lone_names and words[-1].lower() not in STOPWORDS:
        forms.append(words[-1])
    titled = _POSSESSIVE_TITLE.match(answer)
    if titled:
        forms.append(titled["title"])
    before = blanked.partition(BLANK)[0]
    named = _NAMED_BEFORE.search(before)
    if named and answer[:1].islower() and len(words) >= 2:
        shown = {singular(w.lower()) for w in named["named"].split()}
        for cut in range(1, len(words)):
            head = words[cut:]
            if all(singular(w.lower()) in shown for w in head):
                modifier = " ".join(words[:cut])
                if modifier.lower() not in STOPWORDS:
                    forms.append(modifier)
                break
    return forms


# Only "-isation": "-ise" alone also ends "promise" and "expertise".
_BRITISH_ENDINGS = re.compile(r"(?<=[a-z]{3})is(ations?)\b")
_AMERICAN_ENDINGS = re.compile(r"(?<=[a-z]{3})iz(ations?)\b")
_DIGITS_AS_WORDS = {str(n): word for word, n in NUMBER_WORDS.items() if n <= 12}


def answer_variants(answer: str) -> list[str]:
    """Other ways a learner writes the same answer, shown beside it as
    accepted (the reader asked for them, issue 15 d): "1500" for "1,500",
    "ten" for "10", "standardization" for "standardisation" and back."""
    variants = []
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", answer):
        variants.append(answer.replace(",", ""))
    if answer in _DIGITS_AS_WORDS:
        variants.append(_DIGITS_AS_WORDS[answer])
    if answer.islower() and " " in answer:
        # "stony corals" / "stony coral": one of a kind is the same answer.
        head, _, last = answer.rpartition(" ")
        if singular(last) != last:
            variants.append(f"{head} {singular(last)}")
    if answer.islower():
        for ending, other in ((_BRITISH_ENDINGS, "iz"), (_AMERICAN_ENDINGS, "is")):
            spelled = ending.sub(rf"{other}\1", answer)
            if spelled != answer:
                variants.append(spelled)
    return variants
