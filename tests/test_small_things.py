"""Small things users noticed (issue 14.7): the order of True/False, the
"Select all that apply" hint, and more, each as a user relies on it."""

import codecs
import csv
import io
import re

import pytest
from django.urls import reverse

from lessons import exports
from lessons.models import Attempt, Choice, Cohort, Question
from lessons.rich_text import render_prompt_inline
from tests.factories import LessonFactory, QuestionFactory, UserFactory, take_quiz


def start(client, lesson) -> Attempt:
    response = client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    assert response.status_code == 302
    return Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"])[1]))


def shown_choice_texts(html: str) -> list[str]:
    return re.findall(r'<span class="choice-text">([^<]*)</span>', html)


def test_true_false_always_reads_true_then_false(student_client, db):
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson, kind=Question.Kind.TRUE_FALSE, answers=False)
    # Stored False first, as an import or an edit may leave them.
    Choice.objects.create(question=question, text="False", is_correct=True, position=0)
    Choice.objects.create(question=question, text="True", is_correct=False, position=1)
    attempt = start(student_client, lesson)
    url = reverse("lessons:attempt_detail", args=[attempt.pk])
    for seed in range(12):  # whatever the attempt's shuffle
        Attempt.objects.filter(pk=attempt.pk).update(seed=seed)
        assert shown_choice_texts(student_client.get(url).content.decode()) == ["True", "False"]
    # The review queue and the feedback read the same order.
    wrong = question.choices.get(text="True")
    answered = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]), {"choice": wrong.pk}
    )
    page = student_client.get(answered["Location"]).content.decode()
    assert shown_choice_texts(page) == ["True", "False"]


def test_select_all_that_apply_is_said_once(student_client, db):
    lesson = LessonFactory()
    QuestionFactory(
        lesson=lesson,
        kind=Question.Kind.MULTIPLE_ANSWER,
        prompt="Which statements about smooth muscle match the text? Select all that apply.",
    )
    attempt = start(student_client, lesson)
    html = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).content
    assert html.decode().lower().count("select all that apply") == 1


def test_select_all_that_apply_is_said_when_the_prompt_does_not(student_client, db):
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson, kind=Question.Kind.MULTIPLE_ANSWER, prompt="Which are true?")
    attempt = start(student_client, lesson)
    html = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).content
    assert html.decode().lower().count("select all that apply") == 1


# ------------------------------------------------------------ exports


@pytest.fixture
def muscles(db):
    lesson = LessonFactory(title="Muscles", slug="muscles")
    for position in range(3):
        QuestionFactory(lesson=lesson, position=position)
    return lesson


@pytest.fixture
def cohort(instructor, muscles):
    cohort = Cohort.objects.create(name="Spring group", pass_mark=0.6)
    cohort.instructors.add(instructor)
    cohort.courses.add(muscles.course)
    return cohort


def member(cohort, username, **names):
    learner = UserFactory(username=username, **names)
    cohort.learners.add(learner)
    return learner


