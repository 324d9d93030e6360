"""Blanks on what a sentence teaches, and the answers a teacher would accept
(issue 15, items 3 and 7): a year after "In" is a date to recall, not part of
a name; the name a sentence gives ("also known as the ____", "also called a
share or ____") is its fact, not one item of an open list.
"""

from __future__ import annotations

from lessons.derive.checks import (
    MIN_CONFIDENCE,
    blank_on_common_word,
    confidence,
    confidence_features,
)
from lessons.derive.pipeline import withhold_faulty
from tests.test_derive_checks import draft, text


def features(stem: str, answer: str) -> dict[str, float]:
    return confidence_features(
        draft("fill_blank", stem, answer), text(stem.replace("____", answer))
    )


def score(stem: str, answer: str) -> float:
    return confidence(draft("fill_blank", stem, answer), text(stem.replace("____", answer)))


def test_a_year_after_a_capitalised_preposition_is_a_date_not_part_of_a_name():
    # "In 1147 King Afonso ...", "Around 1800, the Stanhope press ...": the
    # sentence's first word is capitalised, and no name.
    assert "number in a name" not in features(
        "In ____ King Olaf founded the harbour town of Bergen on the western coast.", "1070"
    )
    assert (
        score("In ____ King Olaf founded the harbour town of Bergen on the western coast.", "1070")
        >= MIN_CONFIDENCE
    )
    assert "number in a name" not in features(
        "Around ____, the iron press allowed larger sheets to be printed.", "1800"
    )
    # "Apollo 11", "Expo 98": the number belongs to the name.
    assert "number in a name" in features(
        "The crew of Apollo ____ landed on the Moon in July of that year.", "11"
    )


def test_the_name_a_sentence_gives_after_an_article_is_its_fact():
    # "The Calvin cycle, also known as the ____": the article does not hide
    # that the blank is the other name the sentence gives.
    assert "naming slot" in features(
        "The goat fair, also known as the ____, is held in Ravenna every May.", "Capra festival"
    )


def test_a_blank_among_the_names_a_sentence_gives_is_no_open_list_item():
    # "A stock, also called a share or ____": the other name is the fact; the
    # first name stands in the prompt, so nothing else fits.
    found = features("A brook, also called a stream or ____, is a small river.", "beck")
    assert "one item of a list" not in found
    assert "naming slot" in found
    assert score("A brook, also called a stream or ____, is a small river.", "beck") >= (
        MIN_CONFIDENCE
    )
    # A plain list stays a list.
    assert "one item of a list" in features(
        "Farmers sell cheese, milk or ____ at the weekly market.", "butter"
    )


def test_a_blank_the_texts_general_term_also_fills_is_withheld():
    # coral-31 REJECT: "corals expel their ____" wants zooxanthellae, but the
    # text calls them "microscopic algae called zooxanthellae": "algae" fits too.
    named = "Shepherds in the valley keep hardy sheep called churros on the high pastures."
    stem = "In a hard winter the farmers move their ____ down to the river meadows."
    derivation = text(named, stem.replace("____", "churros"))
    question = draft("fill_blank", stem, "churros")
    question.sentence = 1
    assert "general term fits" in confidence_features(question, derivation)
    assert confidence(question, derivation) < MIN_CONFIDENCE
    # Where the general term stands in the prompt, it cannot fill the blank.
    stem = "In a hard winter the farmers move their sheep, the ____, down to the meadows."
    derivation = text(named, stem.replace("____", "churros"))
    question = draft("fill_blank", stem, "churros")
    question.sentence = 1
    assert "general term fits" not in confidence_features(question, derivation)


def test_a_sentence_whose_true_statement_is_withheld_keeps_its_blank():
    # Surplus true statements are withheld to keep true and false even; the
    # blank the drafter dropped beside one then asks about its sentence, so
    # the sentence stays covered (issue 15 item 7: coverage).
    sentences = {
        "churros": "The valley's hardy sheep are of a breed called churros, kept for wool.",
        "Ravenna": "The shepherds of the high valley sell cheese at the spring fair in Ravenna.",
        "transhumance": "Each winter the flocks walk to the coast, a trek known as transhumance.",
    }
    derivation = text(*sentences.values())
    statements = [draft("true_false", s, "x") for s in sentences.values()]
    blanks = [draft("fill_blank", s.replace(a, "____"), a) for a, s in sentences.items()]
    for position, (statement, blank) in enumerate(zip(statements, blanks, strict=True)):
        statement.sentence = blank.sentence = position
    derivation.questions = list(statements)
    offered = withhold_faulty(derivation, fallbacks={i: [b] for i, b in enumerate(blanks)})
    withheld = [w.question for w in offered.withheld]
    # Three true statements and no false one: two are one too many.
    assert len(withheld) == 2 and all(q in statements for q in withheld)
    assert all(blanks[q.sentence] in offered.questions for q in withheld)
    assert {q.sentence for q in offered.questions} == {0, 1, 2}
    # Without a fallback those sentences go uncovered, as before.
    derivation.questions = list(statements)
    assert len({q.sentence for q in withhold_faulty(derivation).questions}) == 1


def test_a_blank_on_the_general_noun_of_an_appositive_is_withheld():
    # vacc-18 REJECT: "antibodies, Y-shaped ____ that attach ...": the noun
    # that glosses a term names its kind, and other kinds fit ("molecules").
    stem = "Shepherds make churros, soft round ____ that keep for a week in the cold."
    assert "kind of the term before" in features(stem, "cheeses")
    assert score(stem, "cheeses") < MIN_CONFIDENCE
    # The term before its gloss is what the sentence teaches.
    stem = "Shepherds make ____, soft round cheeses that keep for a week in the cold."
    assert "kind of the term before" not in features(stem, "churros")
    # "vacca, meaning ____" (vacc-25 KEEP): the blank is the gloss itself.
    stem = 'The word "cheese" comes from the Latin word caseus, meaning ____.'
    assert "kind of the term before" not in features(stem, "curd")


def test_the_name_a_sentence_gives_is_no_everyday_word_blank():
    # vacc "cytotoxic T cells, also called ____": the other name is the term
    # the sentence teaches, however common its words.
    named = draft("fill_blank", "Young goats, also called ____, are weaned at ten weeks.", "kids")
    assert blank_on_common_word(named, text("Young goats, also called kids, are weaned.")) == []
    plain = draft("fill_blank", "Young goats are weaned by their ____ at ten weeks.", "owners")
    assert blank_on_common_word(plain, text("Young goats are weaned by their owners.")) != []
