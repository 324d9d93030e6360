"""Instructors: cohorts, the scores table, a learner's record, item analysis,
exports, and who may see what."""

import csv
import io
import statistics
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons import exports, item_tallies, reports, services
from lessons.models import Choice, Cohort, Course, Lesson, LessonScore, Question, Response
from lessons.selectors import question_data
from tests.factories import (
    CourseFactory,
    LessonFactory,
    QuestionFactory,
    UserFactory,
    bulk_courses,
    take_quiz,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    lesson = LessonFactory(title="Muscles", slug="muscles")
    for position in range(3):
        QuestionFactory(lesson=lesson, position=position)
    return lesson


@pytest.fixture
def cohort(instructor, lesson):
    """Ivan's cohort, following the lesson's course."""
    cohort = Cohort.objects.create(name="Spring group", pass_mark=0.6)
    cohort.instructors.add(instructor)
    cohort.courses.add(lesson.course)
    return cohort


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


def member(cohort, username, **names):
    learner = UserFactory(username=username, **names)
    cohort.learners.add(learner)
    return learner


# ------------------------------------------------------------ lesson scores


def test_lesson_scores_follow_full_attempts_and_ignore_retries(lesson):
    learner = UserFactory()
    first = take_quiz(learner, lesson, [True, False, False])
    best = take_quiz(learner, lesson, [True, True, True])
    latest = take_quiz(learner, lesson, [True, True, False])
    retry, _ = services.attempt_retry_missed(learner=learner, attempt=latest)
    data = question_data(retry.question_ids[0])
    services.response_record(
        learner=learner,
        attempt_id=retry.pk,
        question_id=data.id,
        choice_values=[str(data.choices[1].id)],
        time_taken=None,
    )

    score = LessonScore.objects.get(learner=learner, lesson=lesson)
    assert score.attempts == 3
    assert score.first_attempt_id == first.pk
    assert (score.best_attempt_id, score.best_score) == (best.pk, 1.0)
    assert score.latest_attempt_id == latest.pk
    assert score.latest_score == pytest.approx(2 / 3)
    assert score.last_activity >= latest.finished_at  # the retry's answer counts as activity


# ------------------------------------------------------------ item analysis

PATTERNS = [
    [True, True, True],
    [True, True, False],
    [True, False, False],
    [False, True, False],
    [True, False, True],
    [False, False, False],
]


def test_item_statistics_match_a_direct_computation(lesson, cohort):
    for n, pattern in enumerate(PATTERNS):
        take_quiz(member(cohort, f"l{n}"), lesson, pattern, seconds=5 + n)
    report = reports.lesson_report(cohort=cohort, lesson=lesson, scope="first")

    totals = [sum(p) for p in PATTERNS]
    assert report.attempts == len(PATTERNS)
    assert report.mean_score == pytest.approx(statistics.mean(totals) / 3)
    for index, item in enumerate(report.items):
        scores = [int(p[index]) for p in PATTERNS]
        rest = [t - s for t, s in zip(totals, scores, strict=True)]
        assert item.stats.responses == len(PATTERNS)
        assert item.stats.facility == pytest.approx(statistics.mean(scores))
        assert item.stats.discrimination == pytest.approx(
            100 * statistics.correlation(scores, rest)
        )
        # Read from time buckets: within their stated error of the exact median.
        median = statistics.median(range(5, 11))
        error = item_tallies.MEDIAN_ABSOLUTE_ERROR + item_tallies.MEDIAN_RELATIVE_ERROR * median
        assert abs(item.stats.median_time.total_seconds() - median) <= error
        right = next(c for c in item.question.choices.all() if c.is_correct)
        assert item.stats.option_share(right.pk) == pytest.approx(statistics.mean(scores))
    item_variance = sum(statistics.pvariance([int(p[i]) for p in PATTERNS]) for i in range(3))
    alpha = 3 / 2 * (1 - item_variance / statistics.pvariance(totals))
    assert report.alpha == pytest.approx(alpha)
    assert sum(count for _, count in report.histogram) == len(PATTERNS)
    assert dict(report.histogram)["90–100%"] == 1  # the one perfect score


def test_the_attempt_switch_counts_first_best_last_or_all(lesson, cohort):
    learner = member(cohort, "repeat")
    take_quiz(learner, lesson, [False, False, False])
    take_quiz(learner, lesson, [True, True, True])
    take_quiz(learner, lesson, [True, False, False])

    def facility_of_first_question(scope):
        report = reports.lesson_report(cohort=cohort, lesson=lesson, scope=scope)
        return report.attempts, report.mean_score

    assert facility_of_first_question("first") == (1, 0)
    assert facility_of_first_question("best") == (1, 1)
    assert facility_of_first_question("last") == (1, pytest.approx(1 / 3))
    assert facility_of_first_question("all") == (3, pytest.approx(4 / 9))


def test_a_lesson_report_counts_only_the_cohorts_learners(lesson, cohort):
    take_quiz(member(cohort, "inside"), lesson, [True, True, True])
    take_quiz(UserFactory(username="outside"), lesson, [False, False, False])
    report = reports.lesson_report(cohort=cohort, lesson=lesson, scope="first")
    assert report.attempts == 1
    assert report.mean_score == 1


def test_questions_that_need_review_are_flagged():
    easy = reports.ItemStats(responses=30, correct=30)
    hard = reports.ItemStats(responses=30, correct=3)
    few = reports.ItemStats(responses=5, correct=5)
    assert "Too easy" in reports.needs_review(easy)
    assert "Too hard" in reports.needs_review(hard)
    assert reports.needs_review(few) == ""


# ------------------------------------------------------------ the scores table


def test_the_scores_table_sorts_searches_and_marks_who_is_below_the_pass_mark(
    lesson, cohort, instructor_client
):
    take_quiz(member(cohort, "alice", first_name="Alice"), lesson, [True, True, True])
    take_quiz(member(cohort, "bob"), lesson, [True, False, False])
    member(cohort, "carol")  # has not started
    url = reverse("lessons:instructor_cohort", args=[cohort.pk])

    now = timezone.now()
    cohort = reports.cohort_for(cohort.instructors.get(), cohort.pk)  # with its learner count
    by_best = reports.score_table(
        cohort=cohort, course=lesson.course, now=now, sort=f"-best-{lesson.pk}"
    )
    assert [r.learner.username for r in by_best.rows] == ["alice", "bob", "carol"]
    by_best_ascending = reports.score_table(
        cohort=cohort, course=lesson.course, now=now, sort=f"best-{lesson.pk}"
    )
    assert [r.learner.username for r in by_best_ascending.rows] == ["bob", "alice", "carol"]
    assert [r.below_pass for r in by_best.rows] == [False, True, False]
    by_mastery = reports.score_table(
        cohort=cohort, course=lesson.course, now=now, sort=f"mastery-{lesson.pk}"
    )
    assert [r.learner.username for r in by_mastery.rows] == ["carol", "bob", "alice"]
    by_mastery = reports.score_table(
        cohort=cohort, course=lesson.course, now=now, sort=f"-mastery-{lesson.pk}"
    )
    assert [r.learner.username for r in by_mastery.rows] == ["alice", "bob", "carol"]
    assert by_mastery.rows[0].last_activity is not None
    column = by_best.lessons.index(lesson)
    assert by_best.rows[0].cells[column].mastery == 1  # three right answers, just now
    assert by_best.averages[column].best == pytest.approx((1 + 1 / 3) / 2)
    assert by_best.averages[column].mastery == pytest.approx(4 / 9)  # 4 of 3×3 recalled

    page = instructor_client.get(url, {"sort": f"-best-{lesson.pk}"}).content.decode()
    assert page.index("alice") < page.index("bob") < page.index("carol")
    assert "below pass" in page
    assert 'aria-sort="descending"' in page
    found = instructor_client.get(url, {"q": "ALI"}).content.decode()
    assert "alice" in found and "bob" not in found


def test_a_question_taken_back_to_draft_counts_towards_no_mastery(lesson, cohort, instructor):
    first = lesson.questions.order_by("position", "pk").first()
    take_quiz(member(cohort, "carol"), lesson, [True, False, False])
    take_quiz(member(cohort, "dave"), lesson, [False, True, False])
    Question.objects.filter(pk=first.pk).update(status=Question.Status.DRAFT)

    now = timezone.now()
    cohort = reports.cohort_for(instructor, cohort.pk)
    by_mastery = reports.score_table(
        cohort=cohort, course=lesson.course, now=now, sort=f"-mastery-{lesson.pk}"
    )
    # Carol recalls only the drafted question: none of the two still asked.
    assert [r.learner.username for r in by_mastery.rows] == ["dave", "carol"]
    column = by_mastery.lessons.index(lesson)
    assert [r.cells[column].mastery for r in by_mastery.rows] == [pytest.approx(1 / 2), 0]
    assert by_mastery.averages[column].mastery == pytest.approx(1 / 4)


def test_the_scores_table_pages_through_a_big_cohort(lesson, cohort, instructor_client):
    learners = [UserFactory(username=f"learner{n:03}") for n in range(reports.PAGE_SIZE + 3)]
    cohort.learners.add(*learners)
    url = reverse("lessons:instructor_cohort", args=[cohort.pk])
    second = instructor_client.get(url, {"page": 2}).content.decode()
    assert "learner025" in second and "learner000" not in second
    assert "Page 2 of 2" in second
    # A page number that is not one gives the nearest page, not an error.
    assert instructor_client.get(url, {"page": "abc"}).status_code == 200


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("lessons:instructor_cohort", {"sort": "shoe-size"}),
        ("lessons:instructor_lesson", {"attempts": "most"}),
    ],
)
def test_a_report_asked_for_something_it_does_not_offer_says_so(
    lesson, cohort, instructor_client, name, params
):
    args = [cohort.pk] if name == "lessons:instructor_cohort" else [cohort.pk, lesson.slug]
    response = instructor_client.get(reverse(name, args=args), params)
    assert response.status_code == 400
    assert "does not offer" in response.content.decode()


