"""Educators' Markdown never smuggles script into a page.

Every payload goes into a prompt, a choice, its feedback and an explanation;
each page that shows them is parsed and searched for anything executable."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.html import escape

from lessons.models import Attempt
from tests.factories import LessonFactory, QuestionFactory

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">link</a>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "![pic](javascript:alert(1))",
    '"><script>alert(1)</script>',
    "<iframe src=//evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<object data=//evil.example></object>",
    '<form action="//evil.example"><button>go</button></form>',
    "<details open ontoggle=alert(1)>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
]
EXECUTABLE_TAGS = {"iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link"}
OWN_SCRIPTS = ("/static/django_htmx/", "/static/js/")


class ExecutableFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.inside_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.inside_body = True
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith(OWN_SCRIPTS):
                self.found.append(f"<script src={src!r}>")
        # The site's own drawings: its charts and their legends' keys.
        own_chart = tag == "svg" and bool(
            {"chart", "legend-key"} & set((dict(attrs).get("class") or "").split())
        )
        if self.inside_body and tag in EXECUTABLE_TAGS - {"form"} and not own_chart:
            self.found.append(f"<{tag}>")
        if tag == "form" and any(k == "action" and "evil" in (v or "") for k, v in attrs):
            self.found.append("<form action=evil>")
        for name, value in attrs:
            value = (value or "").strip().lower().replace(" ", "")
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "xlink:href", "data"} and value.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{tag} {name}={value[:20]}")
            if name == "style" and self.inside_body and "javascript" in value:
                self.found.append(f"{tag} style")


def executable_bits(html: str) -> list[str]:
    finder = ExecutableFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture(params=PAYLOADS)
def hostile_question(request, db):
    payload = request.param
    lesson = LessonFactory()
    question = QuestionFactory(
        lesson=lesson,
        prompt=f"Which is right? {payload}",
        explanation=f"Because {payload} is what the text says.",
    )
    for choice in question.choices.all():
        choice.text = f"{choice.text} {payload}"
        choice.feedback = f"Feedback {payload}"
        choice.save()
    return question


def test_student_pages_never_carry_executable_markup(student_client, hostile_question):
    lesson = hostile_question.lesson
    student_client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    attempt = Attempt.objects.get()
    question_page = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk]))
    assert executable_bits(question_page.content.decode()) == []

    choice = hostile_question.choices.filter(is_correct=False).first()
    feedback = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, hostile_question.pk]),
        {"choice": choice.pk},
        headers={"HX-Request": "true"},
    )
    html = feedback.content.decode()
    assert "Feedback" in html  # the feedback was rendered, then checked
    assert executable_bits(html) == []
    results = student_client.get(reverse("lessons:attempt_results", args=[attempt.pk]))
    assert executable_bits(results.content.decode()) == []


def test_the_admin_preview_never_carries_executable_markup(client, educator, hostile_question):
    client.force_login(educator)
    url = reverse("admin:lessons_question_preview", args=[hostile_question.pk])
    assert executable_bits(client.get(url).content.decode()) == []
    choice = hostile_question.choices.get(is_correct=True)
    answered = client.post(url, {"choice": choice.pk}).content.decode()
    assert "Correct" in answered
    assert executable_bits(answered) == []


def test_markdown_still_renders_emphasis_lists_links_and_code(student_client, db):
    question = QuestionFactory(
        prompt="Which is *involuntary*?",
        explanation="- one\n- two\n\n[the text](https://example.org) says `smooth`.",
    )
    student_client.post(reverse("lessons:quiz_start", args=[question.lesson.slug]))
    attempt = Attempt.objects.get()
    html = student_client.get(reverse("lessons:attempt_detail", args=[attempt.pk])).content.decode()
    assert "<em>involuntary</em>" in html
    answered = student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, question.pk]),
        {"choice": question.choices.get(is_correct=True).pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "<li>one</li>" in answered
    assert (
        '<a href="https://example.org" rel="noopener noreferrer nofollow">the text</a>' in answered
    )
    assert "<code>smooth</code>" in answered
    assert question.lesson.questions.count() == 1


def test_instructor_pages_never_carry_executable_markup(
    client, student_client, student, instructor, hostile_question
):
    from lessons.models import Cohort

    lesson = hostile_question.lesson
    student_client.post(reverse("lessons:quiz_start", args=[lesson.slug]))
    attempt = Attempt.objects.get()
    choice = hostile_question.choices.filter(is_correct=False).first()
    student_client.post(
        reverse("lessons:quiz_answer", args=[attempt.pk, hostile_question.pk]),
        {"choice": choice.pk},
    )
    # A learner's name is theirs to choose; it reaches the instructor's pages too.
    student.first_name = PAYLOADS[0]
    student.save()
    cohort = Cohort.objects.create(name="Group")
    cohort.instructors.add(instructor)
    cohort.learners.add(student)
    cohort.courses.add(lesson.course)
    client.force_login(instructor)
    # What each page shows of the hostile data, so "nothing executable" is not
    # true merely because the payload is not on the page.
    name = escape(PAYLOADS[0])
    prompt = "Which is right?"
    shown = {
        reverse("lessons:instructor_cohort", args=[cohort.pk]): [name],
        reverse("lessons:instructor_learner", args=[cohort.pk, student.pk]): [name, prompt],
        reverse("lessons:instructor_lesson", args=[cohort.pk, lesson.slug]): [prompt],
    }
    for url, texts in shown.items():
        html = client.get(url).content.decode()
        for text in texts:
            assert text in html, (url, text)
        assert executable_bits(html) == [], url


def test_a_blank_inside_a_link_title_stays_text_and_the_link_keeps_its_rel():
    from lessons.rich_text import render_prompt_inline

    html = str(render_prompt_inline('The [cells](https://example.org "a ____ b") are ____.'))

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links: list[dict] = []
            self.blanks = 0

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.links.append(dict(attrs))
            if tag == "span" and ("class", "blank") in attrs:
                self.blanks += 1

    parsed = Links()
    parsed.feed(html)
    assert parsed.links == [
        {"href": "https://example.org", "title": "a ____ b", "rel": "noopener noreferrer nofollow"}
    ]
    assert parsed.blanks == 1  # the one in the prose, not the one in the title
