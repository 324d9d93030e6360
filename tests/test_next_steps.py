"""What is next is always in view (issue 14.6): the due count in the
navigation and on the home page, Continue on a lesson, Next lesson and Retake
on the results page, and when review questions come back."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons import selectors
from lessons.due import due_clock, due_phrase
from lessons.models import Attempt, Course, LessonScore, ReviewCard
from tests.factories import CourseFactory, LessonFactory, QuestionFactory

HTMX = {"HX-Request": "true"}
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # a Thursday


def text_of(response) -> str:
    """The page's text, tags dropped and spaces (non-breaking too) collapsed."""
    html = response.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ").split())
    return text.replace("( ", "(").replace(" )", ")")


# ------------------------------------------------------------------ the formatter


@pytest.mark.parametrize(
    ("later", "phrase"),
    [
        (timedelta(seconds=-5), "now"),
        (timedelta(seconds=0), "now"),
        (timedelta(seconds=40), "in under a minute"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(minutes=10, seconds=20), "in 10 minutes"),
        (timedelta(hours=2), "in 2 hours"),
        (timedelta(hours=2, minutes=59), "in 2 hours"),
        (timedelta(days=3, hours=5), "in 3 days"),
        (timedelta(days=15), "in 2 weeks"),
    ],
)
def test_due_phrase_says_how_long_until_a_question_comes_back(later, phrase):
    assert due_phrase(NOW + later, now=NOW).replace("\xa0", " ") == phrase


@pytest.mark.parametrize(
    ("later", "clock"),
    [
        (timedelta(hours=2), "Thu 14:00 UTC"),
        (timedelta(days=1, hours=3, minutes=5), "Fri 15:05 UTC"),
        (timedelta(days=10), "Sun 13 Dec, 12:00 UTC"),
    ],
)
def test_due_clock_gives_the_weekday_within_a_week_else_the_date(later, clock):
    assert due_clock(NOW + later, now=NOW) == clock


# ------------------------------------------------------------------ the navigation


def card_for(learner, *, due, lesson=None, **fields):
    question = QuestionFactory(lesson=lesson or LessonFactory())
    return ReviewCard.objects.create(learner=learner, question=question, due=due, **fields)


@pytest.fixture
def due_three(student):
    now = timezone.now()
    hidden = LessonFactory(published=False)
    cards = [card_for(student, due=now - timedelta(hours=h)) for h in (1, 2, 3)]
    card_for(student, due=now + timedelta(days=2))  # not yet due
    card_for(student, due=now - timedelta(hours=1), lesson=hidden)  # out of reach
    return cards


def nav_review_name(response) -> str:
    """The accessible name of the navigation's Review link."""
    html = response.content.decode()
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    link = re.search(r'<a href="/review/"[^>]*>(.*?)</a>', nav, re.S)
    assert link, "no Review link in the navigation"
    return " ".join(re.sub(r"<[^>]+>", "", link.group(1)).split())


@pytest.mark.parametrize("url", ["/", "/progress/", "/review/", "/cohorts/join/"])
def test_the_navigation_says_how_many_reachable_questions_are_due(student_client, due_three, url):
    assert nav_review_name(student_client.get(url)) == "Review, 3 due"


def test_a_course_page_counts_what_is_due_in_every_course(student_client, due_three):
    # Each card is in a course of its own: the count is not the page's course's.
    course = due_three[0].question.lesson.course
    page = student_client.get(reverse("lessons:course_detail", args=[course.slug]))
    assert nav_review_name(page) == "Review, 3 due"


def test_the_navigation_shows_no_count_when_nothing_is_due(student_client, student):
    card_for(student, due=timezone.now() + timedelta(hours=3))
    assert nav_review_name(student_client.get("/")) == "Review"
    assert nav_review_name(student_client.get("/progress/")) == "Review"


def test_the_due_count_is_one_query_and_only_on_a_full_page(
    student_client, due_three, django_assert_num_queries
):
    # The join page reads nothing else but the user: one query more is the count.
    with django_assert_num_queries(2):
        assert nav_review_name(student_client.get("/cohorts/join/")) == "Review, 3 due"
    # An HTMX swap of the review answer has no navigation to fill, but the
    # unfiltered queue's count it reads anyway updates the badge out of band.
    card = due_three[0]
    right = card.question.choices.get(is_correct=True).pk
    swap = student_client.post(
        reverse("lessons:review_answer", args=[card.question_id]),
        {"choice": right, "card_review_number": card.reviews},
        headers=HTMX,
    ).content.decode()
    badge = re.search(
        r'<span id="nav-review-due"[^>]*hx-swap-oob="true"[^>]*>(.*?)</span>\s*$', swap, re.S
    )
    assert badge and " ".join(re.sub(r"<[^>]+>", "", badge.group(1)).split()) == ", 2 due"


def test_the_home_page_says_how_many_are_due_and_links_the_review(student_client, due_three):
    home = student_client.get("/")
    assert "3 questions due for review" in text_of(home)
    assert 'href="/review/"' in home.content.decode()