def download(client, name, cohort) -> bytes:
    response = client.get(reverse(f"lessons:{name}", args=[cohort.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["instructor_scores_csv", "instructor_responses_csv"])
def test_csvs_start_with_a_utf8_bom_so_spreadsheets_read_accents(
    client, instructor, cohort, muscles, name
):
    take_quiz(member(cohort, "zoë", first_name="Zoë", last_name="Ångström"), muscles, [True] * 3)
    client.force_login(instructor)
    body = download(client, name, cohort)
    # Excel takes a CSV without a byte order mark for the local code page and
    # shows "ZoÃ«"; with one it reads UTF-8.
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "learner"
    assert rows[1][0] == "zoë"


def test_the_admin_questions_csv_starts_with_a_utf8_bom(muscles):
    response = exports.csv_download(exports.question_csv_rows(muscles.questions.all()), "q.csv")
    assert b"".join(response.streaming_content).startswith(codecs.BOM_UTF8)


def test_the_scores_csv_gives_scores_as_the_pages_do(client, instructor, cohort, muscles):
    learner = member(cohort, "erin")
    take_quiz(learner, muscles, [True, True, False])
    client.force_login(instructor)
    page = client.get(reverse("lessons:instructor_cohort", args=[cohort.pk])).content.decode()
    assert "67%" in page
    header, *body = csv.reader(
        io.StringIO(download(client, "instructor_scores_csv", cohort).decode("utf-8-sig"))
    )
    row = dict(zip(header, body[0], strict=True))
    assert row["Muscles: best"] == "67%"
    assert row["Muscles: latest"] == "67%"
    assert row["Muscles: attempts"] == "1"
    assert row["average best"] == "67%"
    assert re.fullmatch(r"\d+%", row["Muscles: mastery"])


# ------------------------------------------------------------ learners by name


def test_learners_sort_by_name_naturally_and_show_real_names_first(
    client, instructor, cohort, muscles
):
    for username in ["learner10", "learner2", "Learner1", "learner3"]:
        member(cohort, username)
    member(cohort, "learner11", first_name="Ada", last_name="Lovelace")
    client.force_login(instructor)
    url = reverse("lessons:instructor_cohort", args=[cohort.pk])
    page = client.get(url).content.decode()
    shown = re.findall(r'<th scope="row"><a [^>]*>([^<]*)</a>', page)
    # The name shown first is what sorts: a real name, else the username.
    assert shown == [
        "Ada Lovelace (learner11)",
        "Learner1",
        "learner2",
        "learner3",
        "learner10",
    ]
    descending = client.get(url, {"sort": "-name"}).content.decode()
    assert re.findall(r'<th scope="row"><a [^>]*>([^<]*)</a>', descending) == shown[::-1]
    learner = cohort.learners.get(username="learner11")
    record = client.get(reverse("lessons:instructor_learner", args=[cohort.pk, learner.pk]))
    assert "Ada Lovelace (learner11)" in record.content.decode()


def test_the_natural_order_holds_across_pages(client, instructor, cohort, muscles):
    from lessons import reports

    cohort.learners.add(*[UserFactory(username=f"s{n}") for n in range(reports.PAGE_SIZE + 5)])
    client.force_login(instructor)
    url = reverse("lessons:instructor_cohort", args=[cohort.pk])
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2)]
    shown = [
        name for page in pages for name in re.findall(r'<th scope="row"><a [^>]*>([^<]*)</a>', page)
    ]
    assert shown == [f"s{n}" for n in range(reports.PAGE_SIZE + 5)]


def test_ties_in_a_score_sort_go_by_name_naturally(cohort, muscles):
    from django.utils import timezone

    from lessons import reports

    for username in ["p10", "p9", "p1"]:
        take_quiz(member(cohort, username), muscles, [True, True, True])
    cohort = reports.cohort_for(cohort.instructors.get(), cohort.pk)
    for sort in (f"-best-{muscles.pk}", f"mastery-{muscles.pk}", "average"):
        table = reports.score_table(
            cohort=cohort, course=muscles.course, now=timezone.now(), sort=sort
        )
        assert [r.learner.username for r in table.rows] == ["p1", "p9", "p10"], sort


def test_the_scores_csv_lists_learners_as_the_page_does(client, instructor, cohort, muscles):
    for username in ["learner10", "learner2", "learner1"]:
        member(cohort, username)
    client.force_login(instructor)
    _, *body = csv.reader(
        io.StringIO(download(client, "instructor_scores_csv", cohort).decode("utf-8-sig"))
    )
    assert [row[0] for row in body] == ["learner1", "learner2", "learner10"]


# ------------------------------------------------------------ the student's cohorts


def test_the_student_sees_the_cohorts_they_belong_to(student_client, student, db):
    Cohort.objects.create(name="Spring group").learners.add(student)
    Cohort.objects.create(name="Anatomy club").learners.add(student)
    Cohort.objects.create(name="Someone else's group")
    page = student_client.get(reverse("lessons:progress")).content.decode()
    section = page[page.index('id="your-cohorts"') :]
    assert section.index("Anatomy club") < section.index("Spring group")
    assert "Someone else" not in page
    assert "Join another cohort" in section


def test_a_student_in_no_cohort_is_told_how_to_join_one(student_client, db):
    page = student_client.get(reverse("lessons:progress")).content.decode()
    assert "You are in no cohort yet" in page
    assert reverse("lessons:cohort_join") in page


