"""The draft checks of lessons.derive.checks on drafts an independent reader
judged (tests/golden/derive/judged.tsv, cited by id): each catches a REJECT
and lets a KEEP pass."""

from __future__ import annotations

import pytest

from lessons.derive import checks
from lessons.derive.types import Derivation, DerivedChoice, DerivedQuestion, DerivedSentence

ASK = "Which word or phrase completes the statement? "


def draft(kind: str, stem: str, answer: str, *, wrong=(), accepted=(), said="") -> DerivedQuestion:
    """A draft as the drafter makes it; `said` is the sentence's word that a
    false statement replaced."""
    prompt = stem if kind != "single" else f"{ASK}“{stem}”"
    choices = [DerivedChoice(answer, True), *(DerivedChoice(w, False) for w in wrong)]
    explanation = ""
    if kind == "true_false":
        choices = [DerivedChoice("True", not said), DerivedChoice("False", bool(said))]
        explanation = f"False: the text says … It is “{said}”, not “{answer}”." if said else ""
        answer = said or answer
    return DerivedQuestion(
        kind=kind,
        prompt=prompt,
        stem=stem,
        answer=answer,
        explanation=explanation,
        sentence=0,
        passage=0,
        highlight=answer,
        choices=choices,
        accepted=list(accepted) or [answer],
    )


def text(*sentences: str, title: str = "Text", questions=()) -> Derivation:
    return Derivation(
        title=title,
        text=" ".join(sentences),
        passages=[" ".join(sentences)],
        sentences=[DerivedSentence(i, s, [0]) for i, s in enumerate(sentences)],
        lessons=[],
        questions=list(questions),
    )


NONE = text("A sentence.")


def test_options_of_another_kind_catches_names_among_abbreviations():
    # phot-25 REJECT: Maize, Earth and Cacti are no molecules beside ATP.
    rejected = draft(
        "single", "The Calvin cycle uses ____ and NADPH to fix carbon dioxide into sugar.", "ATP",
        wrong=["Maize", "Earth", "Cacti"],
    )  # fmt: skip
    assert checks.options_of_another_kind(rejected, NONE)
    # lisb-45 KEEP: years among years.
    kept = draft(
        "single", "Today Lisbon is known for fado, a style of song that UNESCO recognised in ____.",
        "2011", wrong=["1966", "1983", "1974"],
    )  # fmt: skip
    assert checks.options_of_another_kind(kept, NONE) == []


def test_blank_on_common_word():
    # lisb-23 REJECT: "one of the richest ports in ____" is Europe, or the world.
    rejected = draft(
        "fill_blank", "Goods made the city one of the richest ports in ____.", "Europe"
    )
    assert checks.blank_on_common_word(rejected, NONE)
    # phot-40 KEEP: "oxygen" is common, but not everyday enough to guess.
    kept = draft(
        "fill_blank", "Photosynthesis is the source of almost all the ____ in the atmosphere.",
        "oxygen",
    )  # fmt: skip
    assert checks.blank_on_common_word(kept, NONE) == []
    # A number is no word, however common ("25 °C").
    assert checks.blank_on_common_word(draft("fill_blank", "At about ____ °C.", "25"), NONE) == []


@pytest.mark.parametrize(
    "judged",
    [
        # seed-7 REJECT: "uterine ... the walls of the ____" gives "uterus".
        draft(
            "single",
            "A uterine leiomyosarcoma arises from the smooth muscle lining the walls "
            "of the ____ (myometrium).",
            "uterus",
            wrong=["brain", "bloodstream", "soft tissue"],
        ),
        # seed-1 REJECT: LMS is the initialism of LeioMyoSarcoma.
        draft(
            "fill_blank", "Leiomyosarcoma, also referred to as ____, is a malignant tumor.", "LMS"
        ),
        # lisb-4 REJECT: "newest ..., older than London" keeps the word it replaced.
        draft(
            "true_false",
            "Lisbon is one of the newest cities in western Europe, older than "
            "London, Paris or Rome by some accounts.",
            "newest",
            said="oldest",
        ),
    ],
)
def test_answer_echoed_in_prompt_catches(judged):
    assert checks.answer_echoed_in_prompt(judged, NONE)


def test_answer_echoed_in_prompt_lets_a_kept_draft_pass():
    # phot-9 KEEP: "Chloroplasts" and "chlorophyll" share letters, not a stem.
    kept = draft(
        "fill_blank", "Chloroplasts contain a green pigment called ____, which absorbs red and "
        "blue light most strongly.", "chlorophyll",
    )  # fmt: skip
    assert checks.answer_echoed_in_prompt(kept, NONE) == []
    # phot-24 KEEP: NADPH beside ATP spells nothing.
    kept = draft("fill_blank", "The Calvin cycle uses ATP and ____ to fix carbon dioxide.", "NADPH")
    assert checks.answer_echoed_in_prompt(kept, NONE) == []


