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


# Behind one trusted proxy: REMOTE_ADDR is the proxy's, the proxy appends the
# client's address to X-Forwarded-For.
PROXY = "10.0.0.2"


def sign_in_through_proxy(client, password, client_ip, forwarded_for=None):
    return client.post(
        reverse("login"),
        {"username": "rita", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for or client_ip,
    )


def test_behind_a_proxy_a_guesser_elsewhere_cannot_lock_the_victim_out(settings, client, db):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="rita", password="a-long-enough-pass")
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in_through_proxy(client, "wrong", "203.0.113.9")
    # The guesser cannot pose as the victim either: what it writes into the
    # header itself stands left of what the proxy appends.
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in_through_proxy(
            client, "wrong", "203.0.113.9", forwarded_for="198.51.100.7, 203.0.113.9"
        )
    victim = sign_in_through_proxy(client, "a-long-enough-pass", "198.51.100.7")
    assert victim.status_code == 302


def test_behind_a_proxy_repeated_failures_from_one_address_lock_that_pair(settings, client, db):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="rita", password="a-long-enough-pass")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in_through_proxy(client, "wrong", "198.51.100.7").status_code == 200
    assert sign_in_through_proxy(client, "wrong", "198.51.100.7").status_code == 429
    assert sign_in_through_proxy(client, "a-long-enough-pass", "198.51.100.7").status_code == 429
    # Another address behind the same proxy is not locked out.
    assert sign_in_through_proxy(client, "a-long-enough-pass", "192.0.2.44").status_code == 302


def test_an_overlong_username_at_sign_in_is_a_form_error_not_a_server_error(client, db):
    response = client.post(reverse("login"), {"username": "u" * 300, "password": "whatever"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