def test_the_cohorts_cost_the_same_queries_however_many(student_client, student, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def progress_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert student_client.get(reverse("lessons:progress")).status_code == 200
        return len(queries)

    Cohort.objects.create(name="One").learners.add(student)
    progress_queries()  # the catalogue's lessons are read once, then kept (lessons.catalogue)
    one = progress_queries()
    for n in range(5):
        Cohort.objects.create(name=f"More {n}").learners.add(student)
    assert progress_queries() == one


# ------------------------------------------------------------ the progress chart


def finished(lesson, day: int, hour: int, score: float):
    from datetime import datetime

    from django.utils import timezone

    when = timezone.make_aware(datetime(2026, 3, day, hour))
    return Attempt(lesson=lesson, started_at=when, finished_at=when, score=score)


def test_the_progress_chart_draws_one_line_per_lesson_over_distinct_dates(db):
    from lessons import charts

    muscles, nerves = LessonFactory(title="Muscles"), LessonFactory(title="Nerves")
    history = [
        finished(muscles, 2, 9, 0.5),
        finished(nerves, 2, 10, 1.0),
        finished(muscles, 2, 11, 0.75),
        finished(muscles, 5, 9, 1.0),
        finished(nerves, 9, 9, 0.25),
    ]
    svg = str(charts.score_history_svg(history))
    lines = re.findall(r'<polyline class="line series-(\d)" points="([^"]*)"', svg)
    assert [series for series, _ in lines] == ["0", "1"]  # one per lesson
    assert [len(points.split()) for _, points in lines] == [3, 2]
    dates = re.findall(r'<text class="axis x-tick"[^>]*>([^<]*)</text>', svg)
    assert dates == ["2 Mar", "5 Mar", "9 Mar"]  # each day once, in order
    # Every point has its own place along the axis: none hides another.
    xs = [float(x) for x in re.findall(r'data-x="([\d.]+)"', svg)]
    assert len(xs) == len(history) and len(set(xs)) == len(history)
    # Oldest on the left: the 11 o'clock Muscles attempt after the 10 o'clock Nerves one.
    muscles_9h, muscles_11h, muscles_day5, nerves_10h, nerves_day9 = xs
    assert muscles_9h < nerves_10h < muscles_11h < muscles_day5 < nerves_day9
    for _, points in lines:
        along = [float(p.split(",")[0]) for p in points.split()]
        assert along == sorted(along)
    # Lines are told apart by their marker shape and name, not colour alone.
    assert "Muscles" in svg and "Nerves" in svg
    assert re.search(r'class="chart-legend"', svg)
    assert len(set(re.findall(r'<(circle|rect|path) class="point series-0', svg))) == 1
    assert set(re.findall(r'<(circle|rect|path) class="point series-0', svg)) != set(
        re.findall(r'<(circle|rect|path) class="point series-1', svg)
    )


def test_a_single_attempt_draws_a_point_and_its_date(db):
    from lessons import charts

    svg = str(charts.score_history_svg([finished(LessonFactory(), 3, 9, 0.5)]))
    assert re.findall(r'<text class="axis x-tick"[^>]*>([^<]*)</text>', svg) == ["3 Mar"]
    assert len(re.findall(r'class="point series-0', svg)) == 1


# ------------------------------------------------------------ a wrong pick


def test_a_wrong_pick_is_marked_wrong_in_words_and_the_others_step_back(student_client, db):
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson)
    attempt = start(student_client, lesson)
    wrong = question.choices.filter(is_correct=False).first()
    response = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        {"choice": wrong.pk},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    items = re.findall(r'<li class="choice ([\w-]+)">(.*?)</li>', html, re.S)
    by_text = {re.search(r'choice-text">([^<]*)<', body)[1]: (cls, body) for cls, body in items}
    picked_class, picked = by_text[wrong.text]
    assert picked_class == "choice-wrong" and "✗" in picked and "Your answer · wrong" in picked
    right_class, right = by_text[question.choices.get(is_correct=True).text]
    assert right_class == "choice-correct" and "✓" in right and "Right answer" in right
    others = [cls for text, (cls, _) in by_text.items() if text not in {wrong.text}]
    assert sorted(others) == ["choice-correct", "choice-other"]


def test_a_right_option_left_unticked_in_a_select_all_says_it_was_missed(student_client, db):
    """A new user saw a right option they had not ticked marked only "Right
    answer", as if they had it."""
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson, kind=Question.Kind.MULTIPLE_ANSWER)
    Choice.objects.filter(question=question, text="Skeletal").update(is_correct=True)
    attempt = start(student_client, lesson)
    ticked = question.choices.get(text="Involuntary")
    response = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        {"choice": [ticked.pk]},
        headers={"HX-Request": "true"},
    )
    items = re.findall(r'<li class="choice ([\w-]+)">(.*?)</li>', response.content.decode(), re.S)
    by_text = {re.search(r'choice-text">([^<]*)<', body)[1]: body for _, body in items}
    assert "Your answer · right" in by_text["Involuntary"]
    assert "Right answer · not ticked" in by_text["Skeletal"]
    assert "Right answer" not in by_text["Voluntary"]


