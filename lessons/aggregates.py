"""A median aggregate for both databases the app runs on.

PostgreSQL has PERCENTILE_CONT; SQLite has no median, so one is registered on
every new SQLite connection (see LessonsConfig.ready)."""

from __future__ import annotations

import statistics

from django.db.models import Aggregate


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra_context) -> tuple[str, tuple]:
        return super().as_sql(
            compiler,
            connection,
            function="MEDIAN",
            template="%(function)s(%(expressions)s)",
            **extra_context,
        )


class _SqliteMedian:
    """sqlite3's aggregate protocol: step() per row, finalize() for the result."""

    def __init__(self) -> None:
        self.values: list = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def register_sqlite_median(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)
