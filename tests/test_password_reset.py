"""Password reset by email: mail is really sent, a mail server that fails is
said plainly, requests are counted, and the pages are the site's own."""

import re
import smtplib

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a-brand-new-pass-2026"


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def ask_for_reset(client, email="rita@example.org", **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


@pytest.fixture
def rita(db):
    return UserFactory(username="rita", email="rita@example.org")


def test_a_reset_email_is_sent_and_its_link_sets_a_new_password(client, rita):
    response = ask_for_reset(client)
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rita@example.org"]
    assert settings.SITE_NAME in message.subject
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body).group(1)

    # The link leads, through a redirect that drops the token from the URL,
    # to the form for the new password.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    rita.refresh_from_db()
    assert rita.check_password(NEW_PASSWORD)
    assert (
        client.post(reverse("login"), {"username": "rita", "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_an_unknown_email_gets_the_same_done_page_and_no_mail(client, rita):
    response = ask_for_reset(client, email="nobody@example.org")
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_failing_mail_server_is_said_plainly_not_claimed_sent(settings, client, rita, caplog):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_password_reset.FailingEmailBackend"}}
    response = ask_for_reset(client)
    assert response.status_code == 503
    page = response.content.decode()
    assert "We could not send the email just now; try again later or ask your instructor" in page
    assert "Check your email" not in page
    logged = [record for record in caplog.records if "password reset" in record.getMessage()]
    assert len(logged) == 1


def test_the_sixth_request_in_an_hour_is_refused_politely(settings, client, rita):
    assert settings.PASSWORD_RESET_LIMIT == 5
    for _ in range(5):
        assert ask_for_reset(client).status_code == 302
    refused = ask_for_reset(client)
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert len(mail.outbox) == 5


def test_one_address_cannot_flood_many_inboxes(client, db):
    for number in range(5):
        assert ask_for_reset(client, email=f"user{number}@example.org").status_code == 302
    assert ask_for_reset(client, email="user9@example.org").status_code == 429


def test_many_addresses_cannot_flood_one_inbox(settings, client, rita):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        response = ask_for_reset(
            client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}"
        )
        assert response.status_code == 302
    # Any letter case is the same inbox.
    refused = ask_for_reset(
        client,
        email="RITA@example.org",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert refused.status_code == 429


def test_an_invalid_email_is_a_400_with_the_form(client, db):
    response = ask_for_reset(client, email="not an email")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


def reset_pages(client, rita):
    ask_for_reset(client)
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    return {
        "form": client.get(reverse("password_reset")),
        "done": client.get(reverse("password_reset_done")),
        "confirm": form_page,
        "bad link": client.get(reverse("password_reset_confirm", args=["MQ", "wrong-token"])),
        "complete": client.get(reverse("password_reset_complete")),
    }


def test_the_reset_pages_and_email_have_the_site_look_not_the_admin(client, rita):
    for name, response in reset_pages(client, rita).items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert settings.SITE_NAME in page, name
        assert "Django site admin" not in page, name
        assert "Django administration" not in page, name
    assert settings.SITE_NAME in mail.outbox[0].body


def test_the_sign_in_page_links_to_the_reset(client, db):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def signup(client, username, email):
    return client.post(
        reverse("signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_refuses_an_email_another_account_has_in_any_case(client, rita):
    response = signup(client, "rita2", "Rita@Example.ORG")
    assert response.status_code == 400
    assert "An account with that email address already exists" in response.content.decode()
    assert not User.objects.filter(username="rita2").exists()


def test_sign_up_without_email_is_fine_twice(client, db):
    assert signup(client, "first", "").status_code == 302
    client.logout()
    assert signup(client, "second", "").status_code == 302


def test_an_email_taken_between_the_check_and_the_insert_is_a_form_error(client, db, monkeypatch):
    # Two sign-ups at once both pass the form's check; the check again under
    # the sign-up lock refuses the second. Skipping the form's check stands
    # for that race.
    from lessons.forms import SignUpForm

    UserFactory(username="rival", email="shared@example.org")
    monkeypatch.setattr(SignUpForm, "clean_email", lambda form: form.cleaned_data["email"])
    response = signup(client, "latecomer", "shared@example.org")
    assert response.status_code == 400
    assert "An account with that email address already exists" in response.content.decode()
    assert not User.objects.filter(username="latecomer").exists()


class UnreachableEmailBackend(BaseEmailBackend):
    """A mail server that is down: even connecting fails."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        self.open()


@pytest.mark.parametrize("email", ["rita@example.org", "nobody@example.org"])
def test_a_mail_server_that_is_down_is_said_plainly_for_any_address(settings, client, rita, email):
    # Said for an address with no account too, so the message does not tell
    # a stranger which addresses are registered.
    settings.MAILERS = {"default": {"BACKEND": "tests.test_password_reset.UnreachableEmailBackend"}}
    response = ask_for_reset(client, email=email)
    assert response.status_code == 503
    assert "We could not send the email just now" in response.content.decode()
