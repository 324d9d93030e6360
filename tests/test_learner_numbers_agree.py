"""A learner's numbers mean one thing on every page (issues 14.2 and 14.6):
how many questions are due, which are mastered, and which lessons are
started read the same in the navigation, on the home page, the course pages,
the progress page and the review page, for one learner at one moment."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons import selectors, services
from lessons.models import Attempt, Course, Lesson, Question, Review, ReviewCard
from tests.factories import CourseFactory, LessonFactory, QuestionFactory, take_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(monkeypatch):
    """One moment for every page of the test: a card due "now" is due at
    exactly the instant the pages count at."""
    moment = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def text_of(response) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ").split())


def nav_due(response) -> int:
    """The navigation badge's count ("Review, 3 due"; none shown is 0)."""
    html = response.content.decode()
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    badge = re.search(r'<span id="nav-review-due"[^>]*>(.*?)</span>\s*</a>', nav, re.S)
    assert badge, "no due badge in the navigation"
    found = re.search(r"(\d+)", re.sub(r"<[^>]+>", "", badge[1]))
    return int(found[1]) if found else 0


def home_due(response) -> int:
    found = re.search(r"(\d+) questions? due for review", text_of(response))
    return int(found[1]) if found else 0


def lesson_rows_due(response) -> dict[str, int]:
    """A course page's lessons: {title: the "N due for review" of its row}."""
    rows = re.findall(
        r'<h2 class="lesson-title"><a [^>]*>([^<]+)</a></h2>(.*?)</li>',
        response.content.decode(),
        re.S,
    )
    due = {}
    for title, body in rows:
        found = re.search(r"(\d+) due for review", body)
        due[title] = int(found[1]) if found else 0
    return due


def progress_rows_due(response) -> dict[str, int]:
    """The progress page's Due column: {lesson title: count}."""
    rows = re.findall(
        r'<th scope="row"><a [^>]*>([^<]+)</a></th>.*?<td data-label="Due">(\d+)</td>',
        response.content.decode(),
        re.S,
    )
    return {title: int(count) for title, count in rows}


def progress_due(response) -> int:
    found = re.search(r"(\d+) questions? due for review", text_of(response))
    return int(found[1]) if found else 0


def review_page_due(response) -> int:
    """The review page's "N questions due now" (0 on the all-caught-up page)."""
    found = re.search(r"(\d+) questions? due now", text_of(response))
    return int(found[1]) if found else 0


def card_for(learner, question, *, due, **fields) -> ReviewCard:
    return ReviewCard.objects.create(learner=learner, question=question, due=due, **fields)


# ------------------------------------------------------------------ due


@pytest.fixture
def due_world(student, now):
    """Sam's cards: in the open course, one due an hour ago, one due exactly
    now and one due tomorrow in the first lesson, one due in the second;
    out of reach, due cards of an unpublished question, an unpublished
    lesson and a course taken back to draft. Three are due."""
    course = CourseFactory(title="Open course", slug="open-course")
    first = LessonFactory(course=course, title="First open lesson", position=1)
    second = LessonFactory(course=course, title="Second open lesson", position=2)
    hidden = LessonFactory(course=course, title="Hidden lesson", position=3, published=False)
    draft = CourseFactory(title="Draft course", slug="draft-course", status=Course.Status.DRAFT)
    drafted = LessonFactory(course=draft, title="Lesson of a draft course")
    card_for(student, QuestionFactory(lesson=first), due=now - timedelta(hours=1))
    card_for(student, QuestionFactory(lesson=first), due=now)
    card_for(student, QuestionFactory(lesson=first), due=now + timedelta(days=1))
    card_for(student, QuestionFactory(lesson=second), due=now - timedelta(minutes=5))
    withdrawn = QuestionFactory(lesson=second, status=Question.Status.DRAFT)
    card_for(student, withdrawn, due=now - timedelta(days=1))
    card_for(student, QuestionFactory(lesson=hidden), due=now - timedelta(days=1))
    card_for(student, QuestionFactory(lesson=drafted), due=now - timedelta(days=1))
    return course, {"First open lesson": 2, "Second open lesson": 1}


