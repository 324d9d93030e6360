"""Rebuild fixtures/<slug>.json from fixtures/content/<slug>.toml and the source text."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.content import ContentError, build_fixture


class Command(BaseCommand):
    help = "Build the JSON fixtures of the shipped courses from their authored content."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if a committed fixture differs from what the content builds.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        fixtures_dir = Path(settings.FIXTURE_DIRS[0])
        stale = []
        for content_path in sorted((fixtures_dir / "content").glob("*.toml")):
            try:
                records = build_fixture(content_path)
            except ContentError as error:
                raise CommandError(f"{content_path.name}: {error}") from error
            rendered = json.dumps(records, indent=1, ensure_ascii=False) + "\n"
            target = fixtures_dir / f"{content_path.stem}.json"
            if check:
                if not target.exists() or target.read_text(encoding="utf-8") != rendered:
                    stale.append(target.name)
                continue
            target.write_text(rendered, encoding="utf-8")
            questions = sum(1 for r in records if r["model"] == "lessons.question")
            lessons = sum(1 for r in records if r["model"] == "lessons.lesson")
            self.stdout.write(f"{target.name}: {lessons} lessons, {questions} questions")
        if stale:
            raise CommandError(f"Out of date (run manage.py build_fixtures): {', '.join(stale)}")
