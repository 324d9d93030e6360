"""Educators curate questions in the admin: validation, bulk actions, preview,
safe edits, performance columns, GIFT and CSV."""

import pytest
from django.urls import reverse

from lessons import exports, gift, services
from lessons.models import Attempt, Lesson, Question, Response, ReviewCard
from tests.factories import (
    CourseFactory,
    LessonFactory,
    QuestionFactory,
    UserFactory,
    admin_question_form,
)

CHANGELIST = "/admin/lessons/question/"


@pytest.fixture
def editor(client, educator):
    client.force_login(educator)
    return client


def change(client, question, **overrides):
    url = reverse("admin:lessons_question_change", args=[question.pk])
    return client.post(url, admin_question_form(question, **overrides))


def test_publishing_without_an_explanation_is_refused_with_a_clear_message(editor, db):
    question = QuestionFactory(status=Question.Status.DRAFT, explanation="")
    response = change(editor, question, status="published")
    assert response.status_code == 200
    assert "A published question needs an explanation." in response.content.decode()
    question.refresh_from_db()
    assert question.status == Question.Status.DRAFT


def test_single_choice_with_two_correct_choices_is_refused(editor, db):
    question = QuestionFactory()
    wrong = question.choices.filter(is_correct=False).first()
    data = admin_question_form(question)
    index = list(question.choices.order_by("position")).index(wrong)
    data[f"choices-{index}-is_correct"] = "on"
    response = editor.post(reverse("admin:lessons_question_change", args=[question.pk]), data)
    assert "needs exactly one correct choice (it has 2)" in response.content.decode()
    assert question.choices.filter(is_correct=True).count() == 1


def test_an_unfinished_draft_is_saved_and_says_what_publishing_it_needs(editor, db):
    """An educator could not save half-written work: a draft with no correct
    choice yet was refused as a published question would be."""
    question = QuestionFactory(status=Question.Status.DRAFT)
    right = question.choices.get(is_correct=True)
    data = admin_question_form(question)
    index = list(question.choices.order_by("position")).index(right)
    del data[f"choices-{index}-is_correct"]
    url = reverse("admin:lessons_question_change", args=[question.pk])

    response = editor.post(url, data, follow=True)
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Saved as a draft. Before it can be published:" in said
    assert "needs exactly one correct choice (it has 0)" in said
    assert not question.choices.filter(is_correct=True).exists()

    # Publishing it is still refused, with the same reason.
    response = editor.post(url, data | {"status": "published"})
    assert "needs exactly one correct choice (it has 0)" in response.content.decode()
    question.refresh_from_db()
    assert question.status == Question.Status.DRAFT
    outcome = services.questions_publish(questions=[question])
    assert outcome.changed == [] and "it has 0" in outcome.refused[0][1]


def test_fill_in_the_blank_without_an_accepted_answer_is_refused(editor, db):
    question = QuestionFactory(kind=Question.Kind.FILL_BLANK, prompt="Smooth muscle is ____.")
    data = admin_question_form(question)
    data["accepted_answers-0-DELETE"] = "on"
    response = editor.post(reverse("admin:lessons_question_change", args=[question.pk]), data)
    assert "needs at least one accepted answer" in response.content.decode()


def test_a_provenance_sentence_must_be_in_its_source_text(editor, db):
    question = QuestionFactory()
    question.provenance.text = "A sentence the source never said."
    question.provenance.save()
    response = change(editor, question)
    assert "not quoted exactly from its source text" in response.content.decode()


def bulk(client, action, questions, **extra):
    data = {"action": action, "_selected_action": [q.pk for q in questions]} | extra
    return client.post(CHANGELIST, data, follow=True)


def test_bulk_publish_publishes_the_valid_and_names_the_invalid(editor, db):
    good = QuestionFactory(status=Question.Status.DRAFT)
    bad = QuestionFactory(status=Question.Status.DRAFT, explanation="")
    page = bulk(editor, "publish", [good, bad]).content.decode()
    good.refresh_from_db(), bad.refresh_from_db()
    assert good.status == Question.Status.PUBLISHED
    assert bad.status == Question.Status.DRAFT
    assert "1 question published" in page
    assert "A published question needs an explanation." in page


