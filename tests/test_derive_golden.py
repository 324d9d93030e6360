"""Today's derivation of each golden text against its committed output.

A change to splitting, analysis or drafting that changes any draft fails
here with the drafts added, removed and changed, so that every rule change
shows what it does to real texts. When the change is intended, refresh the
files and commit them with it:

    make golden                      # or: UPDATE_GOLDEN=1 pytest tests/test_derive_golden.py

which runs, for each text, `manage.py derive_questions TEXT --dry-run --json
> tests/golden/derive/NAME.json` (sorted keys, no timestamps: the same text
always gives the same bytes).
"""

from __future__ import annotations

import difflib
import json
import os

import pytest

from tests.derive_golden import TEXTS, derived, derived_output, drafts, golden_path

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _draft_key(draft: dict) -> tuple[str, str]:
    return draft["kind"], draft["prompt"]


def _brief(draft: dict) -> str:
    choices = " | ".join(("*" if c["correct"] else "") + c["text"] for c in draft["choices"])
    return f"[{draft['kind']}] {draft['prompt']}\n      answer: {draft['answer']}" + (
        f"\n      choices: {choices}" if choices else ""
    )


def drafts_diff(golden: dict, today: dict) -> str:
    """The drafts added, removed and changed between two derivations, and a
    line diff of everything else (lessons, key terms, noise); "" when equal."""
    before = {_draft_key(d): d for d in drafts(golden)}
    after = {_draft_key(d): d for d in drafts(today)}
    lines: list[str] = []
    removed = [before[k] for k in before if k not in after]
    added = [after[k] for k in after if k not in before]
    changed = [k for k in before if k in after and before[k] != after[k]]
    if removed:
        lines.append(f"{len(removed)} draft(s) no longer made:")
        lines += [f"  - {_brief(d)}" for d in removed]
    if added:
        lines.append(f"{len(added)} new draft(s):")
        lines += [f"  + {_brief(d)}" for d in added]
    if changed:
        lines.append(f"{len(changed)} draft(s) changed (same prompt):")
        for k in changed:
            lines.append(f"  ~ [{k[0]}] {k[1]}")
            for field in sorted(set(before[k]) | set(after[k])):
                if before[k].get(field) != after[k].get(field):
                    lines.append(f"      {field}: {before[k].get(field)!r}")
                    lines.append(f"   -> {field}: {after[k].get(field)!r}")

    def rest(output: dict) -> list[str]:
        shell = {
            **output,
            "lessons": [
                {**lesson, "questions": len(lesson["questions"])} for lesson in output["lessons"]
            ],
        }
        return json.dumps(shell, ensure_ascii=False, indent=2, sort_keys=True).splitlines()

    other = list(difflib.unified_diff(rest(golden), rest(today), "golden", "today", lineterm=""))
    if other:
        lines.append("Outside the drafts:")
        lines += other
    if not lines and golden != today:
        lines.append("The drafts' order changed.")
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_derivation_matches_its_golden_output(name):
    path = golden_path(name)
    if UPDATE:
        path.write_text(derived_output(name), encoding="utf-8")
        pytest.skip(f"wrote {path}")
    golden = json.loads(path.read_text(encoding="utf-8"))
    diff = drafts_diff(golden, derived(name))
    assert not diff, (
        f"{TEXTS[name]} derives otherwise than {path.name} says "
        "(if intended: make golden, and commit the files):\n" + diff
    )


def test_golden_files_are_what_the_command_prints():
    # Byte for byte, so that `make golden` on an unchanged tree changes nothing.
    for name in TEXTS:
        assert golden_path(name).read_text(encoding="utf-8") == derived_output(name), name


def test_the_diff_names_added_removed_and_changed_drafts():
    golden = derived("lisbon")
    today = json.loads(json.dumps(golden))
    first, second = today["lessons"][0]["questions"][:2]
    removed = today["lessons"][0]["questions"].pop(0)
    second["answer"] = "Douro"
    today["lessons"][0]["questions"].append({**removed, "prompt": "A new prompt ____."})
    diff = drafts_diff(golden, today)
    assert "1 draft(s) no longer made:\n  - [" + first["kind"] + "] " + first["prompt"] in diff
    assert "1 new draft(s):\n  + [" in diff and "A new prompt ____." in diff
    assert "1 draft(s) changed" in diff and "-> answer: 'Douro'" in diff
    assert drafts_diff(golden, golden) == ""
