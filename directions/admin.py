"""The admin screens commissioners and DfE staff work in, scoped by intervention.permissions."""

from __future__ import annotations

import datetime
import functools
import html
from functools import partial
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import HttpRequest, QueryDict
from django.template.defaultfilters import capfirst, linebreaksbr
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from directions import services
from directions.enums import CouncilEmail, InstructionStatus, InstrumentStatus
from directions.models import (
    Amendment,
    Clause,
    Instruction,
    InstructionResponse,
    Instrument,
    ReportingObligation,
    ServicePriority,
    TermsOfReference,
)
from directions.querysets import in_force_on
from directions.schedule import Preview, Rule, RuleError, preview, window
from intervention.admin_scoping import (
    FetchedChoices,
    FixedChoices,
    ScopedAdmin,
    ScopedInline,
    SharedFieldsInline,
    quick_management_form,
    read_choices,
)
from intervention.admin_site import SoundChangeList
from intervention.models import ExtraBankHoliday, Intervention, Person
from intervention.permissions import Capability, access_for, has_capability, intervention_filter
from intervention.queue import tell_if_waiting
from intervention.stale import StaleRowsFormSet
from intervention.templatetags.quick_admin_rows import RowShown
from intervention.validators import sensible_date

CHECK_THE_DATES = "Check the dates this gives, then save again: {dates}"
NO_DATES = (
    "Check the dates: this cadence gives no date from {start:%-d %B %Y} to {end:%-d %B %Y}. Save again to keep it"
)

# A clause's reference (7b(i)) walks up its parents: fetch three levels with it, so that listing
# an instrument's clauses, or naming the clause a row points at, costs no query per row.
CLAUSE_ANCESTORS = "parent__parent__parent"


def in_document_order(rows: Any) -> Any:
    """One instrument's rows in their model's order without its first key, the instrument: that key
    sorts by the instrument's own order (its case's authority's name, through three joins), which
    orders nothing among the rows of one instrument. The joins cost every query of the page time to
    compile and to run."""
    first, *rest = rows.model._meta.ordering
    assert first == "instrument", rows.model  # the model's order begins with its instrument
    return rows.order_by(*rest)


def clauses_of(instrument: Instrument | None) -> Any:
    if instrument is None:
        return Clause.objects.none()
    return in_document_order(Clause.objects.filter(instrument=instrument).select_related(CLAUSE_ANCESTORS))


def with_ancestors(clauses: list[Clause]) -> list[Clause]:
    """One instrument's clauses, each given its parent from among them: a clause's parent is a clause
    of the same instrument (Clause.clean), so its reference (7b(i)) needs no join for each level of
    parents. A parent not among them (none should be) is read as usual."""
    by_pk = {clause.pk: clause for clause in clauses}
    for clause in clauses:
        parent = by_pk.get(clause.parent_id) if clause.parent_id is not None else None
        if parent is not None:
            clause.parent = parent
    return clauses


class ClauseChoices(FetchedChoices):
    """A dropdown of one instrument's clauses (clauses_of), its options read with the clauses alone,
    each given its parents from among them (with_ancestors), as the rows of the dropdown's own query,
    without its joins to three levels of parents: the same rows and labels (7b(i)), for a quarter of
    the work. The field's queryset, which checks a choice sent back, is as it was."""

    def __init__(self, field: Any) -> None:
        super().__init__(field)
        self.queryset = self.queryset.select_related(None)  # read once, then from its cache

    def __iter__(self) -> Any:
        with_ancestors(list(self.queryset))
        return super().__iter__()


class ClauseRows(StaleRowsFormSet):
    """An instrument's clause rows, read with one query of the clauses alone and given their parents
    from among themselves (with_ancestors)."""

    def get_queryset(self) -> Any:
        rows = super().get_queryset()
        if not getattr(self, "_ancestors_given", False):
            self._ancestors_given = True
            with_ancestors(list(rows))  # the rows' own objects: the queryset keeps what it read
        return rows

    @cached_property
    def management_form(self) -> Any:
        return quick_management_form(super().management_form)


def share_choices(formset: Any, name: str, queryset: Any, *, shown: bool = True) -> None:
    """Give a dropdown that every row of an inline shows its options once, from one query (when a
    row first draws it): each row's field would otherwise run the query again and the page would
    cost a query per row. `shown` is False when the rows are only read, and the options are never
    drawn."""
    field = formset.form.base_fields.get(name)
    if field is not None:
        field.queryset = queryset
        if shown:
            field.choices = FixedChoices(field.choices)


