"""Storing a derivation, the command, publishing drafts and the quality shares."""

import json
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from lessons import services
from lessons.derive import derive
from lessons.derive.services import derivation_quality, derivation_store, drafts_publish
from lessons.models import AcceptedAnswer, Derivation, Lesson, Question, Sentence, Source
from tests.factories import content_row_counts

SHIPPED = Path(__file__).resolve().parent.parent / "fixtures" / "leiomyosarcoma.txt"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def result():
    return derive(SHIPPED.read_text(encoding="utf-8"), title="Leiomyosarcoma")


def test_store_writes_drafts_and_unpublished_lessons_with_provenance(result):
    source = derivation_store(derivation=result, title="Leiomyosarcoma")
    assert source.lessons.count() == len(result.lessons)
    assert not source.lessons.filter(published=True).exists()
    questions = Question.objects.filter(lesson__source=source)
    assert questions.count() == len(result.questions)
    assert set(questions.values_list("status", "origin").distinct()) == {("draft", "derived")}
    for question in questions.select_related("provenance", "provenance_passage").prefetch_related(
        "choices", "accepted_answers"
    ):
        question.full_clean_with_answers()
        assert question.highlight in question.provenance.text
        assert question.provenance.passages.filter(pk=question.provenance_passage_id).exists()
        assert isinstance(question.flags, list)
    repeated = Sentence.objects.get(source=source, text="It is very rare to see it in lymphatics.")
    assert repeated.passages.count() == 3


def test_storing_twice_keeps_slugs_unique(result):
    first = derivation_store(derivation=result, title="Leiomyosarcoma")
    second = derivation_store(derivation=result, title="Leiomyosarcoma")
    assert first.slug != second.slug
    slugs = list(Lesson.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))


def test_store_is_all_or_nothing(result):
    before = content_row_counts()
    with (
        mock.patch.object(AcceptedAnswer.objects, "bulk_create", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        derivation_store(derivation=result, title="Broken")
    assert content_row_counts() == before


def test_dry_run_json_prints_one_document_and_writes_nothing():
    before = content_row_counts()
    out = StringIO()
    call_command("derive_questions", str(SHIPPED), "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["lessons"] and all(lesson["sentences"] for lesson in data["lessons"])
    question = data["lessons"][0]["questions"][0]
    assert {"kind", "prompt", "choices", "accepted", "explanation", "provenance", "flags"} <= set(
        question
    )
    assert content_row_counts() == before


def test_the_command_stores_drafts():
    out = StringIO()
    call_command("derive_questions", str(SHIPPED), "--title", "LMS", stdout=out)
    assert "draft questions" in out.getvalue()
    assert Question.objects.filter(status="draft", origin="derived").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"Overview.\nClick here for more information.\n", "No usable sentence"),
    ],
)
def test_the_command_refuses_bad_files_and_writes_nothing(tmp_path, content, message):
    path = tmp_path / "text.txt"
    path.write_bytes(content)
    before = content_row_counts()
    with pytest.raises(CommandError, match=message):
        call_command("derive_questions", str(path))
    assert content_row_counts() == before


def test_the_command_refuses_a_file_over_the_limit(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(5 * 1024 * 1024 + 1)
    with pytest.raises(CommandError, match="limit"):
        call_command("derive_questions", str(path))


def test_publish_and_the_quality_shares(result):
    record = Derivation.objects.create(title="LMS", text="-", status="done")
    source = derivation_store(derivation=result, title="LMS", record=record)
    record.refresh_from_db()
    ids = list(Question.objects.filter(derivation=record).values_list("pk", flat=True))
    assert record.question_count == len(ids) >= 4
    drafts_publish(question_ids=ids[:2])
    edited = Question.objects.get(pk=ids[2])
    edited.prompt += " (edited)"
    edited.save()
    services.question_fingerprints_refresh(question_ids=[edited.pk])
    drafts_publish(question_ids=[ids[2]])
    Question.objects.filter(pk=ids[3]).delete()

    quality = derivation_quality(derivation_ids=[record.pk])
    assert quality.derived == len(ids)
    assert (quality.published_unchanged, quality.published_edited, quality.deleted) == (2, 1, 1)
    assert quality.untouched_drafts == len(ids) - 4
    assert abs(sum(share for _, _, share in quality.rows) - 1) < 1e-9
    # Publishing a draft publishes its lesson, which the store left unpublished.
    assert source.lessons.filter(published=True).exists()


def test_a_derivation_that_crashes_is_marked_failed_not_left_running():
    from lessons.derive.services import derivation_execute

    record = Derivation.objects.create(title="Crash", text="Smooth muscle is involuntary.")
    with (
        mock.patch("lessons.derive.services.derive", side_effect=RuntimeError("bug")),
        pytest.raises(RuntimeError),
    ):
        derivation_execute(derivation_id=record.pk)
    record.refresh_from_db()
    assert record.status == Derivation.Status.FAILED
    assert "unexpectedly" in record.message
    assert not Source.objects.filter(title="Crash").exists()


# The worker closes connections that are inside a transaction, as a test's
# wrapping transaction is; on PostgreSQL that would drop the test's connection.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_a_worker_runs_the_derivation_in_the_background(settings):
    from lessons.derive.services import derivation_request

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    text = (Path(settings.BASE_DIR) / "fixtures" / "samples" / "photosynthesis.txt").read_text()
    record = derivation_request(title="Photosynthesis", text=text, user=None)
    record.refresh_from_db()
    assert record.status == Derivation.Status.PENDING  # enqueued, not run in the request
    assert not Source.objects.filter(title="Photosynthesis").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    record.refresh_from_db()
    assert record.status == Derivation.Status.DONE
    assert record.question_count > 0
    assert Question.objects.filter(derivation=record, status=Question.Status.DRAFT).count() == (
        record.question_count
    )