def test_the_home_page_says_nothing_due_when_nothing_is(student_client, student):
    assert "due for review" not in text_of(student_client.get("/"))


def test_a_visitor_sees_no_due_count(client, db):
    page = client.get("/")
    assert "due for review" not in text_of(page)
    assert "/review/" not in page.content.decode()


# ------------------------------------------------------------------ the lesson page


@pytest.fixture
def course_lessons(db):
    course = CourseFactory()
    first, hidden, second, third = (
        LessonFactory(course=course, position=p, published=p != 2) for p in (1, 2, 3, 4)
    )
    for lesson in (first, second, third):
        for _ in range(3):
            QuestionFactory(lesson=lesson)
    return first, hidden, second, third


def start(client, lesson) -> Attempt:
    client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    return Attempt.objects.filter(lesson=lesson).latest("started_at")


def answer(client, attempt, question_id, *, right=True):
    choice = attempt.lesson.questions.get(pk=question_id).choices.filter(is_correct=right).first()
    url = reverse("lessons:quiz_answer", args=[attempt.pk, question_id])
    return client.post(url, {"choice": choice.pk})


def test_a_lesson_with_an_unfinished_attempt_offers_to_continue_it(student_client, course_lessons):
    lesson = course_lessons[0]
    attempt = start(student_client, lesson)
    answer(student_client, attempt, attempt.question_ids[0])
    page = student_client.get(lesson.get_absolute_url())
    assert "Continue — 1 of 3 answered" in text_of(page)
    assert f'href="{reverse("lessons:attempt_detail", args=[attempt.pk])}"' in page.content.decode()
    assert "Start quiz" not in text_of(page)


def test_a_lesson_without_an_unfinished_attempt_offers_to_start(student_client, course_lessons):
    lesson = course_lessons[0]
    assert "Start quiz" in text_of(student_client.get(lesson.get_absolute_url()))
    attempt = start(student_client, lesson)
    for qid in attempt.question_ids:
        answer(student_client, attempt, qid)
    page = text_of(student_client.get(lesson.get_absolute_url()))
    assert "Continue" not in page and "Start quiz" in page


def test_another_learners_attempt_is_not_offered(student_client, course_lessons, client):
    from tests.factories import UserFactory

    lesson = course_lessons[0]
    other = UserFactory()
    Attempt.objects.create(learner=other, lesson=lesson, question_ids=[1, 2])
    assert "Continue" not in text_of(student_client.get(lesson.get_absolute_url()))


# ------------------------------------------------------------------ the results page


def finish(client, lesson, *, right=True) -> Attempt:
    attempt = start(client, lesson)
    for qid in attempt.question_ids:
        answer(client, attempt, qid, right=right)
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def test_results_link_the_next_reachable_lesson_of_the_course(student_client, course_lessons):
    first, hidden, second, _third = course_lessons
    attempt = finish(student_client, first)
    page = student_client.get(reverse("lessons:attempt_results", args=[attempt.pk]))
    html = page.content.decode()
    assert f'href="{second.get_absolute_url()}"' in html  # the unpublished one is skipped
    assert hidden.get_absolute_url() not in html
    assert f"Next lesson: {second.title}" in text_of(page)
    # One way back, to the lesson's course, not to the catalogue ("Back to lessons").
    course_url = reverse("lessons:course_detail", args=[first.course.slug])
    assert f'href="{course_url}">Back to the course</a>' in html and "Back to lessons" not in html


def test_results_of_the_last_lesson_lead_back_to_the_course(student_client, course_lessons):
    third = course_lessons[3]
    attempt = finish(student_client, third)
    page = student_client.get(reverse("lessons:attempt_results", args=[attempt.pk]))
    assert "Next lesson" not in text_of(page)
    assert "Back to the course" in text_of(page)
    course_url = reverse("lessons:course_detail", args=[third.course.slug])
    assert f'href="{course_url}"' in page.content.decode()
    assert text_of(page).count("Back to the course") == 1 and "Back to lessons" not in text_of(page)


def test_next_lesson_is_the_next_by_course_order(course_lessons):
    first, _hidden, second, third = course_lessons
    assert selectors.next_lesson_after(first) == second
    assert selectors.next_lesson_after(second) == third
    assert selectors.next_lesson_after(third) is None
    Course.objects.filter(pk=first.course_id).update(status=Course.Status.DRAFT)
    assert selectors.next_lesson_after(first) is None


