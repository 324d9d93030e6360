"""Derivation stays linear in its input whatever the input's shape.

Before these were bounded, a 4 KB upload of "The cell" and 4,000 spaces held
the only worker for 110 s, and runs of capitalised words or hyphens took
minutes. `manage.py benchmark_derive --shapes` prints the figures; this test
holds every shape to a budget a linear pipeline meets many times over."""

import contextlib
import time

import pytest

from lessons.derive import MAX_BYTES, DeriveError, derive
from lessons.devtools.shapes import SHAPES
from lessons.text import MAX_SENTENCE_CHARS, _cut_long, split_source

SIZE = 50_000
# Normal text derives at about 20 ms/KB (1 s for this size), the slowest shape
# at about 75 ms/KB; the shapes' old super-linear costs were minutes at 8 KB.
# Counted in this process's CPU time, so a busy machine does not fail it.
BUDGET_SECONDS = 12


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_pathological_text_derives_within_a_linear_time_budget(shape):
    text = SHAPES[shape](SIZE)
    assert len(text) >= SIZE * 0.9
    start = time.process_time()
    # Refused as having nothing to teach: that is an answer too.
    with contextlib.suppress(DeriveError):
        derive(text, title=shape)
    elapsed = time.process_time() - start
    assert elapsed < BUDGET_SECONDS, f"{shape}: {elapsed:.1f} s for {SIZE // 1000} KB"


def _split_seconds(text: str) -> float:
    start = time.process_time()
    split_source(text)
    return time.process_time() - start


@pytest.mark.parametrize("shape", ["small vocabulary", "hyphenated capitalised run"])
def test_splitting_a_text_of_few_words_grows_linearly(shape):
    """Splitting must stay linear on its own: the fixtures and the task split
    texts, and the upload form once did in the request (issue 15.9). With a
    dozen words every sentence shared its signature with every earlier one, and
    the near-duplicate search compared each with all of them: 12.6 s for 200 KB
    in a web request. Eight times the text may take eight times as long; the
    allowance is three times that, where the quadratic search took 64 times."""
    small = _split_seconds(SHAPES[shape](50_000))
    large = _split_seconds(SHAPES[shape](400_000))
    assert large < 8 * 3 * small, f"{shape}: {small:.2f} s for 50 KB, {large:.2f} s for 400 KB"


def test_cutting_a_run_as_long_as_an_upload_may_be_takes_no_time():
    """A sentence over MAX_SENTENCE_CHARS is cut into pieces; slicing off the
    rest after every cut copied the run once per piece: 2.3 s for the largest
    upload. Walking an offset cuts it in a few milliseconds."""
    run = SHAPES["hyphenated capitalised run"](MAX_BYTES).strip()
    start = time.perf_counter()
    pieces = _cut_long(run)
    elapsed = time.perf_counter() - start
    assert all(len(piece) <= MAX_SENTENCE_CHARS for piece in pieces)
    # Nothing is lost but the spaces cut at.
    assert "".join(pieces).replace(" ", "") == run.replace(" ", "")
    assert elapsed < 0.5, f"{elapsed:.2f} s to cut {MAX_BYTES // 1024} KB"
