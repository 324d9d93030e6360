"""The student's way in: the catalogue of courses, a course's page, the
breadcrumbs that name the course, progress and review by course, and where
signing in lands each role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from lessons.models import Attempt, Course, Lesson, LessonScore, ReviewCard
from tests.factories import (
    PASSWORD,
    CourseFactory,
    LessonFactory,
    QuestionFactory,
    SourceFactory,
    UserFactory,
    bulk_courses,
)


def lesson_in(course: Course, **fields) -> Lesson:
    lesson = LessonFactory(source=SourceFactory(course=course), course=course, **fields)
    QuestionFactory(lesson=lesson)
    return lesson


@pytest.fixture
def two_courses(db):
    biology = CourseFactory(
        title="Biology basics", slug="biology", description="Cells and muscles."
    )
    history = CourseFactory(title="History of medicine", slug="history", notice="Not advice.")
    lessons = [lesson_in(biology, title=f"Biology {n}", position=n) for n in range(3)]
    lessons.append(lesson_in(history, title="Galen", position=0))
    CourseFactory(title="Draft course", slug="draft", status=Course.Status.DRAFT)
    return biology, history, lessons


# ------------------------------------------------------------------ catalogue


def test_catalogue_lists_published_courses_with_description_and_lesson_count(client, two_courses):
    html = client.get("/").content.decode()
    assert "Biology basics" in html and "History of medicine" in html
    assert "Cells and muscles." in html
    assert "3 lessons" in html and "1 lesson" in html
    assert "Draft course" not in html
    assert reverse("lessons:course_detail", args=["biology"]) in html


def scored(learner, lesson, score):
    """One finished full attempt with this score, and the standing the answer
    service keeps after it: what every page reads (lessons.scoring)."""
    Attempt.objects.create(
        learner=learner, lesson=lesson, question_ids=[], finished_at=timezone.now(), score=score
    )
    LessonScore.objects.create(
        learner=learner, lesson=lesson, best_score=score, latest_score=score, attempts=1
    )


def test_catalogue_shows_a_learners_progress_per_course(client, two_courses):
    _, _, lessons = two_courses
    learner = UserFactory()
    scored(learner, lessons[0], 0.5)
    scored(learner, lessons[1], 1.0)
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "2 of 3 lessons started" in html
    assert "mean best score 75%" in html


def test_course_progress_counts_mastered_lessons(db, two_courses):
    from lessons import selectors

    biology, _, lessons = two_courses
    learner = UserFactory()
    question = lessons[0].questions.get()
    # Its card, made by the right answer of a finished attempt (a started lesson).
    Attempt.objects.create(
        learner=learner, lesson=lessons[0], question_ids=[question.pk], finished_at=timezone.now()
    )
    ReviewCard.objects.create(
        learner=learner,
        question=question,
        due=timezone.now() + timezone.timedelta(days=4),
        recall_until=timezone.now() + timezone.timedelta(days=3),
    )
    catalogue = selectors.course_catalogue(learner=learner, now=timezone.now())
    row = next(row for row in catalogue if row.course == biology)
    assert (row.lesson_count, row.started, row.mastered) == (3, 1, 1)


# ------------------------------------------------------------------ course page


def test_course_page_lists_its_lessons_in_order_with_notice_and_start(client, two_courses):
    html = client.get(reverse("lessons:course_detail", args=["biology"])).content.decode()
    positions = [html.index(f"Biology {n}") for n in range(3)]
    assert positions == sorted(positions)
    assert "Galen" not in html
    assert "Start" in html
    assert "<title>Biology basics ·" in html
    history_html = client.get(reverse("lessons:course_detail", args=["history"])).content.decode()
    assert "Not advice." in history_html


def test_course_page_continues_at_the_first_lesson_not_mastered(client, two_courses):
    _, _, lessons = two_courses
    learner = UserFactory()
    scored(learner, lessons[0], 0.4)
    client.force_login(learner)
    html = client.get(reverse("lessons:course_detail", args=["biology"])).content.decode()
    assert f'href="{lessons[0].get_absolute_url()}">Continue' in html
    assert "best 40%" in html


def test_draft_course_page_is_a_404(client, two_courses):
    assert client.get(reverse("lessons:course_detail", args=["draft"])).status_code == 404


def test_lesson_and_quiz_pages_name_the_course_in_breadcrumb_and_title(client, two_courses):
    _, _, lessons = two_courses
    html = client.get(lessons[0].get_absolute_url()).content.decode()
    course_url = reverse("lessons:course_detail", args=["biology"])
    assert f'<a href="{course_url}">Biology basics</a>' in html
    assert "<title>Biology 0 · Biology basics ·" in html


def test_quiz_and_results_pages_name_the_course(client, two_courses):
    _, _, lessons = two_courses
    lesson = lessons[0]
    learner = UserFactory()
    client.force_login(learner)
    question_page = client.post(reverse("lessons:quiz_start", args=[lesson.slug]), follow=True)
    html = question_page.content.decode()
    course_link = (
        f'<a href="{reverse("lessons:course_detail", args=["biology"])}">Biology basics</a>'
    )
    assert course_link in html
    assert "· Biology 0 · Biology basics ·" in html  # the <title>
    attempt = learner.attempts.get()
    question = lesson.questions.get()
    client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        {"choice": question.choices.get(is_correct=True).pk},
    )
    results = client.get(reverse("lessons:attempt_results", args=[attempt.pk])).content.decode()
    assert course_link in results
    assert "<title>Results · Biology 0 · Biology basics ·" in results


def test_site_name_comes_from_the_setting(client, db, settings):
    settings.SITE_NAME = "Texts and quizzes"
    html = client.get("/").content.decode()
    assert "Texts and quizzes</title>" in html
    assert "Leiomyosarcoma study" not in html


# ------------------------------------------------------------------ progress and review


def test_progress_groups_by_course_and_filters_by_course(client, two_courses):
    learner = UserFactory()
    client.force_login(learner)
    html = client.get(reverse("lessons:progress")).content.decode()
    biology, history = (
        html.index(f">{title}</a></h2>") for title in ("Biology basics", "History of medicine")
    )
    assert biology < html.index("Biology 0") < history < html.index("Galen")
    filtered = client.get(reverse("lessons:progress") + "?course=history").content.decode()
    assert "Galen" in filtered and "Biology 0" not in filtered


def test_progress_for_an_unknown_course_is_a_404(client, two_courses):
    client.force_login(UserFactory())
    assert client.get(reverse("lessons:progress") + "?course=draft").status_code == 404


def test_review_names_the_card_course_and_filters_by_course(client, two_courses):
    from django.utils import timezone

    _, _, lessons = two_courses
    learner = UserFactory()
    now = timezone.now()
    for lesson, minutes in ((lessons[0], 2), (lessons[3], 1)):
        ReviewCard.objects.create(
            learner=learner,
            question=lesson.questions.get(),
            due=now - timezone.timedelta(minutes=minutes),
        )
    client.force_login(learner)
    first = client.get(reverse("lessons:review")).content.decode()
    assert "Biology basics" in first
    filtered = client.get(reverse("lessons:review") + "?course=history").content.decode()
    assert "History of medicine" in filtered
    assert "1 question due" in filtered
    assert "?course=history" in filtered  # the answer form keeps the filter


# ------------------------------------------------------------------ sign-in landing


def sign_in(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


@pytest.mark.parametrize(
    ("group", "staff", "superuser", "landing"),
    [
        (None, False, False, "lessons:home"),
        ("Instructors", True, False, "lessons:instructor_home"),
        ("Educators", True, False, "admin:index"),
        (None, True, True, "admin:index"),
    ],
)
def test_signing_in_lands_each_role_on_its_home(client, db, group, staff, superuser, landing):
    user = UserFactory(username="someone", is_staff=staff, is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_signing_in_with_next_goes_there(client, db):
    user = UserFactory(username="someone", is_staff=True)
    user.groups.add(Group.objects.get(name="Instructors"))
    response = sign_in(client, user, next_url="/progress/")
    assert response["Location"] == "/progress/"


# ------------------------------------------------------------------ query budgets


# The visitor: the lessons with their counts (and, on a course page, the course
# first). The learner: the session and user, then progress_for_learner's three;
# on the course page, the navigation's due count too (the home page has it from
# the catalogue). Budgets from before lessons.catalogue: the lessons are now
# read only after a content change (as here, after bulk_courses), and the
# course page counts what is due from the rows it reads anyway (one fewer).
@pytest.mark.parametrize(
    ("signed_in", "home_budget", "course_budget"), [(False, 1, 2), (True, 4, 6)]
)
def test_catalogue_and_course_page_keep_a_fixed_query_budget(
    client, db, django_assert_max_num_queries, signed_in, home_budget, course_budget
):
    if signed_in:
        client.force_login(UserFactory())
    shipped = Course.objects.published().count()  # the shipped course is loaded for every test
    small = bulk_courses(3, 2, "small")[-1]
    for courses, lessons in ((0, 0), (47, 20)):
        last = bulk_courses(courses, lessons, "big")[-1] if courses else small
        with django_assert_max_num_queries(home_budget):
            home = client.get("/")
        assert home.content.decode().count('class="card course-card"') == shipped + 3 + courses
        with django_assert_max_num_queries(course_budget):
            page = client.get(reverse("lessons:course_detail", args=[last.slug]))
        assert page.content.decode().count('class="card lesson-card"') == (lessons or 2)


def test_a_review_answered_without_javascript_stays_in_the_course(client, two_courses):
    from django.utils import timezone

    _, _, lessons = two_courses
    learner = UserFactory()
    question = lessons[3].questions.get()
    ReviewCard.objects.create(learner=learner, question=question, due=timezone.now())
    client.force_login(learner)
    response = client.post(
        reverse("lessons:review_answer", args=[question.pk]) + "?course=history",
        {"card_review_number": "0", "choice": question.choices.get(is_correct=True).pk},
    )
    assert response["Location"] == reverse("lessons:review_feedback") + "?course=history"
    feedback = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("lessons:review")}?course=history">Next review' in feedback
