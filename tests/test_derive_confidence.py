"""The confidence score (lessons.derive.checks.confidence) against an
independent reader's verdicts on the judged drafts (tests/golden/derive/judged.tsv).

The judged drafts are rebuilt from the judged file itself (kind, prompt,
answer, choices) and the sentence of the text each stands on, so the figures
do not move when today's drafts do. `pytest tests/test_derive_confidence.py -s`
prints the rank correlation of score and verdict, and the KEEP share of the
top-ranked half against the whole set's.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from rapidfuzz import fuzz

from lessons.derive.checks import MIN_CONFIDENCE, confidence
from lessons.derive.types import Derivation, DerivedChoice, DerivedQuestion
from tests.derive_golden import TEXTS, derivation
from tests.test_derive_judged import Judged, judged_drafts

BLANK = "____"
SCORE = {"KEEP": 2, "EDIT": 1, "REJECT": 0}


def _statement(j: Judged) -> str:
    quoted = re.search(r"“(.*)”$", j.prompt)
    return quoted.group(1) if j.kind in {"single", "multiple"} and quoted else j.prompt


def _right_answer(j: Judged) -> str:
    m = re.fullmatch(r"(?:True|False) \(key word: (.*)\)", j.answer)
    return m.group(1) if m else j.answer.split(" / ")[0]


def _choices(raw: str) -> list[DerivedChoice]:
    items = [c.strip() for c in raw.split(" | ") if c.strip()]
    return [DerivedChoice(c.removeprefix("*"), c.startswith("*")) for c in items]


@cache
def _raw_choices() -> dict[str, str]:
    import csv

    from tests.test_derive_judged import JUDGED

    with JUDGED.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {r["id"]: r["choices"] for r in rows}


def rebuilt(j: Judged, made: Derivation) -> DerivedQuestion:
    """A judged draft as the pipeline would hold it, on the sentence of the
    text it reads most like."""
    statement = _statement(j)
    answer = _right_answer(j)
    filled = statement.replace(BLANK, answer)
    sentence = max(
        (s for s in made.sentences if not s.is_noise), key=lambda s: fuzz.ratio(s.text, filled)
    )
    choices = _choices(_raw_choices()[j.id])
    explanation = f"The text says: “{sentence.text}”"
    if j.kind == "true_false" and j.answer.startswith("False"):
        said, shown = sentence.text.split(), statement.split()
        ops = difflib.SequenceMatcher(a=said, b=shown, autojunk=False).get_opcodes()
        swapped = [
            " ".join(shown[b1:b2])
            for op, a1, a2, b1, b2 in ops
            if op == "replace" and answer.split()[0] in " ".join(said[a1:a2])
        ]
        wrong = swapped[0].strip(",.") if swapped else ""
        explanation = f"False: the text says “{sentence.text}” It is “{answer}”, not “{wrong}”."
    return DerivedQuestion(
        kind=j.kind,
        prompt=j.prompt,
        stem=statement,
        answer=answer,
        explanation=explanation,
        sentence=sentence.position,
        passage=sentence.passage,
        highlight=answer,
        choices=choices,
    )


@cache
def scored() -> tuple[tuple[float, Judged], ...]:
    by_text = {path: derivation(name) for name, path in TEXTS.items()}
    return tuple(
        (confidence(rebuilt(j, by_text[j.text]), by_text[j.text]), j) for j in judged_drafts()
    )


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        k = i
        while k + 1 < len(order) and values[order[k + 1]] == values[order[i]]:
            k += 1
        for n in range(i, k + 1):
            ranks[order[n]] = (i + k) / 2
        i = k + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var if var else 0.0


def _share(rows, verdicts=("KEEP",)) -> float:
    return sum(j.verdict in verdicts for _, j in rows) / len(rows) if rows else 0.0


def figures() -> dict:
    rows = sorted(scored(), key=lambda sj: -sj[0])
    half = rows[: len(rows) // 2]
    offered = [r for r in rows if r[0] >= MIN_CONFIDENCE]
    below = [r for r in rows if r[0] < MIN_CONFIDENCE]
    return {
        "rho": spearman([s for s, _ in rows], [SCORE[j.verdict] for _, j in rows]),
        "all_keep": _share(rows),
        "top_half_keep": _share(half),
        "offered": len(offered),
        "offered_keep": _share(offered),
        "offered_keep_edit": _share(offered, ("KEEP", "EDIT")),
        "below": len(below),
        "below_keep": _share(below),
        "below_keeps": sum(j.verdict == "KEEP" for _, j in below),
    }


def test_report_and_the_score_ranks_kept_drafts_first():
    f = figures()
    print(
        f"\nConfidence on {len(scored())} judged drafts: Spearman rho {f['rho']:.2f}; "
        f"KEEP {f['all_keep']:.0%} of all, {f['top_half_keep']:.0%} of the top half.\n"
        f"At or above {MIN_CONFIDENCE}: {f['offered']} drafts, KEEP {f['offered_keep']:.0%}, "
        f"KEEP or EDIT {f['offered_keep_edit']:.0%}; below: {f['below']}, "
        f"KEEP {f['below_keep']:.0%} ({f['below_keeps']} KEEPs)."
    )
    for score, j in sorted(scored(), key=lambda sj: -sj[0]):
        print(f"  {score:.2f} {j.verdict:6} {j.kind:10} {j.prompt[:90]}")
    assert f["rho"] >= 0.3
    assert f["top_half_keep"] >= f["all_keep"] + 0.15


def test_drafts_below_the_threshold_are_mostly_rejected():
    f = figures()
    assert f["below"] and f["below_keep"] <= 0.15
