"""Correcting or withdrawing a value, a progress update or an evidence file: each asks why, and
carries the revision the form was opened at, so a save over someone else's correction is refused."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from reviews.forms.progress import ENTER_VALUE, RAG_CHOICES, GovukForm

ENTER_REASON = "Say why"
ENTER_CORRECTION_REASON = "Say why the record is being corrected"
ENTER_WITHDRAWAL_REASON = "Say why the record is being withdrawn"
ENTER_NARRATIVE = "Describe the progress made"


def reason_field(label: str, message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="This is shown beside the record, with your name and the date.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": message},
    )


class CorrectMeasurementForm(GovukForm):
    submit_label = "Save correction"
    revision = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.DecimalField(
        label="Correct value",
        max_digits=12,
        decimal_places=2,
        error_messages={"required": ENTER_VALUE, "invalid": ENTER_VALUE},
    )
    source_note = forms.CharField(label="Where does the figure come from? (optional)", required=False, max_length=300)
    reason = reason_field("Why is the value being corrected?", ENTER_CORRECTION_REASON)

    def __init__(self, *args, indicator=None, **kwargs) -> None:
        self.indicator = indicator
        super().__init__(*args, **kwargs)
        if indicator is not None and indicator.unit == "percent":
            self.fields["value"].label = "Correct value (%)"

    def layout_fields(self) -> list:
        return [
            Field("revision"),
            Field.text("value", field_width=Fluid.ONE_QUARTER),
            Field.text("source_note"),
            Field.textarea("reason", label_size=Size.SMALL),
        ]

    def clean_value(self):
        value = self.cleaned_data["value"]
        if self.indicator is not None:
            problem = self.indicator.value_problem(value)
            if problem:
                raise forms.ValidationError(problem)
        return value


class CorrectUpdateForm(GovukForm):
    submit_label = "Save correction"
    revision = forms.IntegerField(widget=forms.HiddenInput)
    narrative = forms.CharField(
        label="What progress has been made?",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": ENTER_NARRATIVE},
    )
    rag = forms.ChoiceField(label="RAG rating", choices=RAG_CHOICES, widget=forms.RadioSelect)
    reason = reason_field("Why is the update being corrected?", ENTER_CORRECTION_REASON)

    def layout_fields(self) -> list:
        return [
            Field("revision"),
            Field.textarea("narrative", label_size=Size.MEDIUM),
            Field.radios("rag", legend_size=Size.MEDIUM, small=True),
            Field.textarea("reason", label_size=Size.SMALL),
        ]


class WithdrawForm(GovukForm):
    submit_label = "Withdraw"
    revision = forms.IntegerField(widget=forms.HiddenInput)
    reason = reason_field("Why is it being withdrawn?", ENTER_WITHDRAWAL_REASON)

    def layout_fields(self) -> list:
        return [Field("revision"), Field.textarea("reason", label_size=Size.MEDIUM)]


class CorrectEvidenceForm(GovukForm):
    submit_label = "Upload corrected version"
    file = forms.FileField(label="Choose the corrected file", help_text="The earlier version is kept.")
    reason = reason_field("Why is the file being corrected?", ENTER_CORRECTION_REASON)

    def layout_fields(self) -> list:
        return [Field("file", label_size=Size.SMALL), Field.textarea("reason", label_size=Size.SMALL)]
