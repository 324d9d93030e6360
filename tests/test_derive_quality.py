"""The derivation quality figures come from fingerprints kept at write time:
whatever path edits, publishes or deletes a derived question, the figures are
what reading every question back with its answers gave."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from lessons import services
from lessons.derive.services import Quality, derivation_quality, derivation_store, drafts_publish
from lessons.derive.types import (
    Derivation,
    DerivedChoice,
    DerivedLesson,
    DerivedQuestion,
    DerivedSentence,
)
from lessons.models import Choice, Question
from lessons.models import Derivation as DerivationRecord
from tests.factories import admin_question_form

pytestmark = pytest.mark.django_db

SMOOTH = "Smooth muscles are involuntary muscles."
TEXT = f"{SMOOTH} Skeletal muscles are voluntary muscles."
SINGLE_CHOICE = 9  # questions 0-8; question 9 is a fill-in-the-blank


def derivation() -> Derivation:
    questions = [
        DerivedQuestion(
            kind=Question.Kind.SINGLE_CHOICE,
            prompt=f"Which muscles are involuntary? ({n})",
            stem=SMOOTH,
            answer="Smooth",
            explanation="The text says smooth muscles are involuntary.",
            sentence=0,
            passage=0,
            highlight="involuntary",
            choices=[DerivedChoice("Smooth", True, "Right."), DerivedChoice("Skeletal", False)],
        )
        for n in range(SINGLE_CHOICE)
    ]
    questions.append(
        DerivedQuestion(
            kind=Question.Kind.FILL_BLANK,
            prompt="Smooth muscles are ____ muscles.",
            stem=SMOOTH,
            answer="involuntary",
            explanation="The text says so.",
            sentence=0,
            passage=0,
            highlight="involuntary",
            accepted=["involuntary"],
        )
    )
    return Derivation(
        title="Muscles",
        text=TEXT,
        passages=[TEXT],
        sentences=[
            DerivedSentence(0, SMOOTH, [0]),
            DerivedSentence(1, "Skeletal muscles are voluntary muscles.", [0]),
        ],
        lessons=[DerivedLesson("Muscles", "Two kinds of muscle.", [0, 1])],
        questions=questions,
    )


def content_fingerprint(question: Question) -> str:
    """The digest read back from the question's rows, as the figures once were."""
    return services.question_fingerprint(
        kind=question.kind,
        prompt=question.prompt,
        explanation=question.explanation,
        choices=[(c.text, c.is_correct) for c in question.choices.all()],
        accepted=[a.text for a in question.accepted_answers.all()],
    )


def quality_read_back(record) -> Quality:
    """The computation the admin pages ran before: every question read back."""
    record.refresh_from_db()
    counts = {"pu": 0, "pe": 0, "ed": 0, "ud": 0}
    questions = Question.objects.filter(derivation=record, origin=Question.Origin.DERIVED)
    for question in questions:
        unchanged = content_fingerprint(question) == question.derived_fingerprint
        if question.status == Question.Status.PUBLISHED:
            counts["pu" if unchanged else "pe"] += 1
        else:
            counts["ud" if unchanged else "ed"] += 1
    return Quality(
        derived=record.question_count,
        published_unchanged=counts["pu"],
        published_edited=counts["pe"],
        deleted=record.question_count - questions.count(),
        edited_drafts=counts["ed"],
        untouched_drafts=counts["ud"],
    )


