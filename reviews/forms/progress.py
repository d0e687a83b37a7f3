"""Forms council officers fill in, laid out with the GOV.UK Design System (crispy-forms-gds).
Validation that matters also lives in the services and models; these say it in the form's words."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.utils import timezone

from directions.enums import ResponseKind
from intervention.validators import DATE_OUT_OF_RANGE, EARLIEST_DATE, LATEST_DATE, sensible_date
from reviews.enums import ActionStatus, Rag
from reviews.forms import common
from reviews.forms.common import date_field

ENTER_NARRATIVE = "Describe the progress made"
CHOOSE_RAG = "Choose a RAG rating"
ENTER_VALUE = "Enter the value, for example 42.5"
PERIOD_IN_FUTURE = "The period cannot be in the future"
ENTER_MONTH = "Enter the month as a number from 1 to 12"
ENTER_YEAR = "Enter the year as 4 digits, for example 2024"
CHOOSE_FILES_AGAIN = (
    "You chose {count} file{plural} ({names}). Files cannot be kept when a form has a problem: choose {them} again."
)

RAG_CHOICES = [
    Choice(Rag.GREEN, "Green", hint="On track"),
    Choice(Rag.AMBER, "Amber", hint="Some risk to progress"),
    Choice(Rag.RED, "Red", hint="Off track or at serious risk"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class GovukForm(common.GovukForm):
    """The progress pages' forms: the template draws the <form> (evidence needs its enctype)."""

    submit_label = "Save"
    draws_form_tag = False

    def chosen_files_notice(self) -> str:
        """When the form is shown again with errors, say plainly which files must be chosen again."""
        names = [f.name or "" for f in self.files.getlist("evidence")] if self.is_bound and self.files else []
        if not names or not self.errors:
            return ""
        return CHOOSE_FILES_AGAIN.format(
            count=len(names),
            plural="" if len(names) == 1 else "s",
            names=", ".join(names),
            them="it" if len(names) == 1 else "them",
        )


