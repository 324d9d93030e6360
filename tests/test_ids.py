import pytest

from lessons.ids import PK_MAX, parse_pk


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), (" 42 ", 42), ("-1", -1), (7, 7), (str(PK_MAX), PK_MAX), ("+3", 3)],
)
def test_an_id_in_64_bit_range_is_read(value, expected):
    assert parse_pk(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "1.5",
        "1e9",
        "٣",  # a digit, but not an ASCII one
        str(PK_MAX + 1),
        str(-PK_MAX - 2),
        "9" * 10_000,
        None,
        True,
        1.0,
        [],
    ],
)
def test_anything_else_is_not_an_id(value):
    assert parse_pk(value) is None
