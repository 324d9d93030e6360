"""Grouping sentences into lessons by topic, in reading order, with titles."""

from __future__ import annotations

import math
import re
from collections import Counter

from lessons.derive.analysis import TermIndex, key, zipf
from lessons.derive.types import DerivedLesson, DerivedSentence
from lessons.lexicon import GENERIC_HEADINGS

MIN_SENTENCES = 4
MAX_SENTENCES = 12
# Below this share of shared key terms, the next passage starts a new topic.
TOPIC_OVERLAP = 0.2


# A section of the educator's with fewer teachable sentences than this joins
# the one before it: one sentence is no lesson.
MIN_SECTION = 2
# A section longer than this is split into lessons of about equal length.
MAX_SECTION = 16


def group_lessons(
    sentences: list[DerivedSentence],
    index: TermIndex,
    *,
    title: str,
    sections: dict[int, str] | None = None,
    titled_by_markdown: bool = False,
) -> list[DerivedLesson]:
    """The educator's sections (sentence position -> the heading that starts
    it) are lessons, titled by their headings and split only when long.
    Where the text has no heading, consecutive passages stay together while
    they share key terms and the lesson is not too long."""
    mentions: dict[int, set[str]] = {}
    for k, positions in index.sentences_of.items():
        if k in index.terms:
            for p in positions:
                mentions.setdefault(p, set()).add(k)
    by_position = {s.position: s for s in sentences}
    title_key = key(title)
    text_title = _text_title(sentences, titled_by_markdown)
    parts: list[tuple[str, list[int]]] = []  # (heading or "", teachable positions)
    for s in sentences:
        if sections and s.position in sections:
            heading = _heading_title(sections[s.position], title_key)
            if sections[s.position] == text_title:
                heading = ""
            parts.append((_named_for_the_text(heading, title, index), []))
        if s.is_noise:
            continue
        if not parts:
            parts.append(("", []))
        parts[-1][1].append(s.position)
    parts = _merge_small_sections([part for part in parts if part[1]])

    groups: list[tuple[str, list[int]]] = []
    for heading, positions in parts:
        if heading:
            groups.extend((heading, chunk) for chunk in _even_chunks(positions, MAX_SECTION))
        else:
            groups.extend(("", g) for g in _topic_groups(positions, by_position, mentions))

    lesson_count: Counter[str] = Counter()
    for _, group in groups:
        for t in set().union(*(mentions.get(p, set()) for p in group)):
            lesson_count[t] += 1

    lessons: list[DerivedLesson] = []
    used_titles: set[str] = set()
    used_terms: set[str] = set()
    for heading, group in groups:
        counts = Counter(t for p in group for t in mentions.get(p, set()))
        terms = _title_terms(counts, lesson_count, len(groups), index, avoid=used_terms)
        named = _title(terms, index)
        if heading:
            # The educator's heading names the topic best; a long section's
            # later parts add what each says, never a bare "(2)".
            lesson_title = heading
            if lesson_title in used_titles:
                lesson_title = f"{heading}: {named}" if named else ""
        else:
            used_terms.update(terms)
            lesson_title = named
        lesson_title = _distinct_title(lesson_title or title, used_titles, counts, index)
        used_titles.add(lesson_title)
        first = by_position[group[0]].text
        summary = first if len(first) <= 240 else first[:237].rsplit(" ", 1)[0] + "…"
        lessons.append(DerivedLesson(lesson_title, summary, group))
    return lessons


def _text_title(sentences: list[DerivedSentence], titled_by_markdown: bool) -> str | None:
    """The heading that opens the text when it names the whole text, not a
    section: the text's only heading ("How the Stock Market Works: A
    Beginner's Guide" over every paragraph), or a Markdown '#' title over '##'
    sections. A lesson under it is titled by what it teaches (issue 15 e)."""
    headings = [s.text for s in sentences if s.reason == "heading"]
    if not sentences or sentences[0].reason != "heading":
        return None
    if len(headings) == 1 or titled_by_markdown:
        return sentences[0].text
    return None


