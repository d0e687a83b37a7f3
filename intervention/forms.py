import datetime
from typing import Any

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


class CaseNoteForm(forms.Form):
    """A DfE case note; `version` carries the version the page was opened at, so a save over someone
    else's change is refused (intervention.services.update_case_note)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label="What kind of note is it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of note it is"},
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title for the note"})
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter the note"},
    )
    shared_with_commissioner = forms.BooleanField(
        label="Share this note with the commissioner and advisers on the case",
        help_text="The council and the improvement board chair never see case notes.",
        required=False,
    )

    def __init__(self, *args: Any, submit_label: str = "Save note", **kwargs: Any) -> None:
        from crispy_forms_gds.helper import FormHelper
        from crispy_forms_gds.layout import Field, Layout, Size, Submit

        from intervention.models import CaseNoteKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CaseNoteKind.choices  # type: ignore[attr-defined] # a ChoiceField
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("version"),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("title"),
            Field.textarea("text", label_size=Size.SMALL),
            Field.checkbox("shared_with_commissioner"),
            Submit("submit", submit_label),
        )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name the token",
        help_text="Say what will use it, for example 'Analysts' weekly extract'. You will see this name in your list.",
        max_length=100,
        error_messages={"required": "Enter a name for the token"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from crispy_forms_gds.helper import FormHelper
        from crispy_forms_gds.layout import Field, Layout, Submit

        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("name"), Submit("submit", "Make a token"))


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False)
