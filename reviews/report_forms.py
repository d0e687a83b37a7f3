"""Forms for holding reviews and preparing reports, laid out with the GOV.UK Design System
(crispy-forms-gds). They collect and check what a person typed; the services decide the rest."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from reviews.enums import Rag
from reviews.forms import GovukForm
from reviews.models import (
    Classification,
    Deadline,
    Measurement,
    ProgressUpdate,
    Recommendation,
    ReportKind,
    Review,
    ReviewKind,
)
from reviews.reports.cabinet import REVIEWER_AREAS

CHOOSE_KIND = "Choose what kind of review it is"
ENTER_PERIOD_START = "Enter the first day of the period the review covers"
ENTER_PERIOD_END = "Enter the last day of the period the review covers"
ENTER_HELD_ON = "Enter the date the review was held"
IN_FUTURE = "The date must be today or in the past"
PERIOD_BACKWARDS = "The end of the period must be the same as or after its start"
CHOOSE_RAG = "Choose a RAG rating"
ENTER_NARRATIVE = "Describe the progress on this priority and what the rating rests on"
CHOOSE_SUFFICIENT = "Say whether sufficient progress is being made"
ENTER_CONCLUSION = "Write the conclusion"
CHOOSE_RECOMMENDATION = "Choose a recommendation"
ENTER_PUBLISHED_ON = "Enter the date the commissioner's report was published"
CHOOSE_REPORT_KIND = "Choose what kind of report to prepare"
CHOOSE_REVIEW = "Choose the review the report is about"
CHOOSE_INSTRUMENT = "Choose the notice or direction"
ENTER_REPORT_START = "Enter the first day of the period the report covers"
ENTER_REPORT_END = "Enter the last day of the period the report covers"
NO_DEADLINE = "none"


def date_field(label: str, hint: str = "For example, 6 11 2023", *, required: bool = True, message: str = "") -> Any:
    field = DateInputField(label=label, help_text=hint, require_all_fields=False, required=required)
    if message:
        field.error_messages["required"] = message
        field.error_messages["incomplete"] = message
    return field


def _not_in_future(value: datetime.date | None) -> datetime.date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(IN_FUTURE)
    return value


def _period(cleaned: dict[str, Any], start: str, end: str, form: forms.Form) -> None:
    if cleaned.get(start) and cleaned.get(end) and cleaned[end] < cleaned[start]:
        form.add_error(end, PERIOD_BACKWARDS)


# --- Reviews ---------------------------------------------------------------------------------------


class ReviewDetailsForm(GovukForm):
    submit_label = "Continue"
    kind = forms.ChoiceField(
        label="What kind of review is it?",
        choices=ReviewKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_KIND},
    )
    period_start = date_field("First day of the period it covers", "For example, 1 5 2023", message=ENTER_PERIOD_START)
    period_end = date_field("Last day of the period it covers", "For example, 31 10 2023", message=ENTER_PERIOD_END)
    held_on = date_field("When was it held?", message=ENTER_HELD_ON)
    attendees = forms.CharField(
        label="Who took part?",
        help_text="One a line: name and role",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def layout_fields(self) -> list:
        return [
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field("period_start", legend_size=Size.SMALL),
            Field("period_end", legend_size=Size.SMALL),
            Field("held_on", legend_size=Size.SMALL),
            Field.textarea("attendees", label_size=Size.SMALL),
        ]

    def clean_held_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data["held_on"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        _period(cleaned, "period_start", "period_end", self)
        return cleaned


class ReviewDetailsEditForm(ReviewDetailsForm):
    submit_label = "Save"


class AssessmentForm(GovukForm):
    submit_label = "Save and continue"
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_RAG},
    )
    narrative = forms.CharField(
        label="What progress has been made?",
        help_text="What the rating rests on. Say what changed since the last review.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": ENTER_NARRATIVE},
    )
    progress_updates = forms.ModelMultipleChoiceField(
        label="Progress updates that evidence it",
        queryset=ProgressUpdate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measurements = forms.ModelMultipleChoiceField(
        label="Indicator values that evidence it",
        queryset=Measurement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, updates: list[ProgressUpdate], values: list[Measurement], **kwargs: Any) -> None:
        self.has_updates, self.has_values = bool(updates), bool(values)
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["progress_updates"]).queryset = ProgressUpdate.objects.filter(
            pk__in=[u.pk for u in updates]
        )
        cast(forms.ModelMultipleChoiceField, self.fields["progress_updates"]).choices = [
            Choice(
                update.pk,
                f"{update.period_start:%-d %b %Y} to {update.period_end:%-d %b %Y}: {update.get_rag_display()}",
                hint=update.narrative[:200],
            )
            for update in updates
        ]
        cast(forms.ModelMultipleChoiceField, self.fields["measurements"]).queryset = Measurement.objects.filter(
            pk__in=[m.pk for m in values]
        )
        cast(forms.ModelMultipleChoiceField, self.fields["measurements"]).choices = [
            (value.pk, f"{value.indicator.name}, {value.period_end:%B %Y}: {value.value.normalize():f}")
            for value in values
        ]

    def layout_fields(self) -> list:
        fields = [
            Field.radios("rag", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("narrative", label_size=Size.MEDIUM),
        ]
        if self.has_updates:
            fields.append(Field.checkboxes("progress_updates", legend_size=Size.SMALL, small=True))
        if self.has_values:
            fields.append(Field.checkboxes("measurements", legend_size=Size.SMALL, small=True))
        return fields


class DevelopmentsForm(GovukForm):
    submit_label = "Save and continue"
    key_developments = forms.CharField(
        label="Key developments since the last review",
        help_text="One a line. They are lettered a, b, c in the reports.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    summary = forms.CharField(
        label="Overall progress",
        help_text="A paragraph or two on progress across the service. Leave a blank line between paragraphs.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def layout_fields(self) -> list:
        return [
            Field.textarea("key_developments", label_size=Size.MEDIUM),
            Field.textarea("summary", label_size=Size.MEDIUM),
        ]


class ConclusionForm(GovukForm):
    submit_label = "Save and continue"
    sufficient_progress = forms.TypedChoiceField(
        label="Is sufficient progress being made?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_SUFFICIENT},
    )
    conclusion = forms.CharField(
        label="Conclusion",
        help_text="In the words the reports will use.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": ENTER_CONCLUSION},
    )
    recommendation = forms.ChoiceField(
        label="Recommendation",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_RECOMMENDATION},
    )
    recommendation_detail = forms.CharField(
        label="About the recommendation (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def layout_fields(self) -> list:
        return [
            Field.radios("sufficient_progress", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("conclusion", label_size=Size.MEDIUM),
            Field.radios("recommendation", legend_size=Size.MEDIUM),
            Field.textarea("recommendation_detail", label_size=Size.SMALL),
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


class PublicationForm(GovukForm):
    submit_label = "Save the publication date"
    published_on = date_field(
        "When was the commissioner's report published?", "For example, 13 12 2023", message=ENTER_PUBLISHED_ON
    )

    def layout_fields(self) -> list:
        return [Field("published_on", legend_size=Size.MEDIUM)]

    def clean_published_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data["published_on"])


# --- Reports ---------------------------------------------------------------------------------------

KIND_HINTS: dict[str, str] = {
    ReportKind.CABINET: (
        "The council's report to its cabinet, in the council's format. "
        "Signed off by the director of children's services."
    ),
    ReportKind.PROGRESS: (
        "The commissioner's report on a held review, with each priority's indicators and rating. "
        "Signed off by the commissioner."
    ),
    ReportKind.HIGHLIGHT: "Ratings, instructions, deadlines and risks over six weeks. Signed off by the DfE case lead.",
    ReportKind.MINISTERIAL_UPDATE: "A short update on the quarter's progress. Signed off by the commissioner.",
    ReportKind.INSTRUMENT: "A notice or direction with its terms of reference, laid out as issued.",
}


class ReportKindForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of report?", widget=forms.RadioSelect, error_messages={"required": CHOOSE_REPORT_KIND}
    )

    def __init__(self, *args: Any, kinds: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            Choice(kind, ReportKind(kind).label, hint=KIND_HINTS[kind]) for kind in kinds
        ]

    def layout_fields(self) -> list:
        return [Field.radios("kind", legend_size=Size.LARGE, legend_tag="h1")]


class ReportDetailsForm(GovukForm):
    """The details a kind of report needs: its review, its instrument, or its period."""

    submit_label = "Start the report"
    review = forms.ChoiceField(
        label="Which review is it about?", widget=forms.RadioSelect, error_messages={"required": CHOOSE_REVIEW}
    )
    instrument = forms.ChoiceField(
        label="Which notice or direction?", widget=forms.RadioSelect, error_messages={"required": CHOOSE_INSTRUMENT}
    )
    period_start = date_field("First day of the period it covers", "For example, 20 9 2023", message=ENTER_REPORT_START)
    period_end = date_field("Last day of the period it covers", "For example, 31 10 2023", message=ENTER_REPORT_END)
    classification = forms.ChoiceField(
        label="Classification",
        help_text="The marking printed on every page",
        choices=Classification.choices,
        widget=forms.RadioSelect,
    )
    commentary = forms.CharField(
        label="Risks and other points (optional)",
        help_text="In your own words. Printed in the report.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, kind: str, reviews: list[Review], instruments: list[Any], **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)
        keep = {"classification"}
        if kind in (ReportKind.PROGRESS, ReportKind.CABINET):
            keep.add("review")
            cast(forms.ChoiceField, self.fields["review"]).choices = [
                (str(review.pk), f"{review.get_kind_display()} held on {review.held_on:%-d %B %Y}")
                for review in reviews
            ]
            if reviews:
                self.fields["review"].initial = str(reviews[0].pk)
        if kind == ReportKind.INSTRUMENT:
            keep.add("instrument")
            cast(forms.ChoiceField, self.fields["instrument"]).choices = [
                (
                    str(i.pk),
                    f"{i.get_kind_display()} of {i.issued_on:%-d %B %Y}"
                    if i.issued_on
                    else f"{i.get_kind_display()} (draft)",
                )
                for i in instruments
            ]
        if kind in (ReportKind.HIGHLIGHT, ReportKind.MINISTERIAL_UPDATE):
            keep |= {"period_start", "period_end", "commentary"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.helper.layout = self._layout()

    def _layout(self) -> Any:
        from crispy_forms_gds.layout import Layout, Submit

        return Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def layout_fields(self) -> list:
        order = [
            Field.radios("review", legend_size=Size.MEDIUM),
            Field.radios("instrument", legend_size=Size.MEDIUM),
            Field("period_start", legend_size=Size.SMALL),
            Field("period_end", legend_size=Size.SMALL),
            Field.radios("classification", legend_size=Size.SMALL),
            Field.textarea("commentary", label_size=Size.SMALL),
        ]
        return [field for field in order if field.fields[0] in self.fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        _period(cleaned, "period_start", "period_end", self)
        return cleaned


class CabinetPaperForm(GovukForm):
    submit_label = "Save the council's words"
    title = forms.CharField(label="Title of report", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    meeting = forms.CharField(label="Meeting")
    meeting_date = date_field("Meeting date", "For example, 21 12 2023", required=False)
    report_by = forms.CharField(
        label="Report by", help_text="One a line", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    report_author = forms.CharField(label="Report author", required=False)
    council_classification = forms.CharField(label="Classification", help_text="Open, or Exempt with the reason")
    decision_type = forms.CharField(label="Decision type")
    wards_affected = forms.CharField(label="Wards affected")
    purpose = forms.CharField(label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recommendations = forms.CharField(
        label="Recommendations",
        help_text='One a line: they are lettered a), b), c) after "That:"',
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    alternative_options = forms.CharField(
        label="Alternative options", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    further_considerations = forms.CharField(
        label="Further key considerations (optional)",
        help_text="Added after the key considerations the report fills in from the case",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    community_impact = forms.CharField(
        label="Community impact", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    environmental_impact = forms.CharField(
        label="Environmental impact", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    equality_duty = forms.CharField(label="Equality duty", required=False, widget=forms.Textarea(attrs={"rows": 10}))
    resource_implications = forms.CharField(
        label="Resource implications", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_implications = forms.CharField(
        label="Legal implications", required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    risk_management = forms.CharField(label="Risk management", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    consultees = forms.CharField(label="Consultees", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    appendices = forms.CharField(
        label="Appendices", help_text="One a line", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    background_papers = forms.CharField(
        label="Background papers", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    TEXT_HINT = (
        "Leave a blank line between paragraphs: each is numbered. Start a paragraph with > to leave it unnumbered, "
        "and a line with - to make it a lettered item."
    )
    NUMBERED = (
        "alternative_options",
        "further_considerations",
        "community_impact",
        "environmental_impact",
        "equality_duty",
        "resource_implications",
        "legal_implications",
        "risk_management",
        "consultees",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.NUMBERED:
            existing = self.fields[name].help_text
            self.fields[name].help_text = f"{existing}. {self.TEXT_HINT}" if existing else self.TEXT_HINT
        for area in REVIEWER_AREAS:
            key = reviewer_key(area)
            self.fields[f"{key}_name"] = forms.CharField(label=f"{area}: reviewer", required=False)
            self.fields[f"{key}_date"] = date_field(f"{area}: date reviewed", "For example, 12 12 2023", required=False)
        self.helper.layout = self._layout()

    def _layout(self) -> Any:
        from crispy_forms_gds.layout import Layout, Submit

        return Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def layout_fields(self) -> list:
        fields = []
        for name, field in self.fields.items():
            if isinstance(field, DateInputField):
                fields.append(Field(name, legend_size=Size.SMALL))
            elif isinstance(field.widget, forms.Textarea):
                fields.append(Field.textarea(name, label_size=Size.SMALL))
            else:
                fields.append(Field.text(name, label_size=Size.SMALL))
        return fields

    def reviewers(self) -> dict[str, dict[str, str]]:
        data = {}
        for area in REVIEWER_AREAS:
            key = reviewer_key(area)
            name, date = self.cleaned_data.get(f"{key}_name", ""), self.cleaned_data.get(f"{key}_date")
            if name or date:
                data[area] = {"name": name.strip(), "date": date.isoformat() if date else ""}
        return data


def reviewer_key(area: str) -> str:
    return "reviewer_" + area.lower().replace(" ", "_")


def cabinet_initial(report: Any) -> dict[str, Any]:
    paper = report.cabinet_paper
    initial = {name: getattr(paper, name) for name in CabinetPaperForm.base_fields if hasattr(paper, name)}
    initial["title"] = report.title
    for area, entry in (paper.reviewers or {}).items():
        key = reviewer_key(area)
        initial[f"{key}_name"] = entry.get("name", "")
        if entry.get("date"):
            initial[f"{key}_date"] = datetime.date.fromisoformat(entry["date"])
    return initial


class ReportFilterForm(forms.Form):
    authority = forms.ChoiceField(label="Local authority", required=False)
    kind = forms.ChoiceField(label="Kind of report", required=False)

    def __init__(self, *args: Any, authorities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["authority"]).choices = [
            ("", "All local authorities"),
            *[(str(pk), name) for pk, name in authorities],
        ]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", "All kinds"), *ReportKind.choices]
