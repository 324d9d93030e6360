"""What a sentence's pronouns and definite phrases point back to, as far as
the text before it says (issue 15, item 5: a question is read without the text
beside it, so "It was built in 1755", "The city replaced Coimbra" or "Each
turn of the cycle" must say what they mean).

Patterns, not a parser: the project ships no syntactic model. A reference is
written out only when the text before names one thing it can mean; otherwise
lessons.derive.drafting.make_stem leaves the sentence out (when the reference
is its subject) or the confidence marks it down (when it stands inside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lessons.derive.analysis import SentenceFacts, _noun_like, strip_parentheticals, zipf
from lessons.lexicon import (
    BACK_REFERRING_HEADS,
    COMMON_VERBS,
    NAME_PARTICLES,
    PERSON_WORDS,
    PRONOUN_STARTS,
    SAME_THING_HEADS,
    STOPWORDS,
    SUBJECT_ENDING_VERBS,
)

# "It is estimated that ...", "It is difficult to ...": an "it" that stands for
# nothing, so nothing is resolved and the sentence reads as it is.
_EXPLETIVE = re.compile(
    r"^It (?:is|was|has been|had been|seems|seemed) (?:\w+ly )?(?:"
    r"(?:estimated|thought|believed|said|known|reported|claimed|argued|agreed|likely|unlikely"
    r"|possible|probable|clear|true|important|necessary|obvious|evident) that"
    r"|(?:important|possible|impossible|difficult|easy|hard|necessary|common|usual|unusual"
    r"|rare|dangerous|safe) (?:for \w+ )?to)\b"
)
# "It was Gutenberg who ...", "It was the Romans who ...", "It was in 1455
# that ...": a cleft, whose "it" points forward at what the sentence names.
_CLEFT = re.compile(
    r"^It (?:is|was) (?:(?:[A-Z][\w’'\-]*|the(?= [A-Z]))(?: (?:[A-Z][\w’'\-]*|"
    rf"{'|'.join(sorted(NAME_PARTICLES))}|of|the))*|in \d{{3,4}}(?: \w+)?) (?:who|that)\b"
)
# Words after "the <head>" that show the head is the phrase's last word, not a
# modifier ("the city centre"): a function word, a verb, or punctuation.
_AFTER_HEAD = re.compile(r"^(?:$|[^\w\s]|\s+(?P<word>[\w’'\-]+))")
_NOT_A_BACK_REFERENCE = frozenset(("of", "that", "which", "where", "called", "who", "whose"))
# Words in front of a head that make a compound the text names ("Calvin
# cycle", "Carnation Revolution", "light-dependent reactions").
_DETERMINER = re.compile(r"^(?:the|a|an|this|these|that|those|its|their)$", re.I)


def kept_as_it_stands(sentence: str) -> bool:
    """An "it" that needs no resolution: an expletive or a cleft."""
    return bool(_EXPLETIVE.match(sentence) or _CLEFT.match(sentence))


def names_a_person(antecedent: str, sentence: str) -> bool:
    """Whether "he" or "she" may point at this phrase, the subject of `sentence`:
    a title or role beside it ("the Marquis of Pombal", "Johannes Gutenberg, a
    goldsmith"), or a name of two or more words that are no everyday nouns
    ("Vasco da Gama", not "Great Barrier Reef")."""
    words = antecedent.split()
    if not words:
        return False
    if any(w.lower().strip(".’'s") in PERSON_WORDS for w in words):
        return True
    at = sentence.find(antecedent)
    if at >= 0:
        before = sentence[:at].split()[-1:]
        if before and before[0].lower() in PERSON_WORDS:
            return True
        apposition = re.match(r",\s+(?:an?|the)\s+([^,;.]+)", sentence[at + len(antecedent) :])
        if apposition and any(
            w.lower().strip("’'s") in PERSON_WORDS for w in apposition.group(1).split()[:4]
        ):
            return True
    if words[0].lower() in {"the", "a", "an"} or len(words) < 2:
        return False
    if not all(w[:1].isupper() or w in NAME_PARTICLES for w in words):
        return False
    return zipf(words[-1].lower()) < 3.5


@dataclass
class Antecedents:
    """What the text names that a later "the <head>" may mean, by head word:
    for each, the phrase that replaces "the <head>" ("Lisbon" for "the city",
    "the Calvin cycle" for "the cycle") and the sentences that mention it."""

    mentions: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    @property
    def heads(self) -> frozenset[str]:
        return frozenset(self.mentions)

    def add(self, head: str, phrase: str, position: int) -> None:
        self.mentions.setdefault(head, {}).setdefault(phrase, []).append(position)

    def resolve(self, head: str, position: int) -> str | None:
        """What "the <head>" in the sentence at `position` means, or None when
        the text before names nothing or several things it could mean."""
        earlier: dict[str, int] = {}
        for h in (head, SAME_THING_HEADS.get(head, "")):
            for phrase, positions in self.mentions.get(h, {}).items():
                before = [p for p in positions if p < position]
                if before:
                    earlier[phrase] = max(earlier.get(phrase, -1), max(before))
        if not earlier:
            return None
        if len(earlier) == 1:
            return next(iter(earlier))
        # Several: only one named in the last two sentences, the others longer
        # ago ("these reactions" right after "the light-dependent reactions").
        recent = [phrase for phrase, last in earlier.items() if last >= position - 2]
        return recent[0] if len(recent) == 1 else None


def build_antecedents(facts: dict[int, SentenceFacts]) -> Antecedents:
    """What the sentences name, in text order: the subject a sentence says is
    a city, a process, a cycle ("Lisbon is the capital and largest city"), and
    the compounds of a back-referring head ("the Calvin cycle")."""
    antecedents = Antecedents()
    ordered = sorted(facts.items())
    lower_forms = {
        w for _, f in ordered for w in re.findall(r"(?<=\s)[a-z][\w\-]*", f.text)
    }  # words the text writes in lower case mid-sentence
    for position, f in ordered:
        for category in f.categories:
            subject, _, head = category.partition("=>")
            head = head.lower()
            words = subject.split()
            if (
                head not in BACK_REFERRING_HEADS
                or not 1 <= len(words) <= 4
                or words[0].lower() in PRONOUN_STARTS | STOPWORDS
            ):
                continue
            if len(words) == 1 and subject.lower() in lower_forms:
                phrase = subject.lower()  # "photosynthesis" for "the process"
            elif subject[:1].isupper() and not (len(words) > 1 and words[0].lower() in lower_forms):
                phrase = subject  # a name: "Lisbon" for "the city"
            else:
                phrase = f"the {subject[:1].lower()}{subject[1:]}"
            antecedents.add(head, phrase, position)
        # Any kind the text gives a name ("a pigment called luciferin" for "the
        # pigment"), not only the back-referring heads: the text says what it
        # is. ("The Nasdaq ... was the first electronic stock market" says no
        # such thing of every later "the market".)
        for m in _NAMED_KIND.finditer(f.text):
            kind = m.group("kind").lower()
            named = _name_in(strip_parentheticals(m.group("term")))
            if (
                kind in STOPWORDS | _NOT_A_KIND
                or kind.endswith("ly")
                or not re.fullmatch(r"(?!the )[\w\-]+(?: [\w\-]+)?", named)
            ):
                continue
            antecedents.add(kind, named, position)
        for compound, head in _compounds(f.text):
            antecedents.add(head, f"the {compound}", position)
    # A thing named once and mentioned since is the one most recently meant.
    for phrases in antecedents.mentions.values():
        for phrase, positions in phrases.items():
            core = re.compile(rf"(?<![\w\-]){re.escape(phrase.removeprefix('the '))}(?![\w\-])")
            first = min(positions)
            positions[:] = sorted(
                {*positions, *(p for p, f in ordered if p > first and core.search(f.text))}
            )
    return antecedents


def _name_in(term: str) -> str:
    """The name a "called" phrase gives, without the words after it: "luciferin"
    of "luciferin in the last", "Bi Sheng" of "Bi Sheng made movable"."""
    words = term.split()
    if words and words[0][:1].isupper():
        kept = [w for w in words if w[:1].isupper() or w in NAME_PARTICLES]
        words = words[: next((i for i, w in enumerate(words) if w not in kept), len(words))]
    else:
        words = words[
            : next((i for i, w in enumerate(words) if w.lower() in STOPWORDS), len(words))
        ]
    return " ".join(words)


def _compounds(text: str) -> list[tuple[str, str]]:
    """(compound, head) for each back-referring head the sentence names with a
    modifier after a determiner: "the Calvin cycle" -> ("Calvin cycle",
    "cycle"), "a UNESCO World Heritage Site" -> ("UNESCO World Heritage Site",
    "site")."""
    found = []
    tokens = list(re.finditer(r"[\w’'\-]+", text))
    for i, token in enumerate(tokens[2:], start=2):
        head = token.group(0).lower()
        if head not in BACK_REFERRING_HEADS:
            continue
        after = text[token.end() :].lstrip()
        if re.match(r"of\b", after):
            continue  # "the German city of Mainz": a description, not a name
        modifier = tokens[i - 1].group(0)
        if _DETERMINER.match(modifier) or modifier.lower() in STOPWORDS:
            continue
        if not (modifier[:1].isupper() or "-" in modifier or _noun_like(modifier)):
            continue
        start = i - 1
        while start > 1 and tokens[start - 1].group(0)[:1].isupper():
            start -= 1  # the whole name: "UNESCO World Heritage Site"
        if start == 0 or not _DETERMINER.match(tokens[start - 1].group(0)):
            continue
        found.append((text[tokens[start].start() : token.end()], head))
    return found


# "microscopic algae called zooxanthellae", "a pigment called chlorophyll".
_NAMED_KIND = re.compile(
    r"\b(?P<kind>[a-z][\w\-]+),? (?:called|named|known as) (?P<term>[\w\-]+(?: [\w\-]+){0,3})"
)
_NOT_A_KIND = frozenset(("also", "later", "now", "often", "sometimes", "usually", "commonly"))


def head_ends_phrase(rest: str, *, plural: bool = False) -> bool:
    """Whether the words after "the <head>" leave the head as the phrase's
    last word ("the city in 711", "the cycle fixes", "the pigment glows"), not
    a modifier ("the city centre", "the city walls were") nor a head a clause
    describes ("the site of ...")."""
    m = _AFTER_HEAD.match(rest)
    if m is None:
        return False
    word = (m.group("word") or "").lower()
    if not word:
        return True
    if word in _NOT_A_BACK_REFERENCE:
        return False
    if word in STOPWORDS | SUBJECT_ENDING_VERBS | COMMON_VERBS or word.endswith("ed"):
        return True
    # A plural head seldom modifies a noun ("the algae carry out"); a singular
    # head's verb ends in -s ("glows", "carries"), and is no noun when a verb
    # does not follow it ("the city walls were").
    if plural:
        return not word.endswith("s")
    following = rest[m.end() :].split()[:1]
    return (
        word.endswith("s")
        and not word.endswith("ss")
        and not (following and following[0].lower() in SUBJECT_ENDING_VERBS | COMMON_VERBS)
    )
