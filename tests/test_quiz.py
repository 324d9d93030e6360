"""Taking a quiz through the views, with and without HTMX."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from lessons.models import Attempt, Choice, Question, Response, ReviewCard
from tests.factories import LessonFactory, QuestionFactory, UserFactory, admin_question_form

HTMX = {"HX-Request": "true"}


@pytest.fixture
def lesson(db):
    lesson = LessonFactory(title="Smooth muscle")
    for position in range(3):
        QuestionFactory(lesson=lesson, position=position)
    QuestionFactory(lesson=lesson, status=Question.Status.DRAFT)  # never asked
    return lesson


def start(client, lesson) -> Attempt:
    response = client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    assert response.status_code == 302
    return Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"])[1]))


def right_choice(question_id):
    return str(Question.objects.get(pk=question_id).choices.get(is_correct=True).pk)


def wrong_choice(question_id):
    return str(Question.objects.get(pk=question_id).choices.filter(is_correct=False).first().pk)


def answer(client, attempt, question_id, *, htmx=False, **data):
    url = reverse("lessons:quiz_answer", args=[attempt.pk, question_id])
    return client.post(url, data, headers=HTMX if htmx else {})


def test_start_asks_the_published_questions_and_resumes_the_unfinished_attempt(
    student_client, lesson
):
    attempt = start(student_client, lesson)
    # All of them, in the attempt's own order (sequencing.attempt_order).
    assert sorted(attempt.question_ids) == list(
        lesson.questions.published().order_by("pk").values_list("pk", flat=True)
    )
    answer(
        student_client,
        attempt,
        attempt.question_ids[0],
        choice=right_choice(attempt.question_ids[0]),
    )
    again = start(student_client, lesson)
    assert again.pk == attempt.pk
    page = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk]))
    assert "Question 2 of 3" in page.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, lesson):
    response = client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_choices_are_shuffled_once_per_attempt_and_keep_their_order(student_client, lesson):
    attempt = start(student_client, lesson)
    url = reverse("lessons:attempt_detail", args=[attempt.pk])

    def order():
        return re.findall(r'name="choice" value="(\d+)"', student_client.get(url).content.decode())

    first = order()
    assert len(first) == 3
    assert all(order() == first for _ in range(3))
    seeds = {tuple(attempt.choice_order(attempt.question_ids[0], [1, 2, 3, 4, 5]))}
    for seed in range(1, 30):
        attempt.seed = seed
        seeds.add(tuple(attempt.choice_order(attempt.question_ids[0], [1, 2, 3, 4, 5])))
    assert len(seeds) > 1  # other attempts get other orders


def test_htmx_answer_returns_feedback_and_an_out_of_band_progress_bar(student_client, lesson):
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    Question.objects.filter(pk=qid).update(highlight="involuntary")
    # The questions ahead ask something this feedback does not say, and not
    # about its sentence, so that nothing in it is hidden (see test_masking
    # for what is).
    Choice.objects.filter(question__lesson=lesson, is_correct=True).exclude(question=qid).update(
        text="Cardiac"
    )
    Question.objects.filter(lesson=lesson).exclude(pk=qid).update(provenance=None)
    cache.clear()
    response = answer(student_client, attempt, qid, htmx=True, choice=wrong_choice(qid))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not a page
    assert 'id="question-card"' in html
    assert "Not quite" in html
    assert "Your answer" in html and "Right answer" in html
    assert Question.objects.get(pk=qid).explanation in html
    # The source sentence is quoted with the words the question tests marked.
    assert "<blockquote>Smooth muscles are <mark>involuntary</mark> muscles.</blockquote>" in html
    assert 'id="quiz-progress" class="quiz-progress" hx-swap-oob="true"' in html
    assert 'value="1"' in html  # one answered
    assert 'role="status"' in html and "Not quite." in html  # announced
    stored = Response.objects.get(attempt=attempt, question_id=qid)
    assert stored.is_correct is False


def test_without_javascript_the_answer_redirects_to_the_same_feedback(student_client, lesson):
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    response = answer(student_client, attempt, qid, choice=right_choice(qid))
    assert response.status_code == 302
    assert response["Location"] == reverse("lessons:attempt_question", args=[attempt.pk, qid])
    page = student_client.get(response["Location"]).content.decode()
    assert "Correct" in page and "Next question" in page
    assert "<html" in page


def test_a_second_answer_changes_nothing_and_shows_the_first(student_client, lesson):
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    answer(student_client, attempt, qid, htmx=True, choice=wrong_choice(qid))
    replay = answer(student_client, attempt, qid, htmx=True, choice=right_choice(qid))
    assert replay.status_code == 200
    assert "Not quite" in replay.content.decode()
    assert Response.objects.filter(attempt=attempt).count() == 1
    attempt.refresh_from_db()
    assert (attempt.answered_count, attempt.correct_count) == (1, 0)
    empty_replay = answer(student_client, attempt, qid)  # back button with nothing chosen
    assert empty_replay.status_code == 302
    assert Response.objects.filter(attempt=attempt).count() == 1


def test_the_last_answer_finishes_the_attempt_with_its_score(student_client, lesson):
    attempt = start(student_client, lesson)
    first, second, third = attempt.question_ids
    answer(student_client, attempt, first, choice=right_choice(first))
    answer(student_client, attempt, second, choice=wrong_choice(second))
    last = answer(student_client, attempt, third, htmx=True, choice=right_choice(third))
    assert "See your results" in last.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert attempt.score == pytest.approx(2 / 3)
    results = student_client.get(
        reverse("lessons:attempt_results", args=[attempt.pk])
    ).content.decode()
    assert "67%" in results and "2 of 3 right" in results
    assert "Retry the 1 question I missed" in results
    assert results.count('class="card result ') == 3


def test_retry_the_missed_questions_starts_a_short_attempt(student_client, lesson):
    attempt = start(student_client, lesson)
    for qid in attempt.question_ids:
        chosen = wrong_choice(qid) if qid == attempt.question_ids[1] else right_choice(qid)
        answer(student_client, attempt, qid, choice=chosen)
    response = student_client.post(reverse("lessons:attempt_retry", args=[attempt.pk]))
    retry = Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"])[1]))
    assert retry.is_retry and retry.question_ids == [attempt.question_ids[1]]
    page = student_client.get(response["Location"]).content.decode()
    assert "Question 1 of 1" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an answer before checking."),
        ({"choice": "abc"}, "That is not one of this question"),
        ({"choice": "999999"}, "That is not one of this question"),
    ],
)
def test_bad_answers_get_a_400_with_a_message_and_change_nothing(
    student_client, lesson, data, message
):
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    for htmx in (True, False):
        response = answer(student_client, attempt, qid, htmx=htmx, **data)
        assert response.status_code == 400
        assert message in response.content.decode().replace("&#x27;", "'")
    assert not Response.objects.exists()


def test_a_choice_of_another_question_is_refused(student_client, lesson):
    attempt = start(student_client, lesson)
    first, second = attempt.question_ids[:2]
    response = answer(student_client, attempt, first, choice=right_choice(second))
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_an_oversize_text_answer_is_refused(student_client, db):
    lesson = LessonFactory()
    QuestionFactory(
        lesson=lesson, kind=Question.Kind.FILL_BLANK, prompt="Smooth muscle is ____ muscle."
    )
    attempt = start(student_client, lesson)
    response = answer(student_client, attempt, attempt.question_ids[0], answer="x" * 501)
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    ok = answer(student_client, attempt, attempt.question_ids[0], htmx=True, answer="Involuntary!")
    assert "Correct" in ok.content.decode()


def test_a_typed_answer_with_one_slip_is_marked_correct_with_the_spelling(student_client, db):
    lesson = LessonFactory()
    QuestionFactory(
        lesson=lesson, kind=Question.Kind.FILL_BLANK, prompt="Smooth muscle is ____ muscle."
    )
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    page = answer(student_client, attempt, qid, htmx=True, answer="involantary").content.decode()
    assert "Correct" in page
    assert "Accepted — check the spelling: <strong>involuntary</strong>" in page
    assert Response.objects.get(attempt=attempt, question_id=qid).is_correct
    # A replay is graded again from the stored answer and shows the same note.
    again = answer(student_client, attempt, qid, htmx=True, answer="something else")
    assert "check the spelling: <strong>involuntary</strong>" in again.content.decode()


def test_a_replay_keeps_the_verdict_the_answer_was_stored_with(student_client, db):
    lesson = LessonFactory()
    QuestionFactory(
        lesson=lesson, kind=Question.Kind.FILL_BLANK, prompt="Smooth muscle is ____ muscle."
    )
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    answer(student_client, attempt, qid, answer="involantary")
    # As if marked wrong under the rules before a slip was accepted.
    Response.objects.filter(attempt=attempt, question_id=qid).update(is_correct=False)
    again = answer(student_client, attempt, qid, htmx=True, answer="involantary").content.decode()
    assert "Not quite" in again
    assert "check the spelling" not in again


def test_answers_to_a_finished_attempt_are_refused(student_client, lesson):
    attempt = start(student_client, lesson)
    for qid in attempt.question_ids:
        answer(student_client, attempt, qid, choice=right_choice(qid))
    Response.objects.filter(question_id=attempt.question_ids[0]).delete()  # as if unanswered
    response = answer(
        student_client,
        attempt,
        attempt.question_ids[0],
        choice=right_choice(attempt.question_ids[0]),
    )
    assert response.status_code == 409
    assert "already finished" in response.content.decode()


def test_nobody_answers_or_sees_someone_elses_attempt(client, lesson):
    owner, other = UserFactory(), UserFactory()
    client.force_login(owner)
    attempt = start(client, lesson)
    client.force_login(other)
    qid = attempt.question_ids[0]
    assert answer(client, attempt, qid, choice=right_choice(qid)).status_code == 404
    assert client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("lessons:attempt_results", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("lessons:attempt_retry", args=[attempt.pk])).status_code == 404
    assert not Response.objects.exists()


def test_a_question_outside_the_attempt_is_404(student_client, lesson):
    attempt = start(student_client, lesson)
    draft = lesson.questions.get(status=Question.Status.DRAFT)
    response = answer(student_client, attempt, draft.pk, choice=right_choice(draft.pk))
    assert response.status_code == 404
    assert "not part of this attempt" in response.content.decode()


def test_by_htmx_too_a_question_outside_the_attempt_or_another_learners_attempt_is_404(
    client, lesson
):
    owner = UserFactory()
    client.force_login(owner)
    attempt = start(client, lesson)
    draft = lesson.questions.get(status=Question.Status.DRAFT)
    outside = answer(client, attempt, draft.pk, htmx=True, choice=right_choice(draft.pk))
    assert outside.status_code == 404
    assert "not part of this attempt" in outside.content.decode()
    client.force_login(UserFactory())
    qid = attempt.question_ids[0]
    assert answer(client, attempt, qid, htmx=True, choice=right_choice(qid)).status_code == 404
    assert not Response.objects.exists()


def test_every_answer_updates_the_learners_review_card(student_client, lesson, student):
    attempt = start(student_client, lesson)
    first, second = attempt.question_ids[:2]
    answer(student_client, attempt, first, choice=wrong_choice(first))
    answer(student_client, attempt, second, choice=right_choice(second))
    wrong = ReviewCard.objects.get(learner=student, question_id=first)
    right = ReviewCard.objects.get(learner=student, question_id=second)
    assert not wrong.last_correct and right.last_correct
    assert wrong.reviews == right.reviews == 1
    assert wrong.due < right.due  # a miss comes back sooner


def grow_lesson(size: int):
    lesson = LessonFactory()
    for position in range(size):
        QuestionFactory(lesson=lesson, position=position)
    return lesson


@pytest.mark.parametrize("size", [3, 40])
def test_question_page_and_answer_stay_within_a_fixed_query_budget(
    student_client, student, size, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    lesson = grow_lesson(size)
    # Some history: earlier finished attempts make no difference. Committed, as
    # they would be, so this process remembers the questions' versions.
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            attempt = start(student_client, lesson)
            for qid in attempt.question_ids:
                answer(student_client, attempt, qid, choice=right_choice(qid))
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    choice = right_choice(qid)
    with django_assert_max_num_queries(6):
        assert (
            student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).status_code
            == 200
        )
    # The user; then in the answer's transaction (a savepoint under the test's):
    # the attempt, read once and locked, with its lesson; the stored answer,
    # if any; the response and its chosen options; the attempt's new counts;
    # the lesson score; the review card read and written. The question comes
    # from the cache, and its version from this process's memory (one read
    # more in a process that has not met it). The same count for any lesson
    # size or history.
    with django_assert_max_num_queries(11):
        assert answer(student_client, attempt, qid, htmx=True, choice=choice).status_code == 200
    # A replay stops at the stored answer: the user, the locked attempt, the answer.
    with django_assert_max_num_queries(5):
        replay = answer(student_client, attempt, qid, htmx=True, choice=choice)
        assert replay.status_code == 200 and "Correct" in replay.content.decode()
    # One more than the rows, chart and courses: the cohorts the learner is in.
    with django_assert_max_num_queries(6):
        assert student_client.get(reverse("lessons:progress")).status_code == 200
    with django_assert_max_num_queries(4):
        assert student_client.get(reverse("lessons:home")).status_code == 200
    # Nothing due: the queue's two reads, then what to do meanwhile (three more:
    # a lesson not started, the weakest, and a quiz left unfinished).
    with django_assert_max_num_queries(6):
        assert student_client.get(reverse("lessons:review")).status_code == 200
    finished = Attempt.objects.filter(finished_at__isnull=False).first()
    # The session's user, the attempt, its responses, its questions with their
    # choices and accepted answers, the lesson's standing (LessonScore), the
    # next lesson, and the navigation's due count.
    with django_assert_max_num_queries(9):
        assert (
            student_client.get(reverse("lessons:attempt_results", args=[finished.pk])).status_code
            == 200
        )


def test_an_educators_edit_reaches_the_next_question_page_at_once(
    student_client, lesson, educator, client
):
    attempt = start(student_client, lesson)
    url = reverse("lessons:attempt_detail", args=[attempt.pk])
    question = Question.objects.get(pk=attempt.question_ids[0])
    assert question.prompt in student_client.get(url).content.decode()  # now cached

    editor = type(client)()
    editor.force_login(educator)
    form = admin_question_form(question, prompt="Which muscle works without conscious control?")
    saved = editor.post(reverse("admin:lessons_question_change", args=[question.pk]), form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert (
        "Which muscle works without conscious control?" in student_client.get(url).content.decode()
    )


SHOWN = re.compile(r'name="shown" value="([^"]*)"')


def shown_on(page) -> str:
    return SHOWN.search(page.content.decode())[1]


def test_the_timer_runs_from_the_first_showing_and_a_reload_does_not_restart_it(
    student_client, lesson, monkeypatch
):
    now = [1_800_000_000.0]
    monkeypatch.setattr("time.time", lambda: now[0])
    attempt = start(student_client, lesson)
    first = attempt.question_ids[0]
    student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk]))
    now[0] += 290
    reloaded = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk]))
    now[0] += 10
    answer(student_client, attempt, first, choice=right_choice(first), shown=shown_on(reloaded))
    taken = Response.objects.get(attempt=attempt, question_id=first).time_taken
    assert taken.total_seconds() == 300  # from the first showing, not the reload


def test_a_timer_token_from_another_question_or_a_forged_one_records_no_time(
    student_client, lesson
):
    attempt = start(student_client, lesson)
    first, second, third = attempt.question_ids
    page = student_client.get(reverse("lessons:attempt_question", args=[attempt.pk, first]))
    answer(student_client, attempt, second, choice=right_choice(second), shown=shown_on(page))
    answer(student_client, attempt, third, choice=right_choice(third), shown="1.0:forged:sig")
    taken = dict(Response.objects.filter(attempt=attempt).values_list("question_id", "time_taken"))
    assert taken[second] is None
    assert taken[third] is None
    answer(student_client, attempt, first, choice=right_choice(first), shown=shown_on(page))
    assert Response.objects.get(attempt=attempt, question_id=first).time_taken is not None


def test_a_timer_token_is_bound_to_its_learner(client, lesson):
    from lessons import timing

    token = timing.shown_token(learner_id=1, question_id=7, occasion=timing.attempt_occasion(3))
    bound = {"question_id": 7, "occasion": timing.attempt_occasion(3)}
    assert timing.time_taken_from(token, learner_id=1, **bound) is not None
    assert timing.time_taken_from(token, learner_id=2, **bound) is None


def withdraw(question_id, *, delete):
    from lessons import services

    question = Question.objects.get(pk=question_id)
    if delete:
        question.delete()
        services.lesson_content_changed(lesson_id=question.lesson_id)
    else:
        services.questions_unpublish(questions=[question])


@pytest.mark.parametrize("delete", [True, False], ids=["deleted", "unpublished"])
def test_an_attempt_goes_on_without_a_question_withdrawn_midway_and_scores_what_remains(
    student_client, lesson, delete
):
    attempt = start(student_client, lesson)
    first, second, third = attempt.question_ids
    answer(student_client, attempt, first, choice=right_choice(first))
    withdraw(second, delete=delete)

    page = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk]), follow=True)
    assert page.status_code == 200
    assert "withdrawn by its educator" in page.content.decode()
    assert "Question 2 of 2" in page.content.decode()
    # Start quiz resumes the same attempt instead of sending the learner round in a loop.
    assert start(student_client, lesson).pk == attempt.pk

    answer(student_client, attempt, third, choice=wrong_choice(third))
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert attempt.question_ids == [first, third]
    assert attempt.score == 0.5
    results = student_client.get(reverse("lessons:attempt_results", args=[attempt.pk]))
    assert results.status_code == 200


def test_answering_a_withdrawn_question_by_htmx_sends_the_page_on_to_the_next(
    student_client, lesson
):
    attempt = start(student_client, lesson)
    first = attempt.question_ids[0]
    withdraw(first, delete=True)
    reply = answer(student_client, attempt, first, htmx=True, choice="1")
    assert reply.status_code == 200
    assert reply["HX-Redirect"] == reverse("lessons:attempt_detail", args=[attempt.pk])
    # The attempt no longer holds it: its old address says so plainly.
    question_page = student_client.get(
        reverse("lessons:attempt_question", args=[attempt.pk, first])
    )
    assert question_page.status_code == 404
    assert "not part of this attempt" in question_page.content.decode()


def test_withdrawing_the_last_unanswered_question_finishes_the_attempt(student_client, lesson):
    attempt = start(student_client, lesson)
    first, second, third = attempt.question_ids
    answer(student_client, attempt, first, choice=right_choice(first))
    answer(student_client, attempt, second, choice=wrong_choice(second))
    withdraw(third, delete=True)
    page = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk]), follow=True)
    assert page.status_code == 200
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.score == 0.5
    assert page.redirect_chain[-1][0] == reverse("lessons:attempt_results", args=[attempt.pk])


def test_an_attempt_whose_every_question_was_withdrawn_unanswered_is_gone(student_client, lesson):
    attempt = start(student_client, lesson)
    for question_id in attempt.question_ids:
        withdraw(question_id, delete=False)
    page = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk]), follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == lesson.get_absolute_url()
    assert not Attempt.objects.filter(pk=attempt.pk).exists()


# Issue 14: a question answered once, shown again, says the first answer counts;
# a refused answer replaces only the question card, in every DEBUG mode.
ALREADY_ANSWERED = "You already answered this; your first answer counts."
CHECK_BUTTON = '<button type="submit" class="button">Check</button>'


def test_a_second_htmx_answer_shows_the_first_feedback_with_the_note(student_client, lesson):
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    first = answer(student_client, attempt, qid, htmx=True, choice=wrong_choice(qid))
    assert ALREADY_ANSWERED not in first.content.decode()
    stored = Response.objects.get(attempt=attempt, question_id=qid)

    replay = answer(student_client, attempt, qid, htmx=True, choice=right_choice(qid))
    html = replay.content.decode().replace("&#x27;", "'")
    assert replay.status_code == 200
    assert "Not quite" in html and ALREADY_ANSWERED in html
    assert CHECK_BUTTON not in html
    again = Response.objects.get(attempt=attempt, question_id=qid)
    assert (again.pk, again.answer, again.is_correct) == (stored.pk, stored.answer, False)


def test_a_second_plain_answer_redirects_to_the_first_feedback_with_the_note(
    student_client, lesson
):
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    first = answer(student_client, attempt, qid, choice=wrong_choice(qid))
    fresh = student_client.get(first["Location"]).content.decode().replace("&#x27;", "'")
    assert "Not quite" in fresh and ALREADY_ANSWERED not in fresh  # just answered: no note
    stored = Response.objects.get(attempt=attempt, question_id=qid)

    # The form kept by Back, sent again with another choice: the no-JS replay.
    replay = answer(student_client, attempt, qid, choice=right_choice(qid))
    assert replay.status_code == 302
    page = student_client.get(replay["Location"]).content.decode().replace("&#x27;", "'")
    assert "Not quite" in page and ALREADY_ANSWERED in page
    assert CHECK_BUTTON not in page
    again = Response.objects.get(attempt=attempt, question_id=qid)
    assert (again.pk, again.answer, again.is_correct) == (stored.pk, stored.answer, False)


def test_an_answered_question_opened_again_shows_its_feedback_not_a_form(student_client, lesson):
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    answer(student_client, attempt, qid, htmx=True, choice=wrong_choice(qid))
    url = reverse("lessons:attempt_question", args=[attempt.pk, qid])
    for _ in range(2):  # Back, a reload, a second tab: each a GET of the question
        page = student_client.get(url)
        html = page.content.decode().replace("&#x27;", "'")
        assert page.status_code == 200
        assert "Not quite" in html and ALREADY_ANSWERED in html
        assert CHECK_BUTTON not in html and "<fieldset disabled" in html
        assert "{#" not in html  # a template comment split over lines is text, not a comment
        # Back asks the server again rather than showing a kept copy of the form.
        assert "no-store" in page["Cache-Control"]
    unanswered = student_client.get(
        reverse("lessons:attempt_question", args=[attempt.pk, attempt.question_ids[1]])
    )
    assert CHECK_BUTTON in unanswered.content.decode()
    assert ALREADY_ANSWERED not in unanswered.content.decode().replace("&#x27;", "'")
    assert (
        "no-store"
        in student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk]))["Cache-Control"]
    )


def only_the_card(html: str) -> None:
    """An error reply for HTMX: the question card alone, not a page."""
    assert html.lstrip().startswith('<section id="question-card"')
    assert html.rstrip().endswith("</section>")
    assert html.count('id="question-card"') == 1
    assert "<html" not in html and "<header" not in html and "site-nav" not in html


def aimed_at_the_card(response) -> None:
    assert response["HX-Retarget"] == "#question-card"
    assert response["HX-Reswap"] == "outerHTML"


@pytest.mark.parametrize("debug", [True, False])
def test_an_empty_htmx_answer_is_a_400_card_that_keeps_the_typed_text(
    student_client, settings, debug
):
    settings.DEBUG = debug
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson, kind=Question.Kind.FILL_BLANK, prompt="Smooth is ____.")
    attempt = start(student_client, lesson)
    response = answer(student_client, attempt, attempt.question_ids[0], htmx=True, answer="   ")
    html = response.content.decode()
    assert response.status_code == 400
    only_the_card(html)
    aimed_at_the_card(response)
    assert "Type an answer before checking." in html
    assert 'value="   "' in html  # what the learner typed is still there
    assert CHECK_BUTTON in html
    assert not Response.objects.exists()


@pytest.mark.parametrize("debug", [True, False])
def test_a_refused_htmx_choice_is_a_400_card_that_keeps_the_choices(
    student_client, lesson, settings, debug
):
    settings.DEBUG = debug
    attempt = start(student_client, lesson)
    qid = attempt.question_ids[0]
    empty = answer(student_client, attempt, qid, htmx=True)
    assert empty.status_code == 400
    only_the_card(empty.content.decode())
    aimed_at_the_card(empty)
    assert "Choose an answer before checking." in empty.content.decode()
    assert " checked" not in empty.content.decode()

    two = [right_choice(qid), wrong_choice(qid)]
    response = answer(student_client, attempt, qid, htmx=True, choice=two)
    html = response.content.decode()
    assert response.status_code == 400
    only_the_card(html)
    aimed_at_the_card(response)
    assert "Choose exactly one answer." in html
    for choice_id in two:
        assert re.search(rf'value="{choice_id}"[^>]* checked', html)
    assert not Response.objects.exists()


def test_without_htmx_a_refused_answer_is_the_whole_page_with_the_typed_text(student_client, db):
    lesson = LessonFactory()
    QuestionFactory(lesson=lesson, kind=Question.Kind.FILL_BLANK, prompt="Smooth is ____.")
    attempt = start(student_client, lesson)
    response = answer(student_client, attempt, attempt.question_ids[0], answer="x" * 501)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<html" in html and "site-nav" in html and "too long" in html
    assert f'value="{"x" * 501}"' in html
    assert "HX-Retarget" not in response


@pytest.mark.parametrize("debug", [True, False])
def test_an_htmx_answer_outside_the_attempt_is_a_404_card(student_client, lesson, settings, debug):
    settings.DEBUG = debug
    attempt = start(student_client, lesson)
    draft = lesson.questions.get(status=Question.Status.DRAFT)
    response = answer(student_client, attempt, draft.pk, htmx=True, choice=right_choice(draft.pk))
    assert response.status_code == 404
    only_the_card(response.content.decode())
    aimed_at_the_card(response)
    assert "not part of this attempt" in response.content.decode()
    other = UserFactory()
    student_client.force_login(other)
    qid = attempt.question_ids[0]
    theirs = answer(student_client, attempt, qid, htmx=True, choice=right_choice(qid))
    assert theirs.status_code == 404
    only_the_card(theirs.content.decode())
    aimed_at_the_card(theirs)
