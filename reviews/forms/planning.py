"""Forms for setting up a case's work: the plan, its objectives and actions, agreeing it, deciding a
moved due date, and indicators. The services check the same things; these say it in the forms' words."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from directions.models import Clause, ServicePriority
from reviews.enums import Direction, Frequency, Unit
from reviews.forms.common import GovukForm, date_field

ENTER_TITLE = "Enter a title"
ENTER_NUMBER = "Enter a number, for example 1"
ENTER_DESCRIPTION = "Describe the action"
ENTER_OWNER = "Say who is accountable for the action"
ENTER_DUE = "Enter the date the action is due"
CHOOSE_DECISION = "Choose whether to agree or refuse the move"
ENTER_NAME = "Enter the indicator's name"
CHOOSE_PRIORITY = "Choose the service priority the indicator evidences"
CHOOSE_UNIT = "Choose the unit"
CHOOSE_DIRECTION = "Choose whether higher or lower is better"
CHOOSE_FREQUENCY = "Choose how often a value is recorded"
ENTER_NUMBER_VALUE = "Enter a number, for example 25 or 12.5"


class PlanForm(GovukForm):
    submit_label = "Save plan"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label="Title of the plan",
        help_text="For example, Children's services improvement plan 2024 to 2026",
        max_length=200,
        error_messages={"required": ENTER_TITLE},
    )

    def layout_fields(self) -> list:
        return [Field("version"), Field.text("title", label_size=Size.MEDIUM)]


class ActionDescriptionForm(GovukForm):
    submit_label = "Save the description"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(
        label="What will be done?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": ENTER_DESCRIPTION},
    )


class ObjectiveForm(GovukForm):
    submit_label = "Save objective"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(
        label="Objective number", max_length=10, error_messages={"required": ENTER_NUMBER}, help_text="For example, 1"
    )
    title = forms.CharField(
        label="What is the objective?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ENTER_TITLE},
    )
    service_priorities = forms.ModelMultipleChoiceField(
        label="Which service priorities does it answer?",
        queryset=ServicePriority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    terms_items = forms.ModelMultipleChoiceField(
        label="Which terms of reference items does it answer?",
        queryset=Clause.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, priorities: Any, terms_items: Any, **kwargs: Any) -> None:
        self.has_priorities, self.has_terms = bool(priorities), bool(terms_items)
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["service_priorities"])
        field.queryset = ServicePriority.objects.filter(pk__in=[p.pk for p in priorities])
        field.choices = [Choice(p.pk, f"{p.label}. {p.short_name}") for p in priorities]
        field = cast(forms.ModelMultipleChoiceField, self.fields["terms_items"])
        field.queryset = Clause.objects.filter(pk__in=[c.pk for c in terms_items])
        field.choices = [
            Choice(c.pk, f"{c.instrument.title}, item {c.reference}", hint=c.text[:200]) for c in terms_items
        ]

    def layout_fields(self) -> list:
        fields = [
            Field("version"),
            Field.text("label", field_width=Fluid.ONE_QUARTER),
            Field.textarea("title", label_size=Size.SMALL),
        ]
        if self.has_priorities:
            fields.append(Field.checkboxes("service_priorities", legend_size=Size.SMALL, small=True))
        if self.has_terms:
            fields.append(Field.checkboxes("terms_items", legend_size=Size.SMALL, small=True))
        return fields


class ActionForm(GovukForm):
    submit_label = "Save action"
    label = forms.CharField(
        label="Action number",
        help_text="Within the objective, for example 1",
        max_length=10,
        error_messages={"required": ENTER_NUMBER},
    )
    description = forms.CharField(
        label="What is the action?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ENTER_DESCRIPTION},
    )
    owner = forms.CharField(
        label="Owner",
        help_text="Who is accountable for it, by role or name",
        max_length=200,
        error_messages={"required": ENTER_OWNER},
    )
    due_on = date_field("When is it due?", message=ENTER_DUE)
    done_looks_like = forms.CharField(
        label="What does done look like?",
        help_text="How anyone will know the action is complete, for example what will be in place or measured",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def layout_fields(self) -> list:
        return [
            Field.text("label", field_width=Fluid.ONE_QUARTER),
            Field.textarea("description", label_size=Size.SMALL),
            Field.text("owner"),
            Field("due_on", legend_size=Size.SMALL),
            Field.textarea("done_looks_like", label_size=Size.SMALL),
        ]


class SubmitPlanForm(GovukForm):
    submit_label = "Submit for agreement"

    def layout_fields(self) -> list:
        return []


class AgreePlanForm(GovukForm):
    submit_label = "Agree the plan"
    fingerprint = forms.CharField(widget=forms.HiddenInput)
    date_moves_need_agreement = forms.BooleanField(
        label="Moving an action's due date needs my agreement",
        help_text="The council can still ask; the date changes only when you agree",
        required=False,
    )
    note = forms.CharField(
        label="Anything to record with the agreement (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def layout_fields(self) -> list:
        return [Field("fingerprint"), Field.checkbox("date_moves_need_agreement", small=True), Field.textarea("note")]


class SendBackPlanForm(GovukForm):
    submit_label = "Send the plan back"
    reason = forms.CharField(
        label="What should the council change?",
        help_text="The council will see this with the plan",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the council should change"},
    )

    def layout_fields(self) -> list:
        return [Field.textarea("reason")]


DECISIONS = [Choice("agree", "Agree the move"), Choice("refuse", "Refuse it", hint="The due date stays as it is")]


class DecideMoveForm(GovukForm):
    submit_label = "Save decision"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DECISION},
    )
    note = forms.CharField(
        label="Reason",
        help_text="Needed if you refuse the move; the council will see it",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def layout_fields(self) -> list:
        return [Field.radios("decision", legend_size=Size.MEDIUM, small=True), Field.textarea("note")]


UNIT_CHOICES = [Choice(value, label) for value, label in Unit.choices]
DIRECTION_CHOICES = [Choice(value, label) for value, label in Direction.choices]
FREQUENCY_CHOICES = [Choice(value, label) for value, label in Frequency.choices]


def _number(label: str, hint: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=hint,
        max_digits=12,
        decimal_places=2,
        required=False,
        error_messages={"invalid": ENTER_NUMBER_VALUE, "max_decimal_places": ENTER_NUMBER_VALUE},
    )


class IndicatorForm(GovukForm):
    submit_label = "Save indicator"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service_priority = forms.ModelChoiceField(
        label="Which service priority does it evidence?",
        queryset=ServicePriority.objects.none(),
        error_messages={"required": CHOOSE_PRIORITY, "invalid_choice": CHOOSE_PRIORITY},
    )
    name = forms.CharField(
        label="Name",
        help_text="For example, percentage of social workers who are agency staff",
        max_length=200,
        error_messages={"required": ENTER_NAME},
    )
    unit = forms.ChoiceField(
        label="Unit", choices=UNIT_CHOICES, widget=forms.RadioSelect, error_messages={"required": CHOOSE_UNIT}
    )
    direction = forms.ChoiceField(
        label="Direction of good",
        choices=DIRECTION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DIRECTION},
    )
    target = _number("Target (optional)", "For example, 25")
    tolerance = _number(
        "Tolerance (optional)", "How far from the target a value may be and still count as close to it, for example 2"
    )
    source = forms.CharField(
        label="Source (optional)",
        help_text="Where the figures come from, for example the monthly workforce return",
        max_length=300,
        required=False,
    )
    frequency = forms.ChoiceField(
        label="How often is a value recorded?",
        choices=FREQUENCY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_FREQUENCY},
    )

    def __init__(self, *args: Any, priorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["service_priority"])
        field.queryset = ServicePriority.objects.filter(pk__in=[p.pk for p in priorities])
        field.choices = [("", "Choose a priority"), *((p.pk, f"{p.label}. {p.short_name}") for p in priorities)]

    def layout_fields(self) -> list:
        return [
            Field("version"),
            Field.select("service_priority"),
            Field.text("name"),
            Field.radios("unit", legend_size=Size.SMALL, small=True),
            Field.radios("direction", legend_size=Size.SMALL, small=True),
            Field.text("target", field_width=Fluid.ONE_QUARTER),
            Field.text("tolerance", field_width=Fluid.ONE_QUARTER),
            Field.text("source"),
            Field.radios("frequency", legend_size=Size.SMALL, small=True),
        ]
