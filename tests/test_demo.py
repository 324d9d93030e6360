"""`make run`'s demo content: safe to load again and again."""

import pytest
from django.core.management import call_command

from lessons.models import Cohort, Question

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


def test_the_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG=1"):
        call_command("load_demo")
