import datetime

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from intervention.validators import DATE_OUT_OF_RANGE, EARLIEST_DATE, LATEST_DATE, sensible_date

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


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month and year), refusing a date outside the service's window
    with the same message as the models, whatever year is typed: 0001, 9999 or 99999."""

    default_validators = [sensible_date]

    def compress(self, data_list: list | tuple) -> datetime.date | None:
        day, month, year = data_list
        if day and month and year and not EARLIEST_DATE.year <= int(year) <= LATEST_DATE.year:
            raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")
        return super().compress(data_list)
