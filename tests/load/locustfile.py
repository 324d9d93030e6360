"""A class taking a quiz, for Locust; started by tests/load/run.py, which sets
the environment below, starts the app servers and checks the database after.

Students sign in, open a lesson, start its quiz, answer every question with
HTMX requests (CSRF token and HX-Request header, as the page's htmx sends
them) with think time between, see their results and open their progress.
Instructors open their cohort's reports. Every request goes to the next app
server in turn (LOAD_HOSTS), so a student's requests land on all of them. A
request that finds a server gone (connection refused, 502/503/504) is sent
again to another server, as a load balancer with health checks would; the
answer endpoint records an answer once however often it arrives. Each answer
the student got feedback for goes into a ledger (LOAD_LEDGER) that run.py
checks against the database.

LOAD_MODE picks the users: `journey` (students and instructors, the default),
`capacity` (journeys with 30-90 s think time and a stepped shape), or one of
`plain`, `question`, `submit` (one endpoint as fast as it goes, for the
throughput figures).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, LoadTestShape, between, constant, events, task
from locust.exception import RescheduleTask

HOSTS = [h.rstrip("/") for h in os.environ.get("LOAD_HOSTS", "http://127.0.0.1:8101").split(",")]
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
MODE = os.environ.get("LOAD_MODE", "journey")
PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text()) if os.environ.get("LOAD_PLAN") else {}
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "2,6").split(","))
# A student keeps trying for this long before giving up on a request.
RETRY_FOR_SECONDS = float(os.environ.get("LOAD_RETRY_SECONDS", "60"))
RETRYABLE = {0, 502, 503, 504}
# The sign-in page's 503 when no password verification slot is free
# (quizsite/sign_in_admission.py); a student tries again after Retry-After.
SIGN_INS_BUSY = "Many people are signing in right now."
SIGN_IN_PATIENCE = float(os.environ.get("LOAD_SIGN_IN_PATIENCE", "600"))
STEPS = [int(x) for x in os.environ.get("LOAD_STEPS", "500,1000,1500").split(",")]
STEP_HOLD = float(os.environ.get("LOAD_STEP_HOLD", "120"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "4"))

student_numbers = itertools.count(int(os.environ.get("LOAD_FIRST_STUDENT", "0")))
instructor_numbers = itertools.count()
ledger: list[dict] = []  # one row per answer whose feedback a student saw
samples: list[tuple] = []  # (time, name, ms, ok, status)
statuses_seen: dict[str, int] = {}
counters = {
    "retried": 0,
    "stale_connections": 0,
    "gave_up": 0,
    "unexpected": 0,
    "told_to_retry": 0,  # sign-ins answered "try again in a few seconds"
    "students_told_to_retry": 0,  # students who were told so at least once
}
lock = threading.Lock()

ANSWER_URL = re.compile(r'hx-post="(/attempts/(\d+)/questions/(\d+)/answer)"')
SHOWN = re.compile(r'name="shown" value="([^"]+)"')
CHOICE = re.compile(r'<input type="(radio|checkbox)" name="choice" value="(\d+)"')
TEXT = re.compile(r'name="answer"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)/")
COHORT_LINK = re.compile(r'href="(/instructor/cohorts/\d+/)"')
LESSON_LINK = re.compile(r'href="(/instructor/cohorts/\d+/lessons/[\w-]+/)"')
LEARNER_LINK = re.compile(r'href="(/instructor/cohorts/\d+/learners/\d+/)"')


class Hosts:
    """Round robin over the app servers, skipping one for a while after it
    refused a connection or answered 502/503/504."""

    def __init__(self, hosts: list[str]) -> None:
        self.hosts = hosts
        self.down_until = dict.fromkeys(hosts, 0.0)
        self.turn = itertools.count()

    def pick(self, avoid: str | None = None) -> str:
        now = time.monotonic()
        up = [h for h in self.hosts if self.down_until[h] <= now and h != avoid]
        if not up:
            up = [h for h in self.hosts if h != avoid] or self.hosts
        return up[next(self.turn) % len(up)]

    def mark_down(self, host: str, seconds: float = 5.0) -> None:
        self.down_until[host] = time.monotonic() + seconds


hosts = Hosts(HOSTS)


@events.request.add_listener
def _sample(request_type, name, response_time, response_length, exception=None, **kw):
    response = kw.get("response")
    status = getattr(response, "status_code", 0) or 0
    with lock:
        samples.append((time.time(), name, response_time, exception is None, status))


@events.quitting.add_listener
def _write_outputs(environment, **kw):
    if path := os.environ.get("LOAD_LEDGER"):
        Path(path).write_text(
            json.dumps({"answers": ledger, "counters": counters, "statuses": statuses_seen})
        )
    if path := os.environ.get("LOAD_SAMPLES"):
        with open(path, "w") as out:
            for row in samples:
                out.write(json.dumps(row) + "\n")


class Session(FastHttpUser):
    abstract = True
    host = HOSTS[0]
    # The servers run with production settings over plain HTTP (no TLS here).
    default_headers = {"User-Agent": "quizsite-load/1"}

    def call(self, method: str, path: str, name: str, *, expect=(200,), **kwargs):
        """One logical request: sent to the next server, and again to another
        while servers are away, for up to RETRY_FOR_SECONDS. Returns the
        response, or raises RescheduleTask after giving up."""
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        delay = 0.25
        host = hosts.pick()
        fresh_try = True
        while True:
            with self.client.request(
                method, host + path, name=name, catch_response=True, allow_redirects=False, **kwargs
            ) as response:
                status = response.status_code or 0
                busy = status == 503 and SIGN_INS_BUSY in (response.text or "")
                with lock:
                    statuses_seen[str(status)] = statuses_seen.get(str(status), 0) + 1
                if status == 0 and fresh_try:
                    # A kept-alive connection the server had closed (it keeps
                    # idle ones 5 s): browsers resend at once on a new one.
                    response.request_meta["name"] = f"{name} [stale connection]"
                    response.failure(f"connection closed by {host}")
                elif busy and 503 in expect:
                    # The site's "try again in a few seconds": an answer, not a fault.
                    response.request_meta["name"] = f"{name} [told to retry]"
                    response.success()
                elif status in RETRYABLE:
                    if status == 503 and "Back in a moment" not in (response.text or ""):
                        with lock:
                            counters["unexpected"] += 1
                        response.failure(f"503 without the friendly page from {host}")
                    else:
                        # Counted apart, so the endpoint's figures are the real answers.
                        response.request_meta["name"] = f"{name} [retried]"
                        response.failure(f"{status or 'connection failed'} from {host}")
                elif status in expect:
                    response.success()
                else:
                    with lock:
                        counters["unexpected"] += 1
                    response.failure(f"{status} from {host}, expected {expect}")
            # Outside the block, which reports the request as it closes.
            if status in expect and (status != 503 or busy):
                return response
            if status not in RETRYABLE:
                raise RescheduleTask()
            if status == 0 and fresh_try:
                fresh_try = False
                with lock:
                    counters["stale_connections"] += 1
                continue
            fresh_try = True
            hosts.mark_down(host)
            if time.monotonic() + delay > deadline:
                with lock:
                    counters["gave_up"] += 1
                raise RescheduleTask()
            with lock:
                counters["retried"] += 1
            time.sleep(delay)
            delay = min(delay * 2, 4.0)
            host = hosts.pick(avoid=host if len(HOSTS) > 1 else None)

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def post(self, path: str, name: str, data: dict, *, htmx: bool = False, expect=(200,)):
        headers = {
            "X-CSRFToken": self.csrf_token(),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        if htmx:
            headers["HX-Request"] = "true"
            headers["HX-Current-URL"] = hosts.hosts[0] + path
        body = urlencode(data, doseq=True)
        return self.call("POST", path, name, data=body, headers=headers, expect=expect)

    def sign_in(self, username: str) -> None:
        """As a student does: the page, then the form. Told that many are
        signing in (503, Retry-After), they wait that long and a moment to
        read it, type the password again (the page kept the username) and
        send it, for up to SIGN_IN_PATIENCE seconds."""
        page = self.call("GET", "/accounts/login/", "sign-in page")
        deadline = time.monotonic() + SIGN_IN_PATIENCE
        told = 0
        while True:
            token = CSRF_FIELD.search(page.text)[1]
            form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
            page = self.post("/accounts/login/", "sign in", form, expect=(302, 503))
            if page.status_code == 302:
                return
            with lock:
                counters["told_to_retry"] += 1
                counters["students_told_to_retry"] += not told
            told += 1
            pause = float(page.headers.get("Retry-After") or 5) + random.uniform(0, 1)
            if time.monotonic() + pause > deadline:
                with lock:
                    counters["gave_up"] += 1
                raise RescheduleTask()
            time.sleep(pause)


def think(low: float = THINK[0], high: float = THINK[1]) -> None:
    time.sleep(random.uniform(low, high))


def plan_answers() -> dict[int, dict]:
    return {q["id"]: q for lesson in PLAN.get("lessons", []) for q in lesson["questions"]}


PLAN_BY_QUESTION = plan_answers()


class Student(Session):
    """A student working through the course's quizzes."""

    abstract = MODE not in {"journey", "capacity"}
    weight = 50
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.username = f"load-student-{next(student_numbers)}"
        self.sign_in(self.username)
        self.call("GET", "/", "home")
        self.lessons = [lesson["slug"] for lesson in PLAN["lessons"]]
        random.shuffle(self.lessons)
        self.lesson_turn = itertools.cycle(self.lessons)

    @task
    def take_a_quiz(self) -> None:
        slug = next(self.lesson_turn)
        self.call("GET", f"/lessons/{slug}/", "lesson page")
        think(THINK[0] / 2, THINK[1] / 2)
        started = self.post(f"/lessons/{slug}/quiz/", "start quiz", {}, expect=(302,))
        attempt_id = int(ATTEMPT.search(started.headers["Location"])[1])
        while True:
            page = self.call("GET", f"/attempts/{attempt_id}/", "question page", expect=(200, 302))
            if page.status_code == 302:
                break
            self.answer(page.text)
        self.call("GET", f"/attempts/{attempt_id}/results/", "results")
        think(THINK[0] / 2, THINK[1] / 2)
        self.call("GET", "/progress/", "progress")

    def answer(self, page: str) -> None:
        found = ANSWER_URL.search(page)
        if not found:
            with lock:
                counters["unexpected"] += 1
            raise RescheduleTask()
        url, attempt_id, question_id = found[1], int(found[2]), int(found[3])
        data = {"shown": SHOWN.search(page)[1]}
        choices = CHOICE.findall(page)
        known = PLAN_BY_QUESTION.get(question_id, {})
        if choices:
            values = [value for _, value in choices]
            # Right about two times in three, as a class that read the lesson.
            if known.get("right") and random.random() < 0.67:
                picked = [str(c) for c in known["right"]]
            elif choices[0][0] == "checkbox":
                picked = random.sample(values, random.randint(1, len(values)))
            else:
                picked = [random.choice(values)]
            data["choice"] = picked
        elif TEXT.search(page):
            accepted = known.get("accepted") or ["?"]
            data["answer"] = accepted[0] if random.random() < 0.67 else "not sure"
        think()
        response = self.post(url, "answer submit", data, htmx=True)
        text = response.text
        if "feedback-right" in text:
            correct = True
        elif "feedback-wrong" in text:
            correct = False
        else:
            with lock:
                counters["unexpected"] += 1
            response.failure("no feedback in the answer's response")
            raise RescheduleTask()
        with lock:
            ledger.append(
                {
                    "user": self.username,
                    "attempt": attempt_id,
                    "question": question_id,
                    "correct": correct,
                }
            )


