"""Reading a text for questions: key terms, aliases, what is said to be what,
lists, numbers and definitions. Pure functions over strings; no database.

The text is our only knowledge, so every relation the text states (an alias, a
hypernym, a definition, items listed together) is recorded: drafting uses them
to keep true answers out of the wrong choices.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

from wordfreq import zipf_frequency

from lessons.lexicon import (
    ADJECTIVE_ENDINGS,
    BEFORE_VERB,
    HEDGE_WORDS,
    MONTHS,
    NAME_PARTICLES,
    NEGATION_WORDS,
    NOT_AN_ITEM,
    NOUNS_WITH_ADJECTIVE_ENDINGS,
    NUMBER_WORDS,
    OPPOSITES,
    PLAIN_ADJECTIVES,
    PRONOUN_STARTS,
    STOPWORDS,
    SUBJECT_ENDING_VERBS,
    TITLES,
)
from lessons.text import normalise_answer, singular

NEGATIONS = re.compile(rf"\b({'|'.join(NEGATION_WORDS)})\b|n't\b", re.I)
HEDGES = re.compile(rf"\b({'|'.join(HEDGE_WORDS)})\b", re.I)
_WORD = re.compile(r"[^\W\d_][\w’'\-]*[^\W_]|[^\W\d_]|\d[\w\-]*")
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s?[–—-]\s?(\d+(?:\.\d+)?))?(\s?%|\s?(?:BC|BCE|AD|CE)\b)?(?![\w%])"
)
_MONTHS = "|".join(MONTHS)
_MONTH = re.compile(rf"\s+(?:{_MONTHS})\b")
_MONTH_AND_SPACE = re.compile(rf"\b(?:{_MONTHS})\s+")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_PAREN = re.compile(r"\s*\([^()]*\)")
# "1  a lump or swelling. 2  abdominal discomfort": a numbered list run into the text.
LIST_MARKER = re.compile(r"(?:^|[:.]\s+)\d{1,2}\s+[a-z]")
# The spaces after the term, its gloss and its comma are read one way only
# (possessively): ",?\s*" after "\s*" let a run of spaces split in quadratically
# many ways, and a 4 KB upload of spaces held a worker for minutes.
_ALIAS = re.compile(
    r"(?P<term>[\w][\w\- ]{1,60}?)\s*+(?:\([^()]*+\)\s*+)?(?:,\s*+)?(?:also|sometimes|often)\s+"
    r"(?:referred to as|known as|called|termed|named)\s+(?:the\s+)?(?:an?\s+)?"
    r"(?P<alias>[\w“\"][\w\- ”\"]{0,40}?)(?=[,.;)]|\s+(?:is|are|was|were)\b)",
    re.I,
)
_ABBREVIATION = re.compile(r"(?P<term>\b[A-Z][\w\-]+(?: [\w\-]+){0,3}) \((?P<alias>[A-Z]{2,6})\)")
_CALLED = re.compile(
    r"\b(?:an?|the)\s+(?P<kind>(?:[\w\-]+\s+){0,2}[\w\-]+)\s+(?:called|named|known as)\s+"
    r"(?P<term>(?:the\s+)?[\w\-]+(?: (?!and\b|or\b|which\b|that\b)[\w\-]+){0,3})",
    re.I,
)
_COPULA = re.compile(
    r"^(?:an?\s+|the\s+)?(?P<subject>[\w][\w\- ]{0,50}?)\s*(?:\([^()]*\)\s*)?"
    r"(?:,[^,]{0,80},\s*)?\s+(?P<verb>is|are|was|were|refers to|refer to|means|"
    r"belongs to|is classified as|are classified as|is designated as)\s+"
    r"(?P<rest>.+)$",
    re.I,
)
_CATEGORY = re.compile(
    r"^(?:an?\s+|the\s+|one of the\s+)?(?:[\w\-]+\s+){0,3}?(?:form|type|kind|group|class|"
    r"example|member|part|variety|examples|members)s?\s+of\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}?"
    r"(?P<head>[\w\-]+)",
    re.I,
)
_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.I)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=1 << 16)  # the drafter asks for the same terms' keys millions of times
def key(text: str) -> str:
    """How two mentions of a term are recognised as the same: normalised, with a
    plural -s folded ("sarcomas" = "sarcoma")."""
    folded = normalise_answer(_ARTICLE.sub("", text.strip()))
    parts = folded.split()
    if parts:
        parts[-1] = singular(parts[-1])
    return " ".join(parts)


def is_plural(phrase: str) -> bool:
    last = phrase.split()[-1].lower() if phrase.split() else ""
    return singular(last) != last


def _noun_like(word: str) -> bool:
    """Whether a word standing before a noun reads as a noun itself ("blood" in
    "blood stream"), making the pair one compound term."""
    return (
        len(word) > 2
        and word.isalpha()
        and word not in STOPWORDS
        and word not in PLAIN_ADJECTIVES
        and word not in OPPOSITES
        and not is_superlative(word)
        and (not word.endswith(ADJECTIVE_ENDINGS) or word in NOUNS_WITH_ADJECTIVE_ENDINGS)
    )


_ORDINAL = re.compile(
    r"^(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|\w+teenth|\w+tieth|hundredth|thousandth)$"
)


def is_superlative(word: str) -> bool:
    """ "fastest", "largest", "oldest": an adjective, however noun-like its place."""
    if len(word) < 6 or not word.endswith("est"):
        return False
    base = word[:-3]
    candidates = {base, base + "e", base[:-1] if base[-1:] == base[-2:-1] else base}
    if base.endswith("i"):
        candidates.add(base[:-1] + "y")  # "earliest"
    return bool(candidates & (PLAIN_ADJECTIVES | OPPOSITES.keys()))


@cache
def zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def specificity(term: str) -> float:
    """How domain-specific a term is: rare words in general English score high
    (leiomyosarcoma 4.5, tissue 1.7, body 0.6)."""
    toks = term.lower().split()
    if not toks:
        return 0.0
    return max(0.0, 6.0 - min(zipf(t) for t in toks))


def strip_parentheticals(text: str) -> str:
    return _PAREN.sub("", text)


def is_name(term: str) -> bool:
    return all(w[:1].isupper() or w in {"of", "da", "de", "the"} for w in term.split())


# ---------------------------------------------------------------------------
@dataclass
class Number:
    text: str  # as in the sentence, e.g. "5–10%", "1755", "two"
    start: int
    kind: str  # "year", "percent", "count", "range", "era"
    accepted: list[str] = field(default_factory=list)


def numbers_in(sentence: str) -> list[Number]:
    found: list[Number] = []
    # Where a month and its spaces end, found once: looking back from every
    # number of a long list of numbers was quadratic.
    after_month = {m.end() for m in _MONTH_AND_SPACE.finditer(sentence)}
    for m in _NUMBER.finditer(sentence):
        value, upper, suffix = m.group(1), m.group(2), (m.group(3) or "").strip()
        is_date = _MONTH.match(sentence, m.end()) or m.start() in after_month
        if is_date and not re.fullmatch(r"1\d{3}|20\d{2}", value):
            continue  # the day of a date ("1 November") is no fact to learn
        text = m.group(0)
        if suffix == "%":
            kind = "percent"
        elif suffix:
            kind = "era"
        elif upper:
            kind = "range"
        elif re.fullmatch(r"1\d{3}|20\d{2}", value):
            kind = "year"
        else:
            kind = "count"
        accepted = [text]
        if suffix and suffix != "%":
            accepted.append(m.group(1) + (f"–{upper}" if upper else ""))
        found.append(Number(text, m.start(), kind, accepted))
    for m in _NUMBER_WORD.finditer(sentence):
        word = m.group(1)
        # "one of the oldest" and the like are not counts.
        found.append(Number(word, m.start(), "count", [word, str(NUMBER_WORDS[word.lower()])]))
    return sorted(found, key=lambda n: n.start)


# ---------------------------------------------------------------------------
# Lists longer than this are no series a question can ask about (the texts'
# longest has six items), and relating every item to every other is quadratic.
MAX_LIST_ITEMS = 30
# Likewise a run of more capitalised words than this is a title or shouting,
# not a name (the longest name in the texts has five words).
MAX_NAME_WORDS = 8


@dataclass
class ListSpan:
    start: int
    end: int
    items: list[str]
    open_ended: bool = False  # ended by "or other means": no question asks for the whole
    kind: str = ""  # what "or any other soft tissue" says every item is


# Words are taken whole (possessively: nothing after a word can be a word
# character), and a list starts at a word or at an article ending one ("the"
# of "bathe"), so a run of hyphens is not tried from each of its characters.
_ITEM = r"(?:the\s+|a\s+|an\s+)?[\w\-’']++(?:\s+(?!and\b|or\b)[\w\-’']++){0,3}"
_LIST = re.compile(
    rf"(?P<list>(?:(?<![\w\-’'])|(?=(?:the|an?)\s)){_ITEM}(?:,\s+{_ITEM}){{1,}},?\s+(?:and|or)\s+{_ITEM}(?:\s+(?:and|or)\s+{_ITEM})?)"
    r"(?=\s*(?:[.;:)]|,\s*(?:which|that|who|and|or|when|so|but)\b|$)"
    r"|\s+(?:are|is|were|was|have|has|can|may|will|convert|make|made|by|gave|became|led)\b"
    # "..., or any other soft tissue in the body."
    r"|\s+(?:in|on|at|within)\s+(?:the|a|an|their|its)\b)"
)
_TRIGGERS = re.compile(
    r"\b(?:such as|include|includes|including|like|namely|are|is|were|was|as|affect|"
    r"affects|contain|contains|of|between|on|in|to|from|by|with|for)\s+$",
    re.I,
)


_INNER_TRIGGER = re.compile(r".*\b(?:on|of|in|to|from|by|with|for|between|affect|affects)\s+", re.I)


def lists_in(sentence: str) -> list[ListSpan]:
    """Series such as "fat, muscle, nerves, tendons, and blood and lymph vessels"."""
    spans = []
    for m in _LIST.finditer(sentence):
        start, end = m.span("list")
        text = m.group("list")
        parts = re.split(r",\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+(?=[^,]*$)", text, maxsplit=0)
        parts = [p.strip() for p in parts if p.strip()]
        # The first item reaches back only to the trigger word ("includes fat").
        first = parts[0].split()
        before = sentence[:start]
        # "depends on light intensity, ...": the first item starts after the
        # trigger inside the match.
        inner_trigger = _INNER_TRIGGER.match(parts[0])
        if inner_trigger and len(first) > 1:
            start += inner_trigger.end()
            parts[0] = parts[0][inner_trigger.end() :]
        elif not _TRIGGERS.search(before) and len(first) > 1:
            keep = first[-2:] if first[-2].lower() in {"the", "a", "an"} else first[-1:]
            start += len(parts[0]) - len(" ".join(keep))
            parts[0] = " ".join(keep)
        # "the body, such as muscle, fat": the list starts after the trigger.
        for i in range(len(parts) - 1, -1, -1):
            inner = re.search(r"\b(?:such as|including|includes|include|like|namely)\s+", parts[i])
            if inner:
                offset = text.find(parts[i]) + inner.end()
                start += offset
                parts = [parts[i][inner.end() :], *parts[i + 1 :]]
                break
        items = [_ARTICLE.sub("", p) for p in parts]
        open_ended = False
        kind = ""
        # "..., or any other soft tissue in the body": a catch-all ends the series.
        while items and (
            catch_all := re.match(r"(?:any |some |many )?other\b\s*|etc\b", items[-1], re.I)
        ):
            kind = kind or items[-1][catch_all.end() :]
            items.pop()
            open_ended = True
        if any(i.split()[0].lower() in NOT_AN_ITEM for i in items if i.split()):
            continue
        if any(w.lower() in STOPWORDS - {"and", "of", "or"} for i in items for w in i.split()):
            continue  # "ruled by Germanic peoples" is a clause, not an item
        # "two carrier molecules, ATP and NADPH": the first item names the kind.
        if (
            is_plural(items[0])
            and all(i[:1].isupper() for i in items[1:])
            and not items[0][:1].isupper()
        ):
            start += len(parts[0]) + 2
            items = items[1:]
        if 2 <= len(items) <= MAX_LIST_ITEMS and all(1 <= len(i.split()) <= 4 for i in items):
            spans.append(ListSpan(start, end, items, open_ended, kind))
    if not spans:
        spans.extend(_series(sentence))
    return [s for s in spans if len(s.items) >= 2]


def _series(sentence: str) -> list[ListSpan]:
    """A bare comma series of four or more short items ending the sentence
    ("... blood vessels, heart, liver, pancreas, uterus, skin.")."""
    body = sentence.rstrip(" .;")
    segments = body.split(", ")
    items: list[str] = []
    for segment in reversed(segments[1:]):
        if len(strip_parentheticals(segment).split()) > 5:
            break
        items.insert(0, segment)
    if len(items) < 4:
        return []
    start = len(", ".join(segments[: len(segments) - len(items)])) + 2
    first_words = segments[len(segments) - len(items) - 1].split()
    if len(first_words) <= 2:
        items.insert(0, " ".join(first_words))
        start -= len(items[0]) + 2
    if len(items) > MAX_LIST_ITEMS:
        return []
    cleaned = [_ARTICLE.sub("", strip_parentheticals(i).strip()) for i in items]
    return [ListSpan(start, len(body), cleaned)]


# ---------------------------------------------------------------------------
@dataclass
class SentenceFacts:
    """What one sentence says, as far as patterns can tell."""

    position: int
    text: str
    subject: str = ""  # the grammatical subject when the sentence starts with it
    definition: str = ""  # "X is DEF": DEF, when the sentence defines its subject
    definitions: list[tuple[str, str]] = field(default_factory=list)  # (term, DEF), all
    categories: list[str] = field(default_factory=list)  # X is a kind of these
    aliases: list[tuple[str, str]] = field(default_factory=list)
    lists: list[ListSpan] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    has_list_marker: bool = False
    negated: bool = False
    words: list[str] = field(default_factory=list)


def _clean_phrase(phrase: str) -> str:
    phrase = strip_parentheticals(phrase).strip(' ,;:“”"')
    return re.sub(r"\s+", " ", phrase)


def _cut_definition(rest: str) -> str:
    rest = rest.rstrip(".!? ")
    rest = re.split(r",\s*(?:and|but|which|who|although|while)\b|;|:", rest)[0]
    return _clean_phrase(rest)


def sentence_facts(position: int, text: str) -> SentenceFacts:
    facts = SentenceFacts(position, text)
    facts.words = words(text)
    facts.has_list_marker = bool(LIST_MARKER.search(text)) or text.rstrip().endswith(":")
    facts.negated = bool(NEGATIONS.search(text))
    facts.numbers = numbers_in(text)
    facts.lists = lists_in(text)
    for m in _ALIAS.finditer(text):
        term, alias = _clean_phrase(m.group("term")), _clean_phrase(m.group("alias"))
        term = " ".join(term.split()[-4:])
        if term and alias and len(alias.split()) <= 5:
            facts.aliases.append((term, alias))
    for m in _ABBREVIATION.finditer(text):
        facts.aliases.append((_clean_phrase(m.group("term")), m.group("alias")))
    for m in _CALLED.finditer(text):
        kind = _clean_phrase(m.group("kind")).split()[-1]
        term = _clean_phrase(m.group("term"))
        facts.categories.append(f"{term}=>{kind}")

    copula = _COPULA.match(text)
    if copula and copula.group("subject").split()[0].lower() not in PRONOUN_STARTS | {"there"}:
        subject = _clean_phrase(copula.group("subject"))
        subject_words = subject.split()
        if (
            1 <= len(subject_words) <= 5
            and not any(w.lower() in {"and", "or", "of"} for w in subject_words[:1])
            and " and " not in subject
            and not subject_words[0].lower().startswith(("most", "some", "many", "each"))
        ):
            subject = re.sub(r"^(?:the )?term\s+", "", subject, flags=re.I)
            facts.subject = subject
            rest = copula.group("rest")
            verb = copula.group("verb").lower()
            definition = _cut_definition(rest)
            if verb in {"is", "are", "was", "were", "refers to", "refer to", "means"}:
                first = definition.split()[0].lower() if definition.split() else ""
                if (
                    3 <= len(definition.split()) <= 25
                    and (first in {"a", "an", "the", "one"} or first not in STOPWORDS)
                    and not first.endswith(("ed", "en", "un"))
                    and not NEGATIONS.search(definition)
                    and not re.match(r"(?:thought|said|believed|found|known)\b", definition)
                    and not re.match(r"(?:very|so|too|not|also|often|usually)\b", definition)
                ):
                    facts.definition = definition
            cat = _CATEGORY.match(definition)
            if cat:
                facts.categories.append(f"{subject}=>{cat.group('head')}")
            elif definition:
                head = re.split(r"\s+(?:that|which|who|by|of|from|in|on|with)\b", definition)[0]
                if head.split():
                    facts.categories.append(f"{subject}=>{head.split()[-1]}")
    if not facts.subject:
        facts.subject = _leading_subject(text)
    if facts.definition:
        facts.definitions.append((facts.subject, facts.definition))
    # "..., leiomyoma, which is a benign tumor originating from the same tissue."
    for m in _WHICH_IS.finditer(text):
        definition = _cut_definition(m.group("def"))
        term = " ".join(w for w in m.group("term").split() if w.lower() not in STOPWORDS)
        if term and 3 <= len(definition.split()) <= 25:
            facts.definitions.append((term, definition))
            head = re.split(
                r"\s+(?:that|which|who|by|of|from|in|on|with|originating)\b", definition
            )
            facts.categories.append(f"{term}=>{head[0].split()[-1]}")
    return facts


_WHICH_IS = re.compile(
    r"\b(?P<term>[\w\-]+(?: [\w\-]+)?), which (?:is|are) (?P<def>(?:an?|the) [^,;.]+)"
)


_PREPOSITION_START = re.compile(
    r"^(?:in|on|at|by|for|with|from|to|after|before|during|under|since|when|while|if|as|"
    r"although|because|between|around|about|for)\b",
    re.I,
)


def _leading_subject(text: str) -> str:
    """The noun phrase a sentence starts with, when it plainly starts with one."""
    if _PREPOSITION_START.match(text):
        return ""
    head = re.split(r"[,;:]|\s+(?=(?:" + _VERBISH + r")\b)", text, maxsplit=1)[0]
    # "The Vardo Aqueduct carries water", "Marta Orlova founded the
    # observatory": a verb the list does not know, read from its ending after
    # a name inside the sentence ("-s") or after any word ("-ed").
    verb = re.search(r"(?<=\s)[A-Z][\w\-]*( [a-z]+s)\b|\b[\w\-]*[a-z]( [a-z]+ed)\b", head)
    if verb:
        head = head[: verb.start(1) if verb.group(1) else verb.start(2)]
    head = _clean_phrase(head)
    if 1 <= len(head.split()) <= 5 and head.split()[0].lower() not in PRONOUN_STARTS:
        return head
    return ""


_VERBISH = "|".join(sorted(SUBJECT_ENDING_VERBS))


# ---------------------------------------------------------------------------
@dataclass
class Term:
    text: str  # the most common surface form
    key: str
    count: int
    score: float
    is_name: bool
    plural: bool


@dataclass
class TermIndex:
    """Key terms of a text and what the text says relates them."""

    terms: dict[str, Term]
    related: dict[str, set[str]]  # term key -> keys said to be the same or its kind
    aliases: dict[str, set[str]]  # term key -> alias surface forms
    listed_with: dict[str, set[str]]  # term key -> keys listed beside it anywhere
    sentences_of: dict[str, list[int]]  # term key -> sentence positions mentioning it
    contexts: dict[str, set[str]] = field(default_factory=dict)  # words seen beside a term

    def likeness(self, a: str, b: str) -> float:
        """How alike two terms are used: shared neighbouring words (Jaccard).
        "benign tumor" and "malignant sarcoma" share a slot; "brain" does not."""
        ca, cb = self.contexts.get(a, set()), self.contexts.get(b, set())
        if not ca or not cb:
            return 0.0
        return len(ca & cb) / len(ca | cb)

    def is_related(self, a: str, b: str) -> bool:
        return b in self.related.get(a, ()) or a in self.related.get(b, ())


def _chunks(text: str) -> list[list[tuple[str, int]]]:
    """Runs of content words (tokens with offsets), split at function words,
    verbs, numbers and punctuation."""
    chunks: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    last_end = 0
    previous = ""
    for m in _WORD.finditer(text):
        token = m.group(0)
        between = text[last_end : m.start()]
        lower = token.lower()
        # After "can", "to", "it" or "which" comes a verb ("can recur", "it spreads").
        verb = previous in BEFORE_VERB and not token[:1].isupper()
        skip = lower in STOPWORDS or token[0].isdigit() or lower.endswith("ly") or verb
        if (skip or any(c in between for c in ',;:.()“”"—–/')) and current:
            chunks.append(current)
            current = []
        if not skip:
            current.append((token, m.start()))
        last_end = m.end()
        previous = lower
    if current:
        chunks.append(current)
    return chunks


def _candidates(text: str) -> list[str]:
    """Phrases that may be key terms: the head that ends each run of content
    words, and every two- or three-word sequence within a run ("smooth muscle"
    in "smooth muscle tumor"). Capitalised runs are names."""
    found = []
    plain = strip_parentheticals(text)
    for chunk in _chunks(plain):
        tokens = [t for t, _ in chunk]
        found.append(tokens[-1])
        for n in (2, 3):
            for i in range(len(tokens) - n + 1):
                found.append(" ".join(tokens[i : i + n]))
    for m in re.finditer(r"\b[A-Z][\w\-’']+(?:\s+(?:of|da|de|the)?\s*[A-Z][\w\-’']+)+", plain):
        name = m.group(0).split()
        while name and name[0].lower() in STOPWORDS:
            name = name[1:]  # "Under the Marquis of Pombal" names the Marquis of Pombal
        if 1 < len(name) <= MAX_NAME_WORDS:
            found.append(" ".join(name))
    return found


def build_term_index(facts: list[SentenceFacts], *, first_words: set[str]) -> TermIndex:
    counts: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    sentences_of: dict[str, list[int]] = defaultdict(list)
    contexts: dict[str, set[str]] = defaultdict(set)
    fragment_counts: Counter[str] = Counter()
    for f in facts:
        if f.has_list_marker:
            continue  # "1  a lump or swelling. 2  ..." is no place for key terms
        seen: set[str] = set()
        plain = normalise_answer(strip_parentheticals(f.text)).split()
        starts = word_starts(plain)
        phrases = _candidates(f.text)
        inside_names = {
            key(p)
            for p in phrases
            if any(w[:1].isupper() for w in p.split()) and _inside_a_name(f.text, p)
        }
        for phrase in phrases:
            k = key(phrase)
            if not k or k in seen:
                continue
            if k in inside_names:
                fragment_counts[k] += 1
            _record_context(contexts[k], plain, normalise_answer(phrase).split(), starts)
            seen.add(k)
            counts[k] += 1
            surfaces[k][phrase] += 1
            sentences_of[k].append(f.position)
        for item in (i for span in f.lists for i in span.items):
            k = key(item)
            if k and k not in seen:
                seen.add(k)
                counts[k] += 1
                surfaces[k][item] += 1
                sentences_of[k].append(f.position)

    terms: dict[str, Term] = {}
    for k in [k for k, n in fragment_counts.items() if n >= counts[k]]:
        del counts[k]  # "Saints' Day" only ever stands in "All Saints' Day"
    for k in [k for k, n in counts.items() if n == 1 and " " not in k]:
        lefts = [c[1:] for c in contexts[k] if c.startswith("<")]
        if (
            lefts
            and all(_noun_like(w) for w in lefts)
            and not is_name(surfaces[k].most_common(1)[0][0])
        ):
            del counts[k]  # "stream" of "blood stream", "chain" of "food chain"
    for k, count in counts.items():
        surface = max(surfaces[k].items(), key=lambda kv: (kv[1], kv[0]))[0]
        toks = k.split()
        name = is_name(surface) and surface.split()[0].lower() not in first_words
        if len(toks) > 1 and count < 2 and not name:
            continue  # a one-off word sequence is rarely a term
        if any(t in STOPWORDS for t in (toks[0], toks[-1])) or len(k) < 3:
            continue
        spec = specificity(k)
        if spec < 1.0 and not name:
            continue
        if len(toks) == 1 and name and toks[0].endswith(("ese", "ic", "ian", "ish")):
            continue  # "Portuguese", "Gothic": adjectives, however capitalised
        if (
            len(toks) == 1
            and not name
            and toks[0].endswith(ADJECTIVE_ENDINGS)
            and toks[0] not in NOUNS_WITH_ADJECTIVE_ENDINGS
        ) or (len(toks) == 1 and (is_superlative(toks[0]) or _ORDINAL.match(toks[0]))):
            continue
        score = spec * (1 + math.log(count)) + (1.0 if name else 0.0) + 0.3 * (len(toks) - 1)
        terms[k] = Term(surface, k, count, score, name, is_plural(surface))

    # A phrase that only ever occurs inside a longer term is not a term of its own.
    containing: dict[str, int] = defaultdict(int)
    for k, t in terms.items():
        parts = k.split()
        for n in range(1, len(parts)):
            for i in range(len(parts) - n + 1):
                sub = " ".join(parts[i : i + n])
                if sub in terms:
                    containing[sub] = max(containing[sub], t.count)
    for sub, longer_count in containing.items():
        if longer_count >= terms[sub].count:
            del terms[sub]  # "tissue sarcoma" only ever stands in "soft tissue sarcoma"

    related: dict[str, set[str]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    listed_with: dict[str, set[str]] = defaultdict(set)

    def relate(a: str, b: str) -> None:
        ka, kb = key(a), key(b)
        if ka and kb and ka != kb:
            related[ka].add(kb)
            related[kb].add(ka)

    for f in facts:
        for term, alias in f.aliases:
            relate(term, alias)
            aliases[key(term)].add(alias.strip('“”"'))
            aliases[key(alias)].add(term)
        for pair in f.categories:
            sub, _, kind = pair.partition("=>")
            relate(sub, kind)
            # "A uterine leiomyosarcoma is ..." also says something of leiomyosarcoma.
            if len(sub.split()) > 1:
                relate(sub.split()[-1], kind)
        if f.subject and f.definition:
            for word in _candidates(f.definition):
                if key(word) in terms:
                    relate(f.subject, word)
        # "Smooth muscles are involuntary muscles": the modifiers are synonyms.
        m = re.match(r"^([\w\- ]+?) (?:is|are) ([\w\- ]+?)[;,.]", f.text)
        if m and len(m.group(1).split()) <= 3 and len(m.group(2).split()) <= 3:
            a, b = m.group(1).split(), m.group(2).split()
            if a[-1].lower() == b[-1].lower():
                relate(" ".join(a[:-1]), " ".join(b[:-1]))
            relate(m.group(1), m.group(2))
        for span in f.lists:
            ks = [key(i) for i in span.items]
            for item in span.items if span.kind else ():
                relate(item, span.kind)  # each of them is a soft tissue
            for k in ks:
                listed_with[k].update(x for x in ks if x != k)
        # "the stroma, the fluid that surrounds": an appositive names the same thing.
        for m in re.finditer(
            r"\b(?:the\s+)?([\w\-]+), (?:the|a|an) ([\w\-]+(?: [\w\-]+)?)", f.text
        ):
            if key(m.group(1)) in terms:
                relate(m.group(1), m.group(2))
    _relate_back_references(facts, terms, sentences_of, relate)
    return TermIndex(
        terms, related, aliases, listed_with, sentences_of, {k: contexts[k] for k in terms}
    )


def _inside_a_name(sentence: str, phrase: str) -> bool:
    """Whether the phrase is the tail of a longer name here: a capitalised word
    that does not start the sentence, or a number, stands right before it
    ("All Saints' Day", "25 de Abril Bridge"); a title ("Dr.") does not count."""
    found = _word_before(sentence, phrase)
    if found is None:
        return False
    earlier, word = found
    if word in NAME_PARTICLES and earlier:
        word = earlier  # "25 de Abril Bridge", "Vasco da Gama"
    if word.rstrip(".").lower() in TITLES or not re.match(r"^[A-Z0-9][\w’'\-]*$", word):
        return False
    return word[:1].isdigit() or word[:1].isupper()


def _word_before(sentence: str, phrase: str) -> tuple[str, str] | None:
    """The two whitespace-separated words before the phrase's first mention
    after a word, as ``(?:(\\S+)\\s+)?(\\S+)\\s+PHRASE(?![\\w-])`` finds them: ("", word)
    or None when that word starts the sentence.

    That pattern, searched once per phrase, tried two words at every position
    of the sentence (quadratic in a run of names); this finds the phrase by
    its text first. The pattern's leftmost match prefers two words before
    the phrase, so a mention right after the first word defers to a mention
    right after that ("X Day Day": "Day" before the second "Day")."""
    mentions = _standalone_after_space(phrase)
    first = mentions.search(sentence)
    if first is None:
        return None
    before = sentence[: first.start()].split()
    if len(before) >= 2:
        return before[-2], before[-1]
    # The first word starts the sentence: a second mention right after the
    # phrase's own first word wins, as the pattern's match at 0 would.
    words_and_spaces = re.match(r"\S+\s+(\S+)\s+", sentence)
    if words_and_spaces and mentions.match(sentence, words_and_spaces.end()):
        return before[-1], words_and_spaces.group(1)
    return None


@lru_cache(maxsize=1 << 14)
def _standalone_after_space(phrase: str) -> re.Pattern:
    return re.compile(rf"(?<=\s){re.escape(phrase)}(?![\w\-])")


def _relate_back_references(facts, terms, sentences_of, relate) -> None:
    """ "The disaster shocked Europe", first mention of a disaster right after
    the earthquake: a definite noun never introduced names something just
    said, so it is no wrong choice for it (nor it for the noun)."""
    recent: list[SentenceFacts] = []
    for f in facts:
        m = re.match(r"The ([a-z][\w\-]+) ", f.text)
        if m and recent:
            k = key(m.group(1))
            if k in terms and sentences_of[k][0] == f.position:
                for earlier in recent:
                    for phrase in _candidates(earlier.text):
                        if key(phrase) in terms:
                            relate(m.group(1), phrase)
        recent = [*recent[-2:], f]


def _record_context(
    into: set[str], sentence: list[str], phrase: list[str], starts: dict[str, list[int]]
) -> None:
    """The words either side of each mention of the phrase in the sentence;
    `starts` holds where each word stands, so only mentions are looked at."""
    n = len(phrase)
    if not n:
        return
    for i in starts.get(phrase[0], ()):
        if sentence[i : i + n] == phrase:
            if i > 0:
                into.add("<" + singular(sentence[i - 1]))
            if i + n < len(sentence):
                into.add(">" + singular(sentence[i + n]))
            if len(into) > 40:
                return


def word_starts(sentence: list[str]) -> dict[str, list[int]]:
    starts: dict[str, list[int]] = defaultdict(list)
    for i, word in enumerate(sentence):
        starts[word].append(i)
    return starts