def admin_save(client, question, **overrides):
    question.refresh_from_db()
    data = admin_question_form(
        question, provenance_passage=question.provenance_passage_id, **overrides
    )
    response = client.post(reverse("admin:lessons_question_change", args=[question.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def choice_index(question, text: str) -> int:
    return [c.text for c in question.choices.order_by("position")].index(text)


def test_the_figures_follow_every_edit_publish_and_delete_as_reading_back_did(admin_client):
    record = DerivationRecord.objects.create(title="Muscles", text=TEXT, status="done")
    source = derivation_store(derivation=derivation(), title="Muscles", record=record)
    q = list(Question.objects.filter(derivation=record).order_by("position"))
    assert len(q) == 10
    untouched = Quality(10, 0, 0, 0, 0, 10)
    assert derivation_quality(derivation_ids=[record.pk]) == untouched

    # Published unchanged, by the derivation's review page.
    drafts_publish(question_ids=[q[0].pk])
    # Prompt edited in the admin, then published by the admin's bulk action.
    admin_save(admin_client, q[1], prompt="Which muscles work without our will?")
    admin_client.post(
        reverse("admin:lessons_question_changelist"),
        {"action": "publish", "_selected_action": [q[1].pk]},
    )
    # A choice's text edited in the admin (an inline): still a draft.
    admin_save(admin_client, q[2], **{f"choices-{choice_index(q[2], 'Skeletal')}-text": "Cardiac"})
    # Explanation edited and published in one admin save.
    admin_save(
        admin_client, q[3], explanation="Smooth muscles work on their own.", status="published"
    )
    # Saved in the admin with only spacing changed: not an edit.
    admin_save(admin_client, q[4], **{f"choices-{choice_index(q[4], 'Smooth')}-text": " Smooth "})
    # Deleted in the admin.
    admin_client.post(reverse("admin:lessons_question_delete", args=[q[5].pk]), {"post": "yes"})
    # Edited, then edited back: unedited again.
    admin_save(admin_client, q[6], prompt="Something else?")
    admin_save(admin_client, q[6], prompt=q[6].prompt)
    # A choice edited by code that writes questions, which refreshes the fingerprint;
    # then moved and duplicated by the services (the copy is authored, not counted).
    Choice.objects.filter(question=q[7], text="Skeletal").update(text="Striated")
    services.question_fingerprints_refresh(question_ids=[q[7].pk])
    services.questions_move(questions=[q[7]], lesson=q[7].lesson)
    services.question_duplicate(question=q[7])
    # Published then unpublished by the services: an untouched draft again.
    services.questions_publish(questions=[Question.objects.get(pk=q[8].pk)])
    services.questions_unpublish(questions=[q[8]])
    # The fill-in-the-blank's accepted answer edited in the admin.
    q[9].refresh_from_db()
    admin_save(admin_client, q[9], **{"accepted_answers-0-text": "unwilled"})
    # GIFT-imported questions are authored: they carry a fingerprint, not a count.
    services.gift_import(lesson=source.lessons.get(), text="::G:: Is it smooth? {TRUE#Yes.}")

    # By hand: q0 published unchanged; q1, q3 published edited; q5 deleted;
    # q2, q7, q9 edited drafts; q4, q6, q8 untouched drafts.
    expected = Quality(
        derived=10,
        published_unchanged=1,
        published_edited=2,
        deleted=1,
        edited_drafts=3,
        untouched_drafts=3,
    )
    assert quality_read_back(record) == expected
    assert derivation_quality(derivation_ids=[record.pk]) == expected
    assert derivation_quality() == expected
    # Every question this test wrote (the shipped course, loaded from its
    # fixture, is authored: its fingerprints are not compared).
    for question in Question.objects.exclude(lesson__source__title__startswith="Leiomyosarcoma"):
        assert question.fingerprint == content_fingerprint(question), question.prompt


def test_the_migration_fills_the_fingerprint_of_existing_questions():
    record = DerivationRecord.objects.create(title="Muscles", text=TEXT, status="done")
    derivation_store(derivation=derivation(), title="Muscles", record=record)
    first = Question.objects.filter(derivation=record).order_by("position").first()
    Choice.objects.filter(question=first, text="Skeletal").update(text="Cardiac")
    Question.objects.update(fingerprint="")
    migration = importlib.import_module("lessons.migrations.0008_question_fingerprint")

    migration.fill_fingerprints(apps, None)

    for question in Question.objects.all():
        assert question.fingerprint == content_fingerprint(question)
    assert derivation_quality(derivation_ids=[record.pk]) == Quality(10, 0, 0, 0, 1, 9)