def test_every_page_counts_the_same_questions_due(student_client, student, due_world, now):
    course, by_lesson = due_world
    want = sum(by_lesson.values())
    assert want == 3
    assert selectors.review_due_count(learner=student, now=now) == want

    home = student_client.get(reverse("lessons:home"))
    assert (nav_due(home), home_due(home)) == (want, want)

    course_page = student_client.get(reverse("lessons:course_detail", args=[course.slug]))
    assert nav_due(course_page) == want
    assert lesson_rows_due(course_page) == by_lesson  # the hidden lesson is not listed

    progress = student_client.get(reverse("lessons:progress"))
    assert (nav_due(progress), progress_due(progress)) == (want, want)
    rows = progress_rows_due(progress)
    assert {title: rows[title] for title in by_lesson} == by_lesson
    assert sum(rows.values()) == want
    in_course = student_client.get(reverse("lessons:progress"), {"course": course.slug})
    assert (nav_due(in_course), progress_due(in_course)) == (want, want)

    review = student_client.get(reverse("lessons:review"))
    assert (nav_due(review), review_page_due(review)) == (want, want)
    in_course = student_client.get(reverse("lessons:review"), {"course": course.slug})
    assert (nav_due(in_course), review_page_due(in_course)) == (want, want)

    # A page that reads nothing of the learner's counts the same in its badge.
    assert nav_due(student_client.get(reverse("lessons:cohort_join"))) == want


def test_a_lessons_cards_wait_on_every_page_while_its_quiz_is_under_way(
    student_client, student, due_world, now
):
    """Reviewing a question of a lesson whose quiz is under way would show
    answers the quiz still asks: its two due cards wait, on every page, until
    the attempt ends, and the review serves the other lesson's card."""
    course, by_lesson = due_world
    first = Lesson.objects.get(title="First open lesson")
    attempt = Attempt.objects.create(
        learner=student,
        lesson=first,
        question_ids=list(first.questions.values_list("pk", flat=True)),
    )
    want = by_lesson["Second open lesson"]
    assert selectors.review_due_count(learner=student, now=now) == want == 1

    home = student_client.get(reverse("lessons:home"))
    assert (nav_due(home), home_due(home)) == (want, want)
    course_page = student_client.get(reverse("lessons:course_detail", args=[course.slug]))
    assert lesson_rows_due(course_page) == {"First open lesson": 0, "Second open lesson": 1}
    progress = student_client.get(reverse("lessons:progress"))
    assert progress_due(progress) == want
    assert progress_rows_due(progress)["First open lesson"] == 0
    review = student_client.get(reverse("lessons:review"))
    assert (nav_due(review), review_page_due(review)) == (want, want)
    assert review.context["question"].lesson_id != first.pk

    attempt.finished_at = now
    attempt.save(update_fields=["finished_at"])
    assert selectors.review_due_count(learner=student, now=now) == 3
    assert nav_due(student_client.get(reverse("lessons:home"))) == 3


def test_a_card_falls_due_on_every_page_at_the_same_instant(
    student_client, student, due_world, now, monkeypatch
):
    """The card due tomorrow, a second before and at its due time."""
    course, _ = due_world
    tomorrow = now + timedelta(days=1)
    for moment, want in ((tomorrow - timedelta(seconds=1), 3), (tomorrow, 4)):
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        home = student_client.get(reverse("lessons:home"))
        course_page = student_client.get(reverse("lessons:course_detail", args=[course.slug]))
        progress = student_client.get(reverse("lessons:progress"))
        review = student_client.get(reverse("lessons:review"))
        assert {
            "nav": nav_due(home),
            "home": home_due(home),
            "course page": sum(lesson_rows_due(course_page).values()),
            "progress": progress_due(progress),
            "review": review_page_due(review),
        } == dict.fromkeys(("nav", "home", "course page", "progress", "review"), want), moment


# ------------------------------------------------------------------ mastered


def progress_cells(response, title: str) -> dict[str, str]:
    row = re.search(
        rf'<th scope="row"><a [^>]*>{title}</a></th>(.*?)</tr>', response.content.decode(), re.S
    )
    cells = re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row[1], re.S)
    return {label: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for label, text in cells}


def test_a_question_due_again_is_not_mastered(student_client, student, now, monkeypatch):
    """Three right answers in a quiz: mastered until each question falls due
    for review, and from that instant due and not mastered, on every page."""
    course = CourseFactory(title="Mastery course", slug="mastery-course")
    lesson = LessonFactory(course=course, title="Three questions")
    for _ in range(3):
        QuestionFactory(lesson=lesson)
    take_quiz(student, lesson, [True] * 3, seconds=15)  # "Good": back in a learning step
    cards = ReviewCard.objects.filter(learner=student)
    assert all(card.recall_until <= card.due for card in cards)
    falls_due = max(card.due for card in cards)
    assert falls_due < now + timedelta(days=1)  # a learning step, not days away

    def pages_at(moment) -> dict:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        home = text_of(student_client.get(reverse("lessons:home")))
        course_url = reverse("lessons:course_detail", args=[course.slug])
        course_page = text_of(student_client.get(course_url))
        progress = progress_cells(student_client.get(reverse("lessons:progress")), lesson.title)
        review = student_client.get(reverse("lessons:review"))
        return {
            "home mastered": int(re.search(r"Mastery course .*? (\d+) mastered", home)[1]),
            "course page mastery": re.search(r"Mastery (\d+%)", course_page)[1],
            "progress mastery": progress["Mastery"].split()[-1],
            "progress due": int(progress["Due"]),
            "review due": review_page_due(review),
        }

    before = pages_at(falls_due - timedelta(seconds=1))
    assert (before["home mastered"], before["course page mastery"]) == (1, "100%")
    assert before["progress mastery"] == "100%" and before["review due"] == before["progress due"]
    assert pages_at(falls_due) == {
        "home mastered": 0,
        "course page mastery": "0%",
        "progress mastery": "0%",
        "progress due": 3,
        "review due": 3,
    }