def test_a_right_pick_says_so_once_and_marks_nothing_wrong(student_client, db):
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson)
    attempt = start(student_client, lesson)
    response = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        {"choice": question.choices.get(is_correct=True).pk},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.count("Your answer · right") == 1
    assert "choice-wrong" not in html and "✗ </span>Your answer" not in html


def test_a_new_question_puts_the_focus_on_its_first_option_and_feedback_on_the_feedback(
    student_client, db
):
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson, kind=Question.Kind.SINGLE_CHOICE)
    attempt = start(student_client, lesson)
    page = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).content.decode()
    inputs = re.findall(r'<input type="radio"[^>]*>', page)
    assert len(inputs) == question.choices.count() >= 2
    assert "autofocus" in inputs[0] and not any("autofocus" in i for i in inputs[1:])
    choice = question.choices.first()
    answered = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        {"choice": choice.pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    # Answered, the options are locked and the feedback has the focus.
    assert not re.search(r'<input type="radio"[^>]*autofocus', answered)
    assert re.search(r'id="feedback"[^>]*autofocus', answered)


# ------------------------------------------------------------------ keyboard hint, link names


def fieldset_of(html: str) -> str:
    return re.search(r"<fieldset[^>]*>", html)[0]


@pytest.mark.parametrize("kind", [Question.Kind.SINGLE_CHOICE, Question.Kind.TRUE_FALSE])
def test_a_radio_group_says_once_how_to_move_between_its_options(student_client, db, kind):
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson, kind=kind)
    attempt = start(student_client, lesson)
    html = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).content
    html = html.decode()
    hint = "Use the arrow keys to move between options."
    assert html.count(hint) == 1
    # The group's description for screen readers; the visible copy (shown by
    # CSS while the options have the keyboard focus) hidden from them.
    assert 'aria-describedby="keys-hint"' in fieldset_of(html)
    assert re.search(
        rf'<p class="hint keys-hint" id="keys-hint" aria-hidden="true">{hint}</p>', html
    )


def test_the_arrow_keys_hint_joins_an_error_and_leaves_when_answered(student_client, db):
    lesson = LessonFactory()
    question = QuestionFactory(lesson=lesson)
    attempt = start(student_client, lesson)
    url = reverse("lessons:quiz_answer", args=[attempt.pk, question.pk])
    refused = student_client.post(url, {}).content.decode()  # nothing picked
    assert 'aria-describedby="answer-error keys-hint"' in fieldset_of(refused)
    right = question.choices.get(is_correct=True)
    answered = student_client.post(url, {"choice": right.pk}, headers={"HX-Request": "true"})
    assert "Correct" in answered.content.decode()  # the feedback, the options disabled
    assert "arrow keys" not in answered.content.decode()


@pytest.mark.parametrize(
    "kind", [Question.Kind.MULTIPLE_ANSWER, Question.Kind.FILL_BLANK], ids=["checkboxes", "blank"]
)
def test_no_arrow_keys_hint_where_tab_moves_between_options(student_client, db, kind):
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson, kind=kind)
    attempt = start(student_client, lesson)
    html = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).content
    assert "arrow keys" not in html.decode()
    assert "keys-hint" not in fieldset_of(html.decode())


def test_the_course_pages_start_link_names_its_lesson_without_a_stray_space(
    student_client, student, db
):
    lesson = LessonFactory(title="What smooth muscle is")
    QuestionFactory(lesson=lesson)
    url = reverse("lessons:course_detail", args=[lesson.course.slug])
    html = student_client.get(url).content.decode()
    link = re.search(
        rf'<a class="button"[^>]*href="{lesson.get_absolute_url()}"[^>]*>(.*?)</a>', html
    )
    assert link, html
    assert 'aria-label="Start: What smooth muscle is"' in link[0] and link[1] == "Start"
    take_quiz(student, lesson, [True])
    html = student_client.get(url).content.decode()
    assert 'aria-label="Continue: What smooth muscle is"' in html


def test_a_blank_keeps_the_full_stop_after_it_on_its_line():
    """A new user saw a prompt's closing '.' alone on a line after the blank."""
    html = render_prompt_inline("The benign tumor of the same tissue is called ____.")
    assert html.endswith(
        '<span class="keep-together"><span class="blank"><span class="visually-hidden">'
        "blank</span></span>.</span>"
    )
    assert render_prompt_inline("____ is its name").startswith('<span class="blank">')
