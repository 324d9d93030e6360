"""Texts of pathological shapes, for holding the pipeline to linear time.

An adversarial review found uploads of a few KB that held a worker for
minutes (a run of spaces, of capitalised words, of hyphens). These builders
make each such shape at any size, deterministically, so the tests and
``benchmark_derive --shapes`` measure the same inputs.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_WORDS = """
    cell tissue muscle tumor fat nerve blood vessel organ liver heart skin bone
    light water carbon sugar leaf root stem city river bridge church tower king
""".split()  # noqa: SIM905


def _repeat(piece: Callable[[int], str], size: int, *, head: str = "", tail: str = "") -> str:
    """head + piece(0) + piece(1) + ... + tail, about `size` characters long."""
    parts, total, n = [head], len(head) + len(tail), 0
    while total < size:
        chunk = piece(n)
        parts.append(chunk)
        total += len(chunk)
        n += 1
    parts.append(tail)
    return "".join(parts)


def _word(n: int) -> str:
    # Distinct words, so that no cache or duplicate check hides the cost.
    return f"{_WORDS[n % len(_WORDS)]}{_letters(n // len(_WORDS))}"


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[r]
    return out


SENTENCE = " Smooth muscle is a type of tissue found in the walls of hollow organs."


def whitespace_run(size: int) -> str:
    return "The cell" + " " * size + SENTENCE


def capitalised_run(size: int) -> str:
    return _repeat(lambda n: _word(n).capitalize() + " ", size, tail="is a cell.")


def capitalised_sentences(size: int) -> str:
    # Many ordinary-length sentences of names: the term index per sentence.
    return _repeat(
        lambda n: " ".join(_word(n * 12 + i).capitalize() for i in range(12)) + " is a name. ",
        size,
    )


def hyphen_run(size: int) -> str:
    return "The cell " + "-" * size + SENTENCE


def hyphenated_word(size: int) -> str:
    return "The " + _repeat(lambda n: _word(n) + "-", size, tail="cell") + SENTENCE


def number_list(size: int) -> str:
    return _repeat(lambda n: f"{n + 1}, ", size, head="The counts are ", tail="and 7.")


def such_as_list(size: int) -> str:
    return _repeat(
        lambda n: f"{_word(n)}, ", size, head="Soft tissues such as ", tail="and skin are soft."
    )


def giant_sentence(size: int) -> str:
    return _repeat(lambda n: _word(n) + " ", size, head="The ", tail="is a cell.")


def parentheses(size: int) -> str:
    return _repeat(lambda n: f"({_word(n)}) ", size, head="The cell ", tail="is a unit.")


def nested_parentheses(size: int) -> str:
    half = size // 2
    return "The cell " + "(" * half + "x" + ")" * half + " is a unit of life."


def long_word(size: int) -> str:
    return "The cell is a " + "a" * size + " of life."


def colons(size: int) -> str:
    return _repeat(lambda n: f"{_word(n)}: {_word(n + 1)}; ", size, head="The cell ", tail="end.")


def markdown(size: int) -> str:
    return _repeat(
        lambda n: f"# {_word(n)} **{_word(n + 1)}** `x` [{_word(n)}](http://a.b/{n}) * * _ ",
        size,
        tail="is a cell.",
    )


def unmatched_emphasis(size: int) -> str:
    """One line of emphasis markers that never close: each may open a span."""
    return _repeat(lambda n: f"*{_word(n)} _{_word(n)} **{_word(n)} ", size, tail="is a cell.")


def structured_lines(size: int) -> str:
    """Heading lines, list items after a lead-in, code lines and fences, over and over."""
    return _repeat(
        lambda n: (
            f"The {_word(n)} section\n{_word(n)} has these parts:\n- {_word(n + 1)}\n"
            f"1. {_word(n + 2)}\nx{n} = {n}\n```\n{_word(n)}()\n"
        ),
        size,
        tail="\nThe cell is small.",
    )


def random_unicode(size: int) -> str:
    rng = random.Random(11)
    alphabet = [chr(c) for c in range(0x20, 0x2FF)] + list("αβγ—–“”’ ,.;:()-\n")
    return "".join(rng.choice(alphabet) for _ in range(size))


def alias_run(size: int) -> str:
    # "X, also known as Y" repeated without a stop: the alias pattern's worst case.
    return _repeat(
        lambda n: f"{_word(n)} also known as {_word(n + 1)} ", size, head="The ", tail="is a cell."
    )


# A dozen words, so that every sentence shares its words with every other: no
# word is rare enough to narrow the near-duplicate search.
_FEW_WORDS = """
    cell muscle tumour grows smooth rare uterus wall stomach spreads blood cancer
""".split()  # noqa: SIM905


def small_vocabulary(size: int) -> str:
    # Many short, distinct sentences drawn from _FEW_WORDS: each one a
    # near-duplicate candidate of every earlier one.
    rng = random.Random(4)
    return _repeat(
        lambda n: " ".join(rng.choice(_FEW_WORDS) for _ in range(9)).capitalize() + ". ", size
    )


def hyphenated_capitalised_run(size: int) -> str:
    # One "word" of capitalised words joined by hyphens: a single sentence far
    # over MAX_SENTENCE_CHARS, whose cut pieces all share the same few words.
    rng = random.Random(3)
    names = [w.capitalize() for w in _FEW_WORDS[:10]]
    return _repeat(
        lambda n: rng.choice(names) + "-", size, head=SENTENCE + " ", tail="Cell." + SENTENCE
    )


SHAPES: dict[str, Callable[[int], str]] = {
    "whitespace run": whitespace_run,
    "capitalised run": capitalised_run,
    "capitalised sentences": capitalised_sentences,
    "hyphen run": hyphen_run,
    "hyphenated word": hyphenated_word,
    "number list": number_list,
    "such as list": such_as_list,
    "giant sentence": giant_sentence,
    "parentheses": parentheses,
    "nested parentheses": nested_parentheses,
    "long word": long_word,
    "colons": colons,
    "markdown": markdown,
    "unmatched emphasis": unmatched_emphasis,
    "structured lines": structured_lines,
    "random unicode": random_unicode,
    "alias run": alias_run,
    "small vocabulary": small_vocabulary,
    "hyphenated capitalised run": hyphenated_capitalised_run,
}
