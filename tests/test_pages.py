from unittest import mock

from django.contrib.auth.models import User
from django.db import OperationalError
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import escape

from lessons.models import Lesson, LessonSentence
from tests.factories import (
    PASSWORD,
    LessonFactory,
    PassageFactory,
    QuestionFactory,
    SentenceFactory,
)

NOTICE = "Educational content, not medical advice."


def test_home_lists_the_shipped_course_whose_page_lists_its_lessons_in_order_with_the_notice(
    client, course
):
    home = client.get("/")
    assert home.status_code == 200
    shipped = Lesson.objects.published().first().course
    assert reverse("lessons:course_detail", args=[shipped.slug]) in home.content.decode()
    html = client.get(reverse("lessons:course_detail", args=[shipped.slug])).content.decode()
    titles = list(Lesson.objects.published().values_list("title", flat=True))
    assert len(titles) >= 6
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert NOTICE in html


def test_course_page_hides_unpublished_lessons(client, db):
    visible = LessonFactory(title="Visible lesson")
    LessonFactory(title="Hidden lesson", published=False, course=visible.course)
    html = client.get(reverse("lessons:course_detail", args=[visible.course.slug])).content.decode()
    assert "Visible lesson" in html
    assert "Hidden lesson" not in html


def test_lesson_page_shows_its_reading_with_passage_numbers(client, course):
    several_passages = 0
    for lesson in Lesson.objects.published():
        response = client.get(lesson.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        for item in lesson.lesson_sentences.select_related("sentence"):
            numbers = [str(passage.number) for passage in item.sentence.passages.all()]
            several_passages += len(numbers) > 1
            cite = f"passage{pluralize(len(numbers))} {', '.join(numbers)}"
            assert f'{escape(item.sentence.text)} <span class="cite">({cite})</span>' in html
        assert f"<cite>{escape(lesson.source.title)}</cite>" in html
        assert NOTICE in html
    assert several_passages  # the shipped course repeats sentences across passages


def test_unpublished_or_unknown_lesson_is_404(client, db):
    hidden = LessonFactory(published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/lessons/no-such-lesson/").status_code == 404


def test_pages_stay_within_a_constant_query_budget(client, db, django_assert_max_num_queries):
    def grow(lessons, sentences):
        for _ in range(lessons):
            lesson = LessonFactory()
            for position in range(sentences):
                sentence = SentenceFactory(source=lesson.source, text=f"Sentence {position}.")
                sentence.passages.add(PassageFactory(source=lesson.source))
                LessonSentence.objects.create(lesson=lesson, sentence=sentence, position=position)
            for _ in range(3):
                QuestionFactory(lesson=lesson)
        return lesson

    for lesson in (grow(2, sentences=2), grow(20, sentences=30)):
        with django_assert_max_num_queries(3):
            assert client.get("/").status_code == 200
        with django_assert_max_num_queries(5):
            page = client.get(lesson.get_absolute_url())
        assert page.status_code == 200
        assert page.content.decode().count("Sentence ") >= lesson.lesson_sentences.count()


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_healthz_answers_a_head_probe(client, db):
    # Some load balancers probe with HEAD.
    assert client.head("/healthz").status_code == 200
    with mock.patch("lessons.views.pages.connection.cursor", side_effect=OperationalError("gone")):
        assert client.head("/healthz").status_code == 503


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("lessons.views.pages.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_a_student_signs_up_and_is_signed_in(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "newstudent", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(username="newstudent")
    assert not user.is_staff and not user.groups.exists()
    assert client.get("/").context["user"] == user


def test_sign_up_with_mismatched_passwords_is_a_400_with_a_message(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "newstudent", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 400
    assert "password fields didn’t match" in response.content.decode()
    assert not User.objects.filter(username="newstudent").exists()


def test_a_username_taken_between_the_check_and_the_insert_is_a_form_error(client, db, monkeypatch):
    # Two sign-ups at once both pass the form's uniqueness check; the database
    # refuses the second insert. Here the check is skipped to stand for that race.
    from lessons.forms import SignUpForm

    User.objects.create_user("rival", password=PASSWORD)
    monkeypatch.setattr(SignUpForm, "clean_username", lambda form: form.cleaned_data["username"])
    monkeypatch.setattr(SignUpForm, "validate_unique", lambda form: None)
    response = client.post(
        reverse("signup"),
        {"username": "rival", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="rival").count() == 1


def test_log_in_log_out_and_change_password(client, student):
    response = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-pass-77",
            "new_password2": "another-long-pass-77",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("another-long-pass-77")
    client.post(reverse("logout"))
    assert not client.get("/").context["user"].is_authenticated


def test_wrong_password_shows_a_clear_message(client, student):
    response = client.post(reverse("login"), {"username": "sam", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_pages_send_a_content_security_policy(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_brand_and_the_page_titles_name_the_site_alike(client, db, settings):
    settings.SITE_NAME = "Reef school"
    page = client.get(reverse("lessons:home")).content.decode()
    assert '<a class="brand" href="/">Reef school</a>' in page
    assert "· Reef school</title>" in page