def test_the_cohorts_average_best_is_the_mean_of_its_learners_not_of_its_lessons(
    lesson, cohort, instructor_client
):
    """Only Bo reaches the second lesson: the column of learners' averages
    reads 33% and 67%, so the cohort's figure is 50%, not the 67% a mean of
    the lessons' averages (33% and 100%) would give."""
    late = LessonFactory(course=lesson.course, title="Later", slug="later", position=9)
    for position in range(3):
        QuestionFactory(lesson=late, position=position)
    take_quiz(member(cohort, "al"), lesson, [True, False, False])
    bo = member(cohort, "bo")
    take_quiz(bo, lesson, [True, False, False])
    take_quiz(bo, late, [True, True, True])

    counted = reports.cohort_for(cohort.instructors.first(), cohort.pk)
    table = reports.score_table(cohort=counted, course=lesson.course, now=timezone.now())
    column = [row.average_best for row in table.rows]
    assert table.average_best == pytest.approx(statistics.mean(column)) == pytest.approx(0.5)
    page = instructor_client.get(reverse("lessons:instructor_cohort", args=[cohort.pk]))
    assert "<strong>50%</strong> average best score" in page.content.decode()


def test_the_learner_page_lists_every_attempt_and_answer(lesson, cohort, instructor_client):
    learner = member(cohort, "dana")
    take_quiz(learner, lesson, [True, False, True], seconds=12)
    page = instructor_client.get(
        reverse("lessons:instructor_learner", args=[cohort.pk, learner.pk])
    ).content.decode()
    assert "67%" in page  # the score
    assert page.count("✓ right") == 2 and page.count("✗ wrong") == 1
    assert "Voluntary" in page  # the wrong answer given
    assert "12 s" in page  # time taken