def test_retake_the_whole_quiz_starts_a_full_attempt(student_client, course_lessons):
    lesson = course_lessons[0]
    attempt = finish(student_client, lesson, right=False)
    page = student_client.get(reverse("lessons:attempt_results", args=[attempt.pk]))
    assert "Retake the whole quiz" in text_of(page)
    assert f'action="{reverse("lessons:quiz_start", args=[lesson.slug])}"' in page.content.decode()
    retry = student_client.post(reverse("lessons:attempt_retry", args=[attempt.pk]))
    retry_attempt = Attempt.objects.get(lesson=lesson, finished_at=None)
    assert retry.status_code == 302 and retry_attempt.is_retry
    for qid in retry_attempt.question_ids:
        answer(student_client, retry_attempt, qid)
    # From the short retry's results, the whole quiz again: every question.
    page = student_client.get(reverse("lessons:attempt_results", args=[retry_attempt.pk]))
    assert "Retake the whole quiz" in text_of(page)
    whole = start(student_client, lesson)
    assert not whole.is_retry and whole.question_count == 3


# ------------------------------------------------------------------ the review page


def test_nothing_due_says_when_the_next_card_is_due_and_what_to_do_meanwhile(
    student_client, student, course_lessons
):
    first, _hidden, second, third = course_lessons
    finish(student_client, first, right=False)
    finish(student_client, second, right=True)
    ReviewCard.objects.filter(learner=student).update(due=timezone.now() + timedelta(hours=2))
    page = text_of(student_client.get(reverse("lessons:review")))
    assert re.search(
        r"The next question comes back in (1 hour|2 hours) \(\w{3} \d\d:\d\d UTC\)", page
    ), page
    assert f"Take a lesson you have not started: {third.title}" in page
    assert f"Retake your weakest lesson: {first.title} (best 0%)" in page


def test_the_course_page_continues_the_quiz_left_unfinished_before_any_other(
    student_client, student, course_lessons
):
    """A new user left a quiz half done in a later lesson; the course page's
    Continue took them to the first lesson not mastered instead."""
    first, _hidden, _second, third = course_lessons
    start(student_client, third)
    url = reverse("lessons:course_detail", args=[first.course.slug])
    html = student_client.get(url).content.decode()
    assert f'aria-label="Continue: {third.title}"' in html
    # Finished, the first lesson not mastered comes first again.
    Attempt.objects.filter(lesson=third).update(finished_at=timezone.now())
    html = student_client.get(url).content.decode()
    assert f'aria-label="Continue: {first.title}"' in html


def test_nothing_due_suggests_finishing_the_quiz_under_way_first(
    student_client, student, course_lessons
):
    """Its lesson's questions wait for it, so the empty review page says so."""
    first, _hidden, second, _third = course_lessons
    finish(student_client, second, right=True)
    ReviewCard.objects.filter(learner=student).update(due=timezone.now() + timedelta(hours=2))
    student_client.post(reverse("lessons:quiz_start", args=[first.slug]))
    attempt = Attempt.objects.get(learner=student, lesson=first, finished_at=None)
    page = text_of(student_client.get(reverse("lessons:review")))
    assert (
        f"Finish the quiz you started: {first.title} (0 of {attempt.question_count} answered; "
        "its questions come back for review when it is done)"
    ) in page
    attempt_url = reverse("lessons:attempt_detail", args=[attempt.pk])
    assert attempt_url in student_client.get(reverse("lessons:review")).content.decode()
    # Finished, it is no longer suggested.
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=timezone.now())
    assert selectors.review_meanwhile(learner=student).under_way is None


def test_meanwhile_suggests_only_reachable_lessons_of_the_course(student, course_lessons):
    first, _hidden, second, third = course_lessons
    LessonScore.objects.create(learner=student, lesson=second, best_score=0.5, attempts=1)
    Attempt.objects.create(learner=student, lesson=second, question_ids=[1], finished_at=NOW)
    Attempt.objects.create(learner=student, lesson=first, question_ids=[1])
    meanwhile = selectors.review_meanwhile(learner=student)
    assert meanwhile.not_started == third  # the course under way before any other
    only = selectors.review_meanwhile(learner=student, course=first.course)
    assert only.not_started == third
    assert only.weakest.lesson == second
    LessonScore.objects.filter(lesson=second).update(best_score=1.0)
    assert selectors.review_meanwhile(learner=student, course=first.course).weakest is None


def test_review_feedback_says_when_the_question_comes_back(student_client, due_three):
    card = due_three[0]
    right = card.question.choices.get(is_correct=True).pk
    url = reverse("lessons:review_answer", args=[card.question_id])
    data = {"choice": right, "card_review_number": card.reviews}
    swap = student_client.post(url, data, headers=HTMX)
    card.refresh_from_db()
    expected = due_phrase(card.due, now=timezone.now()).replace("\xa0", " ")
    assert f"This question comes back {expected}" in text_of(swap)
    # Without JavaScript: the feedback page says it too.
    second = due_three[1]
    right = second.question.choices.filter(is_correct=False).first().pk
    url = reverse("lessons:review_answer", args=[second.question_id])
    posted = student_client.post(url, {"choice": right, "card_review_number": second.reviews})
    page = student_client.get(posted["Location"])
    assert re.search(
        r"This question comes back in (under a minute|\d+ minutes?) \(\w{3} \d\d:\d\d UTC\)\.",
        text_of(page),
    ), text_of(page)
