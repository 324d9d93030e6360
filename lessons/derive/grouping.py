"""Grouping sentences into lessons by topic, in reading order, with titles."""

from __future__ import annotations

import math
from collections import Counter

from lessons.derive.analysis import TermIndex, key
from lessons.derive.types import DerivedLesson, DerivedSentence
from lessons.lexicon import GENERIC_HEADINGS

MIN_SENTENCES = 4
MAX_SENTENCES = 12
# Below this share of shared key terms, the next passage starts a new topic.
TOPIC_OVERLAP = 0.2


def group_lessons(
    sentences: list[DerivedSentence], index: TermIndex, *, title: str
) -> list[DerivedLesson]:
    """Consecutive passages stay together while they share key terms and the
    lesson is not too long; a passage on new terms starts a new lesson."""
    mentions: dict[int, set[str]] = {}
    for k, positions in index.sentences_of.items():
        if k in index.terms:
            for p in positions:
                mentions.setdefault(p, set()).add(k)

    units: list[list[int]] = []  # the teachable sentences of each passage, in order
    current_passage = None
    for s in sentences:
        if s.is_noise:
            continue
        if s.passage != current_passage:
            units.append([])
            current_passage = s.passage
        units[-1].append(s.position)

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

    lesson_count: Counter[str] = Counter()
    for group in groups:
        for t in set().union(*(mentions.get(p, set()) for p in group)):
            lesson_count[t] += 1

    by_position = {s.position: s for s in sentences}
    headings = _headings(sentences, title)
    lessons: list[DerivedLesson] = []
    used_titles: Counter[str] = Counter()
    used_terms: set[str] = set()
    for group in groups:
        counts = Counter(t for p in group for t in mentions.get(p, set()))
        passages = dict.fromkeys(by_position[p].passage for p in group)
        # The author's own heading names the topic best; key terms stand in
        # where the text has none, each lesson named by terms not used before.
        lesson_title = next(
            (headings[p] for p in passages if p in headings and headings[p] not in used_titles),
            "",
        )
        if not lesson_title:
            terms = _title_terms(counts, lesson_count, len(groups), index, avoid=used_terms)
            used_terms.update(terms)
            lesson_title = _title(terms, index) or title
        used_titles[lesson_title] += 1
        if used_titles[lesson_title] > 1:
            lesson_title = f"{lesson_title} ({used_titles[lesson_title]})"
        first = by_position[group[0]].text
        summary = first if len(first) <= 240 else first[:237].rsplit(" ", 1)[0] + "…"
        lessons.append(DerivedLesson(lesson_title, summary, group))
    return lessons


def _headings(sentences: list[DerivedSentence], title: str) -> dict[int, str]:
    """Each passage's heading, where it has one that says what it is about."""
    found: dict[int, str] = {}
    title_key = key(title)
    for s in sentences:
        if s.reason != "heading":
            continue
        text = s.text.strip().rstrip(".:")
        words = key(text)
        if not words or words == title_key or words in GENERIC_HEADINGS:
            continue
        if set(words.split()) <= GENERIC_HEADINGS:
            continue
        for passage in s.passages:
            found.setdefault(passage, text)
    return found


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


def _title(picked: list[str], index: TermIndex) -> str:
    if not picked:
        return ""
    names = [index.terms[k].text for k in picked]
    names = [n if index.terms[key(n)].is_name else n.lower() for n in names]
    text = " and ".join(names)
    return text[:1].upper() + text[1:]
