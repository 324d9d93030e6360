from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


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


class SignUpForm(UserCreationForm):
    """Students register themselves; educators and instructors are made by an admin."""

    email = forms.EmailField(
        required=False, help_text="Optional. Only used to reset a forgotten password."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def save_unless_taken(self) -> User | None:
        """The new account, or None with a form error when someone took the
        username between the form's check and the insert (two sign-ups at once)."""
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            self.add_error("username", "A user with that username already exists.")
            return None


class CohortJoinForm(forms.Form):
    code = forms.CharField(
        label="Cohort code",
        max_length=16,
        help_text="The code your instructor gave you, for example K7PX3QMA.",
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length checked on the server.

    AuthenticationForm sets the field's max_length after the field is built,
    so only the browser enforced it; an overlong username went on to
    authenticate() and django-axes, which stores it in 255 characters."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit and len(username) > limit:
            raise forms.ValidationError(
                f"A username has at most {limit} characters.", code="max_length"
            )
        return username