# ------------------------------------------------------------ exports


def test_the_scores_csv_has_a_row_per_learner_and_quotes_formulas(
    lesson, cohort, instructor_client
):
    take_quiz(member(cohort, "erin"), lesson, [True, True, False])
    member(cohort, "=cmd", first_name="+sum(A1)")
    response = instructor_client.get(reverse("lessons:instructor_scores_csv", args=[cohort.pk]))
    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, *body = rows
    assert header[:3] == ["learner", "first name", "last name"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert by_name["erin"]["Muscles: best"] == "67%"
    assert by_name["erin"]["Muscles: attempts"] == "1"
    assert "'=cmd" in by_name and by_name["'=cmd"]["first name"] == "'+sum(A1)"


def test_the_scores_csv_reads_learners_in_chunks(lesson, cohort):
    cohort.learners.add(*[UserFactory() for _ in range(5)])
    cohort = reports.cohorts_for(UserFactory(is_superuser=True)).get(pk=cohort.pk)
    rows = list(
        exports.score_csv_rows(cohort=cohort, course=lesson.course, now=timezone.now(), chunk=2)
    )
    assert len(rows) == 1 + 5


def test_the_responses_csv_lists_every_answer(lesson, cohort, instructor_client):
    take_quiz(member(cohort, "finn"), lesson, [True, False, True])
    response = instructor_client.get(reverse("lessons:instructor_responses_csv", args=[cohort.pk]))
    header, *body = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert header == exports.RESPONSE_CSV_HEADER
    # In the order answered, which is the attempt's own (sequencing).
    assert sorted((row[7], row[6]) for row in body) == [
        ("no", "Voluntary"),
        ("yes", "Involuntary"),
        ("yes", "Involuntary"),
    ]
    take_quiz(member(cohort, "gus"), lesson, [False, False, True])
    # A learner at a time.
    rows = list(exports.response_csv_rows(cohort=cohort, course=lesson.course, chunk=1))
    assert [r[0] for r in rows[1:]] == ["finn"] * 3 + ["gus"] * 3
    assert sorted(r[7] for r in rows[4:]) == ["no", "no", "yes"]


# ------------------------------------------------------------ access


def instructor_urls(cohort, learner, lesson):
    return [
        reverse("lessons:instructor_home"),
        reverse("lessons:instructor_cohort", args=[cohort.pk]),
        reverse("lessons:instructor_learner", args=[cohort.pk, learner.pk]),
        reverse("lessons:instructor_lesson", args=[cohort.pk, lesson.slug]),
        reverse("lessons:instructor_scores_csv", args=[cohort.pk]),
        reverse("lessons:instructor_responses_csv", args=[cohort.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_and_students_are_refused(
    lesson, cohort, client, student
):
    learner = member(cohort, "gail")
    for url in instructor_urls(cohort, learner, lesson):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.force_login(student)
    for url in instructor_urls(cohort, learner, lesson):
        assert client.get(url).status_code == 403, url


def test_an_instructor_sees_only_their_own_cohorts_and_learners(lesson, cohort, client):
    other = UserFactory(username="olga", is_staff=True)
    other.groups.add(Group.objects.get(name="Instructors"))
    theirs = Cohort.objects.create(name="Olga's group")
    theirs.instructors.add(other)
    learner = member(cohort, "hana")
    client.force_login(other)

    for url in instructor_urls(cohort, learner, lesson)[1:]:
        assert client.get(url).status_code == 404, url
    # Their own cohort, but a learner who is not in it.
    url = reverse("lessons:instructor_learner", args=[theirs.pk, learner.pk])
    assert client.get(url).status_code == 404
    home = client.get(reverse("lessons:instructor_home")).content.decode()
    assert "Olga" in home and "Spring group" not in home
    assert client.get(reverse("lessons:instructor_home"), {"cohort": cohort.pk}).status_code == 400
    assert client.get(reverse("lessons:instructor_home"), {"cohort": "²"}).status_code == 400


def test_a_superuser_sees_every_cohort(lesson, cohort, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    learner = member(cohort, "ivy")
    for url in instructor_urls(cohort, learner, lesson):
        assert client.get(url).status_code == 200, url


# ------------------------------------------------------------ joining


def test_a_learner_joins_a_cohort_with_its_code(cohort, student_client, student):
    response = student_client.post(
        reverse("lessons:cohort_join"), {"code": f" {cohort.code.lower()} "}
    )
    assert response.status_code == 302
    assert cohort.learners.filter(pk=student.pk).exists()


def test_joining_a_cohort_again_says_the_learner_is_already_in_it(cohort, student_client, student):
    url = reverse("lessons:cohort_join")
    first = student_client.post(url, {"code": cohort.code}, follow=True).content.decode()
    assert f"You joined {cohort}" in first
    again = student_client.post(url, {"code": cohort.code}, follow=True).content.decode()
    assert f"You are already in {cohort}" in again and "You joined" not in again
    assert cohort.learners.filter(pk=student.pk).count() == 1


def test_a_wrong_code_says_so_and_joins_nothing(cohort, student_client, student):
    response = student_client.post(reverse("lessons:cohort_join"), {"code": "NOPE1234"})
    assert response.status_code == 400
    assert "No cohort has that code" in response.content.decode()
    assert not student.cohorts.exists()


# ------------------------------------------------------------ query budgets


@pytest.mark.parametrize("size", [2, 12])
def test_report_pages_stay_within_a_fixed_query_budget(
    lesson, cohort, instructor_client, size, django_assert_max_num_queries
):
    for n in range(size):
        learner = member(cohort, f"q{n:02}")
        take_quiz(learner, lesson, [n % 2 == 0, n % 3 == 0, True])
    extra = LessonFactory(source=lesson.source)
    for position in range(size):
        QuestionFactory(lesson=extra, position=position)
    learner = cohort.learners.first()
    # Each page is one query over its own reads: the navigation's review due count.
    budgets = [
        # Each page reads the cohort's followed courses once (the home page: their titles).
        (reverse("lessons:instructor_home"), 8),
        # The cohort's average best: one grouped query over its learners' scores.
        (reverse("lessons:instructor_cohort", args=[cohort.pk]), 15),
        # By mastery: one grouped count, the cohort sorted by it, then the page's learners.
        (
            reverse("lessons:instructor_cohort", args=[cohort.pk]) + f"?sort=-mastery-{lesson.pk}",
            16,
        ),
        (reverse("lessons:instructor_learner", args=[cohort.pk, learner.pk]), 14),
        (reverse("lessons:instructor_lesson", args=[cohort.pk, lesson.slug]), 13),
        (reverse("lessons:instructor_lesson", args=[cohort.pk, lesson.slug]) + "?attempts=all", 13),
    ]
    for url, budget in budgets:
        with django_assert_max_num_queries(budget, info=url):
            assert instructor_client.get(url).status_code == 200, url


def test_discrimination_is_undefined_when_everyone_scores_alike():
    same = reports.ItemStats(responses=10, correct=10, sum_rest=20, sum_rest_squares=40)
    assert same.discrimination is None
    # With no responses there is no facility to show, rather than a NaN.
    assert reports.ItemStats().facility is None


def test_the_admin_changelist_shows_discrimination(lesson, cohort, client):
    for n, pattern in enumerate(PATTERNS):
        take_quiz(member(cohort, f"a{n}"), lesson, pattern)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:lessons_question_changelist")).content.decode()
    first = [int(p[0]) for p in PATTERNS]
    rest = [sum(p) - p[0] for p in PATTERNS]
    expected = round(100 * statistics.correlation(first, rest))
    assert f">{expected}<" in page
    assert Response.objects.count() == 3 * len(PATTERNS)


# Outside a wrapping transaction, as the commands run for real: make_cohort then
# commits its own transaction (and on PostgreSQL runs VACUUM ANALYZE, which no
# transaction may wrap), and the benchmark's early-closed downloads end their
# requests (which closes connections found mid-transaction).
@pytest.mark.django_db(transaction=True)
def test_the_synthetic_cohort_is_what_the_quiz_would_have_written(course):
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import Count, F, Max

    from lessons.models import Attempt

    call_command("make_cohort", learners=12, responses=600, name="Synthetic", stdout=StringIO())
    cohort = Cohort.objects.get(name="Synthetic")
    assert cohort.learners.count() == 12
    assert 500 <= Response.objects.count() <= 700
    finished = Attempt.objects.filter(finished_at__isnull=False, is_retry=False)
    expected = {
        (row["learner_id"], row["lesson_id"]): (row["best"], row["n"])
        for row in finished.values("learner_id", "lesson_id").annotate(
            best=Max("score"), n=Count("pk")
        )
    }
    stored = {
        (s.learner_id, s.lesson_id): (s.best_score, s.attempts)
        for s in LessonScore.objects.filter(attempts__gt=0)
    }
    assert stored == expected
    # Past times, as given: every answer within its attempt, the last half an hour ago.
    assert not Attempt.objects.filter(started_at__gte=timezone.now() - timedelta(minutes=29))
    assert not Response.objects.filter(answered_at__lt=F("attempt__started_at"))
    assert not Response.objects.filter(answered_at__gt=F("attempt__finished_at"))
    for response in Response.objects.prefetch_related("chosen")[:200]:
        assert sorted(c.pk for c in response.chosen.all()) == response.answer.get("choices", [])

    # The benchmark runs over it and prints a figure for every report page.
    out = StringIO()
    call_command("benchmark_reports", cohort="Synthetic", repeat=1, csv_repeat=1, stdout=out)
    printed = out.getvalue()
    for page in ("cohort", "learner", "lesson", "scores.csv", "responses.csv"):
        assert page in printed, page


def test_the_item_analysis_counts_an_attempt_as_soon_as_it_finishes(
    lesson, cohort, instructor_client, django_assert_max_num_queries
):
    take_quiz(member(cohort, "kai"), lesson, [True, True, True])
    url = reverse("lessons:instructor_lesson", args=[cohort.pk, lesson.slug])
    assert "1</strong> attempt" in instructor_client.get(url).content.decode()
    take_quiz(member(cohort, "lia"), lesson, [False, False, False])
    with django_assert_max_num_queries(11):
        page = instructor_client.get(url).content.decode()
    assert "2</strong> attempts" in page
    assert "counting every attempt finished by then" in page


def test_the_item_analysis_cache_is_an_option_and_an_edit_starts_a_new_copy(
    lesson, cohort, instructor_client, django_assert_max_num_queries, settings
):
    settings.ITEM_ANALYSIS_CACHE_SECONDS = 300
    take_quiz(member(cohort, "kai"), lesson, [True, True, True])
    url = reverse("lessons:instructor_lesson", args=[cohort.pk, lesson.slug])
    first = instructor_client.get(url).content.decode()
    assert "1</strong> attempt" in first
    assert "worked out again every 300 seconds" in first
    take_quiz(member(cohort, "lia"), lesson, [False, False, False])
    with django_assert_max_num_queries(6):  # no statistics read again
        assert "1</strong> attempt" in instructor_client.get(url).content.decode()
    services.lesson_content_changed(lesson_id=lesson.pk)
    assert "2</strong> attempts" in instructor_client.get(url).content.decode()


def test_last_activity_is_said_as_humanize_says_it(lesson, cohort, instructor_client, client):
    import re

    learner = member(cohort, "kai")
    take_quiz(learner, lesson, [True, True, True])
    moment = timezone.now() - timedelta(seconds=30)
    LessonScore.objects.filter(learner=learner).update(last_activity=moment)
    learner.attempts.update(finished_at=moment)
    learner.review_cards.update(last_review=moment)
    said = re.compile(r">3\d\xa0seconds ago</time>")  # naturaltime's words, not "just now"
    page = instructor_client.get(reverse("lessons:instructor_cohort", args=[cohort.pk]))
    assert said.search(page.content.decode())
    client.force_login(learner)
    assert said.search(client.get(reverse("lessons:progress")).content.decode())


def test_the_responses_csv_and_the_learner_page_show_what_the_learner_saw(
    lesson, cohort, instructor_client
):
    learner = member(cohort, "ines")
    take_quiz(learner, lesson, [False, True, True])
    answered = Response.objects.order_by("answered_at").select_related("question")[0]
    question, old_prompt = answered.question, answered.question.prompt
    old_wrong = Choice.objects.get(pk=answered.answer["choices"][0]).text
    old_right = question.choices.get(is_correct=True).text
    Question.objects.filter(pk=question.pk).update(prompt="A rewritten prompt")
    Choice.objects.filter(question=question).update(text="A rewritten choice")

    response = instructor_client.get(reverse("lessons:instructor_responses_csv", args=[cohort.pk]))
    header, first, *_ = csv.reader(
        io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
    )
    row = dict(zip(header, first, strict=True))
    assert (row["prompt"], row["answer"], row["correct answer"]) == (
        old_prompt,
        old_wrong,
        old_right,
    )
    page = instructor_client.get(
        reverse("lessons:instructor_learner", args=[cohort.pk, learner.pk])
    ).content.decode()
    assert old_prompt in page and old_wrong in page
    assert "A rewritten" not in page


@pytest.mark.parametrize("size", [2, 12])
def test_the_csv_exports_stay_within_a_fixed_query_budget(
    lesson, cohort, instructor_client, size, django_assert_max_num_queries
):
    for n in range(size):
        take_quiz(member(cohort, f"c{n:02}"), lesson, [True, n % 2 == 0, False])
    # Session, user, permissions, cohort and its courses, then the export's own
    # reads; the prompts and choice texts come from the versions of the questions
    # the responses answered, read once for all of them (one query), not per row.
    for name, budget in (("instructor_scores_csv", 9), ("instructor_responses_csv", 8)):
        with django_assert_max_num_queries(budget):
            response = instructor_client.get(reverse(f"lessons:{name}", args=[cohort.pk]))
            assert len(b"".join(response.streaming_content).splitlines()) == 1 + size * (
                1 if name == "instructor_scores_csv" else 3
            )


def test_a_typed_answer_and_its_accepted_answers_are_exported_as_text():
    snapshot = {"prompt": "Smooth muscle is ___.", "choices": [], "accepted_answers": ["a", "b"]}
    assert exports.answer_text({"text": "involuntary"}, snapshot) == "involuntary"
    assert exports.correct_answer_text(snapshot) == "a | b"
    # A response from before snapshots: nothing to show but the choice's id.
    assert exports.answer_text({"choices": [7]}, {}) == "choice 7"
    assert exports.correct_answer_text({}) == ""


# ------------------------------------------------------------ courses a cohort follows


@pytest.fixture
def second_course(cohort):
    """A second course the cohort follows, with a lesson of its own."""
    other = LessonFactory(title="Nerves", slug="nerves", course=CourseFactory(title="Zoology"))
    for position in range(2):
        QuestionFactory(lesson=other, position=position)
    cohort.courses.add(other.course)
    return other.course


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_scores_table_shows_the_picked_course_s_lessons_first_by_default(
    lesson, cohort, second_course, instructor_client
):
    take_quiz(member(cohort, "pia"), lesson, [True, True, True])
    url = reverse("lessons:instructor_cohort", args=[cohort.pk])
    first = instructor_client.get(url).content.decode()  # the first course in course order
    assert "Muscles" in first and "Nerves" not in first
    assert 'id="course-picker"' in first and "Zoology" in first
    other = instructor_client.get(url, {"course": second_course.slug}).content.decode()
    assert "Nerves" in other and ">Muscles<" not in other
    assert f"?course={second_course.slug}" in other  # the downloads and learner links keep it

    table = reports.score_table(
        cohort=reports.cohort_for(cohort.instructors.get(), cohort.pk),
        course=second_course,
        now=timezone.now(),
    )
    assert [lesson.title for lesson in table.lessons] == ["Nerves"]
    assert table.rows[0].average_best is None  # pia's score is in the other course


def test_a_course_the_cohort_does_not_follow_or_a_draft_one_is_not_found(
    lesson, cohort, instructor_client
):
    learner = member(cohort, "quinn")
    stranger = LessonFactory(slug="unfollowed-lesson", course=CourseFactory(slug="unfollowed"))
    draft = CourseFactory(slug="drafted", status=Course.Status.DRAFT)
    cohort.courses.add(draft)
    pages = [
        reverse("lessons:instructor_cohort", args=[cohort.pk]),
        reverse("lessons:instructor_learner", args=[cohort.pk, learner.pk]),
        reverse("lessons:instructor_scores_csv", args=[cohort.pk]),
        reverse("lessons:instructor_responses_csv", args=[cohort.pk]),
    ]
    for url in pages:
        assert instructor_client.get(url).status_code == 200, url
        for slug in ("unfollowed", "drafted", "no-such-course"):
            assert instructor_client.get(url, {"course": slug}).status_code == 404, (url, slug)
        for malformed in ("not a slug!", "x" * 201):
            response = instructor_client.get(url, {"course": malformed})
            assert response.status_code == 400, (url, malformed)
    lesson_page = reverse("lessons:instructor_lesson", args=[cohort.pk, stranger.slug])
    assert instructor_client.get(lesson_page).status_code == 404


def test_a_cohort_that_follows_no_course_says_so(lesson, cohort, instructor_client):
    cohort.courses.clear()
    learner = member(cohort, "rae")
    page = instructor_client.get(reverse("lessons:instructor_cohort", args=[cohort.pk]))
    assert page.status_code == 200 and "follows no published course" in page.content.decode()
    learner_page = reverse("lessons:instructor_learner", args=[cohort.pk, learner.pk])
    assert "follows no published course" in instructor_client.get(learner_page).content.decode()
    csv_url = reverse("lessons:instructor_scores_csv", args=[cohort.pk])
    assert instructor_client.get(csv_url).status_code == 404
    lesson_page = reverse("lessons:instructor_lesson", args=[cohort.pk, lesson.slug])
    assert instructor_client.get(lesson_page).status_code == 404


def test_the_learner_page_and_the_exports_are_per_course(
    lesson, cohort, second_course, instructor_client
):
    learner = member(cohort, "sol")
    take_quiz(learner, lesson, [True, False, True])
    take_quiz(learner, second_course.lessons.get(), [False, False])
    page_url = reverse("lessons:instructor_learner", args=[cohort.pk, learner.pk])
    first = instructor_client.get(page_url).content.decode()
    assert first.count("✓ right") == 2 and first.count("✗ wrong") == 1
    other = instructor_client.get(page_url, {"course": second_course.slug}).content.decode()
    assert other.count("✗ wrong") == 2 and "✓ right" not in other
    assert "Nerves" in other and ">Muscles<" not in other

    scores = instructor_client.get(
        reverse("lessons:instructor_scores_csv", args=[cohort.pk]), {"course": second_course.slug}
    )
    code = cohort.code.lower()
    assert f'filename="scores-{code}-{second_course.slug}.csv"' in scores["Content-Disposition"]
    header, row = csv_rows(scores)
    assert "Nerves: best" in header and not any(h.startswith("Muscles") for h in header)
    assert dict(zip(header, row, strict=True))["Nerves: best"] == "0%"
    responses = instructor_client.get(reverse("lessons:instructor_responses_csv", args=[cohort.pk]))
    assert (
        f'filename="responses-{code}-{lesson.course.slug}.csv"'
        in (responses["Content-Disposition"])
    )
    assert [row[1] for row in csv_rows(responses)[1:]] == ["Muscles"] * 3


def test_the_instructor_home_lists_each_cohort_s_courses(
    lesson, cohort, second_course, instructor_client
):
    cohort.courses.add(CourseFactory(title="Pathology draft", status=Course.Status.DRAFT))
    home = instructor_client.get(reverse("lessons:instructor_home")).content.decode()
    link = reverse("lessons:instructor_cohort", args=[cohort.pk])
    assert f'href="{link}?course={second_course.slug}">Zoology</a>' in home
    assert f'href="{link}?course={lesson.course.slug}">' in home
    assert "Pathology draft" in home and "?course=course-" not in home.split("Pathology")[1][:80]


@pytest.mark.parametrize(("courses", "lessons_each"), [(2, 2), (50, 20)])
def test_report_pages_keep_their_budget_whatever_the_courses_followed(
    cohort, instructor_client, courses, lessons_each, django_assert_max_num_queries
):
    """The same queries with 2 courses of 2 lessons as with 50 of 20, all followed."""
    made = bulk_courses(courses, lessons_each, "followed")
    cohort.courses.add(*made)
    last = made[-1]
    busy = Lesson.objects.get(slug=f"{last.slug}-lesson-0")
    for position in range(3):
        QuestionFactory(lesson=busy, position=position)
    learners = [member(cohort, f"b{n:02}") for n in range(3)]
    for learner in learners:
        take_quiz(learner, busy, [True, False, True])
    on = f"?course={last.slug}"
    # The HTML pages: one query more for the navigation's review due count.
    budgets = [
        (reverse("lessons:instructor_home"), 8),
        (reverse("lessons:instructor_cohort", args=[cohort.pk]), 15),
        (reverse("lessons:instructor_cohort", args=[cohort.pk]) + on, 15),
        (reverse("lessons:instructor_learner", args=[cohort.pk, learners[0].pk]) + on, 14),
        (reverse("lessons:instructor_lesson", args=[cohort.pk, busy.slug]), 13),
        (reverse("lessons:instructor_scores_csv", args=[cohort.pk]) + on, 9),
        (reverse("lessons:instructor_responses_csv", args=[cohort.pk]) + on, 8),
    ]
    for url, budget in budgets:
        with django_assert_max_num_queries(budget, info=url):
            response = instructor_client.get(url)
            assert response.status_code == 200, url
            if response.streaming:
                b"".join(response.streaming_content)


def test_the_item_analysis_says_which_questions_were_edited_after_they_were_answered(
    lesson, cohort, instructor_client, educator
):
    """A new user edited a question and the instructor's report then showed
    its new wording and options over every earlier answer, with no word of it."""
    from tests.factories import admin_question_form

    take_quiz(member(cohort, "al"), lesson, [True, False, True])
    edited = lesson.questions.order_by("position").first()
    url = reverse("lessons:instructor_lesson", args=[cohort.pk, lesson.slug])
    assert (
        "Edited after learners first answered it" not in instructor_client.get(url).content.decode()
    )

    editor = Client()
    editor.force_login(educator)
    change = reverse("admin:lessons_question_change", args=[edited.pk])
    assert editor.post(change, admin_question_form(edited, prompt="Reworded?")).status_code == 302

    page = instructor_client.get(url).content.decode()
    assert page.count("Edited after learners first answered it") == 1
    row = page[page.index("Reworded?") :]
    assert row.index("Edited after learners first answered it") < row.index("</tr>")
