"""The student's quiz, results, progress and review queue.

Every form posts normally and gets redirect-after-post; with HTMX the same
view returns just the swapped pieces (named partials of the page template).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url, reswap, retarget

from lessons import charts, masking, selectors, services, timing
from lessons.grading import InvalidAnswer, QuestionData, Result, Submission, parse_submission
from lessons.models import Attempt, Course, Lesson, Question, Review
from lessons.views.http import HtmxHttpRequest, SignedInRequest


def _submission_from(request: HtmxHttpRequest, question: QuestionData) -> Submission:
    return parse_submission(
        question, choice_values=request.POST.getlist("choice"), text=request.POST.get("answer")
    )


ALREADY_ANSWERED = "You already answered this; your first answer counts."
# The response a no-JavaScript answer just stored, so that the page it is
# redirected to shows it as new; any later showing says it is the first answer.
JUST_RECORDED = "quiz_response_just_recorded"


def _sent_choices(request: HtmxHttpRequest) -> set[int]:
    """The choice ids a refused form sent, to tick them again."""
    return {int(value) for value in request.POST.getlist("choice") if value.isdecimal()}


def _question_context(
    attempt: Attempt,
    question: QuestionData,
    *,
    feedback: selectors.Feedback | None = None,
    already_answered: bool = False,
    error: str = "",
    sent_choices: AbstractSet[int] = frozenset(),
    sent_text: str = "",
    answered: frozenset[int] = frozenset(),
) -> dict:
    if feedback:
        # Nothing of the answers still ahead shows in feedback (issue 14.1).
        ahead = selectors.answers_ahead(attempt, answered=answered | {question.id})
        question = masking.feedback_masked(question, ahead.terms, sentences_ahead=ahead.sentences)
    ids = [c.id for c in question.choices]
    order = ids if question.keeps_choice_order else attempt.choice_order(question.id, ids)
    by_id = {c.id: c for c in question.choices}
    response = feedback.response if feedback else None
    chosen = set(response.answer.get("choices", [])) if response else sent_choices
    return {
        "attempt": attempt,
        "question": question,
        "choices": [(by_id[i], i in chosen) for i in order],
        "typed_answer": sent_text,
        "already_answered": already_answered and response is not None,
        "already_answered_note": ALREADY_ANSWERED,
        "number": attempt.question_ids.index(question.id) + 1,
        "total": attempt.question_count,
        "answered": attempt.answered_count,
        "response": response,
        "result": feedback.result if feedback else None,
        "error": error,
        # Only a form needs the clock (and its cache read); feedback does not.
        "shown": ""
        if response
        else timing.shown_token(
            learner_id=attempt.learner_id,
            question_id=question.id,
            occasion=timing.attempt_occasion(attempt.pk),
        ),
        "answer_url": reverse("lessons:quiz_answer", args=[attempt.pk, question.id]),
        "question_url": reverse("lessons:attempt_question", args=[attempt.pk, question.id]),
        "course": attempt.lesson.course,
        "sentence_masked": masking.is_masked(question.provenance),
        "sentence_withheld": masking.is_withheld(question.provenance),
        "explanation_withheld": masking.is_withheld(question.explanation),
        # Words hidden in what is shown; what is withheld whole has its own note.
        "explanation_masked": any(
            masking.is_masked(text) and not masking.is_withheld(text)
            for text in (question.explanation, *(c.feedback for c in question.choices))
        ),
    }


def _go_on_without_withdrawn(request: HtmxHttpRequest, attempt: Attempt) -> HttpResponse:
    remaining = services.attempt_questions_withdraw(attempt=attempt)
    messages.info(request, services.QUESTION_WITHDRAWN)
    target = (
        reverse("lessons:attempt_detail", args=[remaining.pk])
        if remaining
        else attempt.lesson.get_absolute_url()
    )
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@login_required
@require_POST
def quiz_start(request: SignedInRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.published(), slug=slug)
    try:
        attempt, created = services.attempt_start(learner=request.user, lesson=lesson)
    except services.QuizError as error:
        messages.error(request, str(error))
        return redirect(lesson)
    if not created:
        messages.info(request, "Welcome back: your answers so far are kept.")
    return redirect("lessons:attempt_detail", attempt.pk)


# Question pages change once answered: no-store keeps the browser from showing
# a kept copy of the form on Back (the HTTP cache and, in most browsers, the
# back-forward cache skip no-store pages), so Back asks the server again.
@never_cache
@login_required
@require_GET
def attempt_detail(request: SignedInRequest, attempt_id: int) -> HttpResponse:
    """The attempt's next unanswered question, or its results once finished."""
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, learner=request.user)
    answered = set(attempt.responses.values_list("question_id", flat=True))
    question_id = selectors.next_unanswered(attempt, answered)
    if attempt.is_finished or question_id is None:
        return redirect("lessons:attempt_results", attempt.pk)
    question = selectors.question_for_attempt(attempt, question_id)
    # Unanswered, so an unpublished question is withdrawn too.
    if question is None or not question.is_published:
        return _go_on_without_withdrawn(request, attempt)
    return render(request, "lessons/question.html", _question_context(attempt, question))


