"""A blank accepts the forms of its answer a learner may type with the same
meaning (issue 15 d): a number with and without its thousands comma, in
digits and in words, British and American spelling, singular and plural."""

from __future__ import annotations

from lessons.derive import derive, read_text
from lessons.derive.drafting import lone_capitalised, text_forms


def accepted_for(sentence: str, answer: str) -> list[str]:
    text = (
        "Goat farming\n\n"
        f"{sentence} Goats are kept on small farms in the hills above the town of Ravenna. "
        "Goat farmers in Ravenna sell cheese and milk at the weekly market in the square."
    )
    made = derive(read_text(text.encode(), name="goats.txt"), title="Goats")
    every = [*made.questions, *(w.question for w in made.withheld)]
    blanks = [q for q in every if q.kind == "fill_blank" and q.answer == answer]
    assert blanks, f"no blank on {answer!r}: {[q.prompt for q in every]}"
    return blanks[0].accepted


def test_a_number_is_accepted_with_and_without_its_comma():
    accepted = accepted_for(
        "The valley's largest farm keeps 1,500 goats on its high pastures.", "1,500"
    )
    assert "1500" in accepted


def test_a_small_number_is_accepted_in_digits_and_in_words():
    accepted = accepted_for(
        "A young goat is weaned after about 10 weeks on its mother's milk.", "10"
    )
    assert "ten" in accepted


def test_british_and_american_spellings_are_both_accepted():
    accepted = accepted_for(
        "Cheese making in Ravenna led to the standardisation of rennet doses across farms.",
        "standardisation",
    )
    assert "standardization" in accepted


def test_a_plural_answer_also_accepts_its_singular():
    accepted = accepted_for(
        "Dairy goats, also called milking goats, are milked twice a day in spring.",
        "milking goats",
    )
    assert "milking goat" in accepted


def test_a_name_given_beside_its_head_also_accepts_its_modifier_alone():
    # coral-6 EDIT: "Hard corals, also called ____" accepts "stony", since
    # "corals" stands right before the blank.
    accepted = accepted_for(
        "Dairy goats, also called milking goats, are milked twice a day in spring.",
        "milking goats",
    )
    assert "milking" in accepted


def test_a_blank_elsewhere_does_not_accept_the_modifier_alone():
    # "Since ____ is found all over the body": "smooth" alone is no answer.
    assert "smooth" not in text_forms(
        "smooth muscle", "Since ____ is found in the muscle wall.", set()
    )


def test_a_name_also_accepts_the_short_form_the_text_uses_for_it():
    lone = lone_capitalised(
        [
            "The first cheese press was built by the engineer Pietro Marconi in 1820.",
            "Marconi later sold his presses to goat farms across the valley.",
            "Goats from North Africa were brought to the island, and Africa still sends some.",
        ]
    )
    assert "Marconi" in text_forms("Pietro Marconi", "The press was built by ____ in 1820.", lone)
    assert "Africa" in text_forms("North Africa", "Goats from ____ were brought here.", lone)


def test_a_name_the_text_never_shortens_accepts_only_its_whole_form():
    lone = lone_capitalised(["The first cheese press was built by Pietro Marconi in 1820."])
    assert text_forms("Pietro Marconi", "The press was built by ____ in 1820.", lone) == []


def test_a_work_named_with_its_author_also_accepts_its_title_alone():
    # print-27 EDIT: "Geoffrey Chaucer's The Canterbury Tales" also "The Canterbury Tales".
    forms = text_forms("Marco Rossi's The Goat Herder", "Among the first books was ____.", set())
    assert "The Goat Herder" in forms


def test_an_everyday_word_opening_a_sentence_is_no_short_form_of_a_name():
    lone = lone_capitalised(
        ["Exchange rates move every day.", "The New York Stock Exchange is old."]
    )
    assert text_forms("New York Stock Exchange", "The ____ is old.", lone) == []


def test_a_name_given_beside_its_head_keeps_the_capital_inside_it():
    # "cytotoxic T cells, also called ____" accepts "killer" for "killer T cells".
    before = "Cytotoxic T cells, also called ____, destroy infected cells."
    assert "killer" in text_forms("killer T cells", before, set())