def _merge_small_sections(parts: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    """A section too short to be a lesson joins the one before it (the first
    joins the next), and the lesson is titled by both headings."""
    merged: list[tuple[str, list[int]]] = []
    for heading, positions in parts:
        short = (
            len(positions) < MIN_SECTION or len(merged[-1][1]) < MIN_SECTION if merged else False
        )
        # Two sections under headings that say nothing ("Overview") are one text
        # with no heading, grouped by topic, when either is short of a lesson.
        untitled = bool(merged) and not heading and not merged[-1][0]
        if short or (untitled and min(len(positions), len(merged[-1][1])) < MIN_SENTENCES):
            before, earlier = merged.pop()
            merged.append((_both(before, heading), earlier + positions))
        else:
            merged.append((heading, list(positions)))
    return merged


def _both(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    # "Roots and the stem": the second heading reads on after "and".
    head, _, rest = second.partition(" ")
    if head.lower() in _LOWER_IN_A_TITLE and (not rest or rest[:1].islower()):
        second = head.lower() + (" " + rest if rest else "")
    return f"{first} and {second}"


_LOWER_IN_A_TITLE = frozenset({"the", "a", "an", "how", "why", "what", "when", "where", "other"})


def _even_chunks(positions: list[int], most: int) -> list[list[int]]:
    """The positions in as few runs of at most `most` as can be, of about
    equal length: a 17-sentence section is 9 + 8, not 16 + 1."""
    count = math.ceil(len(positions) / most)
    size = math.ceil(len(positions) / count)
    return [positions[i : i + size] for i in range(0, len(positions), size)]


def _topic_groups(
    positions: list[int], by_position: dict[int, DerivedSentence], mentions: dict[int, set[str]]
) -> list[list[int]]:
    """Passages in runs that share key terms, within MIN_SENTENCES and
    MAX_SENTENCES: the lessons of a text, or of a section, with no heading."""
    units: list[list[int]] = []  # the teachable sentences of each passage, in order
    current_passage = None
    for p in positions:
        if by_position[p].passage != current_passage:
            units.append([])
            current_passage = by_position[p].passage
        units[-1].append(p)

    groups: list[list[int]] = []
    group_terms: Counter[str] = Counter()
    for unit in units:
        while len(unit) > MAX_SENTENCES:  # a very long passage is cut into lessons
            groups.append(unit[:MAX_SENTENCES])
            unit = unit[MAX_SENTENCES:]
            group_terms = Counter()
        unit_terms = set().union(*(mentions.get(p, set()) for p in unit))
        if groups and not group_terms and len(groups[-1]) < MAX_SENTENCES:
            group_terms = Counter(t for p in groups[-1] for t in mentions.get(p, set()))
        if groups:
            size = len(groups[-1])
            overlap = len(unit_terms & set(group_terms)) / max(1, len(unit_terms))
            fits = size + len(unit) <= MAX_SENTENCES
            if (size < MIN_SENTENCES and fits) or (fits and overlap >= TOPIC_OVERLAP):
                groups[-1].extend(unit)
                group_terms.update(unit_terms)
                continue
        groups.append(list(unit))
        group_terms = Counter(unit_terms)
    # A short last lesson joins the one before it.
    if len(groups) > 1 and len(groups[-1]) < MIN_SENTENCES:
        groups[-2].extend(groups.pop())
    return groups


def _distinct_title(wanted: str, used: set[str], counts: Counter, index: TermIndex) -> str:
    """The title, told apart from an earlier lesson's by this lesson's most
    frequent term not in it yet ("Photosynthesis: the Calvin cycle")."""
    if wanted not in used:
        return wanted
    in_title = set(key(wanted).split())
    for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if set(k.split()) & in_title:
            continue
        term = index.terms[k]
        candidate = f"{wanted}: {term.text if term.is_name else term.text.lower()}"
        if candidate not in used:
            return candidate
    n = 2
    while f"{wanted}, part {n}" in used:
        n += 1
    return f"{wanted}, part {n}"


_IT = re.compile(r"\bit\b")


def _named_for_the_text(heading: str, title: str, index: TermIndex) -> str:
    """ "Why it matters" in a text titled "Photosynthesis" is "Why
    photosynthesis matters": a lesson title is read on its own, where "it"
    names nothing. The text's title stands in when it is a short name of a
    thing, written as the text writes it."""
    if not _IT.search(heading) or not 1 <= len(title.split()) <= 3:
        return heading
    term = index.terms.get(key(title))
    name = title if term is None or term.is_name else title.lower()
    return _IT.sub(name, heading, count=1)


def _heading_title(heading: str, title_key: str) -> str:
    """The heading as a lesson title, or "" when it says nothing of its
    section: the text's own title, or "Overview"."""
    text = heading.strip().rstrip(".:").strip()
    words = key(text)
    if not words or words == title_key or words in GENERIC_HEADINGS:
        return ""
    if set(words.split()) <= GENERIC_HEADINGS:
        return ""
    return text


def _title_terms(
    counts: Counter, lesson_count: Counter, lessons: int, index: TermIndex, *, avoid: set[str]
) -> list[str]:
    """The lesson's most characteristic key terms: frequent here, rare elsewhere."""

    def weight(k: str) -> float:
        idf = math.log(1 + lessons / lesson_count[k])
        return counts[k] * idf * index.terms[k].score

    # A term in every lesson (the text's topic) tells lessons apart by nothing.
    distinctive = [k for k in counts if lessons < 2 or lesson_count[k] < lessons]
    # Words already in an earlier title do not tell this lesson apart either.
    used_words = {w for k in avoid for w in k.split()}
    fresh = [k for k in distinctive if not used_words & set(k.split())]
    # "blood vessel" says more than "vessel" standing alone.
    pool = fresh or distinctive or list(counts)
    # An everyday word alone ("cases" of "in most cases", "sells") names no
    # topic (issue 15 e: "Cases and profits").
    pool = [k for k in pool if not _everyday_word(k, index)] or pool
    # Found by the word runs inside each term, not by comparing every pair of
    # terms, which was quadratic in a lesson's terms.
    inside = {
        " ".join(words[i : i + n])
        for words in (o.split() for o in pool)
        for n in range(1, len(words))
        for i in range(len(words) - n + 1)
    }
    pool = [k for k in pool if k not in inside] or pool
    ranked = sorted(pool, key=lambda k: (-weight(k), k))
    picked: list[str] = []
    for k in ranked:
        if any(k in p or p in k for p in picked):
            continue
        picked.append(k)
        if len(picked) == 2:
            break
    return picked


# Zipf frequency from which a lone lower-case word is everyday English.
EVERYDAY_ZIPF = 4.5


def _everyday_word(k: str, index: TermIndex) -> bool:
    term = index.terms[k]
    return " " not in k and not term.is_name and zipf(term.text.lower()) >= EVERYDAY_ZIPF


def _title(picked: list[str], index: TermIndex) -> str:
    if not picked:
        return ""
    names = [index.terms[k].text for k in picked]
    names = [n if index.terms[key(n)].is_name else n.lower() for n in names]
    text = " and ".join(names)
    return text[:1].upper() + text[1:]
