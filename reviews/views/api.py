"""The read-only API (issue 16): local authorities, interventions, instruments with their clauses,
obligations and deadlines, instructions, indicators with their values, reviews, and reports (metadata
and the signed-off PDF). Thin: each queryset is the models' `visible_to(user)` (intervention.permissions
decides), a record out of reach is a 404 like one that does not exist, and the filters are the
dashboard's (region, stage, open or closed) plus the case.

Authentication, reading only and cursor pages are in intervention/api.py and the REST_FRAMEWORK setting."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action

from directions.enums import InstrumentKind
from directions.models import Clause, Instruction, Instrument, ReportingObligation
from intervention.api import Cursor
from intervention.models import Intervention, LocalAuthority
from intervention.permissions import intervention_filter
from intervention.stages import Stage
from reviews.models import Deadline, Indicator, Measurement, Report, Review
from reviews.models.reports import ReportVersion, VersionStatus
from reviews.serializers import api as serializers

STAGE_CHOICES = [(stage.code, stage.label) for stage in Stage]
OPEN_CHOICES = [("open", "Open"), ("closed", "Closed")]


def stage_filter(prefix: str = "") -> dict[str, Any]:
    """The stage as the case page derives it (intervention.stages), as filters a database can run:
    closed, else the strongest kind of instrument in force today."""
    in_force = Instrument.objects.in_force_on(timezone.localdate()).filter(intervention=OuterRef(f"{prefix}pk"))
    direction = Exists(in_force.filter(kind=InstrumentKind.STATUTORY_DIRECTION))
    notice = Exists(in_force.filter(kind=InstrumentKind.IMPROVEMENT_NOTICE))
    is_open = Q(**{f"{prefix}closed_on__isnull": True})
    return {
        Stage.CLOSED.code: ~is_open,
        Stage.STATUTORY_DIRECTION.code: is_open & direction,
        Stage.IMPROVEMENT_NOTICE.code: is_open & notice & ~direction,
        Stage.NO_INSTRUMENT.code: is_open & ~Exists(in_force),
    }


class CaseFilters(django_filters.FilterSet):
    """The dashboard's filters, for records that belong to a case: the case, its region, its stage,
    open or closed. `case_path` reaches the case from the record."""

    case_path = "intervention"

    region = django_filters.CharFilter(method="filter_region", label="Region code (for example E12000005)")
    stage = django_filters.ChoiceFilter(choices=STAGE_CHOICES, method="filter_stage")
    state = django_filters.ChoiceFilter(choices=OPEN_CHOICES, method="filter_state", label="Open or closed")

    def _prefix(self) -> str:
        return f"{self.case_path}__" if self.case_path else ""

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self._prefix()}local_authority__region_code": value})

    def filter_stage(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if self.case_path:
            ids = Intervention.objects.filter(stage_filter()[value]).values("pk")
            return queryset.filter(**{f"{self._prefix()}pk__in": ids})
        return queryset.filter(stage_filter()[value])

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self._prefix()}closed_on__isnull": value == "open"})


def _case_filters(model: Any, path: str, extra: list[str]) -> type[CaseFilters]:
    meta = type("Meta", (), {"model": model, "fields": extra})
    return type(f"{model.__name__}Filters", (CaseFilters,), {"Meta": meta, "case_path": path})


class InterventionFilters(CaseFilters):
    case_path = ""

    class Meta:
        model = Intervention
        fields = ["local_authority"]


class LocalAuthorityFilters(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region_code", label="Region code (for example E12000005)")

    class Meta:
        model = LocalAuthority
        fields = ["dfe_code"]


class ApiViewSet(viewsets.ReadOnlyModelViewSet):
    """Listing and reading one record; nothing else."""

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError


class LocalAuthorities(ApiViewSet):
    """Every English local authority with children's services duties (reference data)."""

    serializer_class = serializers.LocalAuthoritySerializer
    filterset_class = LocalAuthorityFilters

    def get_queryset(self) -> QuerySet:
        return LocalAuthority.objects.order_by("pk")


class Interventions(ApiViewSet):
    """The cases the token's person may see."""

    serializer_class = serializers.InterventionSerializer
    filterset_class = InterventionFilters

    def get_queryset(self) -> QuerySet:
        return Intervention.objects.visible_to(self.request.user).for_list().order_by("pk")


class Instruments(ApiViewSet):
    """Notices and directions, with their clauses."""

    serializer_class = serializers.InstrumentSerializer
    filterset_class = _case_filters(Instrument, "intervention", ["intervention", "kind", "status"])

    def get_queryset(self) -> QuerySet:
        clauses = Prefetch("clauses", queryset=Clause.objects.order_by("part", "parent_id", "position", "pk"))
        return Instrument.objects.visible_to(self.request.user).prefetch_related(clauses).order_by("pk")


class Obligations(ApiViewSet):
    """What each instrument says is due, from whom, to whom, and how often."""

    serializer_class = serializers.ObligationSerializer
    filterset_class = _case_filters(ReportingObligation, "instrument__intervention", ["instrument"])

    def get_queryset(self) -> QuerySet:
        visible = intervention_filter(self.request.user, prefix="instrument__intervention__")
        return ReportingObligation.objects.filter(visible).select_related("instrument").order_by("pk")


class Deadlines(ApiViewSet):
    """Dated deadlines: a case's, and an authority's Ofsted deadlines outside any case."""

    serializer_class = serializers.DeadlineSerializer
    filterset_class = _case_filters(Deadline, "intervention", ["intervention", "status", "obligation"])

    def get_queryset(self) -> QuerySet:
        return Deadline.objects.visible_to(self.request.user).order_by("pk")