@never_cache
@login_required
@require_GET
def attempt_question(request: SignedInRequest, attempt_id: int, question_id: int) -> HttpResponse:
    """One question of the attempt: its feedback when answered, else the form.
    Feedback shown again (Back, a reload, a second tab) says the first answer
    counts; only the redirect right after a no-JavaScript answer shows it as new."""
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, learner=request.user)
    if question_id not in attempt.question_ids:
        return render_quiz_error(request, services.NOT_IN_ATTEMPT, 404)
    asked = selectors.asked_question(attempt, question_id)
    if asked is None:
        return _go_on_without_withdrawn(request, attempt)
    if asked.feedback is None and attempt.is_finished:
        return redirect("lessons:attempt_results", attempt.pk)
    feedback = asked.feedback
    just_recorded = request.session.pop(JUST_RECORDED, None)
    context = _question_context(
        attempt,
        asked.question,
        feedback=feedback,
        already_answered=feedback is not None and just_recorded != feedback.response.pk,
        answered=asked.answered,
    )
    return render(request, "lessons/question.html", context)


@never_cache
@login_required
@require_POST
def quiz_answer(request: SignedInRequest, attempt_id: int, question_id: int) -> HttpResponse:
    """Record an answer (the service checks, locks and replays); this view only
    picks the reply: the feedback fragment for HTMX, else redirect-after-post.
    A replay shows the first answer's feedback and says so."""
    try:
        recorded = services.response_record(
            learner=request.user,
            attempt_id=attempt_id,
            question_id=question_id,
            choice_values=request.POST.getlist("choice"),
            text=request.POST.get("answer"),
            time_taken=timing.time_taken_from(
                request.POST.get("shown"),
                learner_id=request.user.pk,
                question_id=question_id,
                occasion=timing.attempt_occasion(attempt_id),
            ),
        )
    except services.AttemptNotFound as error:
        if request.htmx:
            return render_quiz_error(request, str(error), error.status)
        raise Http404(str(error)) from None
    except services.NotInAttempt as error:
        return render_quiz_error(request, str(error), error.status)
    except services.QuestionWithdrawn as error:
        return _go_on_without_withdrawn(request, error.attempt)
    except services.AnswerRefused as error:
        context = _question_context(
            error.attempt,
            error.question,
            error=str(error),
            sent_choices=_sent_choices(request),
            sent_text=request.POST.get("answer", ""),
        )
        return render_question_card_error(request, context, error.status)

    question_url = reverse("lessons:attempt_question", args=[attempt_id, question_id])
    if not request.htmx:
        if recorded.created:
            request.session[JUST_RECORDED] = recorded.response.pk
        return redirect(question_url)
    context = _question_context(
        recorded.attempt,
        recorded.question,
        feedback=recorded.feedback,
        already_answered=not recorded.created,
        answered=recorded.answered,
    )
    # The address bar follows the swap, so a reload shows this same feedback.
    return push_url(render(request, "lessons/question.html#answered_swap", context), question_url)


def _into_the_card(response: HttpResponse) -> HttpResponse:
    """Aim an HTMX error reply at the question card, whatever the form said.
    The header also tells quiz.js that the reply is a card, not an error page
    (under DEBUG, django-htmx's script shows 4xx replies as a whole page)."""
    return reswap(retarget(response, "#question-card"), "outerHTML")


def render_question_card_error(
    request: HtmxHttpRequest, context: dict, status: int
) -> HttpResponse:
    """The question form again, with the message and what the learner sent."""
    if not request.htmx:
        return render(request, "lessons/question.html", context, status=status)
    return _into_the_card(render(request, "lessons/question.html#card", context, status=status))


