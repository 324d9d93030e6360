"""The admin pages: upload or paste, progress, review with one-click publish."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils.html import escape

from lessons.derive import MAX_BYTES
from lessons.models import Derivation, Question
from tests.factories import content_row_counts

SHIPPED = Path(__file__).resolve().parent.parent / "fixtures" / "leiomyosarcoma.txt"


@pytest.fixture
def edu_client(client, educator):
    client.force_login(educator)
    return client


def derive_post(client, data):
    """Post to the derive page and run what it queued: a derivation is queued
    when its record commits, and the test's transaction never commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("admin:lessons_derivation_add"), data)


def upload(client, content: bytes, title="Leiomyosarcoma"):
    return derive_post(
        client, {"title": title, "file": SimpleUploadedFile("text.txt", content, "text/plain")}
    )


def test_an_educator_uploads_a_text_and_reviews_and_publishes(edu_client):
    response = upload(edu_client, SHIPPED.read_bytes())
    record = Derivation.objects.get()
    assert response.status_code == 302
    assert record.status == "done" and record.progress == 100
    page = edu_client.get(response["Location"])
    assert b"Review the" in page.content

    review = edu_client.get(reverse("admin:lessons_derivation_review", args=[record.pk]))
    assert review.status_code == 200
    first = Question.objects.filter(derivation=record).order_by("lesson__position", "position")[0]
    assert first.provenance.text.encode() in review.content
    html = review.content.decode()
    flagged = [q for q in Question.objects.filter(derivation=record) if q.flags]
    assert flagged  # the shipped text gives questions an educator should check
    for question in flagged:
        for flag in question.flags:
            assert f"<li>{escape(flag)}</li>" in html

    publish = edu_client.post(
        reverse("admin:lessons_derivation_publish", args=[record.pk]), {"question": [first.pk]}
    )
    assert publish.status_code == 302
    first.refresh_from_db()
    assert first.status == "published" and first.lesson.published


