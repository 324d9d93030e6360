"""Work out the item analysis tallies from scratch (lessons.item_tallies).

    manage.py rebuild_item_tallies [--cohort ID ...]

Run it after writing attempts, LessonScore pointers or cohort memberships in
bulk, around the services (a bulk load, a data migration that recomputes
scores); migration 0013 runs it once over the data already there.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from lessons import item_tallies


class Command(BaseCommand):
    help = "Rebuild the running item-analysis tallies from every response."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--cohort", type=int, action="append", help="Only this cohort (repeatable)."
        )

    def handle(self, *args, cohort: list[int] | None, **options) -> None:
        began = time.perf_counter()
        rows = item_tallies.rebuild(cohort_ids=cohort)
        which = "all cohorts" if cohort is None else f"cohorts {', '.join(map(str, cohort))}"
        elapsed = time.perf_counter() - began
        self.stdout.write(f"Item tallies of {which} rebuilt: {rows:,} rows in {elapsed:.1f} s.")
