"""Deriving lessons and draft questions from a text an educator brings.

`derive(text)` is the pure pipeline (no database); `derivation_store` in
lessons.derive.services writes its result in one transaction.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lessons.derive.pipeline import (
        MAX_BYTES,
        DeriveError,
        DeriveTimeout,
        check_text,
        derive,
        read_text,
    )
    from lessons.derive.types import Derivation

# Loaded on first use: lessons.text reads lessons.derive.lexicon, and importing
# the package must not pull in the pipeline (which imports lessons.text back).
_EXPORTS = {
    "MAX_BYTES": "lessons.derive.pipeline",
    "DeriveError": "lessons.derive.pipeline",
    "DeriveTimeout": "lessons.derive.pipeline",
    "check_text": "lessons.derive.pipeline",
    "derive": "lessons.derive.pipeline",
    "read_text": "lessons.derive.pipeline",
    "Derivation": "lessons.derive.types",
}

__all__ = [
    "MAX_BYTES",
    "Derivation",
    "DeriveError",
    "DeriveTimeout",
    "check_text",
    "derive",
    "read_text",
]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
