"""Derive lessons and draft questions from a plain-text file.

    manage.py derive_questions PATH [--title TITLE] [--dry-run] [--json]

Everything created is unpublished: an educator reviews the drafts in the admin.
"""

import json as jsonlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.derive import MAX_BYTES, DeriveError, derive, read_text
from lessons.derive.services import derivation_store


class Command(BaseCommand):
    help = "Derive lessons and draft questions from a UTF-8 text file (nothing is published)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--title", default="", help="The source's title (default: file name)")
        parser.add_argument("--dry-run", action="store_true", help="Write nothing")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the result as JSON"
        )

    def handle(
        self, *args, path: Path, title: str, dry_run: bool, as_json: bool, **options
    ) -> None:
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                f"{path} is over the {MAX_BYTES // 1024 // 1024} MB limit; "
                "split it into smaller texts."
            )
        title = title or path.stem.replace("_", " ").replace("-", " ").capitalize()
        try:
            text = read_text(path.read_bytes(), name=str(path))
            result = derive(text, title=title)
        except DeriveError as error:
            raise CommandError(str(error)) from None
        if dry_run:
            if as_json:
                self.stdout.write(dumps(result.as_json()))
            else:
                self.stdout.write(
                    f"Would create {len(result.lessons)} lessons and {len(result.questions)} "
                    f"draft questions from {len(result.sentences)} sentences (nothing written)."
                )
            return
        source = derivation_store(derivation=result, title=title)
        assert source.course is not None  # a derivation always makes its draft course
        if as_json:
            self.stdout.write(dumps({"source": source.slug, **result.as_json()}))
        else:
            self.stdout.write(
                f"Created source “{source.title}” ({source.slug}) with {len(result.lessons)} "
                f"unpublished lessons and {len(result.questions)} draft questions, in the "
                f"draft course “{source.course.title}” ({source.course.slug})."
            )


def dumps(data) -> str:
    # Sorted keys: the output is compared with committed golden files
    # (tests/golden/derive/), so it must not depend on how a dict was built.
    return jsonlib.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