class Instructor(Session):
    """An instructor following the class: the cohort table, a lesson's item
    analysis and a learner's record."""

    abstract = MODE not in {"journey", "capacity"}
    fixed_count = int(os.environ.get("LOAD_INSTRUCTORS", "2"))
    wait_time = between(5, 15)

    def on_start(self) -> None:
        number = next(instructor_numbers) % max(1, self.fixed_count)
        self.sign_in(f"load-instructor-{number}")
        home = self.call("GET", "/instructor/", "instructor home")
        self.cohort = COHORT_LINK.search(home.text)[1]

    @task(3)
    def scores(self) -> None:
        page = self.call("GET", self.cohort, "report: cohort scores")
        self.lessons = LESSON_LINK.findall(page.text)
        self.learners = LEARNER_LINK.findall(page.text)

    @task(1)
    def item_analysis(self) -> None:
        if getattr(self, "lessons", None):
            self.call("GET", random.choice(self.lessons), "report: item analysis")

    @task(1)
    def learner(self) -> None:
        if getattr(self, "learners", None):
            self.call("GET", random.choice(self.learners), "report: learner record")


# ------------------------------------------------------------ throughput modes


class Hammer(Session):
    """Signs in once, then one endpoint with no think time."""

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        self.username = f"load-student-{next(student_numbers)}"
        self.sign_in(self.username)
        self.slug = PLAN["lessons"][0]["slug"]
        self.attempt_id = self.start_attempt()

    def start_attempt(self) -> int:
        started = self.post(f"/lessons/{self.slug}/quiz/", "setup: start quiz", {}, expect=(302,))
        return int(ATTEMPT.search(started.headers["Location"])[1])


