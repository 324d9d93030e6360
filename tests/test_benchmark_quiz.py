"""benchmark_quiz times answers that commit, as in production, and leaves
nothing behind (issue 16.7)."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_save

from lessons.models import Course, Lesson, Response


@pytest.mark.django_db(transaction=True)
def test_every_timed_answer_commits_and_the_throwaway_course_is_deleted():
    committed: list[int] = []

    def on_answer(sender, instance, created, **kwargs):
        if created:
            transaction.on_commit(lambda: committed.append(instance.pk))

    courses, lessons, users = Course.objects.count(), Lesson.objects.count(), User.objects.count()
    post_save.connect(on_answer, sender=Response)
    out = StringIO()
    try:
        call_command("benchmark_quiz", questions=5, stdout=out)
    finally:
        post_save.disconnect(on_answer, sender=Response)
    assert len(committed) == 5  # each answer's transaction committed, none rolled back
    assert "every answer committed" in out.getvalue()
    assert "answer submit (HTMX)" in out.getvalue()
    assert (Course.objects.count(), Lesson.objects.count(), User.objects.count()) == (
        courses,
        lessons,
        users,
    )
    assert not Response.objects.exists()
