"""Drafts where more than one answer fits, or the answer is given away,
rank below the threshold (issue 15, second reading: items a to c).

Each pair is a short invented sentence: the same rule scores a blank the
reader would reject below MIN_CONFIDENCE and a like blank they would keep
above it, so the test fails if the rule disappears or overreaches.
"""

from __future__ import annotations

from lessons.derive.checks import MIN_CONFIDENCE, confidence, confidence_features
from tests.test_derive_checks import draft, text


def score(stem: str, answer: str, sentence: str = "", kind: str = "fill_blank", **kw) -> float:
    q = draft(kind, stem, answer, **kw)
    return confidence(q, text(sentence or stem.replace("____", answer)))


def test_a_blank_that_is_one_item_of_an_open_list_is_withheld():
    # "such as ____ and fungi": bacteria, viruses, parasites all fit.
    assert score("Germs are tiny living things such as ____ and fungi that spread disease.",
                 "bacteria") < MIN_CONFIDENCE  # fmt: skip
    assert score("Bakers raise money for things like new ____, flour or ovens.",
                 "kitchens") < MIN_CONFIDENCE  # fmt: skip
    assert score("The police work to stop ____ such as theft in the old town.",
                 "crime") < MIN_CONFIDENCE  # fmt: skip
    # "and" before a verb and its object, or a comma before a place's country,
    # joins no list.
    assert score("Sheepdogs guard the flock from a particular ____ and chase the wolves away.",
                 "danger") >= MIN_CONFIDENCE  # fmt: skip
    assert score("The oldest goat farm in Iberia lies near ____, Portugal, on a hill.",
                 "Lisbon") >= MIN_CONFIDENCE  # fmt: skip
    # A rare item of a list is the item itself: nothing else fits.
    assert score("The Calvin cycle uses ATP and ____ to fix carbon dioxide into sugar.",
                 "NADPH") >= MIN_CONFIDENCE  # fmt: skip


def test_a_blank_after_a_generic_modifier_is_withheld():
    # "allowed larger ____": pages, books, prints fit as well as sheets.
    assert score("Around 1800 the iron press allowed larger ____ to be printed with less effort.",
                 "sheets") < MIN_CONFIDENCE  # fmt: skip
    assert "generic modifier" in confidence_features(
        draft("fill_blank", "The town built new ____ along the river in spring.", "houses"),
        text("The town built new houses along the river in spring."),
    )


def test_a_verb_blanked_before_its_object_is_withheld():
    # "herders ____ them": guard, move, count all fit.
    assert score("Because wolves roam the hills at night, the herders ____ them.",
                 "fence") < MIN_CONFIDENCE  # fmt: skip


def test_a_count_written_as_a_word_is_not_blanked():
    # "in ____ main ways" is guessed from the sentences that follow.
    assert score("Farmers earn money from goats in ____ main ways.", "two") < MIN_CONFIDENCE
    # A count in digits is a fact to recall.
    assert score("The old mill in the village had ____ wheels turning in 1850.",
                 "14") >= MIN_CONFIDENCE  # fmt: skip


def test_an_answer_spelled_out_in_the_prompt_is_withheld():
    # Every word of "Ravenna Codex" is in the prompt already.
    assert score("Ravenna's best-known book is the ____, also called the gold Codex of hours.",
                 "Ravenna Codex") < MIN_CONFIDENCE  # fmt: skip
    # An abbreviation whose expansion is in the prompt.
    assert score("Selling shares to the public is an initial public offering, or ____.",
                 "IPO") < MIN_CONFIDENCE  # fmt: skip


def test_a_malformed_blank_is_withheld():
    # "a(n) ____" over two answers joined by "or", or over a possessive phrase.
    assert score("A goat, also called a(n) ____, is a small farm animal kept for milk.",
                 "nanny or billy") < MIN_CONFIDENCE  # fmt: skip
    assert score("Rent is a portion of a(n) ____ paid to the owner every month.",
                 "tenant's income") < MIN_CONFIDENCE  # fmt: skip


def test_a_sentence_that_only_announces_what_follows_is_no_statement():
    said = "Farmers sell goat milk in several different ways."
    assert score(said, "milk", said, kind="true_false") < MIN_CONFIDENCE
    said = "Farmers in the valley sell goat milk at the Saturday market in Ravenna."
    assert score(said, "milk", said, kind="true_false") >= MIN_CONFIDENCE


def test_a_false_statement_that_swaps_a_time_word_is_withheld():
    # "the first time ... initial" or "earlier ones" left standing: the swap
    # reads as nonsense or gives itself away.
    shown = "When a farm sells its goats to the public for the last time, it holds a sale."
    said = "When a farm sells its goats to the public for the first time, it holds a sale."
    assert score(shown, "last", said, kind="true_false", said="first") < MIN_CONFIDENCE
