"""A false statement made by swapping a word for its opposite must be
definitely false by the text, and not false on its face (issue 15, item 4):
the rest of the sentence must not say the original word again in other words,
or the swap contradicts the sentence itself ("one of the newest cities, older
than London", "the smallest reef is the Great Reef"). Invented sentences."""

from __future__ import annotations

from lessons.derive import derive
from lessons.derive.checks import draft_kind


def opposites_drafted(sentence: str) -> list[str]:
    text = (
        "Vardo and its marshes\n\n"
        f"{sentence} "
        "Kessel is a fishing port on the northern coast, about forty kilometres from Vardo. "
        "Herons nest in the reed beds of the marsh from March to June every year."
    )
    made = derive(text, title="Vardo")
    drafts = [*made.questions, *(w.question for w in made.withheld)]
    return [q.prompt for q in drafts if draft_kind(q) == "opposite"]


def test_an_opposite_is_drafted_where_nothing_in_the_sentence_gives_it_away():
    swapped = opposites_drafted("The Alna is the largest river of the northern province.")
    assert any("smallest river" in p for p in swapped), swapped


def test_no_opposite_when_the_sentence_says_the_word_again_in_another_form():
    swapped = opposites_drafted(
        "Vardo is one of the oldest towns on the coast, older than Kessel by some accounts."
    )
    assert not [p for p in swapped if "newest" in p or "younger" in p], swapped


def test_no_opposite_when_a_word_beside_it_means_the_same():
    swapped = opposites_drafted("The largest marsh of the province is the Great Vardo Marsh.")
    assert not [p for p in swapped if "smallest" in p], swapped
    swapped = opposites_drafted(
        "The first sale of land to the public, the initial auction, took place in Kessel."
    )
    assert not [p for p in swapped if "last sale" in p], swapped
