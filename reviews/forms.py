"""Forms for the deadline pages, laid out with the GOV.UK Design System (crispy-forms-gds)."""

from __future__ import annotations

import datetime
from typing import cast

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

MET_IN_FUTURE = "The date it was met must be today or in the past"
ENTER_NOTE = "Say how the deadline was met, for example the review or report that met it"
ENTER_REASON = "Say why the date is changing"


class GovukForm(forms.Form):
    submit_label = "Continue"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def layout_fields(self) -> list:
        return [Field(name) for name in self.fields]


def date_field(label: str, hint: str) -> DateInputField:
    return DateInputField(label=label, help_text=hint, require_all_fields=False)


class MarkMetForm(GovukForm):
    submit_label = "Mark as met"
    met_on = date_field("When was it met?", "For example, 27 3 2024")
    note = forms.CharField(
        label="How was it met?",
        help_text="For example, the review that was held or the report that was sent, and where it is kept",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": ENTER_NOTE},
    )

    def layout_fields(self) -> list:
        return [Field("met_on", legend_size=Size.MEDIUM), Field.textarea("note", label_size=Size.MEDIUM)]

    def clean_met_on(self) -> datetime.date:
        met_on = self.cleaned_data["met_on"]
        if met_on > timezone.localdate():
            raise forms.ValidationError(MET_IN_FUTURE)
        return met_on


class OverrideForm(GovukForm):
    submit_label = "Change the date"
    due_on = date_field("New due date", "For example, 27 3 2024")
    reason = forms.CharField(
        label="Why is the date changing?",
        help_text="The date the rules give is kept and shown beside this one",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": ENTER_REASON},
    )

    def layout_fields(self) -> list:
        return [Field("due_on", legend_size=Size.MEDIUM), Field.textarea("reason", label_size=Size.MEDIUM)]


class AuthorityFilterForm(forms.Form):
    authority = forms.ChoiceField(label="Local authority", required=False)

    def __init__(self, *args, authorities: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["authority"]).choices = [
            ("", "All local authorities"),
            *[(str(pk), name) for pk, name in authorities],
        ]
