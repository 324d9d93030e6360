"""The order an attempt asks its questions in (issue 14.1).

A lesson's questions come grouped by source sentence, so each would be asked
right after the feedback that quotes its sentence: the learner reads the
answer instead of recalling it. The order here follows what is known about
learning:

- spacing: questions on one sentence are spread as far apart as the attempt
  allows, so each asks for the sentence again after others came between
  (retrieval after a gap strengthens memory more than retrieval at once);
- interleaving: sentences alternate rather than come in blocks, so each
  question must first be placed among the lesson's ideas;
- a fresh shuffle per attempt (seeded by Attempt.seed), so that a retry or a
  second attempt is not answered from the memory of the order;
- a true/false statement that restates a sentence whose words another
  question of the attempt asks for comes after that question: asked first,
  it would give the blank away; asked after, it is one more spaced retrieval
  of the same fact. It is not left out: every attempt asks every question of
  the lesson, so a perfect attempt is every question mastered and the
  attempt is as long as the lesson says (a new learner found a 7-question
  attempt of an "8 questions" lesson, and 88% mastery after 7 of 7, broken).
- a question whose prompt or options show another's answer ("Besides the
  uterus, where else ..." shows the answer of "Which organ does it most
  commonly affect?") comes after it: no mask can hide a question's own words,
  so the one that would be given away is asked first.

Pure functions over plain data (grading.QuestionData); no database.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from lessons.grading import QuestionData
from lessons.masking import answer_terms, contains_term, giveaway_terms, giveaways
from lessons.models import Question


def restated(statement: QuestionData, others: Sequence[QuestionData]) -> list[int]:
    """The questions a true/false statement restates: on its sentence, with
    an answer the statement (or its key term) contains, or one its key term
    is part of. Asking both, whichever came first would give the other away."""
    if statement.kind != Question.Kind.TRUE_FALSE or not statement.provenance:
        return []
    said = [t for t in (statement.prompt, statement.highlight) if t]
    found = []
    for other in others:
        if other.id == statement.id or other.kind == Question.Kind.TRUE_FALSE:
            continue
        if other.provenance != statement.provenance:
            continue
        answers = answer_terms(other)
        if any(contains_term(text, answer) for text in said for answer in answers) or (
            statement.highlight
            and any(contains_term(answer, statement.highlight) for answer in answers)
        ):
            found.append(other.id)
    return found


def statements_after_what_they_restate(
    order: Sequence[int], questions: Sequence[QuestionData]
) -> list[int]:
    """The order with each restating statement after every question it
    restates: one that comes before the latest of them trades places with
    it. A trade keeps the spacing of the sentence's questions (both are on
    one sentence) and only ever moves a blank earlier, so no trade undoes
    another."""
    order = list(order)
    position = {qid: i for i, qid in enumerate(order)}
    for statement in questions:
        restates = [qid for qid in restated(statement, questions) if qid in position]
        if statement.id not in position or not restates:
            continue
        latest = max(restates, key=position.__getitem__)
        here, there = position[statement.id], position[latest]
        if here < there:
            order[here], order[there] = latest, statement.id
            position[statement.id], position[latest] = there, here
    return order


def shown_answers(questions: Sequence[QuestionData]) -> dict[int, set[int]]:
    """For each question, the others whose answers its prompt or options
    show (masking.giveaway_terms), and those it restates: each of them must
    be asked before it."""
    terms = giveaway_terms(questions)
    shown: dict[int, set[int]] = {}
    for question in questions:
        on_screen = [question.prompt, *(c.text for c in question.choices)]
        before = set(restated(question, questions))
        for other in questions:
            if other.id != question.id and any(
                contains_term(text, term) for term in terms[other.id] for text in on_screen
            ):
                before.add(other.id)
        shown[question.id] = before
    return shown


@dataclass(frozen=True)
class UnavoidableGiveaway:
    """A question whose prompt or options show another's answer (`words`;
    none when it restates it), while that one, directly or through others,
    must come after it: whichever is asked first gives the other away."""

    question_id: int
    answer_of: int
    words: tuple[str, ...]


def unavoidable_giveaways(questions: Sequence[QuestionData]) -> list[UnavoidableGiveaway]:
    """What no quiz order avoids (shown_answers in a cycle): for an educator
    to rewrite, since masking cannot hide a question's own words."""
    shown = shown_answers(questions)
    after = _reachable(shown)
    terms = giveaway_terms(questions)
    found = []
    for question in questions:
        on_screen = [question.prompt, *(c.text for c in question.choices)]
        for other in sorted(shown[question.id]):
            if question.id in after.get(other, set()):
                words = (w for text in on_screen for w in giveaways(text, terms[other]))
                found.append(UnavoidableGiveaway(question.id, other, tuple(dict.fromkeys(words))))
    return found