def test_count_shown_by_list():
    # phot-16 REJECT: the list after the colon counts the stages.
    sentence = (
        "Photosynthesis happens in two stages: the light-dependent reactions and the Calvin cycle."
    )
    rejected = draft("fill_blank", sentence.replace("two", "____"), "two")
    assert checks.count_shown_by_list(rejected, text(sentence))
    # phot-20 REJECT: "six carrier molecules, ATP and NADPH" names two.
    sentence = "The energy of light is stored in two carrier molecules, ATP and NADPH."
    swapped = draft("true_false", sentence.replace("two", "six"), "six", said="two")
    assert checks.count_shown_by_list(swapped, text(sentence))
    # A count with nothing listed after it is asked fairly.
    sentence = "Each turn fixes one molecule, so six turns are needed to build one glucose."
    fair = draft("fill_blank", sentence.replace("six", "____"), "six")
    assert checks.count_shown_by_list(fair, text(sentence)) == []


def test_same_choices_as_another_draft():
    # seed-21 and seed-22 REJECT: the same answer among the same wrong options.
    wrong = ["connective tissues", "vessels", "involuntary muscles"]
    first = draft("single", "People with early leiomyosarcoma often do not have any ____.",
                  "symptoms", wrong=wrong)  # fmt: skip
    second = draft("single", "Most leiomyosarcomas are diagnosed after a person develops ____.",
                   "symptoms", wrong=list(reversed(wrong)))  # fmt: skip
    derivation = text("One.", "Two.", questions=[first, second])
    assert checks.same_choices_as_another_draft(first, derivation) == []
    assert checks.same_choices_as_another_draft(second, derivation)
    # lisb-13 EDIT then lisb-20 KEEP: the same four years, another answer.
    years = draft("single", "In ____ Afonso Henriques captured Lisbon.", "1147",
                  wrong=["1255", "1755", "1497"])  # fmt: skip
    later = draft("single", "Vasco da Gama sailed from Lisbon in ____.", "1497",
                  wrong=["1255", "1755", "1147"])  # fmt: skip
    assert checks.same_choices_as_another_draft(later, text("A.", questions=[years, later])) == []


def test_overlong_prompt():
    # seed-13 REJECT: a 38-word stem to blank one word.
    long = draft(
        "fill_blank", "The term cancer refers to a group of ____ " + "word " * 30, "diseases"
    )
    assert checks.overlong_prompt(long, NONE)
    assert checks.overlong_prompt(draft("fill_blank", "Short ____ here.", "stem"), NONE) == []


def test_false_statement_not_definitely_false():
    # phot-49 REJECT: some CAM plants do live in cold, dry places.
    hedged = draft(
        "true_false", "Some plants in cold, dry places use C4 or CAM photosynthesis to save water.",
        "cold", said="hot",
    )  # fmt: skip
    assert checks.false_statement_not_definitely_false(hedged, NONE)
    # seed-29 REJECT: "smooth or voluntary" reads as either, and smooth is true.
    either = draft(
        "true_false", "Leiomyosarcoma originates in the smooth or voluntary muscle.", "voluntary",
        said="involuntary",
    )  # fmt: skip
    assert checks.false_statement_not_definitely_false(either, NONE)
    # phot-10 and lisb-2 KEEP: "most strongly" and "capital and smallest" are plainly false.
    for kept in (
        draft("true_false", "Chlorophyll reflects red and blue light most strongly.", "reflects",
              said="absorbs"),
        draft("true_false", "Lisbon is the capital and smallest city of Portugal.", "smallest",
              said="largest"),
    ):  # fmt: skip
        assert checks.false_statement_not_definitely_false(kept, NONE) == []


def test_blank_on_topic():
    sentences = [f"Plants grow in place number {n}." for n in range(5)]
    sentences += ["Plants take in carbon dioxide through tiny pores called stomata."]
    # phot-1 REJECT: "green ____" in a text about plants.
    rejected = draft(
        "fill_blank", "Photosynthesis is the process by which green ____ grow.", "plants"
    )
    assert checks.blank_on_topic(rejected, text(*sentences))
    # phot-7 KEEP: stomata stand in one sentence.
    kept = draft("fill_blank", "Plants take in carbon dioxide through tiny pores called ____.",
                 "stomata")  # fmt: skip
    assert checks.blank_on_topic(kept, text(*sentences)) == []
    # The title names the topic too.
    assert checks.blank_on_topic(kept, text("One.", title="Stomata"))


def test_problems_names_each_check_that_finds_one():
    rejected = draft("fill_blank", "Leiomyosarcoma, also referred to as ____, is a tumor.", "LMS")
    assert list(checks.problems(rejected, NONE)) == ["answer_echoed_in_prompt"]
