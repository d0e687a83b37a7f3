"""Forms for holding a review, laid out with the GOV.UK Design System (crispy-forms-gds). They collect
and check what a person typed; reviews.services.reviewing decides the rest."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from reviews.enums import Rag
from reviews.forms.common import GovukForm, VersionedForm, date_field, not_in_future, period_in_order
from reviews.models import (
    Measurement,
    ProgressUpdate,
    Recommendation,
    ReviewKind,
)

CHOOSE_KIND = "Choose what kind of review it is"
ENTER_PERIOD_START = "Enter the first day of the period the review covers"
ENTER_PERIOD_END = "Enter the last day of the period the review covers"
ENTER_HELD_ON = "Enter the date the review was held"
CHOOSE_RAG = "Choose a RAG rating"
ENTER_NARRATIVE = "Describe the progress on this priority and what the rating rests on"
CHOOSE_SUFFICIENT = "Say whether sufficient progress is being made"
ENTER_CONCLUSION = "Write the conclusion"
CHOOSE_RECOMMENDATION = "Choose a recommendation"
ENTER_PUBLISHED_ON = "Enter the date the commissioner's report was published"


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
        return not_in_future(self.cleaned_data["held_on"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        period_in_order(cleaned, "period_start", "period_end", self)
        return cleaned


class ReviewDetailsEditForm(VersionedForm, ReviewDetailsForm):
    submit_label = "Save"


class AssessmentForm(VersionedForm):
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


class DevelopmentsForm(VersionedForm):
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


class ConclusionForm(VersionedForm):
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


class PublicationForm(GovukForm):
    submit_label = "Save the publication date"
    published_on = date_field(
        "When was the commissioner's report published?", "For example, 13 12 2023", message=ENTER_PUBLISHED_ON
    )

    def layout_fields(self) -> list:
        return [Field("published_on", legend_size=Size.MEDIUM)]

    def clean_published_on(self) -> datetime.date | None:
        return not_in_future(self.cleaned_data["published_on"])
