"""Ids from the request, checked before they reach a query.

Every primary key here is a 64-bit signed integer. A submitted value that is
not one is refused at the input: a non-numeric id raises ValueError deep in
Django's admin, and one past 64 bits OverflowError in SQLite's driver, both
500s where the user should read "not a valid choice"."""

from __future__ import annotations

PK_MAX = 2**63 - 1
# Long enough for PK_MAX with a sign and spaces; a longer string is not an id,
# and int() of a huge one is not free.
_PK_MAX_CHARS = 24


def parse_pk(value: object) -> int | None:
    """The id a submitted value names, or None if it cannot be a primary key."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and len(value) <= _PK_MAX_CHARS:
        text = value.strip()
        if not text.isascii() or not text.lstrip("+-").isdecimal():
            return None
        number = int(text)
    else:
        return None
    return number if -PK_MAX - 1 <= number <= PK_MAX else None
