"""Signing in (issue 16.4): passwords hashed with Argon2, old PBKDF2 hashes
upgraded on the next sign-in, and a session that lasts on a remembered
device and ends with the browser elsewhere."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse
from django.utils import timezone

from quizsite import settings as project_settings
from tests.factories import UserFactory

PASSWORD = "a-long-enough-pass"


@pytest.fixture
def production_hashers(settings):
    """The hashers the site ships (tests use a fast one elsewhere)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def sign_in(client, *, remember: bool | None = None, username: str = "rita"):
    form = {"username": username, "password": PASSWORD}
    if remember is not None and remember:
        form["remember"] = "on"
    return client.post(reverse("login"), form)


def test_a_pbkdf2_hash_becomes_argon2_on_the_next_sign_in(production_hashers, client, db):
    user = UserFactory(username="rita")
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert sign_in(client).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
    # And the upgraded hash signs in again.
    client.logout()
    assert sign_in(client).status_code == 302


def test_a_new_account_gets_an_argon2_hash(production_hashers, client, db):
    response = client.post(
        reverse("signup"),
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": PASSWORD + "-x",
            "password2": PASSWORD + "-x",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="newcomer").password.startswith("argon2$")


def test_the_site_hashes_with_django_s_argon2_parameters():
    """Argon2 at the parameters Django ships: a class signs in faster without
    weaker hashes (README, "Signing in")."""
    assert (
        project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in project_settings.PASSWORD_HASHERS


def test_the_sign_in_page_offers_to_keep_the_student_signed_in(client, db):
    page = client.get(reverse("login")).content.decode()
    # The box, then its label (named for it), then the advice it points to.
    assert (
        '<input type="checkbox" name="remember" aria-describedby="id_remember_helptext"'
        ' id="id_remember"> <label for="id_remember">Keep me signed in on this device</label>'
    ) in page
    assert '<div class="help" id="id_remember_helptext">Leave this unticked' in page


def session_of(client) -> SessionBase:
    return client.session


def test_kept_signed_in_the_session_lasts_thirty_days(client, db):
    UserFactory(username="rita", password=PASSWORD)
    response = sign_in(client, remember=True)
    assert response.status_code == 302
    session = session_of(client)
    assert not session.get_expire_at_browser_close()
    expiry = session.get_expiry_date()
    assert timedelta(days=29) < expiry - timezone.now() <= timedelta(days=30)
    cookie = response.cookies["sessionid"]
    assert int(cookie["max-age"]) == 30 * 24 * 3600


def test_not_kept_signed_in_the_session_ends_when_the_browser_closes(client, db):
    UserFactory(username="rita", password=PASSWORD)
    response = sign_in(client, remember=False)
    assert response.status_code == 302
    assert session_of(client).get_expire_at_browser_close()
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]
