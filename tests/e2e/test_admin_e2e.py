"""An educator writes a question in the admin; a student meets it in the quiz."""

import re

from django.contrib.auth.models import Group

from lessons.models import Lesson, Question
from tests.e2e.conftest import new_page, screenshot, serious_accessibility_violations, sign_in
from tests.factories import PASSWORD, UserFactory

PROMPT = "Which words does the text use for leiomyoma? Select all that apply."


def test_an_educator_writes_previews_and_publishes_a_question_a_student_then_meets(
    browser, live_server, course
):
    educator = UserFactory(username="edna", is_staff=True)
    educator.groups.add(Group.objects.get(name="Educators"))
    lesson = Lesson.objects.get(slug="what-is-leiomyosarcoma")

    page = new_page(browser)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/lessons/question/add/")

    # Lesson and provenance: Django's autocomplete widget.
    page.locator(".field-lesson .select2-selection").click()
    page.locator(".select2-search__field").fill(lesson.title)
    page.locator(".select2-results__option", has_text=lesson.title).first.click()
    page.get_by_label("Kind").select_option("multiple")
    page.get_by_label("Status").select_option("published")
    # exact: each choice's position is named "Position, choice N".
    page.get_by_label("Position:", exact=True).fill("99")
    page.get_by_label("Prompt").fill(PROMPT)
    rows = [
        ("Benign", True, "Right: leiomyoma is a benign tumor."),
        (
            "From the same tissue as leiomyosarcoma",
            True,
            "Right: it originates from the same tissue.",
        ),
        ("Malignant", False, "No: that is leiomyosarcoma."),
        ("A form of cancer", False, "No: leiomyoma is benign, not a cancer."),
    ]
    for i, (text, correct, feedback) in enumerate(rows):
        row = f"choice {i + 1}"
        page.get_by_label(f"Text, {row}", exact=True).fill(text)
        page.get_by_label(f"Feedback, {row}", exact=True).fill(feedback)
        page.get_by_label(f"Position, {row}", exact=True).fill(str(i))
        if correct:
            page.get_by_label(f"Is correct, {row}", exact=True).check()
    page.locator(".field-provenance .select2-selection").click()
    page.locator(".select2-search__field").fill("confused with leiomyoma")
    page.locator(".select2-results__option", has_text="benign tumor originating").click()
    page.get_by_role("button", name="Save and continue editing").click()

    screenshot(page, "admin-publish-refused")
    error = page.locator(".errorlist", has_text="A published question needs an explanation.")
    error.wait_for()
    assert not Question.objects.filter(prompt=PROMPT).exists()
    screenshot(page, "admin-publish-refused")

    page.get_by_label("Explanation").fill(
        "The text says leiomyoma is a benign tumor originating from the same tissue; "
        "it must not be confused with leiomyosarcoma, which is malignant."
    )
    page.get_by_label("Status").select_option("draft")
    page.get_by_role("button", name="Save and continue editing").click()
    question = Question.objects.get(prompt=PROMPT)
    assert question.status == Question.Status.DRAFT and question.choices.count() == 4

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview as a student").first.click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.get_by_text("Preview.").is_visible()
    preview.get_by_label("Benign").check()
    preview.get_by_label("From the same tissue as leiomyosarcoma").check()
    preview.get_by_role("button", name="Check").click()
    preview.locator("#feedback").wait_for()
    assert "Correct" in preview.locator(".feedback-title").inner_text()
    assert serious_accessibility_violations(preview) == []
    screenshot(preview, "admin-preview")
    assert not question.responses.exists()
    preview.close()

    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/lessons/question/$"))
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED
    assert not page.js_errors, page.js_errors
    page.context.close()

    # A student now meets the question in the lesson's quiz.
    UserFactory(username="stu")
    student = new_page(browser)
    sign_in(student, live_server, "stu", PASSWORD)
    student.goto(live_server.url + lesson.get_absolute_url())
    student.get_by_role("button", name="Start quiz").click()
    total = lesson.questions.published().count()
    for _ in range(total):
        student.wait_for_selector("#question-card")
        if PROMPT in student.locator(".prompt").inner_text():
            break
        if student.locator("#answer").count():
            student.locator("#answer").fill("x")
        else:
            student.locator('input[name="choice"]').first.check()
        student.get_by_role("button", name="Check").click()
        student.locator("#feedback").wait_for()
        student.get_by_role("link", name="Next question").click()
    assert PROMPT in student.locator(".prompt").inner_text()
    student.get_by_label("Benign").check()
    student.get_by_label("Malignant").check()
    student.get_by_role("button", name="Check").click()
    student.locator("#feedback").wait_for()
    assert "Not quite" in student.locator(".feedback-title").inner_text()
    assert "No: that is leiomyosarcoma." in student.locator("#question-card").inner_text()
    student.context.close()
