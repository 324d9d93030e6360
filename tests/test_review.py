"""The review queue: due questions across lessons, until nothing is due."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Question, Review, ReviewCard
from tests.factories import LessonFactory, QuestionFactory, UserFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def due_cards(student):
    """Two questions from two lessons, due now; one more due tomorrow."""
    now = timezone.now()
    cards = []
    for offset in (timedelta(hours=-2), timedelta(hours=-1), timedelta(days=1)):
        question = QuestionFactory(lesson=LessonFactory())
        cards.append(
            ReviewCard.objects.create(
                learner=student,
                question=question,
                due=now + offset,
                reviews=1,
                stability=2.0,
                difficulty=5.0,
                last_review=now - timedelta(days=2),
                state=2,
            )
        )
    return cards


def right(card):
    return str(card.question.choices.get(is_correct=True).pk)


def review_answer(client, card, *, htmx=False, number=None, **data):
    data.setdefault("card_review_number", card.reviews if number is None else number)
    url = reverse("lessons:review_answer", args=[card.question_id])
    return client.post(url, data, headers=HTMX if htmx else {})


def test_the_queue_serves_the_card_due_first_and_counts_what_is_due(student_client, due_cards):
    page = student_client.get(reverse("lessons:review")).content.decode()
    assert due_cards[0].question.prompt in page
    assert "2 questions due now" in page


def test_answering_reschedules_the_card_and_the_queue_moves_on(student_client, due_cards):
    first = due_cards[0]
    response = review_answer(student_client, first, htmx=True, choice=right(first))
    assert response.status_code == 200
    assert "Correct" in response.content.decode()
    assert "1 more due now" in response.content.decode()  # left after this one
    first.refresh_from_db()
    assert first.due > timezone.now() + timedelta(hours=12)
    assert first.reviews == 2
    page = student_client.get(reverse("lessons:review")).content.decode()
    assert due_cards[1].question.prompt in page
    assert "1 question due now" in page


def test_when_nothing_is_due_the_queue_says_when_the_next_one_is(student_client, due_cards):
    for card in due_cards[:2]:
        last = review_answer(student_client, card, htmx=True, choice=right(card))
    # The last feedback says nothing is left, not "0 questions due now".
    assert "nothing more due now" in last.content.decode()
    page = student_client.get(reverse("lessons:review")).content.decode()
    assert "All caught up" in page
    assert "The next question comes back" in page


def test_a_replayed_review_changes_nothing(student_client, due_cards):
    first = due_cards[0]
    review_answer(student_client, first, choice=right(first))
    wrong = str(first.question.choices.filter(is_correct=False).first().pk)
    replay = review_answer(student_client, first, htmx=True, number=1, choice=wrong)
    assert replay.status_code == 200
    assert "Correct" in replay.content.decode()  # the first answer stands
    assert Review.objects.count() == 1
    first.refresh_from_db()
    assert first.reviews == 2


def test_without_javascript_review_feedback_follows_a_redirect(student_client, due_cards):
    first = due_cards[0]
    response = review_answer(student_client, first, choice=right(first))
    assert response.status_code == 302
    page = student_client.get(response["Location"]).content.decode()
    assert "Correct" in page and "Next review" in page


@pytest.mark.parametrize(
    ("data", "status"),
    [({}, 400), ({"choice": "x"}, 400), ({"card_review_number": "x"}, 400)],
)
def test_bad_review_answers_are_refused(student_client, due_cards, data, status):
    card = due_cards[0]
    response = review_answer(student_client, card, **data)
    assert response.status_code == status
    assert not Review.objects.exists()


def test_nobody_reviews_a_card_that_is_not_theirs(client, due_cards):
    client.force_login(UserFactory())
    card = due_cards[0]
    response = review_answer(client, card, choice=right(card))
    assert response.status_code == 404
    assert not Review.objects.exists()


def test_progress_shows_mastery_and_what_is_due(student_client, student, due_cards):
    page = student_client.get(reverse("lessons:progress")).content.decode()
    assert "2 questions due for review" in page
    lesson = due_cards[2].question.lesson
    assert lesson.title in page


def test_a_finished_quiz_appears_in_progress_with_scores(student_client, student):
    lesson = LessonFactory(title="Muscle types")
    question = QuestionFactory(lesson=lesson)
    student_client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    attempt = student.attempts.get()
    student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        {"choice": question.choices.get(is_correct=True).pk},
    )
    page = student_client.get(reverse("lessons:progress")).content.decode()
    assert "Muscle types" in page and "100%" in page
    assert '<svg class="chart"' in page
    home = student_client.get(reverse("lessons:home")).content.decode()
    assert "1 mastered" in home
    course = student_client.get(reverse("lessons:course_detail", args=[lesson.course.slug]))
    assert "Mastery 100%" in course.content.decode()


def test_unpublished_questions_leave_the_queue(student_client, due_cards):
    Question.objects.filter(pk=due_cards[0].question_id).update(status=Question.Status.DRAFT)
    page = student_client.get(reverse("lessons:review")).content.decode()
    assert due_cards[0].question.prompt not in page
    assert "1 question due now" in page


def only_the_card(html: str) -> None:
    assert html.lstrip().startswith('<section id="question-card"')
    assert html.count('id="question-card"') == 1
    assert "<html" not in html and "site-nav" not in html


@pytest.mark.parametrize("debug", [True, False])
def test_a_refused_htmx_review_answer_is_a_400_card_aimed_at_the_question(
    student_client, due_cards, settings, debug
):
    settings.DEBUG = debug
    card = due_cards[0]
    empty = review_answer(student_client, card, htmx=True)
    assert empty.status_code == 400
    only_the_card(empty.content.decode())
    assert (empty["HX-Retarget"], empty["HX-Reswap"]) == ("#question-card", "outerHTML")
    assert "Choose an answer before checking." in empty.content.decode()

    choices = [str(c.pk) for c in card.question.choices.all()[:2]]
    two = review_answer(student_client, card, htmx=True, choice=choices)
    assert two.status_code == 400
    only_the_card(two.content.decode())
    for choice_id in choices:
        assert f'value="{choice_id}" checked' in two.content.decode()

    incomplete = review_answer(student_client, card, htmx=True, number="x")
    assert incomplete.status_code == 400
    only_the_card(incomplete.content.decode())
    assert incomplete["HX-Retarget"] == "#question-card"
    assert not Review.objects.exists()


def test_a_replayed_htmx_review_says_the_first_answer_counts(student_client, due_cards):
    first = due_cards[0]
    answered = review_answer(student_client, first, htmx=True, choice=right(first))
    note = "You already answered this; your first answer counts."
    assert note not in answered.content.decode().replace("&#x27;", "'")
    wrong = str(first.question.choices.filter(is_correct=False).first().pk)
    replay = review_answer(student_client, first, htmx=True, number=1, choice=wrong)
    html = replay.content.decode().replace("&#x27;", "'")
    assert "Correct" in html and note in html
    assert Review.objects.count() == 1