def asked_before_shown(order: Sequence[int], questions: Sequence[QuestionData]) -> list[int]:
    """The order with every question asked before the questions that show its
    answer (shown_answers), keeping as much of the order and of its spacing
    as it can: each place goes to a question whose answers are all asked
    already, the first of the order among those whose sentence was not asked
    for in the last `gap` places (the spread's distance), else the one whose
    sentence waited longest. Where questions show each other's answers, none
    can be first: they wait only for what is outside their cycle."""
    by_id = {q.id: q for q in questions if q.id in set(order)}
    shown = shown_answers(list(by_id.values()))
    sentence = {qid: q.provenance or f"#{qid}" for qid, q in by_id.items()}
    sizes = Counter(sentence[qid] for qid in order if qid in sentence)
    gap = len(order) // max(sizes.values(), default=1)
    waiting = list(order)
    last_asked: dict[str, int] = {}
    result: list[int] = []

    after = _reachable(shown)

    def cost(qid: int) -> tuple[int, int, bool]:
        # What shows each other's answers (a cycle) cannot all wait for the rest.
        needed = {b for b in shown.get(qid, set()) if qid not in after[b]}
        still_to_come = len(needed & set(waiting) - {qid})
        since = len(result) - last_asked.get(sentence.get(qid, ""), -len(order))
        return still_to_come, -min(since, gap), qid not in urgent

    def pressing() -> set[int]:
        # A sentence with so many questions still to ask (and questions they
        # wait for) that only the places left can space them goes first, and
        # what its questions wait for with it: left to the end, its
        # questions would come side by side.
        pending = set(waiting)
        found: set[int] = set()
        for key in {sentence.get(w, "") for w in waiting}:
            members = {w for w in waiting if sentence.get(w, "") == key}
            waits_for = {
                b for w in members for b in shown.get(w, set()) & pending if w not in after[b]
            } - members
            if (len(members) - 1) * gap + 1 + len(waits_for) >= len(waiting):
                found |= members | waits_for
        return found

    while waiting:
        urgent = pressing()
        ready = min(waiting, key=cost)  # min() keeps the first of equals: the order's
        waiting.remove(ready)
        last_asked[sentence.get(ready, "")] = len(result)
        result.append(ready)
    return result


def _reachable(needs: dict[int, set[int]]) -> dict[int, set[int]]:
    """For each question, every question it must come after, directly or
    through others (the transitive closure; lessons have a few dozen)."""
    closure: dict[int, set[int]] = {}
    for start in needs:
        seen: set[int] = set()
        todo = list(needs[start])
        while todo:
            here = todo.pop()
            if here not in seen:
                seen.add(here)
                todo.extend(needs.get(here, ()))
        closure[start] = seen
    return closure


def spread(groups: Sequence[Sequence[int]]) -> list[int]:
    """The items of the groups with each group's items as far apart as the
    others allow: laid end to end and dealt, in turn, into as many rounds as
    the largest group has items (k), then asked round after round. A group
    has at most one item per round, so two of its items are a round apart:
    at least n // k for n items, when the groups come largest first (a
    largest group then fills its rounds in order; a smaller one that wraps
    round to the first rounds has two rounds between its ends)."""
    items = [item for group in groups for item in group]
    rounds = max((len(group) for group in groups), default=0)
    if rounds <= 1:
        return items
    dealt: list[list[int]] = [[] for _ in range(rounds)]
    for index, item in enumerate(items):
        dealt[index % rounds].append(item)
    return [item for round_ in dealt for item in round_]


def attempt_order(questions: Sequence[QuestionData], *, seed: int) -> list[int]:
    """The ids of the questions in the order to ask them: shuffled by the
    seed, spread by source sentence, each restating true/false statement
    after what it restates and each question after those whose answers it
    shows. The same questions and seed give the same order."""
    by_sentence: dict[str, list[int]] = {}
    for question in questions:
        # A question without a sentence is a group of its own.
        key = question.provenance or f"#{question.id}"
        by_sentence.setdefault(key, []).append(question.id)
    rng = random.Random(f"order:{seed}")
    groups = [sorted(ids) for _, ids in sorted(by_sentence.items())]
    for group in groups:
        rng.shuffle(group)
    rng.shuffle(groups)
    # The largest groups first (each size's in shuffled order: a stable sort),
    # as spread() needs for its distance.
    groups.sort(key=len, reverse=True)
    return asked_before_shown(
        statements_after_what_they_restate(spread(groups), questions), questions
    )