class LockedWhenIssuedInline(SharedFieldsInline):
    """Inlines of an instrument: their text fields are read-only once it is issued, and no rows are
    added. Their rows share their fields (an instrument has dozens of clauses)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Instrument | None = None) -> Any:
        if obj is not None and obj.is_issued:
            return tuple(self.model.locked_fields)
        return super().get_readonly_fields(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Instrument | None = None) -> bool:
        if obj is not None and obj.is_issued:
            return False
        return super().has_add_permission(request, obj)


class ClauseInline(LockedWhenIssuedInline):
    """A dated paragraph asks who delivers it and who receives it, or which reporting obligation
    covers it (then the obligation's deadline is its only one)."""

    model = Clause
    formset = ClauseRows
    fields = [
        "part",
        "parent",
        "label",
        "position",
        "text",
        "due_on",
        "covered_by",
        "deliverer",
        "recipient",
        "compliance",
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        # Each row's covering obligation is not joined: its dropdown needs only its id, and a page that
        # shows it as text gives it from the obligations it reads (_covered_from).
        return in_document_order(super().get_queryset(request))

    def get_formset(self, request: HttpRequest, obj: Instrument | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        shown = self.has_change_permission(request, obj)
        if "parent" in formset.form.base_fields:  # not among an issued instrument's (IssuedClauseInline)
            share_choices(formset, "parent", clauses_of(obj), shown=shown)
        obligations = ReportingObligation.objects.filter(instrument=obj) if obj else ReportingObligation.objects.none()
        share_choices(formset, "covered_by", obligations, shown=shown)
        return formset


class IssuedClauseRows(ClauseRows):
    """The rows of an issued instrument's clauses, each drawn in Python with the markup
    directions/admin/issued_clauses.html once gave it: through the template engine, its dozen cells
    and lookups a row, for dozens of rows, cost more than the rows' widgets."""

    editable = False  # set by the inline for someone who may change the clauses' compliance
    draws_stored_rows = True  # nothing else iterates them (QuickMediaInlineAdminFormSet)

    @property
    def rows(self) -> SafeString:
        return mark_safe("".join(self.row(form, index) for index, form in enumerate(self.row_forms())))  # noqa: S308 - each row is escaped

    def row_forms(self) -> list[Any]:
        """The rows' forms; or, where they would differ in their values alone (rows_alike), the first
        row's form and a stand-in for each other row with its record and values (row_as_read): a
        form for each of dozens of clauses cost more than drawing its row. A field with more to it
        than its widget (`_unbound_widget`) is drawn by the row's own form, made then."""
        first = self.rows_alike()
        if first is None:
            return self.forms
        return [first, *(ClauseRowShown(first, self, index) for index in range(1, self.initial_form_count()))]

    def row(self, form: Any, index: int) -> str:
        clause = form.instance
        errors = form.non_field_errors() if form.is_bound else ""  # a form not sent back has none
        hidden = (
            f'<input type="hidden" name="{form.prefix}-id" value="{_shown(clause.pk)}" id="id_{form.prefix}-id">'
            f'<input type="hidden" name="{form.prefix}-instrument" value="{_shown(clause.instrument_id)}"'
            f' id="id_{form.prefix}-instrument">'
        )
        if self.editable:
            hidden += _field(form, "seen_version")
        if clause.due_on and self.editable:
            parties = _cell("covered_by", _field(form, "covered_by")) + _cell(
                "parties", f"{_field(form, 'deliverer')} {_field(form, 'recipient')}"
            )
        elif clause.due_on:
            parties = _cell("covered_by", _covered_by(clause)) + _cell("parties", _parties(clause))
        else:
            parties = _cell("covered_by", "<p>-</p>") + _cell("parties", "<p>-</p>")
        compliance = _field(form, "compliance") if self.editable else _paragraph(_display(clause, "compliance"))
        return (
            (f'<tr class="row-form-errors"><td colspan="7">{errors}</td></tr>' if errors else "")
            + f'<tr class="form-row has_original" id="{self.prefix}-{index}">'
            + _cell("part", hidden + _paragraph(_display(clause, "part")))
            + _cell("reference", _paragraph(clause.reference))
            + _cell("text", f"<p>{_lines(clause.text)}</p>")
            + _cell("due_on", _paragraph(clause.due_on or "-"))
            + parties
            + _cell("compliance", compliance)
            + "</tr>\n"
        )


class ClauseRowShown(RowShown):
    """A stand-in for a clause row's form (IssuedClauseRows.row_forms). `form[name]`, which
    `_unbound_widget` asks for a field it does not draw itself, is the row's own form's bound field,
    the form made (once) as the formset would make it."""

    def __init__(self, first: forms.BaseForm, formset: Any, index: int) -> None:
        super().__init__(first, formset, index)
        self.formset, self.index = formset, index

    def __getitem__(self, name: str) -> Any:
        return self.own_form[name]

    @cached_property
    def own_form(self) -> Any:
        return self.formset._construct_form(self.index, **self.formset.get_form_kwargs(self.index))


def _covered_by(clause: Clause) -> str:
    """The obligation that covers a dated paragraph, as its cell shows it ({{ ...|default:"-" }})."""
    covered = clause.covered_by if clause.covered_by_id else None
    return _paragraph((covered.what if covered else "") or "-")


def _parties(clause: Clause) -> str:
    """Who delivers a dated paragraph and who receives it, unless an obligation covers it."""
    if clause.covered_by_id:
        return "<p></p>"
    return f"<p>{_shown(_display(clause, 'deliverer') or '-')}, {_shown(_display(clause, 'recipient') or '-')}</p>"


def clauses_as_text(clauses: list[Clause]) -> SafeString:
    """An issued instrument's clauses for someone who may only read them, each a row of text, drawn
    in Python with the markup (its spacing too) of the template loop that drew them: its dozen
    lookups and filters a row, for dozens of rows, cost more than the rest of the table."""
    rows = []
    for index, clause in enumerate(clauses):
        # Two cells in one, as the loop's {% if %} laid them out, with lines of their own around them.
        if clause.due_on:
            parties = _ROW_CELL.join(
                ["", _cell("covered_by", _covered_by(clause)), _cell("parties", _parties(clause)), ""]
            )
        else:
            parties = _ROW_CELL.join(["", _cell("covered_by", "<p>-</p>") + _cell("parties", "<p>-</p>"), ""])
        cells = [
            _cell("part", _paragraph(_display(clause, "part"))),
            _cell("reference", _paragraph(clause.reference)),
            _cell("text", f"<p>{_lines(clause.text)}</p>"),
            _cell("due_on", _paragraph(clause.due_on or "-")),
            parties,
            _cell("compliance", _paragraph(_display(clause, "compliance"))),
        ]
        rows.append(_table_row(cells, row_id=f"clauses-{index}"))
    return mark_safe("".join(rows))  # noqa: S308 - each value is escaped


def _change_link(name: str) -> Any:
    """The address of a record's change page by its id, as {% url name pk %} gives it, escaped: the
    pattern is reversed once for the page, not once a row."""
    from django.urls import reverse

    pattern = reverse(name, args=["__pk__"])
    return lambda pk: str(conditional_escape(pattern.replace("__pk__", str(pk))))


def priorities_as_text(priorities: list[ServicePriority], *, changeable: bool) -> SafeString:
    """An issued instrument's service priorities, each a row of text: drawn in Python with the markup
    (its spacing too) of the template loop that drew them."""
    link = _change_link("admin:directions_servicepriority_change")
    rows = []
    for priority in priorities:
        change = (
            f'<td class="field-change"><p><a href="{link(priority.pk)}" class="changelink">Change'
            f'<span class="visually-hidden"> priority {_shown(priority.label)}</span></a></p></td>'
            if changeable
            else ""
        )
        cells = [
            _cell("label", _paragraph(priority.label)),
            _cell("title", f"<p>{_lines(priority.title)}</p>"),
            _cell("short_name", _paragraph(priority.short_name)),
            _cell("clause", _paragraph(priority.clause or "-")),
            change,
        ]
        rows.append(_table_row(cells))
    return mark_safe("".join(rows))  # noqa: S308 - each value is escaped


def obligations_as_text(obligations: list[ReportingObligation], *, changeable: bool) -> SafeString:
    """An instrument's reporting obligations, each a row of text: drawn in Python with the markup (its
    spacing too) of the template loop that drew them."""
    link = _change_link("admin:directions_reportingobligation_change")
    rows = []
    for obligation in obligations:
        change = (
            f'<td class="field-change"><p><a href="{link(obligation.pk)}" class="changelink">Change'
            f'<span class="visually-hidden"> {_shown(obligation.what)}</span></a></p></td>'
            if changeable
            else ""
        )
        kind = _display(obligation, "report_kind") or "-"
        cells = [
            _cell("what", _paragraph(obligation.what)),
            _cell("deliverer", _paragraph(_display(obligation, "deliverer"))),
            _cell("recipient", _paragraph(_display(obligation, "recipient"))),
            _cell("report_kind", _paragraph(kind)),
            _cell("cadence", _paragraph(capfirst(obligation.describe()))),
            _cell("clause", _paragraph(obligation.clause or "-")),
            change,
        ]
        rows.append(_table_row(cells))
    return mark_safe("".join(rows))  # noqa: S308 - each value is escaped


def _shown(value: Any) -> str:
    """A value as the template engine shows it: localised (a date in words), then escaped."""
    if type(value) is str:  # plain text, the commonest, which localising leaves as it is
        return html.escape(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:  # an id, which localising leaves as it is
        return str(value)
    return str(conditional_escape(formats.localize(value)))


def _lines(text: Any) -> str:
    """linebreaksbr(text, autoescape=True), for plain text without the filter's wrappers: a clause's
    text is drawn on each of dozens of rows."""
    if type(text) is not str:
        return str(linebreaksbr(text, autoescape=True))
    return html.escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def _display(record: Any, name: str) -> str:
    """record.get_<name>_display(), with the field's labels gathered once: Django gathers them again
    (every choice made hashable) at each call, a few a row of dozens."""
    field = record._meta.get_field(name)
    value = getattr(record, field.attname)
    return str(force_str(_labels(field).get(make_hashable(value), value), strings_only=True))


@functools.cache
def _labels(field: Any) -> dict[Any, Any]:
    return dict(make_hashable(field.flatchoices))


def _paragraph(value: Any) -> str:
    return f"<p>{_shown(value)}</p>"


def _cell(name: str, content: str) -> str:
    return f'<td class="field-{name}">{content}</td>'


def _table_row(cells: list[str], row_id: str | None = None) -> str:
    """A row of text, its cells (already escaped) each on a line of its own, with the spacing of the
    template loops that drew the clauses, priorities and obligations as text."""
    opening = f'<tr class="form-row has_original" id="{row_id}">' if row_id else '<tr class="form-row has_original">'
    return f"\n          {opening}{''.join(f'{_ROW_CELL}{cell}' for cell in cells)}\n          </tr>\n        "


_ROW_CELL = "\n            "  # a cell's line in those loops


def _field(form: Any, name: str) -> str:
    """The field's widget, after its errors when it has some."""
    if not form.is_bound:
        return _unbound_widget(form, name)
    field = form[name]
    return (field.errors.as_ul() if field.errors else "") + str(field)


def _unbound_widget(form: Any, name: str) -> str:
    """str(form[name]) for a form not sent back (so with no errors), as BoundField.as_widget draws it,
    without making a bound field: a row's form draws two to five, and an instrument has dozens of
    rows. A field with anything more to it (help text, disabled, localised, its initial value
    hidden beside it) is drawn by Django."""
    field = form.fields[name]
    plain = not (field.help_text or field.disabled or field.localize or field.show_hidden_initial)
    if not plain or "%s" not in str(form.auto_id):
        return str(form[name])
    widget = field.widget
    initial = form.get_initial_for_field(field, name)
    attrs = {}
    if widget.use_required_attribute(initial) and field.required and form.use_required_attribute:
        attrs["required"] = True
    html_name = form.add_prefix(name)
    if "id" not in widget.attrs:
        attrs["id"] = form.auto_id % html_name
    return widget.render(name=html_name, value=field.prepare_value(initial), attrs=attrs, renderer=form.renderer)


class IssuedClauseInline(ClauseInline):
    """An issued instrument's clauses: read as the documents cite them (7b(i)); only compliance
    changes. Laid out by a template of its own, as a direction has dozens of clauses."""

    template = "directions/admin/issued_clauses.html"
    fields = ["compliance", "covered_by", "deliverer", "recipient"]
    formset = IssuedClauseRows

    def get_readonly_fields(self, request: HttpRequest, obj: Instrument | None = None) -> Any:
        return ()

    def get_formset(self, request: HttpRequest, obj: Instrument | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"editable": self.has_change_permission(request, obj)})


class TermsOfReferenceInline(LockedWhenIssuedInline, admin.StackedInline):
    model = TermsOfReference
    fields = ["heading", "introduction"]


class ServicePriorityInline(LockedWhenIssuedInline):
    model = ServicePriority
    fields = ["label", "position", "title", "short_name", "clause"]
    template = "directions/admin/priorities.html"  # the cells written out: see the template

    def get_queryset(self, request: HttpRequest) -> Any:
        return in_document_order(super().get_queryset(request).select_related(f"clause__{CLAUSE_ANCESTORS}"))

    def get_formset(self, request: HttpRequest, obj: Instrument | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        share_choices(formset, "clause", clauses_of(obj), shown=self.has_change_permission(request, obj))
        return formset


class ObligationRowForm(forms.ModelForm):
    """A row of the instrument's obligations: its cells, and the dates its saved rule gives. The
    instrument and the extra bank holidays are read once for the page, not once a row."""

    instrument: Instrument | None = None
    holidays: frozenset[datetime.date] = frozenset()

    @property
    def first_dates(self) -> str:
        return first_dates_of(self.instance, instrument=self.instrument, holidays=self.holidays)


class ReportingObligationInline(ScopedInline):
    """Obligations stay editable after issue: the cadence is our reading of the text, and event
    dates are recorded later. History keeps every change."""

    model = ReportingObligation
    template = "directions/admin/obligations.html"  # the cells written out: see the template
    fields = [
        "what",
        "deliverer",
        "recipient",
        "report_kind",
        "cadence",
        "due_on",
        "anchor_on",
        "anchor_is_due",
        "interval",
        "first_after",
        "event",
        "event_on",
        "ends_on",
        "clause",
    ]

    form = ObligationRowForm
    readonly_fields = ["first_dates"]

    def get_fields(self, request: HttpRequest, obj: Instrument | None = None) -> Any:
        # The column is added here, not to `fields`, which the obligation's own form reuses.
        return [*self.fields, "first_dates"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return in_document_order(super().get_queryset(request).select_related(f"clause__{CLAUSE_ANCESTORS}"))

    def get_formset(self, request: HttpRequest, obj: Instrument | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        share_choices(formset, "clause", clauses_of(obj), shown=self.has_change_permission(request, obj))
        holidays = frozenset(ExtraBankHoliday.objects.values_list("date", flat=True))
        formset.form = type(formset.form.__name__, (formset.form,), {"instrument": obj, "holidays": holidays})
        return formset

    @admin.display(description="First dates")
    def first_dates(self, obj: ReportingObligation | None) -> str:
        """The "check the dates" preview of the obligation's own page, read-only, for each saved row
        (the template's cells call it through `first_dates_of`)."""
        return first_dates_of(obj)


def first_dates_of(
    obligation: ReportingObligation | None,
    *,
    instrument: Instrument | None = None,
    holidays: frozenset[datetime.date] | None = None,
) -> str:
    """The first six dates a saved obligation's rule gives and the last in the window, as its own
    page shows them before saving; empty for a row not saved yet."""
    if obligation is None or obligation.pk is None:
        return ""
    try:
        shown, _, _ = dates_preview(obligation, instrument=instrument, holidays=holidays)
    except RuleError as error:
        return str(error)
    return _dates_in_words(shown) if shown.count else "None in the window"


def _covered_from(clauses: Any, obligations: list[ReportingObligation]) -> None:
    """Give each clause the obligation covering it from its instrument's obligations, which the page
    reads anyway (an obligation covers only a clause of its own instrument: Clause.clean). Read with
    the clauses, they were joined to every obligation of every instrument, a table that grows with the
    cases. One not among them (none should be) is read as usual, when asked for."""
    by_pk = {obligation.pk: obligation for obligation in obligations}
    for clause in clauses:
        if clause.covered_by_id in by_pk:
            clause.covered_by = by_pk[clause.covered_by_id]


def _terms_of(instrument: Instrument) -> TermsOfReference | None:
    """The instrument's terms of reference, if it has any: read with the instrument on its own page
    (InstrumentAdmin.get_object)."""
    try:
        return instrument.terms_of_reference
    except TermsOfReference.DoesNotExist:
        return None


def _naming_clauses(rows: Any, clauses: dict[int, Clause]) -> list[Any]:
    """The rows, each given its clause from `clauses` where it is there (else read as usual)."""
    rows = list(rows)
    for row in rows:
        if row.clause_id in clauses:
            row.clause = clauses[row.clause_id]
    return rows


class InForceFilter(admin.SimpleListFilter):
    title = "in force"
    parameter_name = "in_force"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("yes", "In force"), ("no", "Not in force")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        in_force = Instrument.objects.in_force_on(timezone.localdate()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=in_force)
        if self.value() == "no":
            return queryset.exclude(pk__in=in_force)
        return queryset


class InstrumentsWithNextDue(SoundChangeList):
    """The list of instruments, with each one's next clause due (a column it sorts by). Only the list
    reads it: the instrument's own page, and the autocomplete that offers an instrument to revoke,
    would compile and run the subquery for nothing."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        if "next_clause_due" not in self.root_queryset.query.annotations:
            # A subquery, not Min() over a join of every clause: the join and its GROUP BY made the
            # count, the date hierarchy and the page itself each aggregate all the clauses of all
            # the instruments on every view of the list.
            today = timezone.localdate()
            next_due = Clause.objects.filter(instrument=OuterRef("pk"), due_on__gte=today).order_by("due_on")
            self.root_queryset = self.root_queryset.annotate(next_clause_due=Subquery(next_due.values("due_on")[:1]))
        return super().get_queryset(request, exclude_parameters)


def appointments_read_once(field: Any, instrument: Instrument) -> None:
    """The appointments an instrument's form offers (`field`'s, of its case) and those it has chosen,
    read in one query. Django reads the chosen ones for the form's value, then the offered ones for
    the options, each joined to the person table (which the database read whole to find a case's
    few people) and to the case and its authority to sort them, which one case's rows need not.
    Each person's name (all an option shows) is looked up by its key, so the query reads the case's
    rows and no others. Anything chosen from outside them (none should be: the form offers only
    these) leaves the chosen ones to be read as Django reads them."""
    from intervention.models import Appointment

    by_case, *within_a_case = Appointment._meta.ordering or [""]
    assert by_case == "intervention", Appointment._meta.ordering  # the offered rows are one case's
    chosen = Instrument.appointments.through.objects.filter(instrument_id=instrument.pk)
    rows = list(
        field.queryset.select_related(None)
        .order_by(*within_a_case)
        .annotate(
            person_name=Subquery(Person.objects.filter(pk=OuterRef("person_id")).order_by().values("name")),
            is_chosen=Exists(chosen.filter(appointment_id=OuterRef("pk"))),
            chosen_in_all=Subquery(
                chosen.order_by().values("instrument_id").annotate(n=Count("pk")).values("n")  # type: ignore[misc]  # the stubs miss the annotation
            ),
        )
    )
    for row in rows:  # the person as .only("name") gives it: anything else is read when asked for
        row.person = Person.from_db(row._state.db, ["id", "name"], [row.person_id, row.person_name])
    picked = [row for row in rows if row.is_chosen]
    if rows and len(picked) == (rows[0].chosen_in_all or 0):
        # As prefetch_related leaves them: `instrument.appointments.all()` gives these, and anything
        # else asked of the relation (a filter, a change) goes to the database.
        relation = instrument.appointments.all()
        relation._result_cache = picked
        relation._prefetch_done = True  # type: ignore[attr-defined]  # Django's own marks, as prefetch_related sets them
        instrument._prefetched_objects_cache = {  # type: ignore[attr-defined]
            **getattr(instrument, "_prefetched_objects_cache", {}),
            "appointments": relation,
        }
    read_choices(field, rows)
    field.label_from_instance = _appointment_label


def _appointment_label(appointment: Any) -> str:
    """str(appointment) (a test compares them), its role's label looked up once for the options:
    Django gathers every role's label again for each."""
    return f"{appointment.person.name}, {_display(appointment, 'role').lower()}"


@admin.register(Instrument)
class InstrumentAdmin(ScopedAdmin[Instrument]):
    intervention_path = "intervention__"
    list_display = ["authority", "kind", "issued_on", "status", "in_force", "revoked_on", "next_due"]
    list_filter = ["kind", "status", InForceFilter, "legal_basis", "intervention__local_authority", "issued_on"]
    search_fields = ["title", "intervention__local_authority__name", "signed_by_name"]
    autocomplete_fields = ["intervention", "revokes"]
    filter_horizontal = ["appointments"]
    readonly_fields = ["status", "revoked_on", "revocation_note", "revoked_by_link"]
    fieldsets = [
        (None, {"fields": ["intervention", "kind", "legal_basis", "status"]}),
        ("The document", {"fields": ["title", "addressed_to", "address", "preamble", "closing"]}),
        ("Issue", {"fields": ["issued_on", "signed_by_name", "signed_by_title", "appointments"]}),
        ("Revocation", {"fields": ["revokes", "revoked_on", "revocation_note", "revoked_by_link"]}),
    ]
    inlines = [ClauseInline, TermsOfReferenceInline, ServicePriorityInline, ReportingObligationInline]
    change_form_template = "directions/admin/instrument_change_form.html"
    actions = ["issue_selected"]

    def get_inlines(self, request: HttpRequest, obj: Instrument | None) -> list:
        """A draft is written here, every row a form. Once it is issued, or for someone who may only
        read it, the clauses are laid out as the document cites them (only their compliance changes
        here), and the terms of reference, priorities, obligations and amendments are text
        (`shown_as_text`). For someone who may only read an issued one, its clauses are text too:
        a form a clause, for nobody to send, was a third of the page's cost."""
        if obj is not None and self.reads_as_text(request, obj):
            if self.clauses_as_text(request, obj):
                return []
            return [IssuedClauseInline if obj.is_issued else ClauseInline]
        return list(self.inlines)

    def clauses_as_text(self, request: HttpRequest, obj: Instrument) -> bool:
        return obj.is_issued and not self.has_change_permission(request, obj)

    def reads_as_text(self, request: HttpRequest, obj: Instrument | None) -> bool:
        return obj is not None and (obj.is_issued or not self.has_change_permission(request, obj))

    def shown_as_text(
        self, obj: Instrument, *, changeable: bool, clauses: bool = False, read: list[Clause] | None = None
    ) -> dict[str, Any]:
        """An issued instrument's terms of reference, priorities, obligations and amendments, as text,
        not as inline forms: each priority and obligation is changed on its own page, where its
        history is, and amendments are written by the amendment service. (Forms for them made the
        instrument's page, with its dozens of clauses, too slow: issue 7.) With `clauses`, its
        clauses too, for someone who may only read them. A priority or obligation names its clause
        from the clauses the page has read (`read`, or those), each with its ancestors."""
        shown = with_ancestors(list(in_document_order(Clause.objects.filter(instrument=obj)))) if clauses else None
        by_pk = {clause.pk: clause for clause in (shown if shown is not None else read or ())}
        priorities = in_document_order(obj.service_priorities.all())
        obligations = in_document_order(obj.reporting_obligations.all())
        if not by_pk:
            priorities = priorities.select_related(f"clause__{CLAUSE_ANCESTORS}")
            obligations = obligations.select_related(f"clause__{CLAUSE_ANCESTORS}")
        obligations = _naming_clauses(obligations, by_pk)
        _covered_from(by_pk.values(), obligations)
        priorities = _naming_clauses(priorities, by_pk)
        return {
            "clauses": shown,
            "clause_rows": clauses_as_text(shown) if shown is not None else "",
            "terms": _terms_of(obj),
            "priorities": priorities,
            "priority_rows": priorities_as_text(priorities, changeable=changeable),
            "obligations": obligations,
            "obligation_rows": obligations_as_text(obligations, changeable=changeable),
            # Read only where there are some (rare): the page's own query of the instrument says (get_object).
            "amendments": (
                list(in_document_order(obj.amendments.select_related("made_by")))
                if getattr(obj, "has_amendments", True)
                else []
            ),
            "changeable": changeable,
        }

    def render_change_form(self, request: HttpRequest, context: dict, *args: Any, **kwargs: Any) -> Any:
        response = super().render_change_form(request, context, *args, **kwargs)
        obj, data = context.get("original"), response.context_data  # rendered later: it can still be added to
        if obj is not None and self.reads_as_text(request, obj):
            read = [
                list(inline.formset.get_queryset())  # the rows the inline has read, with their ancestors
                for inline in data.get("inline_admin_formsets", [])
                if inline.formset.model is Clause
            ]
            data["shown_as_text"] = self.shown_as_text(
                obj,
                changeable=data["has_change_permission"],
                clauses=self.clauses_as_text(request, obj),
                read=read[0] if read else None,
            )
        return response

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("intervention__local_authority", "revoked_by")
            .order_by("intervention__local_authority__name", "issued_on", "pk")
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return InstrumentsWithNextDue

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """Django's, with the terms of reference (one to one) read in the same query: the page shows
        them, as a form for a draft and as text once issued. The same query says whether it has any
        amendments, which an issued one's page lists: most have none, and a query to find none cost the
        page as much as one that finds some."""
        amended = Exists(Amendment.objects.filter(instrument=OuterRef("pk")))
        queryset = self.get_queryset(request).select_related("terms_of_reference").annotate(has_amendments=amended)
        field = Instrument._meta.pk if from_field is None else Instrument._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})  # type: ignore[union-attr]
        except (Instrument.DoesNotExist, ValidationError, ValueError):
            return None

    def get_readonly_fields(self, request: HttpRequest, obj: Instrument | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_issued:
            readonly += ["intervention", *Instrument.locked_fields]
        return readonly

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "appointments":
            from intervention.models import Appointment

            kwargs["queryset"] = Appointment.objects.visible_to(request.user).select_related(
                "person", "intervention__local_authority"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Instrument | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("appointments")
        if obj is not None and field is not None:
            # An instrument appoints people to its own case: offer that case's appointments, not
            # every appointment the user can see (all of them, for DfE staff).
            field.queryset = field.queryset.filter(intervention_id=obj.intervention_id)
            if request.method in ("GET", "HEAD"):  # a form sent back is read and checked as Django does
                appointments_read_once(field, obj)
        return form

    @admin.display(description="Authority", ordering="intervention__local_authority__name")
    def authority(self, obj: Instrument) -> str:
        return obj.intervention.local_authority.name

    @admin.display(description="In force", boolean=True)
    def in_force(self, obj: Instrument) -> bool:
        return obj.is_in_force

    @admin.display(description="Next clause due", ordering="next_clause_due")
    def next_due(self, obj: Instrument) -> Any:
        return getattr(obj, "next_clause_due", None)  # annotated by the list (InstrumentsWithNextDue)

    @admin.display(description="Revoked by")
    def revoked_by_link(self, obj: Instrument) -> str:
        revoker = getattr(obj, "revoked_by", None)
        return str(revoker) if revoker else "—"

    def get_urls(self) -> list:
        from django.urls import path

        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name=f"{info[0]}_{info[1]}_revoke",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request: HttpRequest, object_id: str) -> Any:
        """Revoke an issued instrument with no successor: the date, the revoking letter's reference and
        a reason, on a page that says first which appointments end with it."""
        from django.http import Http404, HttpResponseRedirect
        from django.template.response import TemplateResponse
        from django.urls import reverse

        instrument = self.get_object(request, object_id)
        if instrument is None or not self.has_view_permission(request, instrument):
            raise Http404
        if not self.has_change_permission(request, instrument):
            raise PermissionDenied
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.revoke_instrument(
                    instrument=instrument,
                    revoked_on=form.cleaned_data["revoked_on"],
                    reference=form.cleaned_data["reference"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                self.message_user(request, f"Revoked: {instrument}", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:directions_instrument_change", args=[instrument.pk]))
        day = (
            form.cleaned_data.get("revoked_on") if form.is_bound and form.is_valid() else None
        ) or timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revoke the {instrument.get_kind_display().lower()}",
            "opts": self.opts,
            "original": instrument,
            "form": form,
            "can_revoke": instrument.is_issued and instrument.revoked_on is None,
            "ending": services.appointments_ending_with(instrument, day) if instrument.is_issued else [],
        }
        return TemplateResponse(request, "directions/admin/revoke.html", context)

    @admin.action(description="Issue the selected draft instruments")
    def issue_selected(self, request: HttpRequest, queryset: Any) -> None:
        for instrument in queryset.filter(status=InstrumentStatus.DRAFT):
            try:
                services.issue_instrument(instrument=instrument, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request, f"{instrument}: {' '.join(getattr(error, 'messages', [str(error)]))}", messages.ERROR
                )
            else:
                self.message_user(request, f"Issued: {instrument}", messages.SUCCESS)


class ServiceErrorsForm(forms.Form):
    def add_service_errors(self, error: ValidationError) -> None:
        """The service's refusal, next to the field it is about (or above the form), keeping what was typed."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class RevokeForm(ServiceErrorsForm):
    revoked_on = forms.DateField(
        label="Revoked from", widget=forms.DateInput(attrs={"type": "date"}), validators=[sensible_date]
    )
    reference = forms.CharField(label="The revoking letter's reference", max_length=200)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].error_messages["required"] = services.NEEDS_A_REFERENCE
        self.fields["reason"].error_messages["required"] = services.NEEDS_A_REASON


class WithdrawForm(ServiceErrorsForm):
    reason = forms.CharField(
        label="Why it is withdrawn (the council will read this)", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = services.NEEDS_A_REASON


class InstrumentRowAdmin(ScopedAdmin):
    """A row of an instrument changed on its own page (a link on the instrument's page leads here),
    with its own history. Its clause is chosen from its instrument's paragraphs only."""

    intervention_path = "instrument__intervention__"
    change_form_template = "directions/admin/row_change_form.html"
    list_select_related = ["instrument__intervention__local_authority", f"clause__{CLAUSE_ANCESTORS}"]
    list_filter = ["instrument__intervention__local_authority"]
    autocomplete_fields = ["instrument"]

    def get_queryset(self, request: HttpRequest) -> Any:
        # The row's page names its instrument ("Statutory direction to Herefordshire, ...") and checks
        # access through its case: fetched with the row, not a query each.
        return super().get_queryset(request).select_related("instrument__intervention__local_authority")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("instrument")  # a row belongs to the instrument it was written under
            if obj.instrument.is_issued:
                readonly += [name for name in getattr(self.model, "locked_fields", ()) if name not in readonly]
        return readonly

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("clause")
        if field is not None:
            field.iterator = ClauseChoices
            field.queryset = clauses_of(self.instrument_for(request, obj))
            if obj is None:
                field.help_text = "Choose the notice or direction first: its paragraphs are listed once it is saved."
        return form

    def instrument_for(self, request: HttpRequest, obj: Any) -> Instrument | None:
        if obj is not None:
            return obj.instrument
        chosen = request.POST.get("instrument") or request.GET.get("instrument")
        if not chosen or not str(chosen).isdigit():
            return None
        return Instrument.objects.visible_to(request.user).filter(pk=chosen).first()

    @admin.display(description="Authority", ordering="instrument__intervention__local_authority__name")
    def authority(self, obj: Any) -> str:
        return obj.instrument.intervention.local_authority.name


def _day(value: Any) -> str:
    return f"{value:%-d %B %Y}"


class ObligationForm(forms.ModelForm):
    """An obligation's own page. Before a new cadence is saved, the page shows the dates it gives
    (the first six, the last in the window and how many) and asks to save again; a change to an
    existing obligation's rule asks why (directions.services.save_obligation keeps the reason)."""

    change_reason = forms.CharField(
        label="Why is the cadence changing?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Needed when the cadence, its dates or its numbers change. Kept in the obligation's history.",
    )
    dates_checked = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ReportingObligation
        fields = [*ReportingObligationInline.fields, "instrument"]

    def rule_signature(self) -> str:
        names = (*services.RULE_FIELDS, "event_on")
        return "|".join(str(getattr(self.instance, name)) for name in names)

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # django-stubs leave out ModelForm's _post_clean hook
        if self.errors or getattr(self.instance, "instrument_id", None) is None:
            return
        changed = services.rule_changes(self.instance)
        if changed and not self.cleaned_data.get("change_reason", "").strip():
            self.add_error("change_reason", services.CADENCE_CHANGE_NEEDS_REASON)
        if self.instance.pk is not None and not changed and not ({"event_on"} & set(self.changed_data)):
            return
        signature = self.rule_signature()
        if self.cleaned_data.get("dates_checked") == signature:
            return
        # Carry the signature in the page, so that saving the same cadence again goes through.
        data = cast(QueryDict, self.data).copy()  # the form is only checked when posted
        data[self.add_prefix("dates_checked")] = signature
        self.data = data
        self.add_error(None, self.dates_message())

    def dates_message(self) -> str:
        try:
            shown, start, end = dates_preview(self.instance)
        except RuleError as error:
            return str(error)
        if not shown.count:
            return NO_DATES.format(start=start, end=end)
        return CHECK_THE_DATES.format(dates=_dates_in_words(shown))


def dates_preview(
    obligation: ReportingObligation,
    *,
    instrument: Instrument | None = None,
    holidays: frozenset[datetime.date] | None = None,
) -> tuple[Preview, datetime.date, datetime.date]:
    """The dates the obligation's rule gives from its anchor (or its instrument's issue) to the end
    of the 18-month window: the first six, the last and how many, and the window itself."""
    instrument = instrument or obligation.instrument
    if holidays is None:
        holidays = frozenset(ExtraBankHoliday.objects.values_list("date", flat=True))
    rule = Rule.of(obligation, holidays)
    start, end = window(
        rule, issued_on=instrument.issued_on, revoked_on=instrument.revoked_on, today=timezone.localdate()
    )
    return preview(rule, start, end), start, end


def _dates_in_words(shown: Preview) -> str:
    dates = ", ".join(_day(day) for day in shown.first)
    if shown.last:
        dates += f", … and the last in the window, {_day(shown.last)} ({shown.count} in all)"
    return dates


@admin.register(ReportingObligation)
class ReportingObligationAdmin(InstrumentRowAdmin):
    """Obligations stay editable after issue: the cadence is this service's reading of the text.
    Saving one moves its deadlines (reviews.signals); the page lists them."""

    form = ObligationForm
    fields = ["instrument", *ReportingObligationInline.fields, "change_reason", "dates_checked", "deadline_dates"]
    readonly_fields = ["deadline_dates"]
    list_display = ["what", "authority", "recipient", "report_kind", "when"]
    list_filter = ["cadence", "recipient", "report_kind", *InstrumentRowAdmin.list_filter]
    search_fields = ["what", "instrument__intervention__local_authority__name"]

    @admin.display(description="When")
    def when(self, obj: ReportingObligation) -> str:
        return obj.describe()

    @admin.display(description="Its deadlines")
    def deadline_dates(self, obj: ReportingObligation | None) -> str:
        if obj is None or obj.pk is None:
            return "Listed here once it is saved."
        rows = [f"{_day(d.due_on)} ({d.get_status_display().lower()})" for d in obj.deadlines.all()]
        return "; ".join(rows) or "None yet: they are made once the instrument is issued."

    def save_model(self, request: HttpRequest, obj: ReportingObligation, form: Any, change: bool) -> None:
        self.refuse_unless_may_write(request, obj, change=change)
        services.save_obligation(obligation=obj, by=request.user, reason=form.cleaned_data.get("change_reason", ""))


@admin.register(ServicePriority)
class ServicePriorityAdmin(InstrumentRowAdmin):
    """A priority's number and title are the document's and lock on issue; its short name, order
    and clause stay editable. Priorities are added while the instrument is a draft, on its page."""

    fields = ["instrument", "label", "position", "title", "short_name", "clause"]
    list_display = ["__str__", "authority", "instrument"]
    search_fields = ["short_name", "title", "instrument__intervention__local_authority__name"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        overdue = Instruction.objects.overdue(on=timezone.localdate()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


class CouncilEmailFilter(admin.SimpleListFilter):
    """Whether the council has been told of the instruction: DfE looks here for failed emails."""

    title = "email to the council"
    parameter_name = "council_email"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (CouncilEmail.FAILED, "Email failed"),
            (CouncilEmail.SENT, "Emailed"),
            (CouncilEmail.WAITING, "Not sent yet"),
            (CouncilEmail.NOT_RECORDED, "Not recorded"),
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(council_email=self.value()) if self.value() else queryset


class ResponseInline(ScopedInline):
    """Every round of the exchange with the council, as it happened. Rounds are added through the
    instruction's page (accept or return), which goes through the service and keeps the evidence."""

    model = InstructionResponse
    fields = ("created_at", "kind", "text", "by")
    readonly_fields = fields
    template = "admin/quick_tabular.html"  # the tabular inline, its rows (read only) drawn in Python

    def get_queryset(self, request: HttpRequest) -> Any:
        # One instruction's rounds, in their model's order without its first key, the instruction: that
        # orders by the instruction's own order (its case's authority, through three joins), which
        # orders nothing among the rounds of one instruction.
        first, *rest = cast(list[str], InstructionResponse._meta.ordering)
        assert first == "instruction"  # the model's order begins with its instruction
        return super().get_queryset(request).select_related("by").order_by(*rest)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# What names a dropdown's row and its instrument ("Statutory direction to Herefordshire, 1 March 2023:
# 1a. Step"), and what Instruction.clean reads of the one chosen: read alone, without the instrument's
# whole text (its preamble, its address) with each row.
_NAMED_INSTRUMENT = ["instrument__intervention_id", "instrument__kind", "instrument__issued_on"]
NAMING = {
    "service_priority": ["instrument_id", "label", "short_name", *_NAMED_INSTRUMENT],
    "terms_item": ["instrument_id", "part", "parent_id", "label", "text", *_NAMED_INSTRUMENT],
}


def offered_on_case(rows: Any, user: Any, *, case: Intervention, current: int | None, **conditions: Any) -> Any:
    """A saved instruction's choices of `rows` (its case's service priorities, or terms of reference
    items): those of its case's instruments in force today that the user may see, and the one chosen,
    whatever it is now. All are of one case, so they are asked of that case alone, in their model's
    order among one case's instruments: the order through the case and its authority (two joins) and
    the admin's general dropdown with its subqueries (InstructionAdmin.formfield_for_foreignkey) cost
    the planner more than reading the rows. Their labels name the case already read with the instruction
    (OnCaseChoices)."""
    offered = Q(
        intervention_filter(user, prefix="instrument__intervention__"),
        in_force_on(timezone.localdate(), prefix="instrument__"),
        **conditions,
    )
    if current:
        offered |= Q(pk=current)
    first, *rest = rows.model._meta.ordering
    assert first == "instrument", rows.model  # the model's order begins with its instrument
    instrument_first, *instrument_rest = cast(list[str], Instrument._meta.ordering)
    assert instrument_first == "intervention"  # the instrument's order begins with its case: one case here
    in_case = [f"instrument__{name}" for name in instrument_rest]
    return rows.filter(offered, instrument__intervention_id=case.pk).order_by(*in_case, *rest)


class OnCaseChoices(FetchedChoices):
    """A saved instruction's choices (offered_on_case), labelled "instrument: item" as the admin's
    dropdown labels them, each instrument named through the instruction's case and its authority (read
    with the instruction), and a clause's reference through its parents among the clauses offered (a
    parent is a clause of the same instrument and part: Clause.clean); any other is read as usual."""

    def __init__(self, field: Any, *, case: Intervention) -> None:
        super().__init__(field)
        self.case = case

    def __iter__(self) -> Any:
        read = {row.pk: row for row in self.queryset}  # the field's queryset: read once, then from its cache
        for row in read.values():
            if row.instrument.intervention_id == self.case.pk:
                row.instrument.intervention = self.case
            node = row
            while isinstance(node, Clause) and node.parent_id in read and not Clause.parent.is_cached(node):
                node.parent = read[node.parent_id]
                node = node.parent
        return super().__iter__()


@admin.register(Instruction)
class InstructionAdmin(ScopedAdmin[Instruction]):
    intervention_path = "intervention__"
    list_display = [
        "reference",
        "authority",
        "title",
        "issued_by",
        "issued_on",
        "due_on",
        "status",
        "overdue",
        "priority",
        "council_emailed",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        "status",
        OverdueFilter,
        CouncilEmailFilter,
        "priority",
        "intervention__local_authority",
        "due_on",
        "issued_on",
    ]
    search_fields = ["title", "text", "intervention__local_authority__name", "issued_by__name"]
    autocomplete_fields = ["intervention"]
    # The status moves only through the service's acts (the council submits, the commissioner accepts or
    # returns on the instruction's page, or withdraws here with a reason), never through a dropdown.
    readonly_fields = ["reference", "issued_by", "respond_link", "status", "status_note", "council_email_outcome"]
    inlines = [ResponseInline]
    change_form_template = "directions/admin/instruction_change_form.html"
    WITHOUT_A_RECORD = ("respond_link", "reference", "issued_by", "status", "status_note")

    def get_inlines(self, request: HttpRequest, obj: Instruction | None) -> list:
        return self.inlines if obj is not None else []

    fields = [
        "respond_link",
        "reference",
        "intervention",
        "issued_by",
        "title",
        "text",
        "issued_on",
        "due_on",
        "priority",
        "service_priority",
        "terms_item",
        "status",
        "status_note",
        "council_email_outcome",
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("intervention__local_authority", "issued_by")

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        """The words in titles and texts through the full-text index, or an authority's or issuer's name
        (InstructionQuerySet.matching_or_named), each through an index, instead of four
        unindexed `icontains` scans of every instruction."""
        term = search_term.strip()
        if not term:
            return super().get_search_results(request, queryset, search_term)
        return self.scope(request, queryset.matching_or_named(term)), False

    def get_fields(self, request: HttpRequest, obj: Instruction | None = None) -> Any:
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [name for name in fields if name not in self.WITHOUT_A_RECORD]

    def get_urls(self) -> list:
        from django.urls import path

        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/withdraw/",
                self.admin_site.admin_view(self.withdraw_view),
                name=f"{info[0]}_{info[1]}_withdraw",
            ),
            *super().get_urls(),
        ]

    def withdraw_view(self, request: HttpRequest, object_id: str) -> Any:
        """Withdraw an open instruction, with a reason the council will read."""
        from django.http import Http404, HttpResponseRedirect
        from django.template.response import TemplateResponse
        from django.urls import reverse

        instruction = self.get_object(request, object_id)
        if instruction is None or not self.has_view_permission(request, instruction):
            raise Http404
        if not self.has_change_permission(request, instruction):
            raise PermissionDenied
        form = WithdrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.withdraw_instruction(
                    instruction=instruction, reason=form.cleaned_data["reason"], by=request.user
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                self.message_user(request, f"Withdrawn: {instruction}", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:directions_instruction_change", args=[instruction.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Withdraw the instruction",
            "opts": self.opts,
            "original": instruction,
            "form": form,
            "is_open": instruction.status not in (InstructionStatus.COMPLIED, InstructionStatus.WITHDRAWN),
        }
        return TemplateResponse(request, "directions/admin/withdraw_instruction.html", context)

    def may_change_some(self, request: HttpRequest) -> bool:
        access = access_for(request.user)
        return access.is_admin or access.oversees_any_case

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("issued_on", timezone.localdate())
        cases = Intervention.objects.filter(intervention_filter(request.user)).open()
        overseen = [case for case in cases if has_capability(request.user, case, Capability.ISSUE_INSTRUCTIONS)]
        if len(overseen) == 1:
            initial.setdefault("intervention", overseen[0].pk)
        return initial

    def get_readonly_fields(self, request: HttpRequest, obj: Instruction | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["intervention", "issued_on"]
        return readonly

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "intervention":
            cases = (
                Intervention.objects.filter(intervention_filter(request.user)).open().select_related("local_authority")
            )
            kwargs["queryset"] = cases
        elif db_field.name == "service_priority" and "queryset" not in kwargs:
            kwargs["queryset"] = ServicePriority.objects.filter(
                intervention_filter(request.user, prefix="instrument__intervention__"),
                **self._in_force_today("instrument__"),
            ).select_related("instrument__intervention__local_authority")
        elif db_field.name == "terms_item" and "queryset" not in kwargs:
            kwargs["queryset"] = (
                Clause.objects.visible_to(request.user)
                .filter(part="terms_of_reference", **self._in_force_today("instrument__"))
                .select_related("parent__parent", "instrument__intervention__local_authority")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("service_priority", "terms_item"):
            # Two directions' items side by side read alike: say whose each is.
            field.label_from_instance = lambda row: f"{row.instrument}: {row}"
        return field

    @staticmethod
    def _in_force_today(prefix: str) -> dict[str, Any]:
        """Items of instruments in force today only: a revoked direction's priorities and terms of
        reference are history, not something to instruct against (an instruction keeps its own)."""
        today = timezone.localdate()
        ids = Instrument.objects.in_force_on(today).values("pk")
        return {f"{prefix}in": ids}

    def get_form(self, request: HttpRequest, obj: Instruction | None = None, **kwargs: Any) -> Any:
        admin_self = self
        # The admin's form, given these rules before Django makes it for the model: made first and
        # subclassed after, the model's fields and their dropdowns were made twice, once a class.
        form = kwargs.pop("form", None)
        if form is None:  # what Django's get_form would start from: its form without the read-only declared fields
            readonly = self.get_readonly_fields(request, obj)
            form = type(
                self.form.__name__, (self.form,), dict.fromkeys(f for f in readonly if f in self.form.declared_fields)
            )

        class InstructionForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                case = cleaned.get("intervention") or (obj.intervention if obj else None)
                if case is not None and not has_capability(request.user, case, Capability.ISSUE_INSTRUCTIONS):
                    raise ValidationError(
                        services.MAY_NOT_ISSUE_INSTRUCTIONS.format(authority=case.local_authority.name)
                    )
                if obj is None and admin_self.acting_person(request) is None:
                    raise ValidationError("Your account is not linked to a person, so it cannot issue instructions")
                return cleaned

        if obj is not None:
            kwargs.setdefault("formfield_callback", partial(self.formfield_on_case, request=request, instruction=obj))
        return super().get_form(request, obj, form=InstructionForm, **kwargs)

    def formfield_on_case(self, db_field: Any, request: HttpRequest, *, instruction: Instruction, **kwargs: Any) -> Any:
        """A saved instruction's form fields. It stays with its case and names only that case's priority
        and item (Instruction.clean refuses another's): those are offered, not every case's. One made under
        a direction since revoked keeps showing what it was made under, with its parents (not among the
        items offered)."""
        rows: Any
        if db_field.name == "service_priority":
            rows, conditions = ServicePriority.objects.select_related("instrument"), {}
        elif db_field.name == "terms_item":
            rows, conditions = Clause.objects.select_related("instrument"), {"part": "terms_of_reference"}
        else:
            return self.formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "terms_item" and instruction.terms_item_id:
            rows = rows.select_related("parent__parent")  # the chosen item's parents, read whole with it
        else:
            rows = rows.only(*NAMING[db_field.name])
        case = instruction.intervention
        current = getattr(instruction, db_field.attname)
        kwargs["queryset"] = offered_on_case(rows, request.user, case=case, current=current, **conditions)
        # The model's limit on the items (terms of reference only) is among the conditions: applied
        # again, by each form, it was a subquery of the rows for each to pass (Django's, against duplicates).
        kwargs["limit_choices_to"] = None
        field = self.formfield_for_dbfield(db_field, request, **kwargs)
        field.iterator = partial(OnCaseChoices, case=case)
        field.queryset = field.queryset  # its widget's choices made again, by this iterator
        return field

    @staticmethod
    def acting_person(request: HttpRequest) -> Person | None:
        return Person.objects.filter(user=request.user.pk).first()

    def save_model(self, request: HttpRequest, obj: Instruction, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        issued_by = self.acting_person(request)
        assert issued_by is not None  # the form refused an account with no person
        created = services.issue_instruction(
            intervention=data["intervention"],
            issued_by=issued_by,
            by=request.user,
            title=data["title"],
            text=data["text"],
            issued_on=data["issued_on"],
            due_on=data["due_on"],
            priority=data["priority"],
            service_priority=data.get("service_priority"),
            terms_item=data.get("terms_item"),
        )
        obj.pk = created.pk
        obj.number = created.number
        tell_if_waiting(
            request,
            created.email_promise,  # type: ignore[attr-defined]
            f"Instruction {created.number} issued. The email to the council will be sent when the mail queue is back.",
        )

    @admin.display(description="Authority", ordering="intervention__local_authority__name")
    def authority(self, obj: Instruction) -> str:
        return obj.intervention.local_authority.name

    @admin.display(description="The council's responses")
    def respond_link(self, obj: Instruction) -> str:
        from django.urls import reverse
        from django.utils.html import format_html

        if obj.pk is None:
            return "—"
        url = reverse("instruction_detail", kwargs={"pk": obj.intervention_id, "instruction_pk": obj.pk})
        if obj.status == "submitted":
            return format_html(
                '<a href="{}">The council has submitted this as complied: accept it or return it</a>', url
            )
        return format_html('<a href="{}">See the responses and evidence</a>', url)

    @admin.display(description="Council emailed", boolean=True, ordering="council_email")
    def council_emailed(self, obj: Instruction) -> bool | None:
        """Yes once sent, no if the email failed, unknown while it waits or where it was not recorded."""
        outcomes: dict[str, bool] = {CouncilEmail.SENT: True, CouncilEmail.FAILED: False}
        return outcomes.get(obj.council_email)

    @admin.display(description="Email to the council")
    def council_email_outcome(self, obj: Instruction) -> str:
        if obj.pk is None:
            return "Sent to the council's officers on the case when the instruction is saved"
        return services.council_email_words(obj)

    @admin.display(description="Overdue", boolean=True)
    def overdue(self, obj: Instruction) -> bool:
        return obj.is_overdue
