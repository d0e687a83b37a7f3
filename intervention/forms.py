import datetime
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
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


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        error_messages={"required": "Enter the code from your authenticator app"},
    )


WRONG_CODE = "The code is not right. Enter the code your authenticator app shows now, or a recovery code"
WRONG_SET_UP_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now"


class SetUpSecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        help_text="The 6 digits the app shows for this service, for example 123456.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


class PasswordResetRequestForm(UnlockRequestForm):
    """The email address to send a reset link to (the same field as the unlock request's)."""


class GovukSetPasswordForm(SetPasswordForm):
    """Choosing a new password (from a reset or invitation link): GOV.UK labels and messages."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters. A few words you will remember make a good password."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
        self.error_messages = {**self.error_messages, "password_mismatch": "The passwords do not match"}


class GovukPasswordChangeForm(PasswordChangeForm, GovukSetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Your current password is not right. Enter it again",
        }


class AcceptInvitationForm(forms.Form):
    """The invited person chooses their password (SetPasswordForm's rules, without an account yet)."""

    new_password1 = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 12 characters. A few words you will remember make a good password.",
        error_messages={"required": "Enter a password"},
    )
    new_password2 = forms.CharField(
        label="Confirm your password", strip=False, error_messages={"required": "Confirm your password"}
    )

    def __init__(self, *args, invitation=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth import get_user_model, password_validation

        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The passwords do not match")
        elif first and self.invitation is not None:
            someone = get_user_model()(username=self.invitation.email, email=self.invitation.email)
            someone.first_name = self.invitation.name
            try:
                password_validation.validate_password(first, someone)
            except ValidationError as error:
                self.add_error("new_password1", error)
        return data


class InvitationForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=200, error_messages={"required": "Enter their full name"})
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    organisation = forms.ChoiceField(
        label="Who they work for",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who they work for"},
    )
    local_authority: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Council",
        queryset=None,
        required=False,
        help_text="For council staff: the council they work for.",
        empty_label="Select a council",
    )
    intervention: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Intervention they are appointed to",
        queryset=None,
        required=False,
        help_text="For a commissioner or adviser.",
        empty_label="None",
    )
    role = forms.ChoiceField(label="Appointment", required=False)

    def __init__(self, *args, **kwargs) -> None:
        from intervention.accounts import INVITABLE_ORGANISATIONS, INVITABLE_ROLES
        from intervention.enums import Organisation, Role
        from intervention.models import Intervention, LocalAuthority

        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.choices = [(o.value, Organisation(o).label) for o in INVITABLE_ORGANISATIONS]
        field = self.fields["local_authority"]
        field.queryset = LocalAuthority.objects.all()
        field = self.fields["intervention"]
        field.queryset = Intervention.objects.filter(closed_on__isnull=True).select_related("local_authority")
        field = self.fields["role"]
        field.choices = [("", "None")] + [(r.value, Role(r).label) for r in INVITABLE_ROLES]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class AccountAccessForm(forms.Form):
    """Deactivating or reactivating someone's account: why, and the state it was read in, so that two
    people acting at once cannot undo each other's act without seeing it (a stale save is refused)."""

    reason = forms.CharField(
        label="Why",
        max_length=500,
        help_text="For example, \u201cLeft the council on 31 March\u201d. It is kept in the account's history.",
        error_messages={"required": "Enter why"},
    )
    was_active = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")], widget=forms.HiddenInput)