class Instructions(ApiViewSet):
    """Commissioners' instructions to the council."""

    serializer_class = serializers.InstructionSerializer
    filterset_class = _case_filters(Instruction, "intervention", ["intervention", "status"])

    def get_queryset(self) -> QuerySet:
        return Instruction.objects.visible_to(self.request.user).order_by("pk")


class ValuesCursor(Cursor):
    """An indicator's values in cursor pages, oldest first."""

    ordering = ("period_end", "pk")  # type: ignore[assignment]  # DRF takes a field or a tuple of them


class Indicators(ApiViewSet):
    """Indicators, each with its latest values (withdrawn values left out) and a link to every value."""

    serializer_class = serializers.IndicatorSerializer
    filterset_class = _case_filters(Indicator, "service_priority__instrument__intervention", ["service_priority"])

    def get_queryset(self) -> QuerySet:
        visible = intervention_filter(self.request.user, prefix="service_priority__instrument__intervention__")
        return Indicator.objects.filter(visible).select_related("service_priority__instrument").order_by("pk")

    def paginate_queryset(self, queryset: QuerySet) -> list[Indicator] | None:
        page = super().paginate_queryset(queryset)
        return None if page is None else with_latest_values(page)

    def get_object(self) -> Indicator:
        return with_latest_values([super().get_object()])[0]

    @extend_schema(responses=serializers.MeasurementSerializer(many=True), filters=False)
    @action(
        detail=True,
        methods=["get"],
        url_path="values",
        url_name="values",
        pagination_class=ValuesCursor,
        filter_backends=[],
        serializer_class=serializers.MeasurementSerializer,
    )
    def values(self, request: Any, pk: str | None = None) -> Any:
        """Every value of the indicator (withdrawn values left out), oldest first, in cursor pages."""
        indicator = super().get_object()
        values = Measurement.objects.filter(indicator=indicator).only("pk", "period_end", "value", "source_note")
        page = self.paginate_queryset(values)
        return self.get_paginated_response(serializers.MeasurementSerializer(page, many=True).data)


def with_latest_values(indicators: list[Indicator]) -> list[Indicator]:
    """Each indicator with `latest_first`, its latest values newest first: one query for them all (a
    window over each indicator's values), read as plain rows rather than models, so a page of
    indicators costs the same however many years of values they have."""
    ranked = (
        Measurement.objects.filter(indicator__in=[indicator.pk for indicator in indicators])
        .annotate(
            newest=Window(
                RowNumber(), partition_by=F("indicator_id"), order_by=[F("period_end").desc(), F("pk").desc()]
            )
        )
        .filter(newest__lte=serializers.LATEST_VALUES)
        .order_by("indicator_id", "newest")
        .values_list("indicator_id", "id", "period_end", "value", "source_note", named=True)
    )
    latest: dict[int, list[Any]] = {indicator.pk: [] for indicator in indicators}
    for row in ranked:
        latest[row.indicator_id].append(row)
    for indicator in indicators:
        indicator.latest_first = latest[indicator.pk]  # type: ignore[attr-defined]
    return indicators


class Reviews(ApiViewSet):
    """Reviews of progress, with their conclusion and recommendation."""

    serializer_class = serializers.ReviewSerializer
    filterset_class = _case_filters(Review, "intervention", ["intervention", "kind", "status"])

    def get_queryset(self) -> QuerySet:
        return Review.objects.visible_to(self.request.user).order_by("pk")


class Reports(ApiViewSet):
    """Reports' metadata, and the signed-off PDF: the same reports the person may read in the service
    (a draft report to the Minister only its author, its signatory and DfE)."""

    serializer_class = serializers.ReportSerializer
    filterset_class = _case_filters(Report, "intervention", ["intervention", "kind"])

    def get_queryset(self) -> QuerySet:
        versions = ReportVersion.objects.defer("body_html").order_by("-number")
        return (
            Report.objects.visible_to(self.request.user)
            .prefetch_related(Prefetch("versions", queryset=versions))
            .order_by("pk")
        )

    @extend_schema(
        filters=False,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The signed-off PDF"),
            404: OpenApiResponse(description="No such report for you, or not signed off yet"),
        },
    )
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf", pagination_class=None, filter_backends=[])
    def pdf(self, request: Any, pk: str | None = None) -> FileResponse:
        """The signed-off version's PDF, as the report's download in the service gives it."""
        report = self.get_object()
        version = report.signed_off_version()
        if version is None or version.status != VersionStatus.READY or not version.file:
            raise Http404
        return FileResponse(
            version.file.open("rb"), as_attachment=True, filename=version.filename, content_type=version.content_type
        )


# --- The schema, read out for people ----------------------------------------------------------------


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path_, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            if method != "get":
                continue
            parameters = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "description": p.get("description", ""),
                    "type": p.get("schema", {}).get("type", ""),
                    "choices": p.get("schema", {}).get("enum", []),
                }
                for p in operation.get("parameters", [])
            ]
            found.append(
                {
                    "path": path_,
                    "summary": (operation.get("description") or "").split("\n")[0],
                    "parameters": parameters,
                    "id": operation.get("operationId", path_),
                }
            )
    return found


def api_docs(request: Any) -> Any:
    """The API's reference page: every endpoint and its filters, read from the same schema as
    /api/v1/schema/, so the page and the schema cannot disagree. Public, like the schema."""
    from django.shortcuts import render
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "reviews/api_docs.html",
        {"operations": _operations(schema), "info": schema.get("info", {})},
    )
