"""A blank accepts the forms of its answer a learner may type with the same
meaning (issue 15 d): a number with and without its thousands comma, in
digits and in words, British and American spelling, singular and plural."""

from __future__ import annotations

from lessons.derive import derive, read_text


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
