"""Forms for preparing reports, laid out with the GOV.UK Design System (crispy-forms-gds). They collect
and check what a person typed; reviews.services.reports decides the rest."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from intervention.forms import GovukDateField
from reviews.evidence_checks import inspect_upload
from reviews.forms.common import GovukForm, VersionedForm, date_field, period_in_order
from reviews.forms.deadlines import DeadlineChoiceForm
from reviews.models import (
    Classification,
    ReportKind,
    Review,
)
from reviews.models.reports import FINDING_THEMES
from reviews.reports.cabinet import REVIEW_MEETING, REVIEWER_AREAS
from reviews.services.reports import council_sections

CHOOSE_REPORT_KIND = "Choose what kind of report to prepare"
CHOOSE_REVIEW = "Choose the review the report is about"
CHOOSE_INSTRUMENT = "Choose the notice or direction"
ENTER_REPORT_START = "Enter the first day of the period the report covers"
ENTER_REPORT_END = "Enter the last day of the period the report covers"
WRITE_IT = "Write it before saving"
# The service's words (reviews.services.reports.DECLARE): forms are below services, so they are repeated.
DECLARE = "Confirm that you have read version {number} and it is accurate"
PUBLISHED_REPORT_NOT_PDF = "The published report must be a PDF"
ENTER_CLASSIFICATION_REASON = "Say why the classification is changing"
COUNCIL_SECTION_HINT = "The council's own words, kept for the council: every one of its cabinet reports prints them"
REVIEW_MEETING_HINT = (
    f". Write {REVIEW_MEETING} as a paragraph of its own where each paper should say when its review meeting "
    "was held and whether the Commissioner's progress report is attached as Appendix 1: the service writes "
    "that sentence for each paper"
)


KIND_HINTS: dict[str, str] = {
    ReportKind.CABINET: (
        "The council's report to its cabinet, in the council's format. "
        "Signed off by the director of children's services."
    ),
    ReportKind.PROGRESS: (
        "The commissioner's report on a held review, with each priority's indicators and rating. "
        "Signed off by the commissioner."
    ),
    ReportKind.HIGHLIGHT: (
        "Ratings, instructions, deadlines and risks over six weeks. Signed off by whoever the terms of reference "
        "say delivers it, or else the DfE case lead."
    ),
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
        # The classification starts as the kind's default; changing it takes a reason (ClassificationForm).
        keep: set[str] = set()
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
        period_in_order(cleaned, "period_start", "period_end", self)
        return cleaned


class CabinetPaperForm(VersionedForm):
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
        label="Resource implications",
        help_text=COUNCIL_SECTION_HINT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    legal_implications = forms.CharField(
        label="Legal implications",
        help_text=COUNCIL_SECTION_HINT + REVIEW_MEETING_HINT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    council_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    risk_management = forms.CharField(label="Risk management", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    consultees = forms.CharField(label="Consultees", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    appendices = forms.CharField(
        label="Appendices", help_text="One a line", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    background_papers = forms.CharField(
        label="Background papers", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    published_report = forms.FileField(
        label="Published report for Appendix 1 (optional)",
        help_text=(
            "A PDF, only when the report this paper presents was not signed off in this service: a signed-off "
            "progress report to the Minister on the same review is attached without this"
        ),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )
    ofsted_report_url = forms.URLField(
        label="Address of the Ofsted inspection report (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    direction_url = forms.URLField(
        label="Address of the statutory direction (optional)", required=False, max_length=500, assume_scheme="https"
    )
    revised_direction_url = forms.URLField(
        label="Address of the revised statutory direction (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    published_report_url = forms.URLField(
        label="Address of the published report (optional)",
        help_text="These addresses are live links in the report",
        required=False,
        max_length=500,
        assume_scheme="https",
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
            if isinstance(field.widget, forms.HiddenInput):
                fields.append(Field(name))
            elif isinstance(field, forms.FileField):
                fields.append(Field(name, label_size=Size.SMALL))
            elif isinstance(field, GovukDateField):
                fields.append(Field(name, legend_size=Size.SMALL))
            elif isinstance(field.widget, forms.Textarea):
                fields.append(Field.textarea(name, label_size=Size.SMALL))
            else:
                fields.append(Field.text(name, label_size=Size.SMALL))
        return fields

    def clean_published_report(self) -> Any:
        upload = self.cleaned_data.get("published_report")
        if not upload:
            return None
        detected = inspect_upload(upload)  # its real type from its content, and no scripts in a PDF
        if detected.content_type != "application/pdf":
            raise forms.ValidationError(PUBLISHED_REPORT_NOT_PDF)
        return upload

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
    initial.pop("published_report", None)  # never offered back: a new upload replaces it
    sections = council_sections(report.intervention.local_authority)
    initial["legal_implications"] = sections.legal_implications
    initial["resource_implications"] = sections.resource_implications
    initial["council_version"] = sections.version
    for area, entry in (paper.reviewers or {}).items():
        key = reviewer_key(area)
        initial[f"{key}_name"] = entry.get("name", "")
        if entry.get("date"):
            initial[f"{key}_date"] = datetime.date.fromisoformat(entry["date"])
    return initial


BOTH_FINDINGS_AND_NOTHING = "Either write the findings on {theme} or mark it as nothing to report, not both"


class MinisterialWordsForm(GovukForm):
    """The commissioner's words in a report to the Minister. The version it was opened at travels with
    it, so a save over someone else's change is refused (reviews.services.reports)."""

    submit_label = "Save the commissioner's words"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    addressed_to = forms.CharField(label="To", help_text="The Minister, by role", max_length=200)
    conclusion = forms.CharField(
        label="Conclusion",
        help_text="Your conclusion on the council's progress. Leave a blank line between paragraphs.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommendations = forms.CharField(
        label="Recommendations to the Minister",
        help_text="One a line: they are numbered 1, 2, 3. For example, that the council retains control of "
        "its children's services, that an alternative delivery model is considered, or that the direction "
        "continues.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review_date = date_field("Review date recommended", "For example, 13 6 2024", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, heading in FINDING_THEMES:
            self.fields[f"findings_{key}"] = forms.CharField(
                label=f"Findings: {heading[0].lower()}{heading[1:]}",
                help_text="Leave a blank line between paragraphs",
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"nothing_{key}"] = forms.BooleanField(
                label=f"Nothing to report on {heading[0].lower()}{heading[1:]}", required=False
            )
        self.helper.layout = self._layout()

    def _layout(self) -> Any:
        from crispy_forms_gds.layout import Layout, Submit

        return Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def layout_fields(self) -> list:
        fields: list = [Field("version"), Field.text("addressed_to", label_size=Size.SMALL)]
        fields += [Field.textarea(name, label_size=Size.SMALL) for name in ("conclusion", "recommendations")]
        fields.append(Field("review_date", legend_size=Size.SMALL))
        for key, _heading in FINDING_THEMES:
            fields += [Field.textarea(f"findings_{key}", label_size=Size.SMALL), Field.checkbox(f"nothing_{key}")]
        return [field for field in fields if field.fields[0] in self.fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        for key, heading in FINDING_THEMES:
            if cleaned.get(f"findings_{key}", "").strip() and cleaned.get(f"nothing_{key}"):
                theme = heading[0].lower() + heading[1:]
                self.add_error(f"nothing_{key}", BOTH_FINDINGS_AND_NOTHING.format(theme=theme))
        return cleaned

    def words(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def ministerial_initial(words: Any) -> dict[str, Any]:
    names = ["version", "addressed_to", "conclusion", "recommendations", "review_date"]
    names += [f"{prefix}_{key}" for key, _ in FINDING_THEMES for prefix in ("findings", "nothing")]
    return {name: getattr(words, name) for name in names}


def changed_since(form: MinisterialWordsForm, words: Any) -> list[tuple[str, str]]:
    """After a refused stale save: each field whose saved value differs from what the person sent,
    as (label, the saved value in words), so they can see what the other person changed."""
    saved = ministerial_initial(words)
    changed = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        mine, theirs = form.cleaned_data.get(name), saved.get(name)
        if (mine or "") != (theirs or ""):
            if isinstance(theirs, bool):
                shown = "Yes" if theirs else "No"
            elif isinstance(theirs, datetime.date):
                shown = f"{theirs:%-d %B %Y}"
            else:
                shown = str(theirs or "(blank)")
            changed.append((str(field.label), shown))
    return changed


class ClassificationForm(VersionedForm):
    """The marking a report's next versions carry, changed with a reason that its history keeps."""

    submit_label = "Change the classification"
    classification = forms.ChoiceField(label="Classification", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why is it changing?",
        help_text="For example, who the report will now go to. Kept in the report's history",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ENTER_CLASSIFICATION_REASON},
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["classification"]).choices = [
            (value, label)
            for value, label in Classification.choices
            if value != Classification.COUNCIL or kind == ReportKind.CABINET
        ]

    def layout_fields(self) -> list:
        return [
            Field.radios("classification", legend_size=Size.LARGE, legend_tag="h1"),
            Field.textarea("reason", label_size=Size.SMALL),
        ]


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


class SignOffForm(DeadlineChoiceForm):
    """The deadline the report meets, and the signer's declaration, in the words the signed version records."""

    declaration = forms.BooleanField(required=True)

    def __init__(self, *args: Any, declaration: str, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["declaration"]
        field.label = declaration
        field.error_messages["required"] = DECLARE.format(number=number)

    def layout_fields(self) -> list:
        return [
            *super().layout_fields(),
            Fieldset(Field.checkbox("declaration"), legend="Declaration", legend_size=Size.MEDIUM),
        ]


class CommentaryForm(GovukForm):
    """The author's words: the summary of a written update, the risks and other points of a highlight report."""

    submit_label = "Save"
    commentary = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), error_messages={"required": WRITE_IT})
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commentary"].label = label
        self.fields["commentary"].help_text = "Leave a blank line between paragraphs. Printed in the report."

    def layout_fields(self) -> list:
        return [Field.textarea("commentary", label_size=Size.LARGE, label_tag="h1"), Field("seen")]
