"""The texts whose derivation is kept as golden output, and that output now.

Shared by tests/test_derive_golden.py (today's output against the committed
files) and tests/test_derive_judged.py (today's drafts against a reader's
verdicts). Each text is derived once per test process.
"""

from __future__ import annotations

import json
from functools import cache
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from lessons.derive import Derivation, derive, read_text

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "derive"
# name -> the text, relative to the repository root as the judged set names it.
TEXTS = {
    "leiomyosarcoma": "fixtures/leiomyosarcoma.txt",
    "lisbon": "fixtures/samples/lisbon.txt",
    "photosynthesis": "fixtures/samples/photosynthesis.txt",
    "coral_reefs": "fixtures/samples/coral_reefs.txt",
    "printing_press": "fixtures/samples/printing_press.txt",
    "stock_market": "fixtures/samples/stock_market.txt",
    "vaccines": "fixtures/samples/vaccines.txt",
}


@cache
def derived_output(name: str) -> str:
    """What `manage.py derive_questions TEXT --dry-run --json` prints today."""
    out = StringIO()
    call_command("derive_questions", str(ROOT / TEXTS[name]), "--dry-run", "--json", stdout=out)
    return out.getvalue()


def derived(name: str) -> dict:
    return json.loads(derived_output(name))


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.json"


def drafts(output: dict) -> list[dict]:
    """Every draft question of a derivation's JSON, in output order, each with
    the title of its lesson."""
    return [
        {**question, "lesson": lesson["title"]}
        for lesson in output["lessons"]
        for question in lesson["questions"]
    ]


@cache
def derivation(name: str) -> Derivation:
    """The pipeline's own result for a golden text, titled as derive_questions
    titles it (the file name), so its drafts are the golden file's drafts."""
    path = ROOT / TEXTS[name]
    title = path.stem.replace("_", " ").replace("-", " ").capitalize()
    return derive(read_text(path.read_bytes(), name=str(path)), title=title)
