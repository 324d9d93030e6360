"""Every text an educator, an admin or a learner can author, on every page that
shows it, never carries executable markup.

One payload at a time goes into all of them at once: course title,
description and notice (Markdown), lesson title and summary, source title
and text, passages and sentences, question prompt, explanation and
highlight, choices and their feedback, accepted answers, cohort names,
learners' names (usernames included, set past the form's validation) and
typed answers, derivation titles and messages. Each page is parsed
(tests.test_xss.executable_bits) and must show the field's sentinel, so
a page that silently dropped the text does not pass for a safe one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons import services
from lessons.models import Attempt, LessonSentence, Passage, ReviewCard
from tests.attack_world import build_world
from tests.factories import cards_fall_due
from tests.test_xss import executable_bits

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[x](javascript:alert(1))",
    '<a href="#" title="</a><script>">',
    "<svg onload=alert(1)>",
    "[x](JaVaScRiPt:alert(1))",
]
SENTINEL = "XSSFIELD"
# The admin's own scripts, and its own <svg> icons (an injected one would
# still be caught by its handler attribute), besides the site's.
ADMIN_OWN = ("/static/admin/js/", "/admin/jsi18n/")


def hostile(payload: str, field: str) -> str:
    return f"{SENTINEL}-{field} {payload}"


def hostile_world(payload: str):
    world = build_world()
    lesson, question, fill_blank = world.lesson, world.question, world.fill_blank

    course = lesson.course
    course.title = hostile(payload, "course-title")[:200]
    course.description = hostile(payload, "course-description")
    course.notice = hostile(payload, "course-notice")
    course.save()
    source = lesson.source
    source.title = hostile(payload, "source-title")
    source.text = hostile(payload, "source-text")
    source.save()
    sentence = question.provenance
    sentence.text = hostile(payload, "sentence")
    sentence.save()
    passage = Passage.objects.create(source=source, position=99, text=hostile(payload, "passage"))
    sentence.passages.add(passage)
    LessonSentence.objects.create(lesson=lesson, sentence=sentence, position=0)
    lesson.title = hostile(payload, "lesson-title")
    lesson.summary = hostile(payload, "lesson-summary")
    lesson.save()

    for q in (question, fill_blank):
        q.prompt = hostile(payload, "prompt") + (" ____" if q is fill_blank else "")
        q.explanation = hostile(payload, "explanation")
        q.provenance = sentence
        q.highlight = payload if payload in sentence.text else ""
        q.save()
    for choice in question.choices.all():
        choice.text = hostile(payload, "choice")
        choice.feedback = hostile(payload, "feedback")
        choice.save()
    fill_blank.accepted_answers.update(text=hostile(payload, "accepted")[:200])
    services.lesson_content_changed(lesson_id=lesson.pk)

    world.cohort_y.name = hostile(payload, "cohort")
    world.cohort_y.save()
    bob = world.bob
    bob.username = hostile(payload, "username")[:150]
    bob.first_name = hostile(payload, "first")[:150]
    bob.last_name = hostile(payload, "last")[:150]
    bob.save()
    world.derivation.title = hostile(payload, "derivation")[:200]
    world.derivation.message = hostile(payload, "message")[:500]
    world.derivation.save()
    world.draft_question.derivation = world.derivation
    world.draft_question.prompt = hostile(payload, "draft-prompt")
    world.draft_question.save()
    return world


def check(response, where: str, *, sentinel: bool = True, admin: bool = False) -> None:
    assert response.status_code < 400, (where, response.status_code)
    html = response.content.decode()
    if sentinel:
        assert SENTINEL in html, f"{where} did not show the authored text"
    found = executable_bits(html)
    if admin:
        found = [f for f in found if f != "<svg>" and not any(s in f for s in ADMIN_OWN)]
    assert found == [], where


@pytest.fixture(params=PAYLOADS, ids=range(len(PAYLOADS)))
def world(request, db):
    return hostile_world(request.param)


@pytest.fixture
def world_of_all_payloads(db):
    """The admin escapes what it shows and renders no Markdown but in the
    preview, so one world with every payload at once covers it in a second."""
    return hostile_world(" ".join(PAYLOADS))


def test_learner_pages_never_carry_executable_markup(client, world):
    lesson, question, fill_blank = world.lesson, world.question, world.fill_blank
    check(client.get("/"), "home (anonymous)")
    check(client.get(lesson.get_absolute_url()), "lesson page (anonymous)")
    course_page = reverse("lessons:course_detail", args=[lesson.course.slug])
    check(client.get(course_page), "course page (anonymous)")

    client.force_login(world.bob)
    check(client.get("/"), "home")
    check(client.get(lesson.get_absolute_url()), "lesson page")
    check(client.get(course_page), "course page")
    # A cohort's name reaches the learner in the message after joining.
    joined = client.post(reverse("lessons:cohort_join"), {"code": world.cohort_y.code}, follow=True)
    check(joined, "cohort joined")

    client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    attempt = Attempt.objects.filter(learner=world.bob, finished_at=None).get()
    check(client.get(reverse("lessons:attempt_detail", args=[attempt.pk])), "question form")
    wrong = question.choices.filter(is_correct=False).first()
    htmx = {"HX-Request": "true"}
    answer = reverse("lessons:quiz_answer", args=[attempt.pk, question.pk])
    check(client.post(answer, {"choice": wrong.pk}, headers=htmx), "feedback fragment")
    check(
        client.get(reverse("lessons:attempt_question", args=[attempt.pk, question.pk])), "feedback"
    )
    typed = {"answer": hostile(PAYLOADS[0], "typed")}
    answer = reverse("lessons:quiz_answer", args=[attempt.pk, fill_blank.pk])
    check(client.post(answer, typed, headers=htmx), "fill-blank feedback fragment")
    check(client.get(reverse("lessons:attempt_results", args=[attempt.pk])), "results")
    check(client.get(reverse("lessons:progress")), "progress")
    course_filter = f"?course={lesson.course.slug}"
    check(client.get(reverse("lessons:progress") + course_filter), "progress of the course")

    cards_fall_due(ReviewCard.objects.filter(learner=world.bob))
    card = ReviewCard.objects.filter(learner=world.bob, question=question).get()
    ReviewCard.objects.exclude(pk=card.pk).delete()
    check(client.get(reverse("lessons:review")), "review")
    check(client.get(reverse("lessons:review") + course_filter), "review of the course")
    review_answer = reverse("lessons:review_answer", args=[question.pk])
    form = {"choice": wrong.pk, "card_review_number": card.reviews}
    check(client.post(review_answer, form, headers=htmx), "review feedback fragment")
    cards_fall_due(ReviewCard.objects.filter(pk=card.pk))
    card.refresh_from_db()
    form = {"choice": wrong.pk, "card_review_number": card.reviews}
    check(client.post(review_answer, form, follow=True), "review feedback page")


def test_instructor_pages_never_carry_executable_markup(client, world):
    cohort = world.cohort_y
    client.force_login(world.olga)
    check(client.get(reverse("lessons:instructor_home")), "instructor home")
    check(client.get(reverse("lessons:instructor_cohort", args=[cohort.pk])), "cohort table")
    learner = reverse("lessons:instructor_learner", args=[cohort.pk, world.bob.pk])
    check(client.get(learner), "learner record")
    report = reverse("lessons:instructor_lesson", args=[cohort.pk, world.lesson.slug])
    check(client.get(report), "item analysis")
    check(
        client.get(reverse("lessons:instructor_cohort", args=[cohort.pk]), {"q": SENTINEL}),
        "search",
    )


def test_admin_pages_never_carry_executable_markup(client, world_of_all_payloads):
    world = world_of_all_payloads
    question, lesson = world.question, world.lesson
    client.force_login(world.edna)
    preview = reverse("admin:lessons_question_preview", args=[question.pk])
    correct = question.choices.get(is_correct=True)
    pages = {
        "question list": reverse("admin:lessons_question_changelist"),
        "question form": reverse("admin:lessons_question_change", args=[question.pk]),
        "preview": preview,
        "lesson list": reverse("admin:lessons_lesson_changelist"),
        "course list": reverse("admin:lessons_course_changelist"),
        "course form": reverse("admin:lessons_course_change", args=[lesson.course_id]),
        "lesson form": reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        "source form": reverse("admin:lessons_source_change", args=[lesson.source_id]),
        "sentence list": reverse("admin:lessons_sentence_changelist"),
        "derivation": reverse("admin:lessons_derivation_change", args=[world.derivation.pk]),
        "derivation list": reverse("admin:lessons_derivation_changelist"),
        "draft review": reverse("admin:lessons_derivation_review", args=[world.derivation.pk]),
        "gift import": reverse("admin:lessons_lesson_import_gift", args=[lesson.pk]),
    }
    for where, url in pages.items():
        check(client.get(url), where, admin=True)
    check(client.post(preview, {"choice": correct.pk}), "preview answered", admin=True)

    client.force_login(world.root)
    pages = {
        "cohort list": reverse("admin:lessons_cohort_changelist"),
        "cohort form": reverse("admin:lessons_cohort_change", args=[world.cohort_y.pk]),
        "user list": reverse("admin:auth_user_changelist"),
        "user form": reverse("admin:auth_user_change", args=[world.bob.pk]),
        "attempt list": reverse("admin:lessons_attempt_changelist"),
        "response list": reverse("admin:lessons_response_changelist"),
        "response": reverse("admin:lessons_response_change", args=[world.response.pk]),
    }
    for where, url in pages.items():
        check(client.get(url), where, admin=True)