def render_quiz_error(request: HtmxHttpRequest, message: str, status: int) -> HttpResponse:
    """A page saying what is not available; for HTMX, a card in place of the question."""
    if not request.htmx:
        return render(request, "lessons/quiz_error.html", {"message": message}, status=status)
    return _into_the_card(
        render(request, "lessons/quiz_error.html#card", {"message": message}, status=status)
    )


@login_required
@require_GET
def attempt_results(request: SignedInRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, learner=request.user)
    if not attempt.is_finished:
        return redirect("lessons:attempt_detail", attempt.pk)
    rows = selectors.attempt_results(attempt)
    missed = sum(1 for row in rows if row.response and not row.response.is_correct)
    # The lesson's standing beside this attempt's own score: after a retry it
    # shows that the retry left best and latest as they were (lessons.scoring).
    context = {
        "attempt": attempt,
        "rows": rows,
        "missed": missed,
        "standing": selectors.lesson_score_for(learner=request.user, lesson_id=attempt.lesson_id),
        "next_lesson": selectors.next_lesson_after(attempt.lesson),
    }
    return render(request, "lessons/results.html", context)


@login_required
@require_POST
def attempt_retry(request: SignedInRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, learner=request.user)
    if not attempt.is_finished:
        return redirect("lessons:attempt_detail", attempt.pk)
    try:
        retry, created = services.attempt_retry_missed(learner=request.user, attempt=attempt)
    except services.NothingToAsk:
        messages.success(request, "You missed nothing in that attempt: there is nothing to retry.")
        return redirect("lessons:attempt_results", attempt.pk)
    if not created:
        messages.info(
            request, "Finish this unfinished attempt first; your answers so far are kept."
        )
    return redirect("lessons:attempt_detail", retry.pk)


@login_required
@require_GET
def progress(request: SignedInRequest) -> HttpResponse:
    """The learner's scores and mastery course by course; `?course=<slug>` for one course."""
    slug = request.GET.get("course")
    course = selectors.published_course(slug) if slug else None
    rows = selectors.progress_for_learner(learner=request.user, now=timezone.now(), course=course)
    history = selectors.score_history(learner=request.user, course=course)
    courses = selectors.group_by_course(rows)
    return render(
        request,
        "lessons/progress.html",
        {
            "courses": courses,
            "course": course,
            # Unfiltered, the courses are those the rows are grouped in: no query more.
            "all_courses": (
                selectors.course_list_published() if course else [g.course for g in courses]
            ),
            "history": history,
            "chart": charts.score_history_svg(history),
            "due_total": sum(row.due for row in rows),
            # Over every course, the rows' count is the navigation's: no query more.
            **({} if course else {"nav_review_due": sum(row.due for row in rows)}),
            "cohorts": list(selectors.cohorts_of_learner(request.user)),
        },
    )


def _review_course(request: HtmxHttpRequest) -> Course | None:
    """The course the review is kept to (`?course=<slug>`), or None for every course."""
    slug = request.GET.get("course")
    return selectors.published_course(slug) if slug else None


def _with_course(url: str, course: Course | None) -> str:
    return f"{url}?{urlencode({'course': course.slug})}" if course else url


def _review_context(
    queue: selectors.ReviewQueue, question: QuestionData, review_course: Course | None, **extra
) -> dict:
    card = queue.card
    assert card is not None  # a question is shown only from a due card
    shown = timing.shown_token(
        learner_id=card.learner_id,
        question_id=question.id,
        occasion=timing.review_occasion(card.reviews),
    )
    return {
        "review": True,
        "question": question,
        "choices": [(choice, False) for choice in question.choices],
        "due_count": queue.due_count,
        "card_review_number": card.reviews,
        "shown": shown,
        "answer_url": _with_course(
            reverse("lessons:review_answer", args=[question.id]), review_course
        ),
        "review_url": _with_course(reverse("lessons:review"), review_course),
        "review_course": review_course,
        "course": card.question.lesson.course,
        **extra,
    }


@never_cache
@login_required
@require_GET
def review(request: SignedInRequest) -> HttpResponse:
    """The question due first across all lessons, until nothing is due."""
    now = timezone.now()
    review_course = _review_course(request)
    queue = selectors.review_queue(learner=request.user, now=now, course=review_course)
    # Over every course, the queue's count is the navigation's: no query more.
    nav = {} if review_course else {"nav_review_due": queue.due_count}
    if queue.card is None:
        context = {
            "next_due": queue.next_due,
            "course": review_course,
            "meanwhile": selectors.review_meanwhile(learner=request.user, course=review_course),
            **nav,
        }
        return render(request, "lessons/review_done.html", context)
    question = selectors.question_data(queue.card.question_id)
    context = _review_context(queue, question, review_course) | nav
    return render(request, "lessons/question.html", context)


