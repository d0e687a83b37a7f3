"""What the reviews app's forms share: the GOV.UK form layout, date inputs and period checks."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.utils import timezone

from intervention.forms import GovukDateField
from intervention.stale import SEEN_FIELD, version_of

IN_FUTURE = "The date must be today or in the past"
PERIOD_BACKWARDS = "The end of the period must be the same as or after its start"


class GovukForm(forms.Form):
    """A form laid out field by field with a GOV.UK button; crispy-forms-gds draws the <form> unless
    `draws_form_tag` is off (the template draws it, with enctype where files are sent)."""

    submit_label = "Continue"
    draws_form_tag = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = self.draws_form_tag
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def layout_fields(self) -> list:
        return [Field(name) for name in self.fields]


class VersionedForm(GovukForm):
    """A GOV.UK form that edits a saved record: it carries the version the record was read at, for
    the service to refuse a save over someone else's newer change (intervention.stale)."""

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, record: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record
        # Forms that lay out their own fields leave the hidden one out: put it before the button.
        layout = self.helper.layout
        if not any(getattr(item, "fields", None) == [SEEN_FIELD] for item in layout.fields):
            layout.insert(len(layout.fields) - 1, Field(SEEN_FIELD))
        if record is not None and not self.is_bound:
            self.initial[SEEN_FIELD] = version_of(type(record), record.pk)

    def seen(self) -> str:
        return self.cleaned_data.get(SEEN_FIELD) or ""

    def record_fields(self) -> dict[str, Any]:
        """What the person typed, without the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != SEEN_FIELD}

    def refused_as_stale(self) -> None:
        """After a refusal the form carries the current version: a second, deliberate save goes through."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict: copied to change it
        data[self.add_prefix(SEEN_FIELD)] = version_of(type(self.record), self.record.pk)
        self.data = data


def date_field(label: str, hint: str = "For example, 27 3 2024", *, required: bool = True, message: str = "") -> Any:
    """A GOV.UK date input (day, month, year); `message` replaces Django's words for a missing date."""
    field = GovukDateField(label=label, help_text=hint, require_all_fields=False, required=required)
    if message:
        field.error_messages["required"] = message
        field.error_messages["incomplete"] = message
    return field


def not_in_future(value: datetime.date | None) -> datetime.date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(IN_FUTURE)
    return value


def period_in_order(cleaned: dict[str, Any], start: str, end: str, form: forms.Form) -> None:
    if cleaned.get(start) and cleaned.get(end) and cleaned[end] < cleaned[start]:
        form.add_error(end, PERIOD_BACKWARDS)
