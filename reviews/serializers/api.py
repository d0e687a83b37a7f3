"""What the read-only API says about each record (issue 16). Reading only: every field is read-only,
and nothing here decides who sees what (the views' querysets ask intervention.permissions)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directions.models import Clause, Instruction, Instrument, ReportingObligation
from intervention.models import Intervention, LocalAuthority
from intervention.stages import Stage
from reviews.models import Deadline, Indicator, Measurement, Report, Review


class ReadOnly(serializers.ModelSerializer):
    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class LocalAuthoritySerializer(ReadOnly):
    class Meta:
        model = LocalAuthority
        fields = ["id", "name", "gss_code", "dfe_code", "kind", "region_code", "region_name"]


class InterventionSerializer(ReadOnly):
    local_authority = LocalAuthoritySerializer()
    stage = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Intervention
        fields = ["id", "local_authority", "service_area", "opened_on", "closed_on", "stage", "summary", "url"]

    @extend_schema_field(serializers.ChoiceField(choices=[stage.code for stage in Stage]))
    def get_stage(self, obj: Intervention) -> str:
        return obj.stage.code

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, obj: Intervention) -> str:
        """The case's page in the service."""
        return obj.get_absolute_url()


class ClauseSerializer(ReadOnly):
    class Meta:
        model = Clause
        fields = ["id", "part", "parent", "label", "position", "text", "due_on", "compliance"]


class InstrumentSerializer(ReadOnly):
    clauses = ClauseSerializer(many=True)

    class Meta:
        model = Instrument
        fields = [
            "id",
            "intervention",
            "kind",
            "legal_basis",
            "title",
            "addressed_to",
            "issued_on",
            "status",
            "revokes",
            "revoked_on",
            "clauses",
        ]


class ObligationSerializer(ReadOnly):
    intervention = serializers.IntegerField(source="instrument.intervention_id")

    class Meta:
        model = ReportingObligation
        fields = [
            "id",
            "intervention",
            "instrument",
            "clause",
            "what",
            "deliverer",
            "recipient",
            "cadence",
            "due_on",
            "anchor_on",
            "interval",
            "ends_on",
        ]


class DeadlineSerializer(ReadOnly):
    due_on = serializers.DateField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "intervention",
            "obligation",
            "clause",
            "inspection",
            "what",
            "deliverer",
            "recipient",
            "computed_on",
            "override_on",
            "due_on",
            "status",
            "met_on",
        ]


class InstructionSerializer(ReadOnly):
    class Meta:
        model = Instruction
        fields = [
            "id",
            "intervention",
            "number",
            "title",
            "text",
            "issued_on",
            "due_on",
            "service_priority",
            "priority",
            "status",
        ]


class MeasurementRows(serializers.ListSerializer):
    """An indicator's values, each written as MeasurementSerializer writes it but through its fields
    directly: the indicators list carries every value of a page of indicators, a row a month for years,
    and the serializer machinery per value cost more than the rest of the page."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        fields = [(field.field_name, field.source, field) for field in self.child._readable_fields]
        return [
            {
                name: None if (value := getattr(row, source)) is None else field.to_representation(value)
                for name, source, field in fields
            }
            for row in rows
        ]


class MeasurementSerializer(ReadOnly):
    class Meta:
        model = Measurement
        fields = ["id", "period_end", "value", "source_note"]
        list_serializer_class = MeasurementRows


class OldestFirst(MeasurementRows):
    """The latest values, fetched newest first (to take the latest few), written oldest first."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        return super().to_representation(list(data)[::-1])


class LatestValuesSerializer(MeasurementSerializer):
    class Meta(MeasurementSerializer.Meta):
        list_serializer_class = OldestFirst


# Issue 20: a record carries a bounded window of its history and a link to the rest. An indicator's
# latest year and a month (13 monthly values: this month against the same month last year).
LATEST_VALUES = 13


class IndicatorSerializer(ReadOnly):
    intervention = serializers.IntegerField(source="service_priority.instrument.intervention_id")
    values = LatestValuesSerializer(
        many=True,
        source="latest_first",
        help_text=f"The latest {LATEST_VALUES} values, oldest first; every value is at `all_values`.",
    )
    all_values = serializers.HyperlinkedIdentityField(
        view_name="api-indicator-values", help_text="Every value of the indicator, oldest first, in cursor pages."
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "intervention",
            "service_priority",
            "name",
            "unit",
            "direction",
            "target",
            "frequency",
            "values",
            "all_values",
        ]


class ReviewSerializer(ReadOnly):
    class Meta:
        model = Review
        fields = [
            "id",
            "intervention",
            "kind",
            "period_start",
            "period_end",
            "held_on",
            "status",
            "sufficient_progress",
            "conclusion",
            "recommendation",
            "report_published_on",
        ]


class ReportSerializer(ReadOnly):
    signed_off_on = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "intervention",
            "kind",
            "title",
            "period_start",
            "period_end",
            "classification",
            "created_at",
            "signed_off_on",
            "pdf",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_signed_off_on(self, obj: Report) -> Any:
        version = obj.signed_off_version()
        return version.signed_off_on if version else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_pdf(self, obj: Report) -> str:
        """The signed-off PDF's address in this API, or "" until it is signed off."""
        version = obj.signed_off_version()
        if version is None or not version.file:
            return ""
        return reverse("api-report-pdf", kwargs={"pk": obj.pk})
