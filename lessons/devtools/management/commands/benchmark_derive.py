"""Time the derivation pipeline (and storing its result, rolled back) on the
shipped text and on texts of about 100 KB and 1 MB built from the samples."""

import contextlib
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from lessons.derive import DeriveError, derive
from lessons.derive.services import derivation_store
from lessons.devtools.shapes import SHAPES

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Rollback(Exception):
    pass


def _vary(text: str, copy: int) -> str:
    """A copy that reads as new text: numbers shifted and long words given a
    suffix of their own, so copies are neither exact nor near duplicates."""
    if copy == 0:
        return text
    letters = "abcdefghijklmnopqrstuvwxyz"
    suffix = letters[copy % 26] + letters[(copy // 26) % 26]
    text = re.sub(r"\d+", lambda m: str(int(m.group(0)) + copy), text)
    return re.sub(r"\b([A-Za-z]{6,})\b", lambda m: m.group(1) + suffix, text)


def grown_text(size: int) -> str:
    """The shipped text and the samples repeated, varied, until the text is
    about `size` bytes."""
    parts = [
        (FIXTURES / "leiomyosarcoma.txt").read_text(encoding="utf-8"),
        *(p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "samples").glob("*.txt"))),
    ]
    chunks, total, copy = [], 0, 0
    while total < size:
        for part in parts:
            varied = _vary(part, copy)
            chunks.append(varied)
            total += len(varied.encode("utf-8"))
        copy += 1
    return "\n".join(chunks)


class Command(BaseCommand):
    help = "Benchmark derivation on the shipped text and on ~100 KB and ~1 MB texts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-store", action="store_true", help="Time the pipeline only")
        parser.add_argument(
            "--shapes",
            action="store_true",
            help="Time the pipeline on pathological shapes at 10 KB and 100 KB instead",
        )

    def handle(self, *args, no_store: bool, shapes: bool, **options) -> None:
        if shapes:
            self.time_shapes()
            return
        shipped = (FIXTURES / "leiomyosarcoma.txt").read_text(encoding="utf-8")
        texts = [
            # The first derivation in a process also loads inflect and wordfreq's
            # data (about 2 s, once); a worker pays it on its first task only.
            ("shipped, cold", shipped),
            ("shipped text", shipped),
            ("~100 KB", grown_text(100_000)),
            ("~1 MB", grown_text(1_000_000)),
        ]
        self.stdout.write(
            f"{'text':<14}{'KB':>8}{'sentences':>11}{'questions':>11}"
            f"{'derive s':>10}{'store s':>9}{'ms/KB':>8}"
        )
        for name, text in texts:
            kb = len(text.encode("utf-8")) / 1024
            start = time.perf_counter()
            result = derive(text, title=f"Benchmark {name}")
            derived = time.perf_counter() - start
            stored = 0.0
            if not no_store:
                start = time.perf_counter()
                try:
                    with transaction.atomic():
                        derivation_store(derivation=result, title="Benchmark")
                        stored = time.perf_counter() - start
                        raise Rollback
                except Rollback:
                    pass
            self.stdout.write(
                f"{name:<14}{kb:>8.0f}{len(result.sentences):>11}{len(result.questions):>11}"
                f"{derived:>10.2f}{stored:>9.2f}{1000 * (derived + stored) / kb:>8.1f}"
            )

    def time_shapes(self) -> None:
        """Each pathological shape at 10 KB and 100 KB: a linear pipeline keeps
        ms/KB about the same at both sizes."""
        derive("Warm-up. The cell is the unit of life. Cells divide.")  # loads the word data
        self.stdout.write(
            f"{'shape':<24}{'10 KB s':>9}{'100 KB s':>10}{'ms/KB 10':>10}{'ms/KB 100':>11}"
        )
        for name, build in SHAPES.items():
            seconds = []
            for size in (10_000, 100_000):
                text = build(size)
                start = time.perf_counter()
                # A shape with nothing to teach is refused: that is timed too.
                with contextlib.suppress(DeriveError):
                    derive(text, title=name)
                seconds.append(time.perf_counter() - start)
            small, large = seconds
            self.stdout.write(
                f"{name:<24}{small:>9.2f}{large:>10.2f}{small * 1000 / 10:>10.1f}"
                f"{large * 1000 / 100:>11.1f}"
            )
