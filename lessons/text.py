"""Plain-text helpers shared by grading, the fixtures and derivation.

Everything here is pure: text in, data out, no database.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import cache

import syntok.segmenter as segmenter
from rapidfuzz import fuzz, process, utils

from lessons.lexicon import (
    BACK_MATTER_HEADINGS,
    CAPTION_LEADS,
    COMMON_VERBS,
    CONTENTS_HEADINGS,
    DANGLING_WORDS,
    DATELINE_LEADS,
    FUNCTION_WORDS,
    HEADING_MODIFIERS,
    IRREGULAR_PAST,
    LINK_LEADS,
    NOISE_TARGETS,
    NOISE_VERBS,
    NOT_PLURAL,
    PAGE_BUTTONS,
    PRONOUN_SUBJECTS,
    RUN_ON_STARTERS,
    STOPWORDS,
)

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Near-duplicate threshold for sentences across passages (see shared research notes:
# fuzz.ratio >= 85 matched this text's repeats without false merges; 90 is safer).
NEAR_DUPLICATE_RATIO = 90

# A run-on ("... smooth muscle Cells There are ..."): a lower-case word, a stray
# capitalised word, then a capitalised word that opens a sentence (see
# RUN_ON_STARTERS and sentence_openers) and a lower-case word. The opener is
# looked ahead at, so that a candidate that is no opener consumes nothing of it.
_RUN_ON = re.compile(r"\b[a-z]+ [A-Z][a-z]+( )(?=([A-Z][a-z]+) [a-z])")
_LIST_ITEM = re.compile(r"^\d{1,2}\s+\S")
_NOISE = re.compile(
    rf"^({'|'.join(NOISE_VERBS)})\b.*\b({'|'.join(NOISE_TARGETS)})\b",
    re.IGNORECASE,
)
WEB_NOISE = "web noise"
LIST_LABEL = "list label"
NEVER_TAUGHT = frozenset({WEB_NOISE, "heading", "code", "damaged", LIST_LABEL})
# A numbered item that is only its label ("2  Compression." of "2. **Compression.**
# The compressor ..."): it names the item's sentences, it neither teaches nor
# titles a lesson (a judge found "2  Compression" over one).
_LIST_LABEL = re.compile(r"^\d{1,2}\s+(?:[^\s.:;]+\s+){0,3}[^\s.:;]+[.:]?$")


def _alternatives(phrases) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


# Page furniture (lexicon.PAGE_BUTTONS and what follows it there), line by line.
_FURNITURE = [
    # A button or an ad slot alone on its line: "Advertisement", "Share this article".
    re.compile(
        rf"^(?:{_alternatives(PAGE_BUTTONS)})(?:\s+(?:this|on|via|to)\b.{{0,40}}?)?"
        r"(?:\s*\(\d+\))?[.!]?$",
        re.I,
    ),
    # A link to another page: "Related: Why are bees declining?", "Read more »".
    re.compile(rf"^(?:{_alternatives(LINK_LEADS)})\s*(?:[:|»>›–—-]|$)", re.I),
    # A caption or a credit: "Photo: A bee ...", "(Credit: J. Smith / Getty Images)".
    re.compile(rf"^\(?(?:{_alternatives(CAPTION_LEADS)})\s*:", re.I),
    # Copyright lines and reference entries ("[1] Winston, M. ...", "^ Smith 2001").
    re.compile(r"^(?:©|\(c\)\s|copyright\b|all rights reserved\b)", re.I),
    re.compile(r"^(?:\[\d{1,3}\]|\^)\s"),
]
# Bylines and datelines are short: "By Maria Lopez | 12 May 2023 · 6 min read",
# "Updated March 2024", "Last reviewed: 3 March 2024". What follows the lead
# starts with a capital or a digit, so "Updated versions of the vaccine ..."
# and "By 1906 yellow fever ..." are prose.
_BYLINE = [
    re.compile(rf"^(?i:{_alternatives(DATELINE_LEADS)})(?:\s*(?::|on|by))?\s+[A-Z0-9]"),
    re.compile(r"^[Bb]y\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:$|[|·•,–—]|\band\b)"),
    re.compile(r"\b\d+\s*min(?:ute)?s?\.?\s+read\b", re.I),
]
MAX_BYLINE_WORDS = 16
# A bar of links ("Privacy Policy | Terms of Use | Contact us") or a
# breadcrumb ("Home > Health > Bees"): three or more short pieces.
_LINK_BAR = re.compile(r"\s+[|>›»•·]\s+")
MAX_LINK_WORDS = 4
# A citation mark in a sentence ("... 18 percent water.[2]"): the reader
# skips it, and a question must not quote it.
_CITATION_MARK = re.compile(
    r"\s?\[(?:\d{1,3}(?:\s*[,–-]\s*\d{1,3})*|[a-z]|citation needed|edit|note \d{1,3})\]",
    re.I,
)


def is_page_furniture(line: str) -> bool:
    """Whether a line (or a sentence) is the web page's furniture, not its
    text: a button, an ad slot, a link to another page, a caption or credit,
    a byline or dateline, a copyright line, a reference entry or a bar of
    links. Never taught, and never the title of a lesson."""
    line = line.strip()
    if any(pattern.search(line) for pattern in _FURNITURE):
        return True
    if len(line.split()) <= MAX_BYLINE_WORDS and any(p.search(line) for p in _BYLINE):
        return True
    pieces = _LINK_BAR.split(line)
    return len(pieces) >= 3 and all(len(p.split()) <= MAX_LINK_WORDS for p in pieces)


def without_citation_marks(line: str) -> str:
    return _CITATION_MARK.sub("", line)


# The longest sentence read as one. Real sentences stay far below it (the
# longest of the shipped and sample texts has 300 characters); a longer one is
# a run of words without a full stop, cut into pieces so that no stage's work
# on one sentence grows without bound.
MAX_SENTENCE_CHARS = 1000
TOO_LONG = "too long"
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s%]")


def normalise_answer(text: str) -> str:
    """Fold what a learner may type differently without meaning anything different:
    case, accents' composition, dashes, punctuation and spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for dash in DASHES:
        text = text.replace(dash, "-")
    text = text.replace("-", " ")
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def fold_accents(text: str) -> str:
    """The text without accents: "Pará" as "Para". A learner on a keyboard
    without the accent means the same place."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_ARTICLE = re.compile(r"^(?:the|an?) (?=\S)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT_WORDS = re.compile(r"\b(?:per ?cent|percent)\b")
_NUMBER_RANGE = re.compile(r"(?<=\d) (?:to|and) (?=\d)")


def answer_words(text: str) -> list[str]:
    """The words two answers are compared by: normalised, accents folded, the
    leading article dropped, and a number written one way ("2,500" as "2500",
    "5 to 10 percent" as "5 10 %")."""
    text = _THOUSANDS.sub("", fold_accents(text))
    text = normalise_answer(text)
    text = _PERCENT_WORDS.sub("%", text)
    text = _NUMBER_RANGE.sub(" ", text)
    text = _ARTICLE.sub("", text)
    # One percent sign, at the end: "5%-10%" says what "5-10%" says.
    if "%" in text:
        text = _SPACES.sub(" ", text.replace("%", " ")).strip() + "%"
    return text.split()


def words_key(words: list[str]) -> str:
    """Words joined without spaces, so that "L.M.S" and "soft-tissue" match
    their plain spellings, except between two numbers: "5-10" is not "510"."""
    key = ""
    for word in words:
        if key and key[-1].isdigit() and word[0].isdigit():
            key += "|"
        key += word
    return key


def answer_key(text: str) -> str:
    """What two answers must share to count as the same answer: their
    answer_words joined (see words_key), so "L.M.S", "5 – 10 %" and "5-10%"
    match their plain spellings."""
    return words_key(answer_words(text))


@cache
def singular(word: str) -> str:
    """A regular English plural's singular (-s, -es, -ies), and any other word
    as it is. Rules, not a dictionary: inflect takes seconds to import, and a
    term of a text is mostly a regular noun."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if (
        len(word) > 4
        and word.endswith(("ses", "xes", "ches", "shes"))
        and not word.endswith("uses")
    ):
        return word[:-2]
    if (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word not in NOT_PLURAL
    ):
        return word[:-1]
    return word


