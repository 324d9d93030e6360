"""Usernames that could pass for another account's are refused (Unicode TR39
confusables, letter case, mixed alphabets); ordinary names in any one script
are welcome."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from lessons import accounts
from tests.factories import PASSWORD, UserFactory


def signup(client, username):
    return client.post(
        reverse("signup"),
        {"username": username, "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.parametrize(
    ("existing", "lookalike"),
    [
        ("admin", "аdmin"),  # Cyrillic а
        ("john", "jоhn"),  # Cyrillic о
        ("paypal", "раураl"),  # Cyrillic but the l
        ("cap", "сар"),  # all Cyrillic: one script, still a look-alike
        ("mary", "rnary"),  # r n drawn as m
        ("lan", "Ian"),  # capital I drawn as l
        ("sam", "ｓａｍ"),  # fullwidth
        ("educator", "educat0r"),  # zero drawn as o
        ("instructor", "1nstructor"),  # one drawn as l or I
    ],
)
def test_a_username_that_looks_like_an_existing_one_is_refused(client, db, existing, lookalike):
    UserFactory(username=existing)
    response = signup(client, lookalike)
    assert response.status_code == 400
    page = response.content.decode()
    assert any(
        message in page
        for message in ["looks the same as an existing one", "one alphabet", "already exists"]
    )
    assert not User.objects.filter(username=lookalike).exists()


def test_admin_with_a_cyrillic_a_is_refused_as_a_lookalike(client, db):
    UserFactory(username="admin")
    response = signup(client, "аdmin")
    assert response.status_code == 400
    assert accounts.username_skeletons("аdmin") == accounts.username_skeletons("admin")
    assert not User.objects.filter(username="аdmin").exists()


def test_a_username_differing_only_in_case_is_refused(client, student):
    response = signup(client, "SAM")
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()


@pytest.mark.parametrize("username", ["аdmin", "Ivаn", "abc李", "paypaΙ"])
def test_a_username_mixing_alphabets_is_refused_even_when_nobody_has_its_lookalike(
    client, db, username
):
    response = signup(client, username)
    assert response.status_code == 400
    assert "one alphabet" in response.content.decode()


@pytest.mark.parametrize(
    "username",
    ["José", "Мария", "李雷", "Ελένη", "山田たろう", "김민준", "Zoë_2", "anna.b@home"],
)
def test_ordinary_names_in_one_script_are_accepted(client, db, username):
    UserFactory(username="admin")
    UserFactory(username="sam")
    assert signup(client, username).status_code == 302
    assert User.objects.filter(username=username).exists()


def test_plainly_different_names_are_not_lookalikes(client, db):
    UserFactory(username="maria")
    for username in ["María", "mario", "maria2"]:
        client.logout()
        assert signup(client, username).status_code == 302, username


def test_a_lookalike_taken_between_the_check_and_the_insert_is_a_form_error(
    client, db, monkeypatch
):
    # Two sign-ups at once both pass the form's check; the check again under
    # the sign-up lock refuses the second. Skipping the form's check stands
    # for that race.
    from lessons.forms import SignUpForm

    UserFactory(username="admin")
    monkeypatch.setattr(SignUpForm, "clean_username", lambda form: form.cleaned_data["username"])
    monkeypatch.setattr(accounts, "username_mixes_scripts", lambda username: False)
    response = signup(client, "аdmin")
    assert response.status_code == 400
    assert "looks the same as an existing one" in response.content.decode()
    assert not User.objects.filter(username="аdmin").exists()


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    return client


def test_the_admin_add_user_form_refuses_a_lookalike(superuser_client):
    UserFactory(username="admin")
    response = superuser_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "аdmin",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert "one alphabet" in response.content.decode()
    assert not User.objects.filter(username="аdmin").exists()


def test_the_admin_can_still_edit_an_old_lookalike_account_without_renaming_it(
    superuser_client,
):
    real = UserFactory(username="admin")
    fake = UserFactory(username="аdmin")  # made before the rule
    response = superuser_client.get(reverse("admin:auth_user_change", args=[fake.pk]))
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "is_active": "",
            "date_joined_0": fake.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": fake.date_joined.strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    response = superuser_client.post(reverse("admin:auth_user_change", args=[fake.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    fake.refresh_from_db()
    assert not fake.is_active
    # ...but renaming the real account to another look-alike is refused.
    data["username"] = "ɑdmin"
    response = superuser_client.post(reverse("admin:auth_user_change", args=[real.pk]), data)
    assert response.status_code == 200


def user_change_data(client, user) -> dict:
    """The admin's user change form as it stands, ready to post back."""
    form = client.get(reverse("admin:auth_user_change", args=[user.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    for name in ("date_joined", "last_login", "password"):
        data.pop(name, None)
    data.update(
        {
            "is_active": "on",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
        }
    )
    return data


def test_the_admin_keeps_an_email_one_accounts_as_sign_up_does(superuser_client):
    UserFactory(username="first", email="same@example.org")
    second = UserFactory(username="second", email="second@example.org")
    data = user_change_data(superuser_client, second) | {"email": "SAME@example.org"}
    response = superuser_client.post(reverse("admin:auth_user_change", args=[second.pk]), data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    second.refresh_from_db()
    assert second.email == "second@example.org"
    # Saving an account with its own address is fine.
    data["email"] = "second@example.org"
    response = superuser_client.post(reverse("admin:auth_user_change", args=[second.pk]), data)
    assert response.status_code == 302
