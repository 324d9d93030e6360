from pathlib import Path

import pytest

from lessons.text import normalise_answer, split_source

SOURCE = Path(__file__).resolve().parent.parent / "fixtures" / "leiomyosarcoma.txt"


@pytest.fixture(scope="module")
def split():
    return split_source(SOURCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Leiomyosarcoma ", "leiomyosarcoma"),
        ("LMS.", "lms"),
        ("5–10%", "5 10%"),
        ("5 - 10 %", "5 10 %"),
        ("smooth-muscle", "smooth muscle"),
        ("Smooth\u2014muscle", "smooth muscle"),
        ("“soft tissue sarcoma”", "soft tissue sarcoma"),
        ("RETRO-peritoneum!", "retro peritoneum"),
    ],
)
def test_normalise_answer_folds_case_spacing_punctuation_and_dashes(typed, expected):
    assert normalise_answer(typed) == expected


def test_the_eight_passages_are_kept(split):
    assert len(split.passages) == 8
    assert split.passages[7].startswith("Leiomyosarcoma. Leiomyosarcoma (LMS)")


def test_repeated_sentences_are_one_sentence_that_remembers_every_passage(split):
    lymphatics = [
        s for s in split.sentences if s.text == "It is very rare to see it in lymphatics."
    ]
    assert len(lymphatics) == 1
    assert lymphatics[0].passages == [2, 4, 5]


def test_near_duplicates_with_other_punctuation_collapse(split):
    muscle_types = [s for s in split.sentences if "two types of muscles" in s.text]
    assert len(muscle_types) == 1
    assert muscle_types[0].passages == [1, 2]


def test_web_noise_and_headings_are_never_taught(split):
    noise = {s.text for s in split.sentences if s.is_noise}
    assert "Click here for more information." in noise
    assert "Signs and symptoms of Leiomyosarcoma." in noise
    assert "Overview." in noise
    assert not any(s.is_noise for s in split.sentences if "smooth muscle" in s.text)


def test_a_numbered_list_stays_with_the_sentence_that_introduces_it(split):
    symptoms = [s.text for s in split.sentences if s.text.startswith("These may include")]
    assert symptoms == [
        "These may include: 1  a lump or swelling. 2  abdominal discomfort or bloatedness. "
        "3  swelling or pain in any area of the body."
    ]
    assert not any(s.text.startswith(("2 ", "3 ")) for s in split.sentences)


def test_run_together_sentences_are_split(split):
    assert any(
        s.text
        == "Leiomyosarcoma is a malignant (cancerous) tumor that arises from smooth muscle Cells"
        for s in split.sentences
    )


def test_every_sentence_is_quoted_exactly_from_the_text(split):
    text = SOURCE.read_text(encoding="utf-8")
    for sentence in split.sentences:
        assert sentence.text in text


def test_cut_off_sentence_is_flagged_but_kept_teachable(split):
    dormant = next(s for s in split.sentences if "dormant" in s.text)
    assert dormant.reason == "cut off"
    assert not dormant.is_noise


def test_a_word_that_opens_a_sentence_elsewhere_ends_a_run_on():
    # "Sarcomas" is no general opener: it ends the run-on only because the
    # text starts a sentence with it elsewhere.
    run_on = "Leiomyosarcoma arises from smooth muscle Cells Sarcomas are rare tumors."
    alone = split_source(run_on)
    assert [s.text for s in alone.sentences] == [run_on]
    with_opener = split_source(f"{run_on}\nSarcomas arise in connective tissue.")
    assert [s.text for s in with_opener.sentences][:2] == [
        "Leiomyosarcoma arises from smooth muscle Cells",
        "Sarcomas are rare tumors.",
    ]
