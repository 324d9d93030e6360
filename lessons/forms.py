import smtplib
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordResetForm,
    UserChangeForm,
    UserCreationForm,
)
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import loader

from lessons import accounts
from quizsite.sign_in_admission import SIGN_INS_BUSY, SIGN_INS_BUSY_CODE, SignInsBusy

EMAIL_TAKEN = "An account with that email address already exists. Sign in, or reset its password."

# What a mail server that is down, refuses us or times out raises.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def uploaded_text_check(field: forms.Field, text: str, *, name: str = "The file") -> str:
    """An uploaded file's text, held to the validators of the field it could
    have been pasted into instead (a CharField refuses NUL characters, which
    PostgreSQL cannot store), so an upload is never let through what a paste
    is not. The text is not stripped: line numbers in errors stay the file's."""
    try:
        field.run_validators(text)
    except ValidationError as error:
        raise ValidationError([f"{name}: {message}" for message in error.messages]) from None
    return text


# The mixins below extend Django's forms; the type checker sees them as such.
if TYPE_CHECKING:
    _ModelFormBase = forms.ModelForm
    _FormBase = forms.Form
else:
    _ModelFormBase = _FormBase = object


class DistinctUsernameMixin(_ModelFormBase):
    """Refuses a username that could pass for another account's (a look-alike
    letter from another alphabet, another case) or that mixes alphabets, so
    instructors' tables cannot show a fake "admin" beside the real one."""

    def clean_username(self) -> str:
        parent = getattr(super(), "clean_username", None)
        # Django's own check (another case) returns None once it refused.
        username = parent() if parent else self.cleaned_data["username"]
        # Only a new or changed name: an old look-alike account can still be
        # edited (deactivated, say) before it is renamed.
        if username and "username" in self.changed_data:
            problem = accounts.username_problem(username, exclude_pk=self.instance.pk)
            if problem:
                raise forms.ValidationError(problem, code="confusable")
        return username


class SignUpForm(DistinctUsernameMixin, UserCreationForm):
    """Students register themselves; educators and instructors are made by an admin."""

    email = forms.EmailField(
        required=False, help_text="Optional. Only used to reset a forgotten password."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email and accounts.email_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN, code="unique")
        return email

    def save_unless_taken(self) -> User | None:
        """The new account, or None with a form error when someone took the
        username or email between the form's check and the insert (two
        sign-ups at once).

        The username has a unique index, but neither its look-alikes nor the
        email can have one (auth's table is not ours, and older accounts may
        share one), so sign-ups take a lock and check both again inside it."""
        try:
            with transaction.atomic():
                accounts.lock_signups()
                problem = accounts.username_problem(self.cleaned_data["username"])
                if problem:
                    self.add_error("username", problem)
                    return None
                email = self.cleaned_data.get("email")
                if email and accounts.email_taken(email):
                    self.add_error("email", EMAIL_TAKEN)
                    return None
                return self.save()
        except IntegrityError:
            self.add_error("username", "A user with that username already exists.")
            return None


class StaffUserCreationForm(DistinctUsernameMixin, AdminUserCreationForm):
    """The admin's "add user" form, with sign-up's username rules."""


class StaffUserChangeForm(DistinctUsernameMixin, UserChangeForm):
    """The admin's user form: a rename follows sign-up's username rules, and
    an email stays one account's, as at sign-up."""

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        changed = email and "email" in self.changed_data
        if changed and accounts.email_taken(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError(EMAIL_TAKEN, code="unique")
        return email


class CohortJoinForm(forms.Form):
    code = forms.CharField(
        label="Cohort code",
        max_length=16,
        help_text="The code your instructor gave you, for example K7PX3QMA.",
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class UsernameLengthMixin(_FormBase):
    """The username's length checked on the server, for sign-in forms.

    AuthenticationForm sets the field's max_length after the field is built,
    so only the browser enforced it; an overlong username went on to
    authenticate() and django-axes, which stores it in 255 characters."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        limit = getattr(self.fields["username"], "max_length", None)
        if limit and len(username) > limit:
            raise forms.ValidationError(
                f"A username has at most {limit} characters.", code="max_length"
            )
        return username


class AdmittedSignInMixin(_FormBase):
    """A sign-in turned away for load (no password verification slot free,
    quizsite/sign_in_admission.py) is the form's error, with the username kept."""

    def clean(self) -> dict[str, Any]:
        try:
            super().clean()
        except SignInsBusy:
            raise ValidationError(SIGN_INS_BUSY, code=SIGN_INS_BUSY_CODE) from None
        return self.cleaned_data


class SignInForm(AdmittedSignInMixin, UsernameLengthMixin, AuthenticationForm):
    """The site's sign-in form, with the choice of a session that outlasts the browser."""

    remember = forms.BooleanField(
        required=False,
        label="Keep me signed in on this device",
        label_suffix="",
        help_text="Leave this unticked on a computer others use.",
    )


class AdminSignInForm(AdmittedSignInMixin, UsernameLengthMixin, AdminAuthenticationForm):
    """The admin's sign-in form (staff only), with the same length check."""


class ResetMailNotSent(Exception):
    """The password reset email could not be handed to the mail server."""


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, raising ResetMailNotSent when mail fails instead of
    only logging it, so the page does not claim an email was sent.

    The connection is opened before looking the address up, so a mail server
    that is down is reported whether or not the address has an account: the
    message does not tell a stranger which addresses are registered."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.mailer = mail.mailers.default
        try:
            self.mailer.open()
        except MAIL_ERRORS as error:
            raise ResetMailNotSent from error
        try:
            super().save(*args, **kwargs)
        finally:
            with suppress(*MAIL_ERRORS):
                self.mailer.close()

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = mail.EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        try:
            self.mailer.send_messages([message])
        except MAIL_ERRORS as error:
            raise ResetMailNotSent from error
