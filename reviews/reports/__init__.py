"""Report renderers, one per kind. Each reads the case, renders its template under
`templates/reports/` inside the shared document shell, and returns (filename, content type, bytes).

They read models and render templates; they call no service, view or task. The report services
(`reviews.services.reports`) decide when to render and keep what was rendered."""

from __future__ import annotations

from reviews.models import ReportKind
from reviews.reports import required_parts  # noqa: F401 - registers each kind's required parts (completeness.gaps)
from reviews.reports.base import Renderer
from reviews.reports.cabinet import CabinetReport
from reviews.reports.highlight import HighlightReport
from reviews.reports.instrument import InstrumentDocument
from reviews.reports.ministerial_update import MinisterialUpdate
from reviews.reports.progress import ProgressReport

RENDERERS: dict[str, Renderer] = {
    ReportKind.CABINET: CabinetReport(),
    ReportKind.PROGRESS: ProgressReport(),
    ReportKind.HIGHLIGHT: HighlightReport(),
    ReportKind.MINISTERIAL_UPDATE: MinisterialUpdate(),
    ReportKind.INSTRUMENT: InstrumentDocument(),
}


def renderer_for(kind: str) -> Renderer:
    return RENDERERS[kind]


__all__ = ["RENDERERS", "Renderer", "renderer_for"]