class PlainPage(Hammer):
    abstract = MODE != "plain"

    @task
    def plain(self) -> None:
        self.call("GET", f"/lessons/{self.slug}/", "plain signed-in page")


class QuestionPage(Hammer):
    abstract = MODE != "question"

    @task
    def question(self) -> None:
        self.call("GET", f"/attempts/{self.attempt_id}/", "question page")


class AnswerSubmit(Hammer):
    abstract = MODE != "submit"

    def on_start(self) -> None:
        super().on_start()
        self.queue = self.unanswered()

    def unanswered(self) -> list[dict]:
        lesson = next(lesson for lesson in PLAN["lessons"] if lesson["slug"] == self.slug)
        return list(lesson["questions"])

    @task
    def submit(self) -> None:
        if not self.queue:
            # Finished: the next attempt, after a lesson of another user's choosing.
            self.attempt_id = self.start_attempt()
            self.queue = self.unanswered()
        question = self.queue.pop()
        data = {"shown": ""}
        if question["choices"]:
            data["choice"] = [str(c) for c in question["right"]] or [str(question["choices"][0])]
        else:
            data["answer"] = (question["accepted"] or ["?"])[0]
        url = f"/attempts/{self.attempt_id}/questions/{question['id']}/answer"
        response = self.post(url, "answer submit", data, htmx=True)
        if "feedback-right" not in response.text and "feedback-wrong" not in response.text:
            response.failure("no feedback in the answer's response")
            return
        with lock:
            ledger.append(
                {
                    "user": self.username,
                    "attempt": self.attempt_id,
                    "question": question["id"],
                    "correct": "feedback-right" in response.text,
                }
            )


