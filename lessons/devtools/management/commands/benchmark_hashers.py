"""Time what a sign-in costs in password hashing, per hasher, at the
parameters Django ships (issue 16.4).

For each hasher: a sign-in verifies the password against its stored hash
(check_password); a sign-in that upgrades an old hash also hashes it anew
(make_password). Both are timed in one process, then with one process per
core running at once, and the figures are turned into sign-ins a second.

    manage.py benchmark_hashers [--rounds 8] [--processes 2] [--repeat 3]

Each figure is the median of --repeat runs: other programs sharing the cores
move a single run a lot. Nothing touches the database.
"""

from __future__ import annotations

import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.contrib.auth.hashers import get_hasher, make_password
from django.core.management.base import BaseCommand, CommandParser

PASSWORD = "correct horse battery staple"
HASHERS = ["pbkdf2_sha256", "argon2"]


def describe(algorithm: str) -> str:
    hasher: Any = get_hasher(algorithm)  # the fields below are each hasher's own
    if algorithm == "argon2":
        return (
            f"argon2id time_cost={hasher.time_cost} memory_cost={hasher.memory_cost} KiB "
            f"parallelism={hasher.parallelism}"
        )
    return f"{algorithm} iterations={hasher.iterations:,}"


def time_verify(algorithm: str, rounds: int) -> tuple[float, float]:
    """Wall and CPU seconds (all the process's threads) one process spends
    verifying `rounds` passwords, one after another."""
    hasher = get_hasher(algorithm)
    encoded = make_password(PASSWORD, hasher=algorithm)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        if not hasher.verify(PASSWORD, encoded):
            raise RuntimeError(f"{algorithm} did not verify its own hash")
    return time.perf_counter() - start, time.process_time() - cpu


def time_hash(algorithm: str, rounds: int) -> tuple[float, float]:
    """The same for hashing `rounds` passwords (a new salt each)."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        make_password(PASSWORD, hasher=algorithm)
    return time.perf_counter() - start, time.process_time() - cpu


def _setup_django() -> None:
    # A worker started by "spawn" has no settings yet; a forked one has them.
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
    django.setup()


def _worker(job: tuple[str, str, int]) -> tuple[float, float]:
    _setup_django()
    kind, algorithm, rounds = job
    return (time_verify if kind == "verify" else time_hash)(algorithm, rounds)


def rate(
    kind: str, algorithm: str, rounds: int, processes: int, pool: ProcessPoolExecutor
) -> tuple[float, float]:
    """Operations a second with `processes` processes each doing `rounds` at
    once, and the CPU seconds each operation took. The CPU time hardly moves
    when other programs share the cores; the wall time does."""
    if processes == 1:
        seconds, cpu = _worker((kind, algorithm, rounds))
        return rounds / seconds, cpu / rounds
    start = time.perf_counter()
    results = list(pool.map(_worker, [(kind, algorithm, rounds)] * processes))
    total = rounds * processes
    return total / (time.perf_counter() - start), sum(cpu for _, cpu in results) / total


class Command(BaseCommand):
    help = "Time password verify and hash for PBKDF2 and Argon2 at Django's defaults."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=8, help="operations per process per run")
        parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--repeat", type=int, default=3, help="runs; the median is shown")

    def handle(
        self, *args: object, rounds: int, processes: int, repeat: int, **options: object
    ) -> None:
        cores = os.cpu_count() or 1
        self.stdout.write(f"cores: {cores}, load average: {os.getloadavg()[0]:.2f}")
        self.stdout.write(f"median of {repeat} runs, {rounds} operations per process per run")
        with ProcessPoolExecutor(max_workers=processes) as pool:
            list(pool.map(_worker, [("verify", "argon2", 1)] * processes))  # start the workers
            for algorithm in HASHERS:
                self.stdout.write(describe(algorithm))
                for kind in ("verify", "hash"):
                    for count in sorted({1, processes}):
                        runs = [rate(kind, algorithm, rounds, count, pool) for _ in range(repeat)]
                        per_second = statistics.median(r for r, _ in runs)
                        cpu = statistics.median(c for _, c in runs)
                        spread = ", ".join(f"{r:.1f}" for r, _ in runs)
                        self.stdout.write(
                            f"  {kind:<6} {count} process{'es' if count > 1 else '  '}: "
                            f"{per_second:6.1f}/s ({1000 * count / per_second:6.1f} ms each;"
                            f" runs {spread}); {1000 * cpu:5.0f} ms of CPU each,"
                            f" so at most {cores / cpu:4.1f}/s on {cores} idle cores"
                        )
                self.stdout.write(
                    "  a sign-in verifies once; the first one after the switch also hashes"
                )