def test_bulk_unpublish_and_duplicate(editor, db):
    question = QuestionFactory()
    bulk(editor, "unpublish", [question])
    question.refresh_from_db()
    assert question.status == Question.Status.DRAFT
    bulk(editor, "duplicate", [question])
    copy = question.lesson.questions.exclude(pk=question.pk).get()
    assert copy.prompt == question.prompt and copy.status == Question.Status.DRAFT
    assert sorted(copy.choices.values_list("text", "is_correct")) == sorted(
        question.choices.values_list("text", "is_correct")
    )
    assert copy.position > question.position


def test_move_to_another_lesson_of_the_same_source(editor, db):
    question = QuestionFactory()
    target = LessonFactory(source=question.lesson.source)
    QuestionFactory(lesson=target, position=4)
    page = bulk(editor, "move_to_lesson", [question])
    assert "Move questions" in page.content.decode()  # the intermediate page
    bulk(editor, "move_to_lesson", [question], apply="1", lesson=target.pk)
    question.refresh_from_db()
    assert question.lesson == target and question.position == 5


def test_move_refuses_a_lesson_of_another_text(editor, db):
    question = QuestionFactory()
    elsewhere = LessonFactory()
    page = bulk(editor, "move_to_lesson", [question], apply="1", lesson=elsewhere.pk)
    assert "another text" in page.content.decode()
    question.refresh_from_db()
    assert question.lesson != elsewhere


def test_preview_shows_the_question_as_a_student_and_records_nothing(editor, db):
    question = QuestionFactory()
    url = reverse("admin:lessons_question_preview", args=[question.pk])
    page = editor.get(url).content.decode()
    assert question.prompt in page and "Preview." in page and "Check" in page
    right = question.choices.get(is_correct=True)
    answered = editor.post(url, {"choice": right.pk}, headers={"HX-Request": "true"})
    assert "Correct" in answered.content.decode()
    assert question.explanation in answered.content.decode()
    empty = editor.post(url, {})
    assert empty.status_code == 400 and "Choose an answer" in empty.content.decode()
    assert not Response.objects.exists() and not ReviewCard.objects.exists()
    assert not Attempt.objects.exists()


def test_preview_grades_a_typed_answer_against_the_terms_of_its_text(editor, db):
    lesson = LessonFactory(source__text="Dysphagia is difficulty swallowing; dysphasia is not.")
    question = QuestionFactory(
        lesson=lesson, kind=Question.Kind.FILL_BLANK, prompt="Difficulty swallowing is ____."
    )
    question.accepted_answers.update(text="dysphagia")
    url = reverse("admin:lessons_question_preview", args=[question.pk])
    slip = editor.post(url, {"answer": "dysphagai"}, headers={"HX-Request": "true"})
    assert "check the spelling: <strong>dysphagia</strong>" in slip.content.decode()
    # One slip from the answer, but a word of the text: another term, so wrong.
    other = editor.post(url, {"answer": "dysphasia"}, headers={"HX-Request": "true"})
    assert "Not quite" in other.content.decode()


