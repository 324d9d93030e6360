"""After a load run: is everything the students were told stored, once, and
does every attempt add up? Run by run.py with the servers' environment.

    python tests/load/checks.py LEDGER.json

Exits 1 and names the first problems when a check fails.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")

import django

django.setup()

from django.db.models import Count, Max, Q  # noqa: E402

from lessons.models import Attempt, LessonScore, Response, ResponseChoice, ReviewCard  # noqa: E402


def check(ledger_path: Path) -> list[str]:
    problems: list[str] = []
    answers = json.loads(ledger_path.read_text())["answers"]
    told = Counter((row["attempt"], row["question"]) for row in answers)
    told_right = {(row["attempt"], row["question"]): row["correct"] for row in answers}
    attempts = Attempt.objects.filter(learner__username__startswith="load-student-")
    stored = {
        (r["attempt_id"], r["question_id"]): r
        for r in Response.objects.filter(attempt__in=attempts).values(
            "attempt_id", "question_id", "is_correct", "answer", "id"
        )
    }
    # 1. Every answer a student saw feedback for is stored, with that feedback.
    #    (The same answer may be told twice: a retry after a lost response.)
    for key in told:
        row = stored.get(key)
        if row is None:
            problems.append(f"answer {key} was given feedback but is not stored")
        elif row["is_correct"] != told_right[key]:
            problems.append(f"answer {key} stored as {row['is_correct']}, feedback said otherwise")
    # 2. Stored once: the unique constraint says so; count to be sure.
    doubles = (
        Response.objects.filter(attempt__in=attempts)
        .values("attempt_id", "question_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    problems += [
        f"answer {d['attempt_id'], d['question_id']} stored {d['n']} times" for d in doubles
    ]
    # 3. Every attempt adds up, and every finished one has the right score.
    sums = attempts.annotate(
        n=Count("responses"), right=Count("responses", filter=Q(responses__is_correct=True))
    ).values(
        "id",
        "n",
        "right",
        "answered_count",
        "correct_count",
        "question_ids",
        "score",
        "finished_at",
    )
    finished = 0
    for a in sums:
        total = len(a["question_ids"])
        if a["n"] != a["answered_count"] or a["right"] != a["correct_count"]:
            problems.append(
                f"attempt {a['id']}: counts {a['answered_count']}/{a['correct_count']}"
                f" but {a['n']} responses, {a['right']} right"
            )
        if a["finished_at"] is not None:
            finished += 1
            if a["n"] != total or a["score"] is None or abs(a["score"] - a["right"] / total) > 1e-9:
                problems.append(f"attempt {a['id']}: score {a['score']} for {a['right']}/{total}")
        elif a["n"] >= total or a["score"] is not None:
            problems.append(f"attempt {a['id']}: all answered but not finished")
    # 4. Nothing half-written: each choice answer has its chosen rows, each
    #    answered question its review card, each finished attempt its score row.
    choice_answers = [r for r in stored.values() if r["answer"].get("choices")]
    with_rows = set(
        ResponseChoice.objects.filter(response_id__in=[r["id"] for r in choice_answers])
        .values_list("response_id", flat=True)
        .distinct()
    )
    problems += [
        f"response {r['id']} has no chosen-choice rows"
        for r in choice_answers
        if r["id"] not in with_rows
    ]
    pairs = set(
        Response.objects.filter(attempt__in=attempts).values_list(
            "attempt__learner_id", "question_id"
        )
    )
    cards = set(
        ReviewCard.objects.filter(learner__username__startswith="load-student-").values_list(
            "learner_id", "question_id"
        )
    )
    problems += [f"no review card for learner/question {p}" for p in sorted(pairs - cards)[:20]]
    best = {
        (row["learner_id"], row["lesson_id"]): row
        for row in attempts.filter(finished_at__isnull=False, is_retry=False)
        .values("learner_id", "lesson_id")
        .annotate(n=Count("id"), best=Max("score"))
    }
    for score in LessonScore.objects.filter(learner__username__startswith="load-student-"):
        want = best.get((score.learner_id, score.lesson_id))
        n, top = (want["n"], want["best"]) if want else (0, None)
        if score.attempts != n or score.best_score != top:
            problems.append(
                f"lesson score {score.learner_id}/{score.lesson_id}: {score.attempts} attempts,"
                f" best {score.best_score}; the attempts say {n}, {top}"
            )
    print(
        f"checked {len(told)} answers with feedback ({sum(told.values())} told), "
        f"{len(stored)} stored, {len(sums)} attempts ({finished} finished): "
        f"{'all consistent' if not problems else f'{len(problems)} problems'}"
    )
    return problems


if __name__ == "__main__":
    found = check(Path(sys.argv[1]))
    for problem in found[:30]:
        print("  PROBLEM:", problem)
    sys.exit(1 if found else 0)