_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_ODD_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_text(text: str) -> str:
    """The text as the splitter reads it: Unicode composed (NFC), one kind of line
    break and space, no invisible or control characters. Plain text already in
    that form comes back unchanged, so sentences stay quotable from it."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    return _CONTROL.sub("", text)


_LONG_SPACES = re.compile(r"[ \t]{5,}")


def bound_spaces(text: str) -> str:
    """Runs of five or more spaces as one. Written text has at most two in a
    row; a run of thousands (an adversarial upload) gives every pattern that
    allows spaces in two places a quadratic number of ways to split it."""
    return _LONG_SPACES.sub(" ", text)


def normalise_sentence(text: str) -> str:
    """A key for recognising the same sentence written with other spacing or dashes."""
    return normalise_answer(text)


@dataclass
class SentenceSpan:
    """A sentence exactly as it stands in its passage, with flags for noise."""

    text: str
    passage: int
    is_noise: bool = False
    reason: str = ""


@dataclass
class SplitSource:
    passages: list[str]
    sentences: list[SplitSentence]
    # Where the educator's sections start: the index of a section's first new
    # teachable sentence -> the heading over it, as written.
    sections: dict[int, str] = field(default_factory=dict)


@dataclass
class SplitSentence:
    """A distinct sentence and every passage it (or a near-duplicate of it) stands in."""

    text: str
    passages: list[int] = field(default_factory=list)
    is_noise: bool = False
    reason: str = ""


def split_passages(text: str) -> list[str]:
    """Passages are the text's blocks: its non-blank lines (paragraphs or web
    snippets), a heading line, a code block, a list joined to its lead-in."""
    return [block.text for block in text_blocks(text)]


@dataclass
class Block:
    """One passage of a text as the educator laid it out."""

    kind: str  # PROSE, HEADING, CODE or NOISE
    text: str
    listed: bool = False  # an item of a list no lead-in took


PROSE, HEADING, CODE, NOISE = "prose", "heading", "code", WEB_NOISE
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-{2,})\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:_\s*){3,})$")
_LIST_LINE = re.compile(r"^\s*(?:[-*+•]|(\d{1,2})[.)])\s+(\S.*)$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
# Lines that are program text, not prose: a prompt, an import, a definition, a
# control line ending in ":", an assignment, a line ending in a brace or ";".
_CODE_LINE = re.compile(
    r"^\s*(?:>>>|\$ |#include\b|import [\w.]+|from [\w.]+ import\b|def \w+\(|class \w+[(:]"
    r"|return\b|print\(|(?:for|while|if|elif|with)\b[^.]*:$|else:$|try:$"
    r"|[\w.\[\]'\"]+\s*(?:[-+*/%]|\*\*)?=\s*\S)"
    r"|[{};]\s*$"
)
# Inline Markdown: the marker goes, its text stays. An emphasised span is
# looked for within MAX_EMPHASIS characters: an open search made a line of
# unmatched "*a " quadratic (38 s for 60 KB).
MAX_EMPHASIS = 80
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*\)")
_STRONG = re.compile(rf"(\*\*|__)(?=\S)(.{{1,{MAX_EMPHASIS}}}?)(?<=\S)\1")
_EMPHASIS = re.compile(
    rf"(?<![\w*])([*_])(?=[^\s*_])(.{{1,{MAX_EMPHASIS}}}?)(?<=[^\s*_])\1(?![\w*])"
)
_INLINE_CODE = re.compile(r"`+([^`]+)`+")
# A line with no end mark that is this short, between two blocks, is a heading.
MAX_HEADING_LINE_WORDS = 12


def strip_markdown(line: str) -> str:
    """A line without its inline Markdown: "**bold**", "*em*", "`code`" and
    "[text](address)" read as their text. Plain text comes back unchanged."""
    if not any(c in line for c in "*_`[>"):
        return line
    line = _QUOTE.sub("", line)
    line = _IMAGE_OR_LINK.sub(r"\1", line)
    line = _INLINE_CODE.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    return _EMPHASIS.sub(r"\2", line).strip()


def _is_heading_line(line: str) -> bool:
    """A line of its own with no end mark, short and capitalised: "How bees
    make honey" between two paragraphs. A line that ends on a function word
    or opens with a pronoun ("It spreads through the blood and") is a
    sentence cut off, not a heading; a page's button ("Share this article")
    is web noise, not a heading."""
    words = line.lower().split()
    return (
        line[:1].isupper()
        and not _NOISE.match(line)
        and not line.endswith((".", "!", "?", ":", ";", ",", '"', "”", ")"))
        and len(words) <= MAX_HEADING_LINE_WORDS
        and words[-1] not in _CUT_OFF_ENDS
        and words[0] not in PRONOUN_SUBJECTS
    )


# Words a line cut off mid-sentence ends on; a heading may end on a copula
# ("What erosion is").
_CUT_OFF_ENDS = FUNCTION_WORDS - {"is", "are", "was", "were", "be", "been"} | {
    "can",
    "could",
    "will",
    "would",
    "should",
    "may",
    "might",
    "must",
    "that",
    "which",
}


def text_blocks(text: str) -> list[Block]:
    """The text's passages with what each is: prose, a heading (a "## Markdown"
    heading or a short line with no end mark between paragraphs) or code (a
    fenced block, or lines that read as program text). Markdown markers are
    stripped; a list's items join the line that leads into them, as the
    numbered items "1  a lump." that a pasted web page has."""
    blocks: list[Block] = []
    lines = text.splitlines()
    fence: str | None = None
    code: list[str] = []
    items = 0  # the list items joined to the last block so far
    for n, raw in enumerate(lines):
        if fence is not None:
            if raw.strip().startswith(fence):
                if any(line.strip() for line in code):
                    blocks.append(Block(CODE, "\n".join(code).strip("\n")))
                fence, code = None, []
            else:
                code.append(raw.rstrip())
            continue
        opened = _FENCE.match(raw)
        if opened:
            fence, code, items = opened.group(1), [], 0
            continue
        line = raw.strip()
        if not line or _RULE.match(line):
            items = 0
            continue
        heading = _ATX_HEADING.match(line)
        # "# a comment" right under a line of code is the code's, not a heading.
        in_code = bool(blocks) and blocks[-1].kind == CODE and bool(lines[n - 1].strip())
        if heading and in_code:
            blocks[-1].text += "\n" + raw.rstrip()
            continue
        if heading:
            blocks.append(Block(HEADING, strip_markdown(heading.group(1)).strip()))
            items = 0
            continue
        if _SETEXT_UNDERLINE.match(line) and blocks and blocks[-1].kind == PROSE and not items:
            blocks[-1].kind = HEADING
            continue
        listed = _LIST_LINE.match(line)
        if (
            listed
            and blocks
            and blocks[-1].kind == PROSE
            and (items or blocks[-1].text.endswith(":"))
        ):
            item = without_citation_marks(strip_markdown(listed.group(2))).rstrip()
            items += 1
            end = "" if item.endswith((".", "!", "?")) else "."
            blocks[-1].text += f" {items}  {item}{end}"
            continue
        items = 0
        if listed:
            line = listed.group(2)
        if _CODE_LINE.match(line):
            if blocks and blocks[-1].kind == CODE and _CODE_LINE.match(lines[n - 1].strip()):
                blocks[-1].text += "\n" + raw.rstrip()
            else:
                blocks.append(Block(CODE, raw.rstrip()))
            continue
        line = strip_markdown(line)
        if is_page_furniture(line):
            blocks.append(Block(NOISE, line, bool(listed)))
            continue
        line = without_citation_marks(line)
        if not line:
            continue
        following = next((rest.strip() for rest in lines[n + 1 :] if rest.strip()), "")
        kind = HEADING if following and _is_heading_line(line) and not listed else PROSE
        blocks.append(Block(kind, line, bool(listed)))
    if fence is not None and any(line.strip() for line in code):
        blocks.append(Block(CODE, "\n".join(code).strip("\n")))  # a fence never closed
    return _without_page_sections(blocks)


_BACK_MATTER = re.compile(rf"^(?:{_alternatives(BACK_MATTER_HEADINGS)})\s*:?$", re.I)
_CONTENTS = re.compile(rf"^(?:{_alternatives(CONTENTS_HEADINGS)})\s*:?$", re.I)
_SHORT_LINE_WORDS = 8


def _is_paragraph(block: Block) -> bool:
    """Prose that is not an entry of a list of links: a sentence, or a line
    longer than a title."""
    text = block.text.strip()
    return (
        block.kind == PROSE
        and not block.listed
        and (text.endswith((".", "!", "?")) or len(text.split()) > _SHORT_LINE_WORDS)
    )


def _without_page_sections(blocks: list[Block]) -> list[Block]:
    """The blocks with a page's navigation and back matter marked as noise:
    a "Contents" heading and its list, up to the heading of the first
    paragraph; a "References" or "See also" heading and everything under it,
    up to the next heading over a paragraph."""
    back_matter = contents = False
    for number, block in enumerate(blocks):
        text = block.text.strip()
        if block.kind in (HEADING, NOISE) and _CONTENTS.match(text):
            block.kind, contents, back_matter = NOISE, True, False
        elif block.kind in (HEADING, NOISE) and _BACK_MATTER.match(text):
            block.kind, back_matter, contents = NOISE, True, False
        elif contents:
            if _is_paragraph(block):
                contents = False
                # The line before the first paragraph is its heading, not an entry.
                before = blocks[number - 1]
                if (
                    before.kind == NOISE
                    and not before.listed
                    and not _CONTENTS.match(before.text)
                    and _is_heading_line(before.text)
                ):
                    before.kind = HEADING
            elif block.kind != CODE:
                block.kind = NOISE
        elif back_matter:
            # A heading over a paragraph starts the page's text again; the
            # short lines of a "See also" list look like headings too.
            after = blocks[number + 1] if number + 1 < len(blocks) else None
            if block.kind == HEADING and not block.listed and after and _is_paragraph(after):
                back_matter = False
            elif block.kind != CODE:
                block.kind = NOISE
    return blocks


def _raw_sentences(passage: str) -> list[str]:
    spans: list[str] = []
    for paragraph in segmenter.analyze(passage):
        for sentence in paragraph:
            start = sentence[0].offset
            end = sentence[-1].offset + len(sentence[-1].value)
            spans.append(passage[start:end].strip())
    return spans


def sentence_openers(raw_sentences: list[str]) -> frozenset[str]:
    """The capitalised words that open a sentence of the text, beside the
    general RUN_ON_STARTERS: "Sarcomas are ..." in one passage makes "Sarcomas"
    an opener where a page ran it into the sentence before it."""
    return frozenset(
        first
        for sentence in raw_sentences
        for first in sentence.split()[:1]
        if re.fullmatch(r"[A-Z][a-z]+", first)
    )


def _split_run_ons(sentence: str, openers: frozenset[str] = frozenset()) -> list[str]:
    cuts = [
        m.start(1)
        for m in _RUN_ON.finditer(sentence)
        if m.group(2) in RUN_ON_STARTERS or m.group(2) in openers
    ]
    bounds = [0, *cuts, len(sentence)]
    parts = (sentence[a:b].strip() for a, b in itertools.pairwise(bounds))
    return [p for p in parts if p]


def _merge_lists(sentences: list[str]) -> list[str]:
    """Numbered list items ("1  a lump or swelling.") belong to the sentence that
    introduces them ("These may include:"), so they stay one sentence."""
    merged: list[str] = []
    for sentence in sentences:
        if (
            merged
            and _LIST_ITEM.match(sentence)
            and (merged[-1].rstrip().endswith(":") or re.search(r":\s+\d{1,2}\s", merged[-1]))
        ):
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            merged.append(sentence)
    return merged


# Headings are short: the longest of the texts' headings has eight words.
MAX_HEADING_WORDS = 8
# A heading run into the middle of a paragraph is shorter still ("Leiomyosarcoma.").
MAX_INLINE_HEADING_WORDS = 4
_WH_START = frozenset({"how", "why", "what", "when", "where", "who", "which"})
# Words after which the next word is no finite verb: "The two stages", "Other
# ways", "Signs and symptoms".
_NO_SUBJECT = frozenset(HEADING_MODIFIERS) | STOPWORDS - PRONOUN_SUBJECTS
_NOT_FINITE_ENDINGS = ("ss", "us", "is", "ous", "ics")


def _finite_verb_at(words: list[str], i: int) -> bool:
    """Whether words[i] reads as a finite verb by its form and its place: a
    word in -s or -ed after a word that can be its subject ("The opposite
    holds true", "The city burned"), or any word after a subject pronoun
    ("It matters"). A part-of-speech signal from the text itself, so a verb
    no word list knows still makes a sentence."""
    word, before = words[i], words[i - 1] if i else ""
    if not before or not word.isalpha() or not word.islower():
        return False
    if before in PRONOUN_SUBJECTS:
        return True
    if word in IRREGULAR_PAST and before not in FUNCTION_WORDS:
        # "The work went badly", "Prices rose": after a noun, even one the
        # stop lists hold for its other uses ("work", "part").
        return True
    if before in _NO_SUBJECT or before.isdigit():
        return False
    if word.endswith("ed") and len(word) > 4:
        return True
    if _plural_looking(before) and word not in FUNCTION_WORDS and i < len(words) - 1:
        return True  # "Plants need light": a plural subject, then its verb
    # A plural noun ends a noun phrase ("Fossil fuels"): -s counts only inside.
    # So does one before "and", "or", "of" ("Fossil fuels and climate").
    return (
        i < len(words) - 1
        and words[i + 1] not in {"and", "or", "of", "versus", "vs"}
        and _plural_looking(word)
    )


def _plural_looking(word: str) -> bool:
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(_NOT_FINITE_ENDINGS)
        and word not in NOT_PLURAL
    )


def looks_like_heading(sentence: str) -> bool:
    """Whether a short piece of text titles what follows instead of stating
    something: decided by its features (length, end mark, a question word
    opening it, a verb in it), not by whether a list knows its verb."""
    stripped = sentence.rstrip()
    if stripped.endswith(("?", "!", ";", ",")):
        return False
    words = [w.strip(".,;:()“”\"'").lower() for w in stripped.split()]
    words = [w for w in words if w]
    if not words or len(words) > MAX_HEADING_WORDS:
        return False
    if any(w in COMMON_VERBS for w in words):
        return False
    if words[0] in _WH_START:
        return True  # "How plants capture light", "Why it matters"
    return not any(_finite_verb_at(words, i) for i in range(len(words)))


_DANGLING = re.compile(
    rf"\b(?:{'|'.join(DANGLING_WORDS)})\s*(?:[{DASHES}-]{{1,2}}\s|[{DASHES}]$|\.{{3}}|…)", re.I
)
_ENDS_ON_ARTICLE = re.compile(r"\b(?:the|a|an)\s*[.!?]$", re.I)


def is_damaged(sentence: str) -> bool:
    """A sentence with a word missing: a preposition or article left hanging
    before a dash or an ellipsis ("... learn about — in the next part"), or
    an article ending it. Taught, it would teach the gap."""
    return bool(_DANGLING.search(sentence) or _ENDS_ON_ARTICLE.search(sentence))


def noise_reason(sentence: str, *, is_last_in_passage: bool, opens_passage: bool = True) -> str:
    """Why a sentence should never be taught, or "" if it may be.

    A heading pasted with its paragraph comes first ("History of Lisbon.
    Lisbon is ..."); within a paragraph only a few words can be one (pasted
    pages run a title into the text: "... the body. Leiomyosarcoma. A ..."),
    and a sentence after another ("His work combined several inventions at
    once.") is prose, whatever its words."""
    if _NOISE.match(sentence) or is_page_furniture(sentence):
        return WEB_NOISE
    if _LIST_LABEL.match(sentence.strip()):
        return LIST_LABEL
    if (opens_passage or len(sentence.split()) <= MAX_INLINE_HEADING_WORDS) and looks_like_heading(
        sentence
    ):
        return "heading"
    if is_damaged(sentence):
        return "damaged"
    if is_last_in_passage and not sentence.rstrip().endswith((".", "!", "?", "”", '"', ":")):
        return "cut off"
    return ""


def _cut_long(sentence: str) -> list[str]:
    """A sentence over MAX_SENTENCE_CHARS in pieces no longer, cut at spaces
    where there are any."""
    # Walks an offset instead of slicing off the rest after each cut: a copy
    # of the rest per piece made a 2 MB run quadratic.
    pieces, start = [], 0
    while len(sentence) - start > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut != -1 else start + MAX_SENTENCE_CHARS
        pieces.append(sentence[start:cut].strip())
        start = cut
        while start < len(sentence) and sentence[start].isspace():
            start += 1
    return [p for p in [*pieces, sentence[start:].strip()] if p]


def sentence_spans(
    passage_text: str,
    passage_index: int,
    *,
    raw: list[str] | None = None,
    openers: frozenset[str] = frozenset(),
) -> list[SentenceSpan]:
    """The passage's sentences; `raw` is its segmentation when already made,
    `openers` the text's own sentence openers (see sentence_openers)."""
    pieces: list[str] = []
    for sentence in _raw_sentences(passage_text) if raw is None else raw:
        pieces.extend(_split_run_ons(sentence, openers))
    pieces = _merge_lists(pieces)
    spans: list[SentenceSpan] = []
    for i, piece in enumerate(pieces):
        if len(piece) > MAX_SENTENCE_CHARS:
            # Read, never asked about: no question is drafted from a piece.
            spans.extend(
                SentenceSpan(part, passage_index, False, TOO_LONG) for part in _cut_long(piece)
            )
            continue
        reason = noise_reason(piece, is_last_in_passage=i == len(pieces) - 1, opens_passage=i == 0)
        # A cut-off sentence still states a fact an educator may teach; it is only flagged.
        spans.append(SentenceSpan(piece, passage_index, reason in NEVER_TAUGHT, reason))
    return spans


class _NearDuplicateIndex:
    """Finds an earlier sentence that a new one repeats, exactly or nearly.

    Comparing every pair is quadratic; instead each sentence is filed under its
    rarest words, and only sentences sharing one of them (and of a similar
    length) are compared. Sentences that are 90% alike share nearly all words,
    so they share a rare one.

    A text of few words (an upload of random sentences over a dozen words, or
    one long run cut into pieces) has no rare word: every sentence shares its
    signature with every other. So each word keeps only the latest sentences
    filed under it, and a sentence is compared with at most SIGNATURE_WORDS x
    RECENT_PER_WORD others. In real texts a signature word stands in a handful
    of sentences (at most 3 in the shipped and sample texts), so none is
    forgotten there; exact repeats are found by the exact index, unbounded."""

    SIGNATURE_WORDS = 4
    RECENT_PER_WORD = 16

    def __init__(self, word_counts: dict[str, int]):
        self.word_counts = word_counts
        self.exact: dict[str, int] = {}
        self.by_word: dict[str, deque[int]] = defaultdict(
            lambda: deque(maxlen=self.RECENT_PER_WORD)
        )
        self.keys: list[str] = []

    def _signature(self, key: str) -> list[str]:
        words = sorted(set(key.split()), key=lambda w: (self.word_counts.get(w, 0), w))
        return words[: self.SIGNATURE_WORDS]

    def find(self, key: str) -> int | None:
        if key in self.exact:
            return self.exact[key]
        candidates = sorted({j for w in self._signature(key) for j in self.by_word.get(w, ())})
        for j in candidates:
            seen = self.keys[j]
            # ratio >= 90 is impossible when one is much longer than the other.
            if abs(len(seen) - len(key)) > 0.2 * max(len(seen), len(key)):
                continue
            if fuzz.ratio(seen, key, score_cutoff=NEAR_DUPLICATE_RATIO):
                return j
        return None

    def add(self, key: str) -> int:
        index = len(self.keys)
        self.keys.append(key)
        self.exact.setdefault(key, index)
        for word in self._signature(key):
            self.by_word[word].append(index)
        return index


def split_source(text: str) -> SplitSource:
    """Split a text into passages and distinct sentences.

    Exact and near-duplicate repeats collapse into the first occurrence, which
    keeps the list of every passage it stood in."""
    blocks = text_blocks(text)
    passages = [block.text for block in blocks]
    raw = [_raw_sentences(b.text) if b.kind == PROSE else [] for b in blocks]
    openers = sentence_openers([sentence for sentences in raw for sentence in sentences])
    spans: list[SentenceSpan] = []
    for number, block in enumerate(blocks):
        if block.kind == PROSE:
            spans.extend(sentence_spans(block.text, number, raw=raw[number], openers=openers))
        else:
            # A heading or code is kept, to read, and never taught; code keeps its lines.
            spans.extend(
                SentenceSpan(piece, number, True, block.kind) for piece in _cut_long(block.text)
            )
    keyed = [(span, normalise_sentence(span.text)) for span in spans]
    word_counts: dict[str, int] = defaultdict(int)
    for _, key in keyed:
        for word in set(key.split()):
            word_counts[word] += 1
    index = _NearDuplicateIndex(word_counts)
    distinct: list[SplitSentence] = []
    sections: dict[int, str] = {}
    heading: str | None = None  # the last heading not yet followed by a new sentence
    for span, key in keyed:
        if span.reason == HEADING:
            heading = span.text
        match = index.find(key)
        if match is None:
            index.add(key)
            if heading is not None and not span.is_noise:
                sections[len(distinct)] = heading
                heading = None
            distinct.append(SplitSentence(span.text, [span.passage], span.is_noise, span.reason))
        elif distinct[match].passages[-1] != span.passage:
            # Passages come in order, so a repeat within one passage is the last one
            # recorded: no scan of a list that grows with every repeat.
            distinct[match].passages.append(span.passage)
    return SplitSource(passages, distinct, sections)


# ---------------------------------------------------------------- provenance

# The score a sentence needs to be suggested as a question's provenance. Measured
# on questions written about fixtures/leiomyosarcoma.txt (tests/test_gift.py,
# REALISTIC_ITEMS): questions about the text score 58-100 with the right
# sentence; questions about anything else score 20-25, and one about muscles and
# tumours in general 55 (near enough the text for a suggestion to be worth a look).
SUGGESTION_MIN_SCORE = 50


def _content_words(text: str) -> frozenset[str]:
    return frozenset(
        singular(word)
        for word in utils.default_process(text).split()
        if len(word) > 1 and word not in FUNCTION_WORDS
    )


def _provenance_score(query: str, sentence: str, **_) -> float:
    """Half the share of the question's content words the sentence has, half
    token_set_ratio. token_set_ratio alone gives 100 to any sentence holding
    all of a short query's words, and misses plurals ("muscles" for "muscle")."""
    asked = _content_words(query)
    overlap = len(asked & _content_words(sentence)) / len(asked) if asked else 0
    return 50 * overlap + fuzz.token_set_ratio(query, sentence, processor=utils.default_process) / 2


def best_matching_sentence(query: str, sentences: dict[int, str]) -> int | None:
    """The key of the sentence that best matches a question (its prompt and
    right answers), or None when none matches well enough to suggest."""
    if not sentences or not query.strip():
        return None
    match = process.extractOne(
        query, sentences, scorer=_provenance_score, score_cutoff=SUGGESTION_MIN_SCORE
    )
    return None if match is None else match[2]
