"""The instrument itself, a notice or a direction with its annexed terms of reference, laid out as
the document is (as on the instrument's page). It was signed by its own signatory, so it is not
signed off here: the copy is marked DRAFT only while the instrument itself is a draft."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch

from directions.enums import Part
from directions.models import Clause, Instrument
from reviews.models import Report, ReportKind, ReportVersion
from reviews.reports.base import Renderer

NEEDS_INSTRUMENT = "Choose the notice or direction to print"


class InstrumentDocument(Renderer):
    kind = ReportKind.INSTRUMENT
    template = "reports/instrument.html"
    short_name = "Notice or direction"

    def missing(self, report: Report) -> list[str]:
        return [] if report.instrument_id else [NEEDS_INSTRUMENT]

    def author(self, report: Report) -> str:
        assert report.instrument is not None  # missing() refuses a report without its instrument
        return report.instrument.signed_by_name or super().author(report)

    def subject(self, report: Report) -> str:
        instrument = report.instrument
        assert instrument is not None  # missing() refuses a report without its instrument
        when = f"{instrument.issued_on:%-d %B %Y}" if instrument.issued_on else "draft"
        return f"{instrument.get_kind_display()} to {instrument.addressed_to}, {when}"

    def dated(self, report: Report) -> datetime.date | None:
        return report.instrument.issued_on if report.instrument else None

    def is_draft(self, report: Report, version: ReportVersion) -> bool:
        assert report.instrument is not None  # missing() refuses a report without its instrument
        return not report.instrument.is_issued

    def context(self, report: Report) -> dict[str, Any]:
        assert report.instrument_id is not None  # missing() refuses a report without its instrument
        instrument = (
            Instrument.objects.select_related("terms_of_reference", "revokes")
            .prefetch_related(Prefetch("clauses", queryset=Clause.objects.order_by("position", "pk")))
            .get(pk=report.instrument_id)
        )
        return {
            "instrument": instrument,
            "recitals": instrument.paragraphs(Part.RECITAL),
            "operative": instrument.paragraphs(Part.OPERATIVE),
            "terms": instrument.paragraphs(Part.TERMS_OF_REFERENCE),
            "terms_of_reference": getattr(instrument, "terms_of_reference", None),
        }
