"""Rendered Markdown is cached by its text (issue 16.6): the same text is
rendered once, and an edited text shows its new rendering at once."""

from unittest import mock

import pytest
from django.urls import reverse

from lessons import rich_text
from tests.factories import LessonFactory


@pytest.fixture(autouse=True)
def no_renderings_in_the_process():
    # Django's cache is cleared around every test (conftest); the process's map too.
    rich_text._local.items.clear()


def test_the_same_text_is_rendered_once_and_an_edit_renders_anew(db):
    with mock.patch.object(rich_text.markdown, "markdown", wraps=rich_text.markdown.markdown) as md:
        first = rich_text.render_markdown("Some *emphasis* here.")
        again = rich_text.render_markdown("Some *emphasis* here.")
        edited = rich_text.render_markdown("Some **strong** here.")
    assert first == again == "<p>Some <em>emphasis</em> here.</p>"
    assert edited == "<p>Some <strong>strong</strong> here.</p>"
    assert md.call_count == 2


def test_block_and_inline_renderings_of_one_text_are_kept_apart(db):
    assert rich_text.render_markdown("*a*") == "<p><em>a</em></p>"
    assert rich_text.render_markdown_inline("*a*") == "<em>a</em>"
    assert rich_text.render_markdown("*a*") == "<p><em>a</em></p>"


def test_a_cached_rendering_is_still_sanitised_and_safe(db):
    for _ in range(2):
        html = rich_text.render_markdown("<script>alert(1)</script>[x](javascript:alert(1))")
        assert "<script" not in html and "javascript:" not in html
        assert hasattr(html, "__html__")  # SafeString: templates do not escape it again


def test_an_edited_course_notice_shows_at_once(client, db):
    lesson = LessonFactory()
    course = lesson.course
    course.notice = "Old *notice*."
    course.save()
    page = reverse("lessons:lesson_detail", args=[lesson.slug])
    assert "Old <em>notice</em>." in client.get(page).content.decode()
    course.notice = "New *notice*."
    course.save()
    html = client.get(page).content.decode()
    assert "New <em>notice</em>." in html and "Old" not in html
