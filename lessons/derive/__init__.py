"""Deriving lessons and draft questions from a text an educator brings.

`derive(text)` is the pure pipeline (no database); `derivation_store` in
lessons.derive.services writes its result in one transaction.
"""

from lessons.derive.pipeline import (
    MAX_BYTES,
    DeriveError,
    DeriveTimeout,
    check_text,
    derive,
    read_text,
)
from lessons.derive.types import Derivation

__all__ = [
    "MAX_BYTES",
    "Derivation",
    "DeriveError",
    "DeriveTimeout",
    "check_text",
    "derive",
    "read_text",
]
