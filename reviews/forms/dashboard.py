"""The dashboard's filters and sort (issue 16, item 2), with django-filter. The state lives in the
query string, so a filtered, sorted view is a link people can share; the export links carry it too."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Exists, F, Model, OuterRef, QuerySet, Subquery

from directions.enums import InstrumentKind, LegalBasis
from directions.models import Instrument
from intervention.enums import OVERSEEING_ROLES
from intervention.models import Appointment, LocalAuthority, Person
from intervention.permissions import access_for
from reviews.models import Report
from reviews.services.compiled import reader_key
from reviews.services.dashboard import STAGE_CHOICES, DashboardStage, in_force_q, with_columns

YES_NO = [("yes", "Yes"), ("no", "No")]
STATUS_CHOICES = [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")]
INSTRUMENT_CHOICES = [
    (InstrumentKind.IMPROVEMENT_NOTICE.value, "Improvement notice"),
    (InstrumentKind.STATUTORY_DIRECTION.value, "Statutory direction (any)"),
    ("497A(4A)", "Direction moving services out of the council's control (497A(4A))"),
]

# The sortable columns: the query string's name for each, and what it sorts by. Cases with nothing
# to sort by (no overdue deadline, no review yet) go last in either direction.
SORTS: dict[str, tuple[str, ...]] = {
    "authority": ("local_authority__name",),
    "region": ("local_authority__region_name", "local_authority__name"),
    "stage": ("stage_rank", "local_authority__name"),
    "overdue": ("overdue_count", "local_authority__name"),
    "oldest_overdue": ("oldest_overdue", "local_authority__name"),
    "next_due": ("next_due_on", "local_authority__name"),
    "awaiting": ("awaiting_commissioner", "local_authority__name"),
    "review": ("review_held_on", "local_authority__name"),
    "report": ("report_signed_off_on", "local_authority__name"),
}
DEFAULT_SORT = "authority"
SORT_CHOICES = [(name, name) for name in SORTS] + [(f"-{name}", f"-{name}") for name in SORTS]

# The SQL of the filtered, sorted ids, by everything it is built from (`DashboardFilter.case_ids`).
CASE_IDS_SQL: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
CASE_IDS_SQL_KEPT = 256
# The SQL of the commissioner filter's choices, by connection, reader (`reader_key`: the people are
# those of the appointments the reader may see) and day: building the people's query and compiling it
# cost the page more than the database takes to answer it.
COMMISSIONERS_SQL: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
COMMISSIONERS_SQL_KEPT = 256


class DashboardFilter(django_filters.FilterSet):
    """Filters on `reviews.services.dashboard.dashboard_cases`, annotating the columns each filter and
    sort reads (`with_columns`) as it applies."""

    status = django_filters.ChoiceFilter(
        label="Open or closed", choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    region = django_filters.ChoiceFilter(label="Region", field_name="local_authority__region_name", empty_label="Any")
    stage = django_filters.ChoiceFilter(label="Stage", choices=STAGE_CHOICES, method="filter_stage", empty_label="Any")
    instrument = django_filters.ChoiceFilter(
        label="Instrument in force", choices=INSTRUMENT_CHOICES, method="filter_instrument", empty_label="Any"
    )
    mine = django_filters.BooleanFilter(
        label="My cases (cases I am appointed to)", method="filter_mine", widget=forms.CheckboxInput
    )
    red = django_filters.BooleanFilter(
        label="Any service priority rated red", method="filter_red", widget=forms.CheckboxInput
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue deadlines", choices=YES_NO, method="filter_overdue", empty_label="Any"
    )
    commissioner = django_filters.ModelChoiceFilter(
        label="Commissioner or adviser",
        queryset=Person.objects.none(),
        method="filter_commissioner",
        empty_label="Any",
    )
    sort = django_filters.ChoiceFilter(label="Sort by", choices=SORT_CHOICES, method="filter_sort")

    def __init__(self, *args: Any, user: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today
        regions = LocalAuthority.objects.order_by("region_name").values_list("region_name", flat=True).distinct()
        self.filters["region"].extra["choices"] = [(name, name) for name in regions]
        self.filters["commissioner"].queryset = Person.objects.filter(
            Exists(
                Appointment.objects.active_on(today)
                .visible_to(user)
                .filter(person=OuterRef("pk"), role__in=OVERSEEING_ROLES)
            )
        ).order_by("name")

    @property
    def qs(self) -> QuerySet[Any]:
        if hasattr(self, "_sorted"):
            return self._sorted
        queryset = super().qs
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(closed_on__isnull=True)  # open cases unless asked otherwise
        if not self.form.cleaned_data.get("sort"):
            queryset = self.order_by(queryset, DEFAULT_SORT)
        self._sorted: QuerySet[Any] = queryset
        return queryset

    def case_ids(self) -> list[int]:
        """The ids of the filtered, sorted cases, in order (those of `self.qs`), through SQL
        built once for each day, way of seeing cases (the SQL of `visible_to`, worked out afresh each
        request) and choice of filters and sort. Building and compiling the filters' and sort's
        correlated subqueries cost more than the database takes to answer them. The SQL is keyed by
        everything the filters read: the day, the valid choices, the cases the person may see, and
        for "my cases" the person, for the report sort the reports they may read."""
        self.form.is_valid()  # a filter with nonsense in it is left out, as `qs` leaves it
        chosen = getattr(self.form, "cleaned_data", {})
        try:
            key = (
                self.today,
                _compiled(self.queryset.order_by().values("pk")),
                tuple(sorted((name, _value(value)) for name, value in chosen.items())),
                access_for(self.user).person_id if chosen.get("mine") else None,
                _compiled(Report.objects.visible_to(self.user).order_by().values("pk"))
                if (chosen.get("sort") or "").lstrip("-") == "report"
                else None,
            )
        except EmptyResultSet:  # someone who may see no case, or read no report
            return list(self.qs.values_list("pk", flat=True))
        if key not in CASE_IDS_SQL:
            ids = self.qs.values_list("pk", flat=True)
            try:
                compiled = _compiled(ids)
            except EmptyResultSet:
                return []
            if len(CASE_IDS_SQL) >= CASE_IDS_SQL_KEPT:
                CASE_IDS_SQL.clear()
            CASE_IDS_SQL[key] = compiled
        sql, params = CASE_IDS_SQL[key]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    @property
    def current_sort(self) -> str:
        self.form.is_valid()  # a filter with nonsense in it is left out; the sort still applies
        return getattr(self.form, "cleaned_data", {}).get("sort") or DEFAULT_SORT

    def commissioner_choices(self) -> list[tuple[Any, str]]:
        """The commissioner filter's choices as its select lists them: "Any", then each person by
        name (as Person's str names them). Read as values: the field's own choices are a few hundred
        model instances, through a server-side cursor, which cost more than the rest of the form.
        Through SQL compiled once for each connection, reader and day (`COMMISSIONERS_SQL`)."""
        field = self.form.fields["commissioner"]
        people = field.queryset
        key = (people.db, reader_key(self.user), self.today)
        if key not in COMMISSIONERS_SQL:
            try:
                compiled = _compiled(people.values_list("pk", "name"))
            except EmptyResultSet:  # someone who may see no appointment
                return [("", str(field.empty_label))]
            if len(COMMISSIONERS_SQL) >= COMMISSIONERS_SQL_KEPT:
                COMMISSIONERS_SQL.clear()
            COMMISSIONERS_SQL[key] = compiled
        sql, params = COMMISSIONERS_SQL[key]
        with connections[people.db].cursor() as cursor:
            cursor.execute(sql, params)
            return [("", str(field.empty_label)), *cursor.fetchall()]

    def with_columns(self, queryset: QuerySet[Any], *names: str) -> QuerySet[Any]:
        return with_columns(queryset, names, user=self.user, today=self.today)

    def order_by(self, queryset: QuerySet[Any], sort: str) -> QuerySet[Any]:
        descending = sort.startswith("-")
        fields = SORTS.get(sort.lstrip("-"), SORTS[DEFAULT_SORT])
        first, *names = fields
        rest: list[Any] = list(names)
        if "__" not in first:  # a worked-out column, not the local authority's
            queryset = self.with_columns(queryset, first)
            # Ties by the authority's name read for each case kept, not joined: the planner guesses a
            # filtered case or two, so joins by scanning every authority for each case (a third of
            # the query's time with three filters).
            rest = [_authority_name() if name == "local_authority__name" else name for name in names]
        key = F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True)
        return queryset.order_by(key, *rest, "pk")

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(closed_on__isnull=True)

    def filter_stage(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        stage = next(stage for stage in DashboardStage if stage.code == value)
        return self.with_columns(queryset, "stage_rank").filter(stage_rank=stage.rank)

    def filter_instrument(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        in_force = Instrument.objects.filter(in_force_q(self.today), intervention=OuterRef("pk"))
        if value == LegalBasis.SECTION_497A_4A:
            in_force = in_force.filter(legal_basis=LegalBasis.SECTION_497A_4A)
        else:
            in_force = in_force.filter(kind=value)
        return queryset.filter(Exists(in_force))

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if not value:
            return queryset
        person_id = access_for(self.user).person_id
        mine = Appointment.objects.active_on(self.today).filter(intervention=OuterRef("pk"), person_id=person_id)
        return queryset.filter(Exists(mine))

    def filter_red(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if not value:
            return queryset
        return self.with_columns(queryset, "red_priority").filter(red_priority__isnull=False)

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return self.with_columns(queryset, "any_overdue").filter(any_overdue=value == "yes")

    def filter_commissioner(self, queryset: QuerySet[Any], name: str, value: Person) -> QuerySet[Any]:
        appointed = Appointment.objects.active_on(self.today).filter(
            intervention=OuterRef("pk"), person=value, role__in=OVERSEEING_ROLES
        )
        return queryset.filter(Exists(appointed))

    def filter_sort(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return self.order_by(queryset, value)


def _compiled(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def _authority_name() -> Subquery:
    return Subquery(LocalAuthority.objects.filter(pk=OuterRef("local_authority_id")).order_by().values("name"))


def _value(chosen: Any) -> Any:
    """A filter's valid choice as a key: a person (the commissioner filter) by id."""
    return chosen.pk if isinstance(chosen, Model) else chosen