@never_cache
@login_required
@require_POST
def review_answer(request: SignedInRequest, question_id: int) -> HttpResponse:
    try:
        question = selectors.question_data(question_id)
    except Question.DoesNotExist:
        if request.htmx:
            return render_quiz_error(request, "No such question.", 404)
        raise Http404("No such question.") from None
    course = _review_course(request)  # the queue the answer was given in
    try:
        number = int(request.POST.get("card_review_number", ""))
    except ValueError:
        return render_quiz_error(
            request, "That review form is incomplete; open the review again.", 400
        )
    try:
        reviewed = services.review_record(
            learner=request.user,
            question=question,
            submission=_submission_from(request, question),
            card_review_number=number,
            time_taken=timing.time_taken_from(
                request.POST.get("shown"),
                learner_id=request.user.pk,
                question_id=question.id,
                occasion=timing.review_occasion(number),
            ),
        )
    except services.NotInAttempt as error:
        return render_quiz_error(request, str(error), error.status)
    except (InvalidAnswer, services.QuizError) as error:
        queue = selectors.review_queue(learner=request.user, now=timezone.now(), course=course)
        if queue.card is None or queue.card.question_id != question.id:
            messages.info(request, str(error))
            review_url = _with_course(reverse("lessons:review"), course)
            return HttpResponseClientRedirect(review_url) if request.htmx else redirect(review_url)
        sent = _sent_choices(request)
        context = _review_context(
            queue,
            question,
            course,
            error=str(error),
            choices=[(choice, choice.id in sent) for choice in question.choices],
            typed_answer=request.POST.get("answer", ""),
        )
        return render_question_card_error(request, context, getattr(error, "status", 400))
    queue = selectors.review_queue(learner=request.user, now=timezone.now(), course=course)
    context = _review_feedback_context(queue, question, reviewed.review, reviewed.result, course)
    context["comes_back"] = reviewed.card.due
    if request.htmx:
        if course is None:
            # The navigation's badge, kept current without a query more.
            context["nav_review_due_oob"] = queue.due_count
        # A second tab, or a form kept by Back: the first answer stands, and says so.
        context |= {
            "already_answered": not reviewed.created,
            "already_answered_note": ALREADY_ANSWERED,
        }
        return render(request, "lessons/question.html#answered_swap", context)
    # Without JavaScript: show the feedback on a page of its own (redirect after post).
    request.session["last_review_id"] = reviewed.review.pk
    return redirect(_with_course(reverse("lessons:review_feedback"), course))


@never_cache
@login_required
@require_GET
def review_feedback(request: SignedInRequest) -> HttpResponse:
    """The feedback on the last review answered without JavaScript."""
    review_obj = selectors.review_for_learner(
        review_id=request.session.get("last_review_id"), learner=request.user
    )
    course = _review_course(request)
    if review_obj is None:
        return redirect(_with_course(reverse("lessons:review"), course))
    question = selectors.question_data(review_obj.question_id)
    queue = selectors.review_queue(learner=request.user, now=timezone.now(), course=course)
    feedback = selectors.feedback_on(review_obj, question)
    context = _review_feedback_context(queue, question, review_obj, feedback.result, course)
    context["comes_back"] = selectors.card_due(learner=request.user, question_id=question.id)
    if course is None:
        context["nav_review_due"] = queue.due_count
    return render(request, "lessons/question.html", context)


def _review_feedback_context(
    queue, question: QuestionData, answered: Review, result: Result, review_course: Course | None
):
    chosen = set(answered.answer.get("choices", []))
    return {
        "review": True,
        "question": question,
        "choices": [(choice, choice.id in chosen) for choice in question.choices],
        "due_count": queue.due_count,
        "response": answered,
        "result": result,
        "answer_url": _with_course(
            reverse("lessons:review_answer", args=[question.id]), review_course
        ),
        "review_url": _with_course(reverse("lessons:review"), review_course),
        "review_course": review_course,
        "course": selectors.course_of_lesson(question.lesson_id),
    }
