"""Fields the admin lays out in tables (inline rows, a changelist's editable
columns) carry a name of their own, column and row: the column heading alone
names nothing for a screen reader. tests/e2e/test_admin_accessibility_e2e.py
audits the pages in a browser."""

import pytest
from django.urls import reverse

from lessons.models import Lesson
from tests.factories import CohortFactory, QuestionFactory, UserFactory


@pytest.fixture
def editor(client, educator):
    client.force_login(educator)
    return client


def test_each_choice_field_is_named_by_its_column_and_row(editor, db):
    question = QuestionFactory()
    page = editor.get(reverse("admin:lessons_question_change", args=[question.pk]))
    html = page.content.decode()
    for name in ("Text", "Position", "Is correct", "Feedback", "Delete"):
        assert f'aria-label="{name}, choice 1"' in html
    # The row the admin's script copies for "Add another".
    assert 'aria-label="Text, new choice"' in html


def test_a_new_question_names_its_blank_rows(editor, db):
    html = editor.get(reverse("admin:lessons_question_add")).content.decode()
    assert 'aria-label="Text, choice 4"' in html
    assert 'aria-label="Text, accepted answer 2"' in html


def test_editable_changelist_columns_are_named_by_their_row(editor, course):
    lesson = Lesson.objects.order_by("position", "pk").first()
    html = editor.get(reverse("admin:lessons_lesson_changelist")).content.decode()
    assert f'aria-label="Position of “{lesson}”"' in html
    assert f'aria-label="Published of “{lesson}”"' in html


def test_autocompletes_bring_the_script_that_names_them(editor, db):
    html = editor.get(reverse("admin:lessons_question_add")).content.decode()
    assert html.index("admin/js/autocomplete.js") < html.index("js/admin-autocomplete-labels.js")


def test_a_multiple_autocomplete_has_no_clear_all_button(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    cohort = CohortFactory()
    html = client.get(reverse("admin:lessons_cohort_change", args=[cohort.pk])).content.decode()
    assert 'name="instructors"' in html and 'data-allow-clear="false"' in html
