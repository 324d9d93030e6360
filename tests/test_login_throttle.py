"""Sign-in throttling (django-axes): repeated wrong passwords lock out."""

from django.urls import reverse

from tests.factories import UserFactory


def sign_in(client, password):
    return client.post(reverse("login"), {"username": "rita", "password": password})


def test_repeated_wrong_passwords_lock_the_account_out_with_a_clear_page(settings, client, db):
    UserFactory(username="rita", password="a-long-enough-pass")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with its error
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Locked out even with the right password, until the cool-off passes.
    assert sign_in(client, "a-long-enough-pass").status_code == 429


def test_a_right_password_before_the_limit_signs_in_and_resets_the_count(settings, client, db):
    UserFactory(username="rita", password="a-long-enough-pass")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "a-long-enough-pass").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200