# ------------------------------------------------------------------ started


@pytest.fixture
def started_world(student_client, student, now):
    """Four lessons of one course: a quiz begun and nothing answered, a quiz
    with one wrong answer so far, a lesson whose only answer was given in
    the review queue (its question moved there from another course's lesson,
    where Sam met it), and one Sam never touched. Three are started."""
    course = CourseFactory(title="Started course", slug="started-course")
    begun, answered, reviewed, untouched = (
        LessonFactory(course=course, title=title, position=position)
        for position, title in enumerate(
            ("Begun lesson", "Answered lesson", "Reviewed lesson", "Untouched lesson")
        )
    )
    for lesson in (begun, answered, untouched):
        QuestionFactory(lesson=lesson)
        QuestionFactory(lesson=lesson)
    services.attempt_start(learner=student, lesson=begun)
    attempt, _ = services.attempt_start(
        learner=student, lesson=QuestionFactory(lesson=answered).lesson
    )
    wrong = Question.objects.get(pk=attempt.question_ids[0]).choices.get(position=1)
    services.response_record(
        learner=student,
        attempt_id=attempt.pk,
        question_id=attempt.question_ids[0],
        choice_values=[str(wrong.pk)],
        time_taken=timedelta(seconds=12),
    )
    elsewhere = LessonFactory(source=reviewed.source, course=CourseFactory(title="Elsewhere"))
    moved = QuestionFactory(lesson=elsewhere)
    take_quiz(student, elsewhere, [True])
    services.questions_move(questions=[moved], lesson=reviewed)
    # Due again since an hour ago (its recall ended then too).
    back = now - timedelta(hours=1)
    ReviewCard.objects.filter(learner=student, question=moved).update(due=back, recall_until=back)
    # The review answer (wrong: nothing recalled, no quiz score) through the page.
    card = ReviewCard.objects.get(learner=student, question=moved)
    wrong = moved.choices.get(is_correct=False, position=1)
    student_client.post(
        reverse("lessons:review_answer", args=[moved.pk]),
        {"choice": wrong.pk, "card_review_number": card.reviews},
    )
    assert Review.objects.filter(learner=student, question=moved, is_correct=False).exists()
    assert not Attempt.objects.filter(learner=student, lesson=reviewed).exists()
    return course, ["Begun lesson", "Answered lesson", "Reviewed lesson"]


def test_a_lesson_is_started_by_any_attempt_or_answer_on_every_page(
    student_client, student, started_world
):
    course, started = started_world

    home = text_of(student_client.get(reverse("lessons:home")))
    assert re.search(r"Started course 4 lessons · 3 of 4 lessons started", home)
    course_page = student_client.get(reverse("lessons:course_detail", args=[course.slug]))
    assert 'aria-label="Continue: Begun lesson"' in course_page.content.decode()
    progress = text_of(student_client.get(reverse("lessons:progress")))
    assert re.search(r"Started course .{0,40}3 of 4 lessons started", progress)
    assert selectors.review_meanwhile(learner=student).not_started.title == "Untouched lesson"
    review = text_of(student_client.get(reverse("lessons:review"), {"course": course.slug}))
    assert "Take a lesson you have not started: Untouched lesson" in review
    # A started lesson is never offered as new; the latest quiz under way is
    # offered as the quiz to finish.
    assert "Finish the quiz you started: Answered lesson" in review
    rest = review.replace("Finish the quiz you started: Answered lesson", "")
    assert [title for title in started if title in rest] == []


def test_one_rule_says_which_lessons_are_started(student, started_world):
    course, started = started_world
    rows = selectors.progress_for_learner(learner=student, now=timezone.now(), course=course)
    assert [row.lesson.title for row in rows if row.is_started] == started
    assert set(selectors.lessons_started(learner=student).filter(course=course)) == {
        row.lesson for row in rows if row.is_started
    }
