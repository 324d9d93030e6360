"""Derivation stays linear in its input whatever the input's shape.

Before these were bounded, a 4 KB upload of "The cell" and 4,000 spaces held
the only worker for 110 s, and runs of capitalised words or hyphens took
minutes. `manage.py benchmark_derive --shapes` prints the figures; this test
holds every shape to a budget a linear pipeline meets many times over."""

import contextlib
import time

import pytest

from lessons.derive import DeriveError, derive
from lessons.devtools.shapes import SHAPES

SIZE = 50_000
# Normal text derives at about 20 ms/KB (1 s for this size), the slowest shape
# at about 75 ms/KB; the shapes' old super-linear costs were minutes at 8 KB.
BUDGET_SECONDS = 12


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_pathological_text_derives_within_a_linear_time_budget(shape):
    text = SHAPES[shape](SIZE)
    assert len(text) >= SIZE * 0.9
    start = time.perf_counter()
    # Refused as having nothing to teach: that is an answer too.
    with contextlib.suppress(DeriveError):
        derive(text, title=shape)
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET_SECONDS, f"{shape}: {elapsed:.1f} s for {SIZE // 1000} KB"