class ArrivingStudent(Session):
    """LOAD_MODE=signin: a class arriving at once. Each student opens the
    sign-in page, signs in and opens the catalogue, once, then stays idle."""

    abstract = MODE != "signin"
    weight = 1
    wait_time = constant(3600)

    def on_start(self) -> None:
        self.sign_in(f"load-student-{next(student_numbers)}")
        self.call("GET", "/", "home")

    @task
    def idle(self) -> None:
        pass


class ReadingStudent(Session):
    """LOAD_MODE=signin: students already at work while the class arrives
    (spawned first), reading lessons and the catalogue: the other requests
    whose times the sign-ins must not spoil."""

    abstract = MODE != "signin"
    fixed_count = int(os.environ.get("LOAD_READERS", "20"))
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.sign_in(f"load-student-{next(student_numbers)}")
        self.lessons = [lesson["slug"] for lesson in PLAN["lessons"]]

    @task(3)
    def lesson(self) -> None:
        self.call("GET", f"/lessons/{random.choice(self.lessons)}/", "reader: lesson page")

    @task
    def catalogue(self) -> None:
        self.call("GET", "/", "reader: home")


if MODE == "capacity":

    class Steps(LoadTestShape):
        """Students in steps (LOAD_STEPS), each reached at LOAD_SPAWN_RATE and
        held for LOAD_STEP_HOLD seconds; run.py measures each hold."""

        def __init__(self) -> None:
            super().__init__()
            self.plan = []
            start, previous = 0.0, 0
            for users in STEPS:
                ramp = (users - previous) / SPAWN_RATE
                self.plan.append((start + ramp + STEP_HOLD, users))
                start += ramp + STEP_HOLD
                previous = users

        def tick(self):
            elapsed = self.get_run_time()
            for until, users in self.plan:
                if elapsed < until:
                    return users + Instructor.fixed_count, SPAWN_RATE
            return None
