"""`make run`'s demo content: safe to load again and again."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from lessons.derive.services import drafts_publish
from lessons.models import Cohort, Course, Derivation, Lesson, Question
from lessons.services import course_publish

pytestmark = pytest.mark.django_db


def test_loading_the_demo_again_keeps_educators_edits_and_makes_nothing_twice(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "password demo-pass-2026" in first
    question = Question.objects.published().first()
    question.prompt = "Edited by an educator"
    question.save()
    cohort = Cohort.objects.get(name="Demo cohort")
    assert cohort.learners.filter(username="student").exists()
    assert cohort.instructors.filter(username="instructor").exists()
    learners = cohort.learners.count()

    call_command("load_demo")
    assert "password" not in capsys.readouterr().out
    question.refresh_from_db()
    assert question.prompt == "Edited by an educator"
    assert Cohort.objects.filter(name="Demo cohort").count() == 1
    assert cohort.learners.count() == learners


def test_the_demo_has_a_draft_course_derived_from_a_sample_text_once(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    shipped = Course.objects.get(slug="leiomyosarcoma")
    draft = Course.objects.exclude(pk=shipped.pk).get()
    assert draft.title == "Photosynthesis"
    assert not draft.is_published and shipped.is_published
    assert list(draft.authors.values_list("username", flat=True)) == ["educator"]
    record = Derivation.objects.get()
    assert record.status == "done" and record.course == draft
    assert record.created_by.username == "educator"
    assert draft.lessons.exists() and not draft.lessons.filter(published=True).exists()
    drafts = Question.objects.filter(lesson__course=draft)
    assert drafts.count() >= 10 and not drafts.exclude(status="draft").exists()
    # Nothing of it reaches students until the educator publishes it.
    assert not Lesson.objects.published().filter(course=draft).exists()
    client.force_login(User.objects.get(username="student"))
    catalogue = client.get("/").content.decode()
    assert shipped.title in catalogue and "Photosynthesis" not in catalogue
    assert client.get(f"/courses/{draft.slug}/").status_code == 404

    # The educator may review and publish it (the Educators group's permissions).
    educator = draft.authors.get()
    assert educator.has_perms(["lessons.change_course", "lessons.change_question"])
    client.force_login(educator)
    assert client.get(f"/admin/lessons/course/{draft.pk}/change/").status_code == 200
    assert client.get(f"/admin/lessons/derivation/{record.pk}/review/").status_code == 200
    assert "Publish course" in client.get("/admin/lessons/course/").content.decode()

    draft.title = "Photosynthesis, renamed by the educator"
    draft.save()
    call_command("load_demo")
    assert Course.objects.count() == 2 and Derivation.objects.count() == 1
    assert Course.objects.get(pk=draft.pk).title == "Photosynthesis, renamed by the educator"


def test_the_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG=1"):
        call_command("load_demo")


def test_the_demo_cohort_follows_the_draft_course_and_its_reports_offer_it_once_published(
    settings, client
):
    settings.DEBUG = True
    call_command("load_demo")
    cohort = Cohort.objects.get(name="Demo cohort")
    draft = Course.objects.get(title="Photosynthesis")
    assert cohort.courses.filter(pk=draft.pk).exists()
    client.force_login(User.objects.get(username="instructor"))
    page = f"/instructor/cohorts/{cohort.pk}/"
    assert "Photosynthesis" not in client.get(page).content.decode()
    assert client.get(page, {"course": draft.slug}).status_code == 404

    # The educator publishes it: the instructor's reports offer it at once.
    drafts_publish(
        question_ids=Question.objects.filter(lesson__course=draft).values_list("pk", flat=True)
    )
    course_publish(course=draft)
    assert "Photosynthesis" in client.get(page).content.decode()
    assert client.get(page, {"course": draft.slug}).status_code == 200
