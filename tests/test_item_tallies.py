"""The item analysis read from running tallies equals the one worked out from
every response: for random cohorts, with retries, learners in several
cohorts, joining and leaving after they answered, and deleted accounts."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons import item_tallies, reports, services
from lessons.models import Cohort, ItemTally, OptionTally, Question, ScoreTally
from lessons.selectors import question_data
from tests.factories import LessonFactory, QuestionFactory, UserFactory, take_quiz

pytestmark = pytest.mark.django_db

SCOPES = [scope.value for scope in reports.AttemptScope]


def _lesson(course=None, kinds=()):
    lesson = LessonFactory(**({"course": course} if course else {}))
    for position, kind in enumerate(kinds):
        QuestionFactory(lesson=lesson, kind=kind, position=position)
    return lesson


@pytest.fixture
def lessons():
    first = _lesson(
        kinds=[
            Question.Kind.SINGLE_CHOICE,
            Question.Kind.MULTIPLE_ANSWER,
            Question.Kind.TRUE_FALSE,
            Question.Kind.FILL_BLANK,
        ]
    )
    second = _lesson(first.course, [Question.Kind.SINGLE_CHOICE, Question.Kind.SINGLE_CHOICE])
    return [first, second]


def _answer(rng, learner, attempt_id, question_id):
    data = question_data(question_id)
    seconds = rng.choice([None, rng.uniform(0, 0.3), rng.uniform(1, 40), rng.uniform(40, 2000)])
    if data.kind == Question.Kind.FILL_BLANK:
        values, text = [], rng.choice(["involuntary", "voluntary"])
    elif data.kind == Question.Kind.MULTIPLE_ANSWER:
        values, text = [str(c.id) for c in data.choices if rng.random() < 0.5], None
        values = values or [str(data.choices[0].id)]
    else:
        values, text = [str(rng.choice(data.choices).id)], None
    services.response_record(
        learner=learner,
        attempt_id=attempt_id,
        question_id=question_id,
        choice_values=values,
        text=text,
        time_taken=None if seconds is None else timedelta(seconds=seconds),
    )


def _next_question(attempt):
    answered = set(attempt.responses.values_list("question_id", flat=True))
    return next(qid for qid in attempt.question_ids if qid not in answered)


def _simulate(rng, lessons, learners, cohorts, steps):
    """Learners take, retry and half-finish quizzes in random order while
    memberships change underneath them, every way the app changes them."""
    unfinished: dict[tuple[int, int], object] = {}
    finished: dict[tuple[int, int], list] = {}
    for _ in range(steps):
        learner = rng.choice(learners)
        roll = rng.random()
        if roll < 0.08:
            cohort = rng.choice(cohorts)
            how = rng.randrange(4)
            if how == 0:
                cohort.learners.add(learner)
            elif how == 1:
                learner.cohorts.add(cohort)
            elif how == 2:
                cohort.learners.remove(learner, rng.choice(learners))  # maybe a stranger
            else:
                learner.cohorts.remove(cohort)
            continue
        if roll < 0.09:
            rng.choice(cohorts).learners.set(rng.sample(learners, 3))
            continue
        lesson = rng.choice(lessons)
        key = (learner.pk, lesson.pk)
        attempt = unfinished.get(key)
        if attempt is None:
            done = finished.get(key)
            if done and rng.random() < 0.4:
                try:
                    attempt, _ = services.attempt_retry_missed(
                        learner=learner, attempt=rng.choice(done)
                    )
                except services.NothingToAsk:
                    continue
            else:
                attempt, _ = services.attempt_start(learner=learner, lesson=lesson)
            unfinished[key] = attempt
        _answer(rng, learner, attempt.pk, _next_question(attempt))
        attempt.refresh_from_db()
        if attempt.is_finished:
            del unfinished[key]
            finished.setdefault(key, []).append(attempt)


def _assert_same(cohort, lesson, scope):
    live = reports.lesson_report(cohort=cohort, lesson=lesson, scope=scope)
    exact = reports.lesson_report_exact(cohort=cohort, lesson=lesson, scope=scope)
    where = f"{cohort.name}, lesson {lesson.pk}, {scope}"
    assert live.attempts == exact.attempts, where
    assert live.mean_score == pytest.approx(exact.mean_score), where
    assert live.alpha == pytest.approx(exact.alpha), where
    assert live.histogram == exact.histogram, where
    assert [i.question.pk for i in live.items] == [i.question.pk for i in exact.items], where
    for ours, theirs in zip(live.items, exact.items, strict=True):
        a, b = ours.stats, theirs.stats
        assert (a.responses, a.correct, a.sum_rest, a.sum_rest_squares, a.sum_correct_rest) == (
            b.responses,
            b.correct,
            b.sum_rest,
            b.sum_rest_squares,
            b.sum_correct_rest,
        ), where
        assert a.option_counts == b.option_counts, where
        assert a.facility == pytest.approx(b.facility), where
        assert a.discrimination == pytest.approx(b.discrimination), where
        assert ours.flag == theirs.flag, where
        if b.median_time is None:
            assert a.median_time is None, where
        else:
            exact_s = b.median_time.total_seconds()
            bound = (
                item_tallies.MEDIAN_ABSOLUTE_ERROR + item_tallies.MEDIAN_RELATIVE_ERROR * exact_s
            )
            assert abs(a.median_time.total_seconds() - exact_s) <= bound + 1e-9, where
    return live


def _assert_all_same(cohorts, lessons):
    counted = 0
    for cohort in cohorts:
        for lesson in lessons:
            for scope in SCOPES:
                counted += _assert_same(cohort, lesson, scope).attempts
    return counted


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tallied_item_analysis_equals_the_exact_one_on_random_cohorts(seed, lessons):
    rng = random.Random(seed)
    learners = [UserFactory(username=f"t{seed}-{n}") for n in range(9)]
    cohorts = [Cohort.objects.create(name=f"C{seed}-{n}") for n in range(3)]
    for learner in learners:
        for cohort in rng.sample(cohorts, rng.randrange(3)):
            cohort.learners.add(learner)

    _simulate(rng, lessons, learners, cohorts, steps=260)

    assert _assert_all_same(cohorts, lessons) > 0  # something was counted
    # Learners leave after answering, one cohort is emptied, an account goes.
    cohorts[0].learners.remove(*learners[:3])
    learners[4].cohorts.clear()
    cohorts[1].learners.clear()
    learners[5].delete()
    _assert_all_same(cohorts, lessons)


def _tally_rows():
    return (
        sorted(
            ItemTally.objects.filter(responses__gt=0).values_list(
                *item_tallies.ITEM_KEYS, *item_tallies.ITEM_VALUES
            )
        ),
        sorted(
            OptionTally.objects.filter(picks__gt=0).values_list(*item_tallies.OPTION_KEYS, "picks")
        ),
        sorted(
            ScoreTally.objects.filter(attempts__gt=0).values_list(
                *item_tallies.SCORE_KEYS, "attempts"
            )
        ),
    )


def test_a_rebuild_from_scratch_gives_the_running_tallies(lessons):
    rng = random.Random(7)
    learners = [UserFactory(username=f"r{n}") for n in range(6)]
    cohorts = [Cohort.objects.create(name=f"R{n}") for n in range(2)]
    for learner in learners:
        cohorts[learner.pk % 2].learners.add(learner)
    _simulate(rng, lessons, learners, cohorts, steps=150)
    running = _tally_rows()
    assert running[0]

    ItemTally.objects.all().delete()
    assert item_tallies.rebuild() > 0
    assert _tally_rows() == running
    _assert_all_same(cohorts, lessons)

    item_tallies.rebuild(cohort_ids=[cohorts[0].pk])  # one cohort's, the others untouched
    assert _tally_rows() == running


def test_a_learner_joining_after_answering_brings_their_attempts(lessons):
    lesson = lessons[1]
    cohort = Cohort.objects.create(name="Late")
    learner = UserFactory()
    take_quiz(learner, lesson, [True, False], seconds=4)
    take_quiz(learner, lesson, [True, True], seconds=6)
    assert reports.lesson_report(cohort=cohort, lesson=lesson, scope="all").attempts == 0

    cohort.learners.add(learner)

    best = _assert_same(cohort, lesson, "best")
    assert (best.attempts, best.mean_score) == (1, 1.0)
    assert _assert_same(cohort, lesson, "all").attempts == 2


def test_a_new_best_attempt_replaces_the_old_one_in_the_best_scope(lessons):
    lesson = lessons[1]
    cohort = Cohort.objects.create(name="Best")
    learner = UserFactory()
    cohort.learners.add(learner)
    take_quiz(learner, lesson, [False, False], seconds=3)
    assert reports.lesson_report(cohort=cohort, lesson=lesson, scope="best").mean_score == 0

    take_quiz(learner, lesson, [True, False], seconds=3)

    for scope, mean in [("first", 0), ("best", 0.5), ("last", 0.5), ("all", 0.25)]:
        report = _assert_same(cohort, lesson, scope)
        assert report.mean_score == pytest.approx(mean), scope


def test_the_median_time_is_within_its_stated_error():
    for seconds in [0, 0.1, 0.25, 0.3, 1, 2.5, 7.5, 10, 59.9, 600, 1800]:
        bucket = item_tallies.time_bucket(timedelta(seconds=seconds))
        estimate = item_tallies.median_from_buckets({bucket: 1}).total_seconds()
        bound = item_tallies.MEDIAN_ABSOLUTE_ERROR + item_tallies.MEDIAN_RELATIVE_ERROR * seconds
        assert abs(estimate - seconds) <= bound, seconds
    assert item_tallies.median_from_buckets({item_tallies.NO_TIME: 5}) is None


def _answer_queries(learner, attempt, question_id):
    with CaptureQueriesContext(connection) as ctx:
        data = question_data(question_id)
        services.response_record(
            learner=learner,
            attempt_id=attempt.pk,
            question_id=question_id,
            choice_values=[str(data.choices[0].id)],
            time_taken=timedelta(seconds=5),
        )
    return len(ctx.captured_queries)


def test_only_the_finishing_answer_pays_for_the_tallies(lessons):
    lesson = lessons[1]
    cohort = Cohort.objects.create(name="Counted")
    counts = {}
    for name in ("alone", "member"):
        learner = UserFactory(username=name)
        if name == "member":
            cohort.learners.add(learner)
        take_quiz(learner, lesson, [True, True])  # so the next finish moves pointers
        attempt, _ = services.attempt_start(learner=learner, lesson=lesson)
        first, last = attempt.question_ids
        counts[name] = (
            _answer_queries(learner, attempt, first),
            _answer_queries(learner, attempt, last),
        )
    (alone_answer, alone_finish), (member_answer, member_finish) = counts["alone"], counts["member"]
    assert member_answer == alone_answer  # no statement on an answer that does not finish
    # Pointers after the update, responses, picks, three writes.
    assert member_finish - alone_finish <= 6
    _assert_same(cohort, lesson, "last")


def test_an_attempt_finished_by_a_withdrawn_question_is_counted(lessons):
    lesson = lessons[1]
    cohort = Cohort.objects.create(name="Withdrawn")
    learner = UserFactory()
    cohort.learners.add(learner)
    attempt, _ = services.attempt_start(learner=learner, lesson=lesson)
    answered, withdrawn = attempt.question_ids
    _answer_queries(learner, attempt, answered)
    Question.objects.filter(pk=withdrawn).update(status=Question.Status.DRAFT)

    finished = services.attempt_questions_withdraw(attempt=attempt)

    assert finished is not None and finished.is_finished
    for scope in SCOPES:
        assert _assert_same(cohort, lesson, scope).attempts == 1