class ProgressForm(GovukForm):
    submit_label = "Save progress update"
    narrative = forms.CharField(
        label="What progress has been made?",
        help_text="Say what has changed for children and families, and what the evidence shows",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": ENTER_NARRATIVE},
    )
    rag = forms.ChoiceField(
        label="RAG rating", choices=RAG_CHOICES, widget=forms.RadioSelect, error_messages={"required": CHOOSE_RAG}
    )
    rag_change_reason = forms.CharField(
        label="If the rating has changed, why?",
        help_text="Needed only when the rating is different from the last update's",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    period_start = date_field("Start of the period this update covers")
    period_end = date_field("End of the period this update covers")
    evidence = MultipleFileField(
        label="Evidence (optional)",
        help_text="PDF, Word, Excel, CSV, PNG or JPEG, up to 20 MB each. You can choose more than one file.",
        required=False,
    )

    def layout_fields(self) -> list:
        return [
            Field.textarea("narrative", label_size=Size.MEDIUM),
            Field.radios("rag", legend_size=Size.MEDIUM, small=True),
            Field.textarea("rag_change_reason", label_size=Size.SMALL),
            Field("period_start", legend_size=Size.SMALL),
            Field("period_end", legend_size=Size.SMALL),
            Field("evidence", label_size=Size.MEDIUM),
        ]

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        end = cleaned.get("period_end")
        if end and end > timezone.localdate():
            self.add_error("period_end", PERIOD_IN_FUTURE)
        return cleaned


class MonthField(forms.MultiValueField):
    """A month, entered as month and year (the GOV.UK date pattern without the day), cleaned to its last day."""

    default_validators = [sensible_date]

    def __init__(self, **kwargs) -> None:
        fields = (
            forms.IntegerField(
                min_value=1,
                max_value=12,
                error_messages={"invalid": ENTER_MONTH, "min_value": ENTER_MONTH, "max_value": ENTER_MONTH},
            ),
            # Any whole number: a year outside the service's window is refused with its message in compress().
            forms.IntegerField(error_messages={"invalid": ENTER_YEAR}),
        )
        super().__init__(
            fields=fields,
            require_all_fields=False,
            widget=MonthWidget,
            error_messages={"incomplete": "Enter the month and year", "required": "Enter the month and year"},
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or None in data_list:
            return None
        month, year = data_list
        if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
            raise forms.ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")
        return datetime.date(year, month, calendar.monthrange(year, month)[1])


class MonthWidget(forms.MultiWidget):
    """The GOV.UK date input with month and year only, rendered by crispy-forms-gds's date template."""

    template_name = "gds/widgets/date.html"

    def __init__(self, attrs=None) -> None:
        classes = "govuk-input govuk-date-input__input"
        super().__init__(
            [
                forms.TextInput(
                    attrs={"class": f"{classes} govuk-input--width-2", "label": "Month", "inputmode": "numeric"}
                ),
                forms.TextInput(
                    attrs={"class": f"{classes} govuk-input--width-4", "label": "Year", "inputmode": "numeric"}
                ),
            ],
            attrs,
        )

    def decompress(self, value):
        return [value.month, value.year] if value else [None, None]


class MeasurementForm(GovukForm):
    submit_label = "Save value"
    period_end = MonthField(label="Which month is the value for?", help_text="For example, 3 2024")
    value = forms.DecimalField(
        label="Value", max_digits=12, decimal_places=2, error_messages={"required": ENTER_VALUE, "invalid": ENTER_VALUE}
    )
    source_note = forms.CharField(
        label="Where does the figure come from? (optional)",
        help_text="For example, the monthly performance report",
        required=False,
        max_length=300,
    )

    def __init__(self, *args, indicator=None, **kwargs) -> None:
        self.indicator = indicator
        super().__init__(*args, **kwargs)
        if indicator is not None and indicator.unit == "percent":
            self.fields["value"].label = "Value (%)"

    def layout_fields(self) -> list:
        return [Field("period_end"), Field.text("value", field_width=Fluid.ONE_QUARTER), Field.text("source_note")]

    def clean_period_end(self):
        period_end = self.cleaned_data["period_end"]
        today = timezone.localdate()
        if period_end and period_end.replace(day=1) > today:
            raise forms.ValidationError(PERIOD_IN_FUTURE)
        return min(period_end, today) if period_end else period_end

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        if self.indicator is not None:
            problem = self.indicator.value_problem(value)
            if problem:
                raise forms.ValidationError(problem)
        return value


ACTION_STATUS_CHOICES = [Choice(value, label) for value, label in ActionStatus.choices]


class PlanActionForm(GovukForm):
    submit_label = "Save changes"
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Status", choices=ACTION_STATUS_CHOICES, widget=forms.RadioSelect)
    rag = forms.ChoiceField(label="RAG rating", choices=RAG_CHOICES, widget=forms.RadioSelect)
    owner = forms.CharField(label="Owner", max_length=200)
    due_on = date_field("Due date")
    reason = forms.CharField(
        label="What has changed, and why?",
        help_text="Needed when the RAG rating or the due date changes; kept whole with the action's history",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def layout_fields(self) -> list:
        return [
            Field("version"),
            Field.radios("status", legend_size=Size.MEDIUM, small=True),
            Field.radios("rag", legend_size=Size.MEDIUM, small=True),
            Field.text("owner"),
            Field("due_on", legend_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL),
        ]


RESPONSE_LABELS: dict[str, tuple[str, str, str]] = {
    ResponseKind.ACKNOWLEDGED: ("Acknowledge the instruction", "Who will lead the council's response?", "Acknowledge"),
    ResponseKind.PROGRESS: ("Record progress", "What has been done?", "Save progress"),
    ResponseKind.SUBMITTED: (
        "Submit as complied",
        "How has the council complied?",
        "Submit to the commissioner",
    ),
    ResponseKind.ACCEPTED: ("Accept as complied", "Why is the instruction complied with?", "Accept and close"),
    ResponseKind.RETURNED: ("Return to the council", "What is still needed?", "Return to the council"),
}
RESPONSE_ERRORS: dict[str, str] = {
    ResponseKind.ACKNOWLEDGED: "Say who will lead the council's response",
    ResponseKind.PROGRESS: "Describe what has been done",
    ResponseKind.SUBMITTED: "Describe how the council has complied",
    ResponseKind.ACCEPTED: "Say why the instruction is complied with",
    ResponseKind.RETURNED: "Say what is still needed",
}


class ResponseForm(GovukForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(
        label="Evidence (optional)",
        help_text="PDF, Word, Excel, CSV, PNG or JPEG, up to 20 MB each. You can choose more than one file.",
        required=False,
    )

    def __init__(self, *args, kind: str, **kwargs) -> None:
        self.kind = kind
        self.title, label, self.submit_label = RESPONSE_LABELS[kind]
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["text"].error_messages["required"] = RESPONSE_ERRORS[kind]
        if kind in (ResponseKind.ACCEPTED, ResponseKind.RETURNED, ResponseKind.ACKNOWLEDGED):
            del self.fields["evidence"]
            self.helper.layout = Layout(
                Field.textarea("text", label_size=Size.MEDIUM), Submit("submit", self.submit_label)
            )

    def layout_fields(self) -> list:
        return [Field.textarea("text", label_size=Size.MEDIUM), Field("evidence", label_size=Size.MEDIUM)]


class ReplaceEvidenceForm(GovukForm):
    submit_label = "Upload new version"
    file = forms.FileField(label="Choose the new version", help_text="The earlier version is kept.")
