from django import forms
from django.contrib.auth.forms import AuthenticationForm

WRONG_EMAIL_OR_PASSWORD = "Enter a correct email address and password"  # noqa: S105 - a message, not a password
INACTIVE_ACCOUNT = "This account has been closed. Contact the service administrator"


class SignInForm(AuthenticationForm):
    error_messages = {"invalid_login": WRONG_EMAIL_OR_PASSWORD, "inactive": INACTIVE_ACCOUNT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self) -> str:
        # Accounts are keyed by email address in lower case, however the person types it.
        return self.cleaned_data["username"].strip().lower()


class UnlockRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
