from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User


class SignUpForm(UserCreationForm):
    """Students register themselves; educators and instructors are made by an admin."""

    email = forms.EmailField(
        required=False, help_text="Optional. Only used to reset a forgotten password."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class CohortJoinForm(forms.Form):
    code = forms.CharField(
        label="Cohort code",
        max_length=16,
        help_text="The code your instructor gave you, for example K7PX3QMA.",
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()