def test_pasted_text_works_too(edu_client):
    text = SHIPPED.read_text(encoding="utf-8")
    response = derive_post(edu_client, {"title": "Pasted", "text": text})
    assert response.status_code == 302
    assert Question.objects.filter(status="draft").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01binary", "binary"),
        (b"caf\xe9", "not UTF-8"),
    ],
)
def test_bad_uploads_get_a_form_error_and_write_nothing(edu_client, content, message):
    before = content_row_counts()
    response = upload(edu_client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert content_row_counts() == before


def test_a_text_with_nothing_to_teach_is_queued_and_its_derivation_says_why(edu_client):
    """The form does not split the text (that took 10 s of the request for
    5 MB): the task finds it has no sentence to teach, and the page says so."""
    before = content_row_counts()
    response = upload(edu_client, b"Overview.\nClick here for more information.\n")
    assert response.status_code == 302
    record = Derivation.objects.get()
    assert record.status == "failed" and "No usable sentence" in record.message
    assert "No usable sentence" in edu_client.get(response["Location"]).content.decode()
    assert content_row_counts() == {**before, "lessons.Derivation": 1}  # only the record


def test_the_derivation_page_lists_the_content_sentences_no_question_covers(edu_client):
    response = upload(edu_client, SHIPPED.read_bytes())
    record = Derivation.objects.get()
    cited = set(
        Question.objects.filter(derivation=record).values_list("provenance__text", flat=True)
    )
    content = list(record.source.sentences.filter(is_noise=False).values_list("text", flat=True))
    uncovered = [text for text in content if text not in cited]
    assert uncovered
    html = edu_client.get(response["Location"]).content.decode()
    assert "Not covered by any question" in html
    listed = html.split('id="uncovered"', 1)[1]
    for text in uncovered:
        assert f"<li>{escape(text)}</li>" in listed
    for text in cited:
        assert f"<li>{escape(text)}</li>" not in listed


def test_a_nul_byte_past_the_binary_sniff_is_a_form_error_and_writes_nothing(edu_client):
    # read_text sniffs the first 8 KB for binary; PostgreSQL refuses a NUL
    # anywhere in a text column, so the whole upload is checked as pasted text is.
    text = SHIPPED.read_bytes() * 3
    assert len(text) > 9000
    before = content_row_counts()
    response = upload(edu_client, text[:9000] + b"\x00" + text[9000:])
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert content_row_counts() == before


def test_a_file_over_the_form_limit_but_under_the_upload_limit_gets_the_forms_message(
    edu_client, settings
):
    size = (MAX_BYTES + settings.UPLOAD_MAX_BYTES) // 2
    response = upload(edu_client, b"Smooth muscle. " * (size // 15))
    assert response.status_code == 200
    assert "the limit is 5 MB" in response.content.decode()
    assert not Derivation.objects.exists()


def test_a_failed_derivation_says_why_and_writes_no_source(db):
    from lessons.derive.services import derivation_execute

    record = Derivation.objects.create(title="Noise", text="Click here for more information.")
    before = content_row_counts()
    record = derivation_execute(derivation_id=record.pk)
    assert record.status == "failed"
    assert "No usable sentence" in record.message
    assert content_row_counts() == before


def test_a_derivation_past_its_time_limit_fails_with_a_message_and_writes_nothing(
    db, monkeypatch, settings
):
    from itertools import count

    from lessons.derive.services import derivation_execute

    settings.DERIVE_TIME_LIMIT_SECONDS = 5
    # A clock that moves a second at every look: the limit falls mid-pipeline.
    clock = count()
    monkeypatch.setattr("lessons.derive.pipeline.monotonic", lambda: next(clock))
    record = Derivation.objects.create(title="Long", text=SHIPPED.read_text(encoding="utf-8"))
    before = content_row_counts()

    record = derivation_execute(derivation_id=record.pk)

    assert record.status == "failed"
    assert record.message == (
        "Derivation stopped after 5 s: the text is too long or unusual; split it and try again."
    )
    assert record.finished_at is not None
    assert content_row_counts() == before


def test_a_derivation_within_its_time_limit_is_done(db, settings):
    from lessons.derive.services import derivation_execute

    settings.DERIVE_TIME_LIMIT_SECONDS = 300
    record = Derivation.objects.create(title="Short", text=SHIPPED.read_text(encoding="utf-8"))
    assert derivation_execute(derivation_id=record.pk).status == "done"


def test_pages_stay_within_their_query_budgets(edu_client, django_assert_max_num_queries):
    upload(edu_client, SHIPPED.read_bytes())
    record = Derivation.objects.get()
    with django_assert_max_num_queries(12):
        assert edu_client.get(reverse("admin:lessons_derivation_add")).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            edu_client.get(reverse("admin:lessons_derivation_change", args=[record.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(14):
        assert (
            edu_client.get(reverse("admin:lessons_derivation_review", args=[record.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(16):
        assert edu_client.get(reverse("admin:lessons_derivation_changelist")).status_code == 200


def test_students_cannot_derive(student_client):
    response = student_client.get(reverse("admin:lessons_derivation_add"))
    assert response.status_code == 302


def test_the_review_page_shows_the_most_confident_drafts_first(edu_client):
    upload(edu_client, SHIPPED.read_bytes())
    record = Derivation.objects.get()
    drafts = list(Question.objects.filter(derivation=record))
    scores = [q.confidence for q in drafts]
    assert all(s is not None and 0 <= s <= 1 for s in scores)
    assert len(set(scores)) > 1  # a ranking, not one score for all
    html = edu_client.get(reverse("admin:lessons_derivation_review", args=[record.pk])).content
    shown = sorted(drafts, key=lambda q: html.decode().find(f'value="{q.pk}"'))
    assert [q.confidence for q in shown] == sorted(scores, reverse=True)
    assert f"Confidence {shown[0].confidence:.2f}".encode() in html


def test_edit_and_delete_from_the_review_return_to_the_review(edu_client):
    """A new user who edited or deleted a draft from the review page landed
    on the list of every question and had to find their place again."""
    from urllib.parse import quote

    from tests.factories import admin_question_form

    upload(edu_client, SHIPPED.read_bytes())
    record = Derivation.objects.get()
    review = reverse("admin:lessons_derivation_review", args=[record.pk]) + "?page=1"
    html = edu_client.get(review).content.decode()
    edits = re.findall(r'href="/admin/lessons/question/(\d+)/change/\?next=([^"]+)"', html)
    assert len(edits) >= 2 and {back for _, back in edits} == {quote(review)}
    first, second = (Question.objects.get(pk=pk) for pk, _ in edits[:2])
    change = reverse("admin:lessons_question_change", args=[first.pk])

    saved = edu_client.post(f"{change}?next={quote(review, safe='')}", admin_question_form(first))
    assert saved.status_code == 302 and saved["Location"] == review
    delete = reverse("admin:lessons_question_delete", args=[second.pk])
    gone = edu_client.post(f"{delete}?next={quote(review, safe='')}", {"post": "yes"})
    assert gone.status_code == 302 and gone["Location"] == review
    assert not Question.objects.filter(pk=second.pk).exists()

    # Somewhere off the site is no place to send anyone.
    away = edu_client.post(f"{change}?next=https://evil.example/", admin_question_form(first))
    assert away.status_code == 302 and "evil.example" not in away["Location"]