def test_students_cannot_preview(student_client, db):
    question = QuestionFactory()
    response = student_client.get(reverse("admin:lessons_question_preview", args=[question.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def answer_once(question, *, correct=True):
    learner = UserFactory()
    attempt, _ = services.attempt_start(learner=learner, lesson=question.lesson)
    from lessons.selectors import question_data

    data = question_data(question.pk)
    choice = next(c.id for c in data.choices if c.is_correct == correct)
    services.response_record(
        learner=learner,
        attempt_id=attempt.pk,
        question_id=data.id,
        choice_values=[str(choice)],
        time_taken=None,
    )
    return learner, attempt


def test_editing_an_answered_question_keeps_what_learners_answered(editor, client, db):
    question = QuestionFactory()
    learner, attempt = answer_once(question)
    right = question.choices.get(is_correct=True)
    data = admin_question_form(question)
    index = list(question.choices.order_by("position")).index(right)
    data[f"choices-{index}-text"] = "Rewritten choice"
    data[f"choices-{index}-is_correct"] = ""
    other = (index + 1) % 3
    data[f"choices-{other}-is_correct"] = "on"
    response = editor.post(reverse("admin:lessons_question_change", args=[question.pk]), data)
    assert response.status_code == 302

    attempt.refresh_from_db()
    assert attempt.score == 1.0
    assert Response.objects.get().is_correct
    client.force_login(learner)
    results = client.get(reverse("lessons:attempt_results", args=[attempt.pk])).content.decode()
    assert right.text in results and "Rewritten choice" not in results
    assert "1 of 1 right" in results


def test_a_question_with_responses_cannot_be_deleted(editor, db):
    question = QuestionFactory()
    answer_once(question)
    delete_url = reverse("admin:lessons_question_delete", args=[question.pk])
    assert editor.get(delete_url).status_code == 403
    page = editor.get(reverse("admin:lessons_question_change", args=[question.pk])).content.decode()
    assert "1 response" in page and "unpublish it" in page
    assert Question.objects.filter(pk=question.pk).exists()


def test_changelist_shows_responses_facility_and_flags_questions_for_review(editor, db):
    easy = QuestionFactory(prompt="Easy question")
    for _ in range(20):
        answer_once(easy)
    page = editor.get(CHANGELIST).content.decode()
    # Facility as the instructor's pages give it, a percentage, and over whom.
    assert '<td class="field-facility">100%</td>' in page
    assert "Too easy" in page  # needs review: everyone got it right


@pytest.mark.parametrize("size", [5, 40])
def test_changelist_query_budget(editor, db, size, django_assert_max_num_queries):
    lesson = LessonFactory()
    for position in range(size):
        QuestionFactory(lesson=lesson, position=position)
    with django_assert_max_num_queries(12):
        assert editor.get(CHANGELIST).status_code == 200


def test_gift_round_trip_keeps_the_whole_shipped_course(course):
    questions = list(
        Question.objects.prefetch_related("choices", "accepted_answers").order_by("pk")
    )
    parsed = gift.parse_gift(exports.questions_to_gift(questions))
    assert len(parsed) == len(questions)
    for original, back in zip(questions, parsed, strict=True):
        assert back.kind == original.kind
        assert back.prompt == original.prompt
        assert back.explanation == original.explanation
        assert [(c.text, c.is_correct, c.feedback) for c in back.choices] == [
            (c.text, c.is_correct, c.feedback) for c in original.choices.all()
        ]
        assert back.accepted_answers == [a.text for a in original.accepted_answers.all()]


def test_export_gift_and_csv_from_the_admin(editor, course):
    questions = list(Question.objects.all()[:3])
    gift_file = bulk(editor, "export_gift", questions)
    assert gift_file["Content-Disposition"].startswith("attachment")
    assert len(gift.parse_gift(gift_file.content.decode())) == 3
    csv_file = bulk(editor, "export_csv", questions)
    lines = b"".join(csv_file.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,lesson,kind,status")
    assert len(lines) == 4


GOOD_GIFT = """// two questions
::Muscle:: Which muscle is involuntary? {
=Smooth muscle #Right: the brain has no conscious control over it.
~Voluntary muscle #No: that one is under conscious control.
####Smooth muscles are involuntary muscles.
}

Leiomyosarcoma is a {=malignant =cancerous} smooth muscle tumor.
"""


def test_importing_gift_creates_drafts_in_the_lesson(editor, db):
    lesson = LessonFactory()
    url = reverse("admin:lessons_lesson_import_gift", args=[lesson.pk])
    response = editor.post(url, {"text": GOOD_GIFT})
    assert response.status_code == 302
    imported = list(lesson.questions.order_by("position"))
    assert [q.kind for q in imported] == [Question.Kind.SINGLE_CHOICE, Question.Kind.FILL_BLANK]
    assert all(q.status == Question.Status.DRAFT for q in imported)
    assert imported[0].explanation == "Smooth muscles are involuntary muscles."
    assert imported[1].prompt == "Leiomyosarcoma is a ____ smooth muscle tumor."
    assert list(imported[1].accepted_answers.values_list("text", flat=True)) == [
        "malignant",
        "cancerous",
    ]


def test_a_malformed_gift_file_reports_each_bad_line_and_imports_nothing(editor, db):
    lesson = LessonFactory()
    bad = GOOD_GIFT + "\nWhat is missing? {\n=an end brace\n\nNo answers here at all.\n"
    url = reverse("admin:lessons_lesson_import_gift", args=[lesson.pk])
    response = editor.post(url, {"text": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Line 10: the answer block is not closed" in page
    assert "Line 13: no answer block" in page
    assert not lesson.questions.exists()


def test_a_non_utf8_gift_upload_is_refused(editor, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lesson = LessonFactory()
    upload = SimpleUploadedFile("q.gift", "Caf\xe9 {=x}".encode("latin-1"))
    response = editor.post(
        reverse("admin:lessons_lesson_import_gift", args=[lesson.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()


def test_a_gift_upload_with_a_nul_character_is_refused(editor, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lesson = LessonFactory()
    upload = SimpleUploadedFile(
        "q.gift", GOOD_GIFT.replace("Smooth muscle #", "Smooth\x00 #").encode()
    )
    response = editor.post(
        reverse("admin:lessons_lesson_import_gift", args=[lesson.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
    assert not lesson.questions.exists()


@pytest.mark.parametrize(
    ("gift_text", "message"),
    [
        (
            "\n\nWhich? {\n=" + "a" * 501 + "\n~b\n}\n",
            "Line 3: an answer option is 501 characters long; the limit is 500",
        ),
        (
            "\n\nLeiomyosarcoma is a {=" + "m" * 201 + "} tumour.\n",
            "Line 3: an accepted answer is 201 characters long; the limit is 200",
        ),
    ],
)
@pytest.mark.parametrize("as_file", [False, True])
def test_gift_parts_too_long_to_store_are_reported_by_line(editor, db, gift_text, message, as_file):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lesson = LessonFactory()
    data = (
        {"file": SimpleUploadedFile("q.gift", gift_text.encode())}
        if as_file
        else {"text": gift_text}
    )
    response = editor.post(reverse("admin:lessons_lesson_import_gift", args=[lesson.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not lesson.questions.exists()


SHIPPED_GIFT = """::Confused:: Leiomyosarcoma must not be confused with which benign tumour of the
same tissue? {=leiomyoma ~lipoma ~fibroma ####Leiomyoma is the benign tumour.}

::Capital:: What is the capital of France? {=Paris ~Lyon ####Paris is.}
"""


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_import_page_is_reached_from_the_question_list_and_offers_every_course_lesson(
    editor, course
):
    other = LessonFactory(title="A lesson of another course")
    changelist = editor.get(reverse("admin:lessons_question_changelist")).content.decode()
    url = reverse("admin:lessons_lesson_import_gift_choose")
    assert url in changelist

    page = editor.get(url).content.decode()
    shipped = Lesson.objects.filter(source__slug="leiomyosarcoma").first()
    assert f'<optgroup label="{shipped.course}">' in page
    assert f'<optgroup label="{other.course}">' in page
    assert f'<option value="{other.pk}">A lesson of another course</option>' in page


def test_gift_imports_into_the_lesson_chosen_not_the_one_it_was_opened_from(editor, course):
    opened_from = LessonFactory()
    chosen = Lesson.objects.filter(source__slug="leiomyosarcoma").order_by("position").last()
    url = reverse("admin:lessons_lesson_import_gift", args=[opened_from.pk])
    assert f'<option value="{opened_from.pk}" selected>' in editor.get(url).content.decode()

    response = editor.post(url, {"lesson": chosen.pk, "text": SHIPPED_GIFT}, follow=True)

    assert not opened_from.questions.exists()
    imported = list(chosen.questions.filter(prompt__contains="which benign tumour").all())
    assert len(imported) == 1
    assert response.redirect_chain[-1][0].endswith(
        f"?lesson__id__exact={chosen.pk}&status__exact=draft"
    )
    assert "1 of them has a suggested source sentence" in " ".join(_messages(response))


def test_gift_import_needs_a_lesson_when_opened_from_the_question_list(editor, db):
    url = reverse("admin:lessons_lesson_import_gift_choose")
    response = editor.post(url, {"text": SHIPPED_GIFT})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Question.objects.filter(prompt__contains="capital of France").exists()


def test_importing_a_file_again_skips_its_questions_and_says_how_many(editor, course):
    lesson = Lesson.objects.filter(source__slug="leiomyosarcoma").first()
    url = reverse("admin:lessons_lesson_import_gift", args=[lesson.pk])
    editor.post(url, {"text": SHIPPED_GIFT})
    count = lesson.questions.count()

    response = editor.post(url, {"text": SHIPPED_GIFT}, follow=True)

    assert lesson.questions.count() == count
    assert "2 questions were already in this lesson and were skipped." in _messages(response)


def test_the_imported_drafts_show_their_suggested_sentence_with_a_button_to_confirm_it(
    editor, course
):
    lesson = Lesson.objects.filter(source__slug="leiomyosarcoma").first()
    url = reverse("admin:lessons_lesson_import_gift", args=[lesson.pk])
    listing = editor.post(url, {"text": SHIPPED_GIFT}, follow=True).content.decode()
    suggested = lesson.questions.get(prompt__contains="which benign tumour")
    authored = lesson.questions.get(prompt__contains="capital of France")
    assert authored.suggested_provenance is None
    confirm = reverse("admin:lessons_question_confirm_suggestion", args=[suggested.pk])
    assert f'formaction="{confirm}"' in listing
    assert "must not be confused with leiomyoma" in listing
    assert reverse("admin:lessons_question_confirm_suggestion", args=[authored.pk]) not in listing

    change_page = reverse("admin:lessons_question_change", args=[suggested.pk])
    assert "must not be confused with leiomyoma" in editor.get(change_page).content.decode()

    response = editor.post(confirm, HTTP_REFERER=f"http://testserver{CHANGELIST}?q=x")

    assert response.status_code == 302 and response.url == f"http://testserver{CHANGELIST}?q=x"
    suggested.refresh_from_db()
    assert "must not be confused with leiomyoma" in suggested.provenance.text
    assert suggested.suggested_provenance is None


def test_suggested_sentences_are_confirmed_in_bulk_and_then_both_kinds_publish(editor, course):
    lesson = Lesson.objects.filter(source__slug="leiomyosarcoma").first()
    imported = services.gift_import(lesson=lesson, text=SHIPPED_GIFT).created
    ids = [q.pk for q in imported]

    editor.post(CHANGELIST, {"action": "confirm_suggestion", "_selected_action": ids})
    response = editor.post(CHANGELIST, {"action": "publish", "_selected_action": ids}, follow=True)

    assert "2 questions published." in _messages(response)
    suggested, authored = Question.objects.filter(pk__in=ids).order_by("position")
    assert suggested.provenance is not None
    assert authored.provenance is None and authored.is_published


def test_confirming_needs_a_post_and_the_right_to_change_questions(client, instructor, editor, db):
    question = QuestionFactory(status=Question.Status.DRAFT)
    url = reverse("admin:lessons_question_confirm_suggestion", args=[question.pk])
    assert editor.get(url).status_code == 405
    client.force_login(instructor)
    assert client.post(url).status_code == 403


def test_instructors_cannot_import_or_change_questions(client, instructor, db):
    client.force_login(instructor)
    lesson = LessonFactory()
    response = client.post(
        reverse("admin:lessons_lesson_import_gift", args=[lesson.pk]), {"text": GOOD_GIFT}
    )
    assert response.status_code == 403
    assert not lesson.questions.exists()


def test_lesson_admin_lists_its_questions_in_order_with_links(editor, db):
    question = QuestionFactory()
    page = editor.get(reverse("admin:lessons_lesson_change", args=[question.lesson_id]))
    html = page.content.decode()
    assert reverse("admin:lessons_question_change", args=[question.pk]) in html
    assert "Import GIFT questions" in html


def test_lesson_admin_shows_the_first_questions_and_links_to_all_of_them(editor, db):
    from lessons.admin import SUMMARY_ROWS

    lesson = LessonFactory()
    # Without choices: the factory's all share one answer, so they would give
    # each other away, and the page would warn of (and link) every one.
    questions = [
        QuestionFactory(lesson=lesson, position=i, answers=False) for i in range(SUMMARY_ROWS + 5)
    ]
    html = editor.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content.decode()
    change = "admin:lessons_question_change"
    assert all(reverse(change, args=[q.pk]) in html for q in questions[:SUMMARY_ROWS])
    assert not any(reverse(change, args=[q.pk]) in html for q in questions[SUMMARY_ROWS:])
    assert f"The first {SUMMARY_ROWS} of {SUMMARY_ROWS + 5} questions." in html
    assert f"{CHANGELIST}?lesson__id__exact={lesson.pk}" in html
    # Questions are edited on their own page; the lesson form carries none.
    assert "questions-TOTAL_FORMS" not in html


def test_source_admin_shows_the_first_passages_shortened(editor, db):
    from lessons.admin import SUMMARY_ROWS
    from tests.factories import PassageFactory, SourceFactory

    source = SourceFactory()
    for position in range(SUMMARY_ROWS + 1):
        PassageFactory(source=source, position=position, text=f"Passage {position}. " + "x" * 500)
    html = editor.get(reverse("admin:lessons_source_change", args=[source.pk])).content.decode()
    assert "Passage 0." in html and f"Passage {SUMMARY_ROWS}." not in html
    assert "x" * 500 not in html
    assert f"The first {SUMMARY_ROWS} of {SUMMARY_ROWS + 1} passages." in html


def test_lesson_reading_sentences_do_not_cost_a_query_each(editor, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import LessonSentenceFactory

    lesson = LessonFactory()
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])

    def queries_with(sentences: int) -> int:
        while lesson.lesson_sentences.count() < sentences:
            LessonSentenceFactory(lesson=lesson)
        editor.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert editor.get(url).status_code == 200
        return len(queries)

    few = queries_with(2)
    assert queries_with(15) == few


def test_the_lesson_filter_offers_the_first_lessons_and_the_one_filtered_by(editor, db):
    from lessons.admin import SUMMARY_ROWS

    lessons = [LessonFactory(title=f"Filter lesson {i:02}", position=i) for i in range(30)]
    # The filter offers lessons in their own order, the shipped course's among them.
    in_order = list(Lesson.objects.all())
    html = editor.get(CHANGELIST).content.decode()
    assert f"lesson__id__exact={in_order[SUMMARY_ROWS - 1].pk}" in html
    assert f"lesson__id__exact={in_order[SUMMARY_ROWS].pk}" not in html
    last = lessons[-1]
    assert last in in_order[SUMMARY_ROWS:]
    filtered = editor.get(f"{CHANGELIST}?lesson__id__exact={last.pk}")
    assert filtered.status_code == 200 and "Filter lesson 29" in filtered.content.decode()
    # A lookup value that is not an id: the admin's own "?e=1" (invalid filter) page.
    nonsense = editor.get(f"{CHANGELIST}?lesson__id__exact=nonsense")
    assert nonsense.status_code == 302
    assert nonsense["Location"] == f"{CHANGELIST}?e=1"


def test_a_cohorts_learners_are_summarised_and_added_or_removed_by_username(admin_client, db):
    from lessons.admin import SUMMARY_ROWS
    from tests.factories import CohortFactory

    members = [UserFactory(username=f"member{i:02}") for i in range(SUMMARY_ROWS + 2)]
    cohort = CohortFactory(name="Evening class", learners=members)
    UserFactory(username="newcomer")
    url = reverse("admin:lessons_cohort_change", args=[cohort.pk])
    html = admin_client.get(url).content.decode()
    assert "member00" in html and f"member{SUMMARY_ROWS + 1}" not in html
    assert f"The first {SUMMARY_ROWS} of {SUMMARY_ROWS + 2} learners." in html

    form = {"name": cohort.name, "code": cohort.code, "pass_mark": "0.6"}
    refused = admin_client.post(url, form | {"add_learners": "newcomer nobody-like-this"})
    assert refused.status_code == 200
    assert "No account is named nobody-like-this." in refused.content.decode()
    assert not cohort.learners.filter(username="newcomer").exists()

    saved = admin_client.post(
        url, form | {"add_learners": "newcomer", "remove_learners": "member00"}
    )
    assert saved.status_code == 302
    usernames = set(cohort.learners.values_list("username", flat=True))
    assert "newcomer" in usernames and "member00" not in usernames
    assert len(usernames) == SUMMARY_ROWS + 2


def test_the_cohort_admin_chooses_the_courses_a_cohort_follows(admin_client, db):
    from tests.factories import CohortFactory, CourseFactory

    cohort = CohortFactory(name="Evening class")
    followed, other = CourseFactory(title="Anatomy"), CourseFactory(title="Histology")
    url = reverse("admin:lessons_cohort_change", args=[cohort.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="courses"' in page
    assert "Histology" not in page  # an autocomplete: only the chosen courses are on the page

    form = {"name": cohort.name, "code": cohort.code, "pass_mark": "0.6"}
    saved = admin_client.post(url, form | {"courses": [followed.pk]})
    assert saved.status_code == 302
    assert list(cohort.courses.all()) == [followed]
    assert "Anatomy" in admin_client.get(url).content.decode()
    search = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "lessons", "model_name": "cohort", "field_name": "courses", "term": "hist"},
    ).json()
    assert [r["text"] for r in search["results"]] == [str(other)]


def test_the_admin_is_named_as_the_site_is(editor, db, settings):
    """The admin said "Quiz site administration" while every other page
    says the site's name."""
    page = editor.get(reverse("admin:index")).content.decode()
    assert f"{settings.SITE_NAME} administration" in page
    assert "Quiz site" not in page


def test_a_long_prompt_is_named_cut_at_a_word(db):
    question = QuestionFactory(
        prompt="Which of these " + "statements about smooth muscle " * 4 + "is true?"
    )
    name = str(question)
    assert len(name) <= 81 and name.endswith("…")
    assert question.prompt.startswith(name[:-1]) and question.prompt[len(name) - 1] == " "
    assert str(QuestionFactory(prompt="Short prompt?")) == "Short prompt?"


def test_the_lesson_search_names_each_lesson_with_its_course(
    editor, db, django_assert_max_num_queries
):
    """Three lessons called "Evaporation" in three courses could not be told
    apart in the question form's lesson search."""
    lessons = [
        LessonFactory(title="Evaporation", course=CourseFactory(title=f"Water {n}"))
        for n in range(3)
    ]
    url = reverse("admin:autocomplete")
    params = {
        "term": "Evapor",
        "app_label": "lessons",
        "model_name": "question",
        "field_name": "lesson",
    }
    with django_assert_max_num_queries(6):  # one query for the lessons, whatever their number
        results = editor.get(url, params).json()["results"]
    assert sorted(r["text"] for r in results) == [f"Evaporation · Water {n}" for n in range(3)]
    assert {int(r["id"]) for r in results} == {lesson.pk for lesson in lessons}
