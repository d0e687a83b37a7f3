"""Forms for the deadline pages, laid out with the GOV.UK Design System (crispy-forms-gds)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.http import QueryDict
from django.utils import timezone

from reviews.forms.common import GovukForm, date_field
from reviews.models import Deadline

MET_IN_FUTURE = "The date it was met must be today or in the past"
ENTER_NOTE = "Say how the deadline was met, for example the review or report that met it"
ENTER_REASON = "Say why the date is changing"
NO_DEADLINE = "none"
CHOOSE_DEADLINES = "Choose the deadlines that were met"
ENTER_BULK_NOTE = "Say how the deadlines were met, for example where the evidence is kept"


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


class BulkMetForm(GovukForm):
    """Several deadlines met with one note (a case entered after the fact). The template draws the
    <form> and the checkboxes, one in each row of the tables of past deadlines."""

    submit_label = "Mark the selected deadlines as met"
    draws_form_tag = False
    deadlines = forms.MultipleChoiceField(
        label="Deadlines that were met", error_messages={"required": CHOOSE_DEADLINES}
    )
    met_on = date_field("When were they met?", "For example, 27 3 2024. The same date is recorded for each")
    note = forms.CharField(
        label="How were they met?",
        help_text="For example, the reports that were sent and where they are kept. Each deadline gets this note",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ENTER_BULK_NOTE},
    )

    def __init__(self, *args: Any, choosable: list[Deadline], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choosable = {str(d.pk): d for d in choosable}
        cast(forms.MultipleChoiceField, self.fields["deadlines"]).choices = [(pk, pk) for pk in self.choosable]
        self.fields["deadlines"].error_messages["invalid_choice"] = CHOOSE_DEADLINES

    def layout_fields(self) -> list:
        return [Field("met_on", legend_size=Size.SMALL), Field.textarea("note", label_size=Size.SMALL)]

    def clean_met_on(self) -> datetime.date:
        met_on = self.cleaned_data["met_on"]
        if met_on > timezone.localdate():
            raise forms.ValidationError(MET_IN_FUTURE)
        return met_on

    def selected_ids(self) -> set[str]:
        """What the person ticked, kept when the form comes back with an error."""
        return set(cast(QueryDict, self.data).getlist("deadlines")) if self.is_bound else set()

    def chosen(self) -> list[Deadline]:
        return [self.choosable[pk] for pk in self.cleaned_data["deadlines"]]


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


def deadline_choices(deadlines: list[Deadline]) -> list[Any]:
    choices: list[Any] = [Choice(str(d.pk), f"{d.what}, due {d.due_on:%-d %B %Y}") for d in deadlines]
    if deadlines:
        last = deadlines[-1]
        choices[-1] = Choice(str(last.pk), f"{last.what}, due {last.due_on:%-d %B %Y}", divider="or")
    return [*choices, Choice(NO_DEADLINE, "None of these")]


class DeadlineChoiceForm(GovukForm):
    deadline = forms.ChoiceField(
        label="Which deadline does it meet?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the deadline it meets, or none of these"},
    )

    def __init__(self, *args: Any, deadlines: list[Deadline], submit_label: str, label: str, **kwargs: Any) -> None:
        self.submit_label = submit_label
        self.deadlines = {str(d.pk): d for d in deadlines}
        super().__init__(*args, **kwargs)
        self.fields["deadline"].label = label
        cast(forms.ChoiceField, self.fields["deadline"]).choices = deadline_choices(deadlines)
        if not deadlines:
            self.fields["deadline"].initial = NO_DEADLINE

    def layout_fields(self) -> list:
        return [Field.radios("deadline", legend_size=Size.MEDIUM)]

    def chosen(self) -> Deadline | None:
        return self.deadlines.get(self.cleaned_data["deadline"])
