"""Load test and fault drills: start app servers on one PostgreSQL and one
Redis, run Locust headless for a bounded time, then check the database.

    python tests/load/run.py loadtest        # 2 servers, a class taking quizzes
    python tests/load/run.py drill-kill-server
    python tests/load/run.py drill-restart-postgres
    python tests/load/run.py drill-stop-redis
    python tests/load/run.py figures         # throughput ratios, then capacity steps
    python tests/load/run.py smoke           # a short loadtest, for CI
    python tests/load/run.py signin-storm    # 1,000 students signing in at once

Each exits non-zero when its check fails. The database is made afresh
(LOAD_DATABASE_URL, default .../quizsite_load); the cache is Redis db 14
(LOAD_REDIS_URL). The PostgreSQL drill runs its own throwaway PostgreSQL
server on port 5433 and the Redis drill its own redis-server on port 6390,
so that stopping them disturbs nothing else on the machine. Logs and Locust's
CSV files go to test-artifacts/load/<command>/.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV = ROOT / ".venv" / "bin"
PYTHON = str(VENV / "python")
PASSWORD = "load-pass-" + secrets.token_hex(6)
# LOAD_PORTS moves the two servers, so two load runs on one machine can coexist.
HAMMER_SIGN_INS_PER_SECOND = 4
PORTS = [int(p) for p in os.environ.get("LOAD_PORTS", "8101,8102").split(",")]
DRILL_PG_PORT = 5433
DRILL_REDIS_PORT = 6390
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/quizsite_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Run:
    def __init__(self, name: str, *, database_url: str, redis_url: str, students: int) -> None:
        self.name = name
        self.out = ROOT / "test-artifacts" / "load" / name
        shutil.rmtree(self.out, ignore_errors=True)
        self.out.mkdir(parents=True)
        self.database_url = database_url
        self.redis_url = redis_url
        self.students = students
        self.servers: dict[int, subprocess.Popen] = {}
        self.seed_hasher: str | None = None  # seed_load --hasher, when set
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_hex(32),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP here; in production TLS ends at the proxy in front.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("TESTING", None)

    # ---------------------------------------------------------------- set-up

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def fresh_database(self) -> None:
        import psycopg

        name = self.database_url.rsplit("/", 1)[1]
        admin = self.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    def release(self) -> None:
        """The release steps, as production runs them, then the class."""
        say(f"fresh database {self.database_url.rsplit('/', 1)[1]}; migrate; collectstatic")
        self.fresh_database()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.plan = self.out / "plan.json"
        say(
            self.manage(
                "seed_load",
                "--students",
                str(self.students),
                "--password",
                PASSWORD,
                "--plan",
                str(self.plan),
                *(["--hasher", self.seed_hasher] if self.seed_hasher else []),
            ).strip()
        )

    def start_server(self, port: int) -> None:
        # Another program on the port (a dev server, say) would answer the
        # health check in the server's place and take half the load with its
        # own database: every figure of the run would be wrong.
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                sys.exit(f"port {port} is already in use by another program: stop it first")
        log = open(self.out / f"server-{port}.log", "w")  # noqa: SIM115 (the server keeps it)
        env = {**self.env, "PORT": str(port), "HOST": "127.0.0.1"}
        self.servers[port] = subprocess.Popen(
            [str(VENV / "gunicorn"), "-c", "quizsite/gunicorn.conf.py", "quizsite.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to kill it whole
        )
        self.wait_healthy(port)

    def wait_healthy(self, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.servers[port].poll() is not None:
                sys.exit(f"the server on port {port} exited; see {self.out}")
            if health(port) == 200:
                return
            time.sleep(0.3)
        sys.exit(f"the server on port {port} did not become healthy; see {self.out}")

    def kill_server(self, port: int) -> None:
        """The machine dies: the master and its workers at once, mid-request."""
        os.killpg(self.servers[port].pid, signal.SIGKILL)
        self.servers[port].wait()

    def server_cpu_seconds(self) -> float:
        """CPU time (user + system) the app servers have used so far, masters
        and workers: on a shared machine a steadier figure than wall time."""
        import psutil

        total = 0.0
        for process in self.servers.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                master = psutil.Process(process.pid)
                # Workers recycled during the run count through their master.
                done = master.cpu_times()
                total += done.children_user + done.children_system
                for each in [master, *master.children(recursive=True)]:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        cpu = each.cpu_times()
                        total += cpu.user + cpu.system
        return total

    def stop_servers(self) -> None:
        for process in self.servers.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.servers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def journey_under(self, *faults, users: int, rate: float, seconds: int) -> dict:
        """Both servers up, the students' journey for `seconds`, and each fault
        (a function sleeping until its moment) running beside it."""
        try:
            for port in PORTS:
                self.start_server(port)
            for fault in faults:
                threading.Thread(target=fault, daemon=True).start()
            return self.locust("journey", users=users, rate=rate, seconds=seconds)
        finally:
            self.stop_servers()

    # ------------------------------------------------------------ the load

    def locust(
        self,
        mode: str,
        *,
        users: int,
        rate: float,
        seconds: int,
        think: str = "2,6",
        extra_env: dict | None = None,
        tag: str = "",
    ) -> dict:
        tag = tag or mode
        ledger, samples = self.out / f"ledger-{tag}.json", self.out / f"samples-{tag}.jsonl"
        env = {
            **self.env,
            "LOAD_HOSTS": ",".join(f"http://127.0.0.1:{p}" for p in PORTS if p in self.servers),
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_MODE": mode,
            "LOAD_PLAN": str(self.plan),
            "LOAD_THINK": think,
            "LOAD_LEDGER": str(ledger),
            "LOAD_SAMPLES": str(samples),
            **(extra_env or {}),
        }
        command = [
            str(VENV / "locust"),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(rate),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "20",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--csv",
            str(self.out / tag),
        ]
        say(f"locust {mode}: {users} users at {rate}/s for {seconds} s, think {think} s")
        with open(self.out / f"locust-{tag}.log", "w") as log:
            done = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        if not ledger.exists():
            sys.exit(f"locust wrote no ledger (exit {done.returncode}); see {self.out}")
        result = json.loads(ledger.read_text())
        result["samples"] = [json.loads(line) for line in samples.open()]
        result["ledger"] = ledger
        result["stats"] = locust_stats(self.out / f"{tag}_stats.csv")
        return result

    def check_database(self, ledger: Path) -> bool:
        say("checking the database against what students were told")
        done = subprocess.run(
            [PYTHON, str(HERE / "checks.py"), str(ledger)], cwd=ROOT, env=self.env
        )
        return done.returncode == 0


def health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def locust_stats(path: Path) -> dict[str, dict]:
    """Locust's own whole-run figures per endpoint, from its --csv *_stats.csv:
    requests, requests per second, p50/p95/p99 (ms), failures."""
    rows: dict[str, dict] = {}
    with path.open(newline="") as f:
        for line in csv.DictReader(f):
            if line["Name"] == "Aggregated" or not int(line["Request Count"]):
                continue
            name = line["Name"] if line["Name"] not in rows else f"{line['Type']} {line['Name']}"
            rows[name] = {
                "requests": int(line["Request Count"]),
                "rps": float(line["Requests/s"]),
                "p50": float(line["50%"]),
                "p95": float(line["95%"]),
                "p99": float(line["99%"]),
                "failures": int(line["Failure Count"]),
            }
    return rows


# Locust's CSVs have percentiles over the whole run only; the figures over a
# window of it (before and after a fault, once everyone has signed in) are
# worked out from the samples the locustfile records.
def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def table(
    samples: list,
    start: float | None = None,
    end: float | None = None,
) -> dict[str, dict]:
    """Per endpoint over [start, end]: as locust_stats."""
    if not samples:
        return {}
    start = start if start is not None else min(s[0] for s in samples)
    end = end if end is not None else max(s[0] for s in samples)
    window = max(end - start, 1e-9)
    rows: dict[str, dict] = {}
    for t, name, ms, ok, _status in samples:
        if start <= t <= end:
            row = rows.setdefault(name, {"times": [], "failures": 0})
            row["times"].append(ms)
            row["failures"] += not ok
    for row in rows.values():
        times = row.pop("times")
        row.update(
            requests=len(times),
            rps=len(times) / window,
            p50=percentile(times, 50),
            p95=percentile(times, 95),
            p99=percentile(times, 99),
        )
    return rows


def print_table(rows: dict[str, dict], title: str) -> None:
    print(f"\n{title}")
    print(
        f"  {'endpoint':<34}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'errors':>8}"
    )
    for name in sorted(rows, key=lambda n: (n.endswith("]"), n)):
        r = rows[name]
        print(
            f"  {name:<34}{r['requests']:>9}{r['rps']:>8.1f}{r['p50']:>8.0f}{r['p95']:>8.0f}"
            f"{r['p99']:>8.0f}{r['failures']:>8}"
        )
    real = {n: r for n, r in rows.items() if not n.endswith("]")}
    total = sum(r["requests"] for r in real.values())
    span = [r["requests"] / r["rps"] for r in real.values() if r["rps"]]
    print(
        f"  all: {total} requests, {total / max(span or [1]):.1f} req/s, "
        f"{sum(r['failures'] for r in real.values())} errors"
    )


def steady(samples: list, name: str) -> dict:
    """One endpoint's figures once every user has signed in (sign-in is
    expensive on purpose and would hide what is measured) and warmed up."""
    signed_in = max(s[0] for s in samples if s[1] == "sign in")
    rows = table([s for s in samples if s[1] == name], start=signed_in + 3)
    if name not in rows:
        raise SystemExit(f"no '{name}' request after the last sign-in: nothing to measure")
    return rows[name]


def errors(result: dict) -> int:
    return sum(r["failures"] for name, r in result["stats"].items() if not name.endswith("]"))


def verdict(ok: bool, what: str) -> int:
    say(("PASS: " if ok else "FAIL: ") + what)
    return 0 if ok else 1


# ------------------------------------------------------------------ commands


def loadtest(args, *, name="loadtest", users=200, seconds=180) -> int:
    run = Run(name, database_url=args.database_url, redis_url=args.redis_url, students=users + 10)
    run.release()
    try:
        for port in PORTS:
            run.start_server(port)
        result = run.locust("journey", users=users, rate=args.spawn_rate or 2, seconds=seconds)
    finally:
        run.stop_servers()
    print_table(result["stats"], f"{name}: {users} students on {len(PORTS)} servers")
    consistent = run.check_database(result["ledger"])
    counters = result["counters"]
    print(f"  counters: {counters}; statuses: {result['statuses']}")
    print(f"  answers with feedback: {len(result['answers'])}")
    return verdict(
        consistent and errors(result) == 0 and counters["gave_up"] == 0 and result["answers"],
        f"{name}: no error, every answer stored once, every score right",
    )


def drill_kill_server(args) -> int:
    users, seconds = args.users or 150, args.seconds or 180
    run = Run(
        "drill-kill-server",
        database_url=args.database_url,
        redis_url=args.redis_url,
        students=users + 10,
    )
    run.release()
    victim = PORTS[1]
    killed_at = {}

    def fault():
        time.sleep(seconds * 0.4)
        say(f"kill -9 the server on port {victim} (master and workers)")
        killed_at["t"] = time.time()
        run.kill_server(victim)

    result = run.journey_under(fault, users=users, rate=args.spawn_rate or 2, seconds=seconds)
    t = killed_at.get("t", 0)
    print_table(table(result["samples"], end=t), "before the kill (2 servers)")
    print_table(table(result["samples"], start=t), "after the kill (1 server)")
    consistent = run.check_database(result["ledger"])
    c = result["counters"]
    print(f"  counters: {c}; statuses: {result['statuses']}")
    return verdict(
        bool(t)
        and consistent
        and c["gave_up"] == 0
        and c["unexpected"] == 0
        and errors(result) == 0
        and c["retried"] > 0,
        "kill one server: failed requests retried on the other, nothing lost or duplicated",
    )


class PrivatePostgres:
    """A throwaway PostgreSQL server of the machine's version, for the drill."""

    def __init__(self, out: Path) -> None:
        versions = sorted(Path("/usr/lib/postgresql").iterdir())
        self.bin = versions[-1] / "bin"
        self.data = Path("/tmp/quizsite-drill-pg")
        # Written by the postgres user, so not in the (root's) artifacts folder.
        self.log = Path("/tmp/quizsite-drill-pg.log")

    def pg(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def create(self) -> None:
        self.log.unlink(missing_ok=True)
        if self.data.exists():
            subprocess.run(
                [
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "stop",
                ],
                capture_output=True,
            )
            shutil.rmtree(self.data)
        self.data.mkdir()
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        self.pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def start(self) -> None:
        self.pg(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            f"-p {DRILL_PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self) -> None:
        self.pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.data, ignore_errors=True)


def drill_restart_postgres(args) -> int:
    users, seconds, outage = args.users or 100, args.seconds or 120, 8
    run = Run(
        "drill-restart-postgres",
        redis_url=args.redis_url,
        students=users + 10,
        database_url=f"postgres://postgres@127.0.0.1:{DRILL_PG_PORT}/quizsite_load",
    )
    pg = PrivatePostgres(run.out)
    say(f"a throwaway PostgreSQL on port {DRILL_PG_PORT}")
    pg.create()
    try:
        run.release()
        rate = args.spawn_rate or 2
        return restart_postgres_under_load(run, pg, users, seconds, outage, rate)
    finally:
        pg.remove()


def restart_postgres_under_load(run, pg, users: int, seconds: int, outage: float, rate) -> int:
    window = {}
    probes: list[tuple[float, int, int]] = []

    def fault():
        time.sleep(seconds * 0.4)
        say(f"stop PostgreSQL (fast shutdown), {outage} s away, start it again")
        window["down"] = time.time()
        pg.stop()
        time.sleep(outage)
        pg.start()
        window["up"] = time.time()
        say("PostgreSQL is back")

    def probe():
        while "done" not in window:
            for port in PORTS:
                probes.append((time.time(), port, health(port)))
            time.sleep(0.5)

    try:
        result = run.journey_under(fault, probe, users=users, rate=rate, seconds=seconds)
    finally:
        window["done"] = True
    down, up = window.get("down", 0), window.get("up", 0)
    settle = up + 3  # connections broken by the restart are replaced on first use
    samples = result["samples"]
    print_table(table(samples, end=down), "before the restart")
    print_table(table(samples, start=down, end=settle), "during the outage")
    print_table(table(samples, start=settle), "after it")
    during = sorted({p[2] for p in probes if down <= p[0] <= up})
    # A dropped keep-alive connection (status 0) can happen at any time and is
    # retried, as browsers retry it; a 503 after the outage would be the fault.
    after_failures = [s for s in samples if s[0] > settle and not s[3] and s[4] >= 500]
    print(f"  /healthz during the outage: {during}; 5xx after it: {len(after_failures)}")
    consistent = run.check_database(result["ledger"])
    c = result["counters"]
    print(f"  counters: {c}; statuses: {result['statuses']}")
    saw_503 = result["statuses"].get("503", 0) > 0 or 503 in during
    return verdict(
        bool(up)
        and saw_503
        and "500" not in result["statuses"]
        and c["unexpected"] == 0
        and c["gave_up"] == 0
        and not after_failures
        and consistent,
        "restart PostgreSQL: 503 with the friendly page during the outage, none after, "
        "nothing half-written",
    )


def drill_stop_redis(args) -> int:
    users, seconds = args.users or 100, args.seconds or 120
    out = ROOT / "test-artifacts" / "load" / "drill-stop-redis"
    out.mkdir(parents=True, exist_ok=True)
    command = [
        "redis-server",
        "--port",
        str(DRILL_REDIS_PORT),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    log = open(out / "redis.log", "w")  # noqa: SIM115 (redis-server keeps it)
    redis_proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    run = Run(
        "drill-stop-redis",
        database_url=args.database_url,
        students=users + 10,
        redis_url=f"redis://127.0.0.1:{DRILL_REDIS_PORT}/0",
    )
    run.release()
    window = {}

    def fault():
        nonlocal redis_proc
        time.sleep(seconds * 0.3)
        say("stop Redis")
        window["down"] = time.time()
        redis_proc.terminate()
        redis_proc.wait()
        time.sleep(seconds * 0.35)
        say("start Redis again (empty)")
        redis_proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        window["up"] = time.time()

    try:
        result = run.journey_under(fault, users=users, rate=args.spawn_rate or 2, seconds=seconds)
    finally:
        redis_proc.terminate()
    down, up = window.get("down", 0), window.get("up", 0)
    samples = result["samples"]
    print_table(table(samples, end=down), "Redis up")
    print_table(table(samples, start=down, end=up), "Redis down")
    print_table(table(samples, start=up), "Redis back (empty)")
    consistent = run.check_database(result["ledger"])
    c = result["counters"]
    print(f"  counters: {c}; statuses: {result['statuses']}")
    during = [s for s in samples if down <= s[0] <= up]
    return verdict(
        bool(up)
        and bool(during)
        and errors(result) == 0
        and c["retried"] == 0
        and c["unexpected"] == 0
        and consistent,
        "stop Redis: no error and nobody signed out while it was down, every answer stored",
    )


def figures(args) -> int:
    """Throughput of three endpoints, side by side in one run, then the
    capacity steps."""
    hammer_users, seconds = args.users or 16, args.seconds or 40
    steps = args.steps or "1000,1500"
    top = max((int(s) for s in steps.split(",") if s.isdigit()), default=0)
    run = Run(
        "figures",
        database_url=args.database_url,
        redis_url=args.redis_url,
        students=top + hammer_users * 3 + 10,
    )
    run.release()
    rows = {}
    ok = True
    try:
        for port in PORTS:
            run.start_server(port)
        offset = 0
        for mode, name in [
            ("plain", "plain signed-in page"),
            ("question", "question page"),
            ("submit", "answer submit"),
        ]:
            # Four sign-ins a second, the pace admission control lets through
            # without turning students away (a student told to retry comes back
            # later, and one who came back after the run's end left nothing to
            # measure); the ramp's seconds are added to the measured ones.
            result = run.locust(
                mode,
                users=hammer_users,
                rate=HAMMER_SIGN_INS_PER_SECOND,
                seconds=seconds + math.ceil(hammer_users / HAMMER_SIGN_INS_PER_SECOND),
                extra_env={"LOAD_FIRST_STUDENT": str(offset)},
            )
            offset += hammer_users
            rows[name] = steady(result["samples"], name)
            ok &= errors(result) == 0
        base = rows["plain signed-in page"]["rps"]
        print(f"\nthroughput, {hammer_users} users without think time on {len(PORTS)} servers")
        for name, r in rows.items():
            print(
                f"  {name:<24}{r['rps']:>8.1f} req/s  p50 {r['p50']:>4.0f} ms  "
                f"p95 {r['p95']:>4.0f} ms  ratio to baseline {r['rps'] / base:.2f}"
            )
        if args.steps == "none":
            return verdict(ok, "throughput figures")
        capacity_ok, best = capacity(run, steps, offset, args.spawn_rate or 3.0, args.hold or 120)
    finally:
        run.stop_servers()
    print(f"\nlargest class served with p95 < 300 ms and no error: {best} students")
    return verdict(ok and capacity_ok, "figures")


def tune(args) -> int:
    """Answer-submit and plain-page throughput of one server per gunicorn
    set-up (workers x threads, persistent connections or a pool)."""
    configs = (args.configs or "2x4,4x1,2x2,2x8,4x4,2x4+pool").split(",")
    users, seconds = args.users or 16, args.seconds or 30
    run = Run(
        "tune",
        database_url=args.database_url,
        redis_url=args.redis_url,
        students=users * 2 * len(configs) + 10,
    )
    run.release()
    offset, lines = 0, []
    for config in configs:
        shape, _, pool = config.partition("+")
        workers, threads = shape.split("x")
        run.env.update(
            WEB_CONCURRENCY=workers,
            GUNICORN_THREADS=threads,
            DB_POOL="1" if pool else "0",
            DB_POOL_MAX=threads,
        )
        run.servers = {}
        run.start_server(PORTS[0])
        try:
            figures = []
            for mode, name in [("plain", "plain signed-in page"), ("submit", "answer submit")]:
                result = run.locust(
                    mode,
                    users=users,
                    rate=HAMMER_SIGN_INS_PER_SECOND,
                    seconds=seconds + math.ceil(users / HAMMER_SIGN_INS_PER_SECOND),
                    extra_env={"LOAD_FIRST_STUDENT": str(offset)},
                    tag=f"{config}-{mode}",
                )
                offset += users
                row = steady(result["samples"], name)
                figures.append(f"{row['rps']:6.1f} req/s p95 {row['p95']:4.0f} ms")
        finally:
            run.stop_servers()
        lines.append(f"  {config:<12} plain: {figures[0]}   submit: {figures[1]}")
    print(f"\none server, {users} users without think time")
    print("\n".join(lines))
    return 0


def capacity(run: Run, steps: str, offset: int, rate: float, hold: int) -> tuple[bool, int]:
    """Students in steps with 30-90 s think time. A step is measured once its
    new students have all signed in (sign-in hashes the password, ~0.3 s of
    CPU each by design, and would be measured instead) until the next step."""
    levels = [int(s) for s in steps.split(",")]
    total = sum((b - a) / rate + hold for a, b in zip([0, *levels], levels, strict=False))
    result = run.locust(
        "capacity",
        users=levels[-1],
        rate=rate,
        seconds=int(total + 30),
        think="30,90",
        extra_env={
            "LOAD_STEPS": steps,
            "LOAD_STEP_HOLD": str(hold),
            "LOAD_SPAWN_RATE": str(rate),
            "LOAD_FIRST_STUDENT": str(offset),
        },
    )
    samples = result["samples"]
    t0 = min(s[0] for s in samples) - 1  # the first request is a sign-in at t = 0
    best, start, previous = 0, t0, 0
    print(f"\ncapacity: students with 30-90 s think time, arriving at {rate}/s, each step")
    print("  measured from 10 s after its last sign-in until the next step starts")
    print(
        f"  {'students':>9}{'window s':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'errors':>8}"
    )
    for users in levels:
        step_end = start + (users - previous) / rate + hold
        signed = [s[0] for s in samples if s[1] == "sign in" and start <= s[0] <= step_end]
        window_start = max(signed, default=start) + 10
        window = [s for s in samples if window_start <= s[0] <= step_end and not s[1].endswith("]")]
        span = step_end - window_start
        times = [s[2] for s in window]
        failures = sum(1 for s in window if not s[3])
        p95 = percentile(times, 95)
        print(
            f"  {users:>9}{span:>9.0f}{len(window) / max(span, 1):>8.1f}"
            f"{percentile(times, 50):>8.0f}{p95:>8.0f}{percentile(times, 99):>8.0f}{failures:>8}"
        )
        if span >= 30 and p95 < 300 and failures == 0:
            best = users
        start, previous = step_end, users
    if signins := result["stats"].get("sign in"):
        print(
            f"  sign in, while the class arrived: n={signins['requests']} "
            f"p50 {signins['p50']:.0f} ms, p95 {signins['p95']:.0f} ms"
        )
    # Every step must hold: a run whose top step did not (or that measured no
    # window at all, its students still signing in) does not pass.
    return run.check_database(result["ledger"]) and best == levels[-1], best


def signin_storm(args) -> int:
    """A class arriving at once (issue 16.4): --users students (1,000) open
    the sign-in page, sign in and open the catalogue, arriving at
    --spawn-rate a second, while 20 students already signed in read lessons.
    Reports how long the class took to get in and the other requests' p95
    meanwhile. --old-hashes seeds PBKDF2 hashes, as accounts from before the
    switch to Argon2: each first sign-in then verifies PBKDF2 and rehashes."""
    students, readers = args.users or 1000, 20
    rate = args.spawn_rate or 12.0
    seconds = args.seconds or int(students / rate + 120)
    run = Run(
        "signin-storm",
        database_url=args.database_url,
        redis_url=args.redis_url,
        students=students + readers + 10,
    )
    run.seed_hasher = "pbkdf2_sha256" if args.old_hashes else None
    run.release()
    try:
        for port in PORTS:
            run.start_server(port)
        result = run.locust(
            "signin",
            users=students + readers,
            rate=rate,
            seconds=seconds,
            think="1,3",
            extra_env={"LOAD_READERS": str(readers)},
        )
        cpu = run.server_cpu_seconds()
    finally:
        run.stop_servers()
    samples = result["samples"]
    signed = sorted(s[0] for s in samples if s[1] == "sign in" and s[3])
    if not signed:
        return verdict(False, "signin-storm: nobody signed in")
    # From the first sign-in page opened to the last sign-in answered.
    start = min(s[0] - s[2] / 1000 for s in samples if s[1] == "sign-in page")
    took = signed[-1] - start
    others = [s for s in samples if start <= s[0] <= signed[-1] and not s[1].endswith("]")]
    others = [s for s in others if s[1] != "sign in"]
    worst = {
        name: row["p95"]
        for name, row in table(others, start, signed[-1]).items()
        if row["requests"]
    }
    print_table(table(samples, start, signed[-1]), "while the class signed in")
    hashes = "PBKDF2 (upgraded at sign-in)" if args.old_hashes else "Argon2"
    print(
        f"\n{len(signed)} sign-ins ({hashes}) in {took:.0f} s from the first sign-in page, "
        f"{len(signed) / took:.1f} a second, arriving at {rate}/s"
    )
    print(
        f"  app servers' CPU time over the run: {cpu:.0f} s "
        f"({cpu / len(signed) * 1000:.0f} ms a sign-in)"
    )
    counters = result["counters"]
    print(
        f"  told to try again in a few seconds (503): {counters.get('students_told_to_retry', 0)} "
        f"students, {counters.get('told_to_retry', 0)} times; gave up: {counters['gave_up']}"
    )
    print(
        "  other requests' p95 meanwhile: " + ", ".join(f"{n} {p:.0f} ms" for n, p in worst.items())
    )
    ok = (
        len(signed) >= students + readers
        and took <= 90
        and max(worst.values(), default=0) <= 300
        and errors(result) == 0
    )
    return verdict(
        ok, f"signin-storm: {students} students in within 90 s, other requests' p95 <= 300 ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command",
        choices=[
            "loadtest",
            "smoke",
            "drill-kill-server",
            "drill-restart-postgres",
            "drill-stop-redis",
            "figures",
            "tune",
            "signin-storm",
        ],
    )
    parser.add_argument("--users", type=int)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--spawn-rate", type=float)
    parser.add_argument(
        "--hold",
        type=int,
        help="seconds each capacity step runs after its arrivals (120): longer when sign-ins queue",
    )
    parser.add_argument("--steps", help="capacity steps, e.g. 1000,2000,3000; none: skip them")
    parser.add_argument(
        "--old-hashes", action="store_true", help="signin-storm: PBKDF2 hashes to upgrade"
    )
    parser.add_argument("--configs", help="tune: workers x threads, e.g. 2x4,4x1,2x4+pool")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS))
    args = parser.parse_args()
    if args.command == "loadtest":
        return loadtest(args, users=args.users or 200, seconds=args.seconds or 180)
    if args.command == "smoke":
        return loadtest(args, name="smoke", users=args.users or 40, seconds=args.seconds or 45)
    return {
        "drill-kill-server": drill_kill_server,
        "drill-restart-postgres": drill_restart_postgres,
        "drill-stop-redis": drill_stop_redis,
        "figures": figures,
        "tune": tune,
        "signin-storm": signin_storm,
    }[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
