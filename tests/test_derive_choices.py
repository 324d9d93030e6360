"""Fewer, better drafts (issue 15): choice questions only with wrong options of
the answer's kind, false statements that read as English, no true statement
beside a blank of its own sentence, and a confidence that orders and filters."""

from __future__ import annotations

import json

import pytest

from lessons.derive import derive
from lessons.derive.checks import MIN_CONFIDENCE, draft_kind
from lessons.derive.drafting import opposite_of
from tests.derive_golden import TEXTS, derivation, derived

BLANK = "____"


@pytest.mark.parametrize(
    ("said", "opposite"),
    [
        ("most common", "rarest"),  # never "most rare"
        ("more common", "rarer"),
        ("rarest", "most common"),
        ("earliest", "latest"),
        ("largest", "smallest"),
        ("rare", "common"),
        ("most powerful", "weakest"),
        ("most voluntary", "most involuntary"),
        ("most people", None),
    ],
)
def test_an_opposite_is_compared_as_english_compares_it(said, opposite):
    assert opposite_of(said) == opposite


def test_a_false_statement_by_an_opposite_says_rarest_not_most_rare():
    text = (
        "Rhabdomyosarcoma is a tumour of the skeletal muscle cells in the body.\n"
        # No term to ask for here: the opposite is the sentence's only fact.
        "In young children it is by far the most common one of them all.\n"
        "Liposarcoma is a tumour of the fat cells in the body of adults.\n"
    )
    made = derive(text, title="Sarcomas")
    drafts = [*made.questions, *(w.question for w in made.withheld)]
    swapped = [q for q in drafts if draft_kind(q) == "opposite" and q.answer == "most common"]
    assert swapped, [q.prompt for q in drafts]
    for q in swapped:
        assert "the rarest one" in q.prompt and "most rare" not in q.prompt


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_a_true_statement_never_stands_beside_a_blank_of_its_sentence(name):
    made = derivation(name)
    true_statements = {
        q.sentence for q in made.questions if q.kind == "true_false" and q.choices[0].correct
    }
    assert true_statements
    for q in made.questions:
        if BLANK in q.stem and q.kind != "true_false":
            assert q.sentence not in true_statements, q.prompt


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_a_choice_question_has_three_wrong_options_or_is_a_blank(name):
    made = derivation(name)
    for q in made.questions:
        if q.kind in {"single", "multiple"}:
            assert len(q.distractors) >= 3, q.prompt


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_drafts_are_ranked_by_confidence_and_the_weak_ones_are_suggestions(name):
    output = derived(name)
    assert json.dumps(output)  # what --json prints
    scores = []
    for lesson in output["lessons"]:
        ranked = [q["confidence"] for q in lesson["questions"]]
        assert ranked == sorted(ranked, reverse=True), lesson["title"]
        scores += ranked
    assert scores and min(scores) >= MIN_CONFIDENCE
    suggestions = [
        w for w in output["withheld"] if any(p.startswith("Confidence") for p in w["problems"])
    ]
    assert suggestions and all(w["confidence"] < MIN_CONFIDENCE for w in suggestions)
