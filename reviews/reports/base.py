"""What every report kind shares: the document shell (title block, running header, classification
marking, page numbers, DRAFT marking, sign-off, PDF metadata) around the kind's own content.

A kind's renderer says what it needs (`missing`), gathers its content (`context`) for its template in
`templates/reports/`, and `render` returns (filename, content type, bytes). The content is rendered
once per version (`render_body`) and kept with the version, so the HTML version of a report shows
exactly what its PDF does, and a signed-off PDF has exactly the content its signer approved."""

from __future__ import annotations

import datetime
import re
from typing import Any, ClassVar

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from reviews.models import Report, ReportVersion
from reviews.reports.origin import STATIC_BASE

PDF = "application/pdf"
FILENAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


class Renderer:
    kind: ClassVar[str]
    template: ClassVar[str]
    # The running header's short name for the kind.
    short_name: ClassVar[str]
    # A cabinet report carries its own title block in the council's format.
    has_own_title_block: ClassVar[bool] = False
    # The line above the title. None: the council's name, for the council's own papers; a report to
    # the Minister is the commissioner's, not on the council's letterhead.
    letterhead: ClassVar[str | None] = None

    def missing(self, report: Report) -> list[str]:
        """What the report cannot be generated without, in words that say what to do."""
        return []

    def context(self, report: Report) -> dict[str, Any]:
        raise NotImplementedError

    def author(self, report: Report) -> str:
        return "Department for Education"

    def subject(self, report: Report) -> str:
        period = f", {report.period_label}" if report.period_label else ""
        return f"{self.short_name}: {report.intervention.local_authority.council_name}{period}"

    def is_draft(self, report: Report, version: ReportVersion) -> bool:
        return not version.is_final

    def render_body(self, report: Report) -> str:
        context = {"report": report, "authority": report.intervention.local_authority, **self.context(report)}
        return render_to_string(self.template, context)

    def dated(self, report: Report) -> datetime.date | None:
        """The date a download's name starts with: the period's end (a cabinet report its meeting's,
        an instrument its issue's)."""
        return report.period_end

    def filename(self, report: Report, version: ReportVersion) -> str:
        """As people name the files they keep: `2023-12-21 Herefordshire cabinet report v2 signed.pdf`.
        The download sends it RFC 6266-encoded (Django's FileResponse), so spaces and accents are safe."""
        when = self.dated(report) or timezone.localdate()
        state = "signed" if version.is_final else ("draft" if self.is_draft(report, version) else "final")
        kind = self.short_name[:1].lower() + self.short_name[1:]  # "progress report to the Minister"
        name = f"{when:%Y-%m-%d} {report.intervention.local_authority.name} {kind}"
        name = FILENAME_UNSAFE.sub("", name)  # no folders, quotes or control characters
        return f"{' '.join(name.split())} v{version.number} {state}.pdf"

    def appendices(self, report: Report) -> list[tuple[str, bytes]]:
        """PDFs merged after the report's own pages, each with its bookmark title."""
        return []

    def document_html(self, report: Report, version: ReportVersion) -> str:
        return render_to_string(
            "reports/document.html",
            {
                "report": report,
                "version": version,
                "authority": report.intervention.local_authority,
                "short_name": self.short_name,
                "letterhead": self.letterhead or report.intervention.local_authority.council_name,
                "author": self.author(report),
                "subject": self.subject(report),
                "is_draft": self.is_draft(report, version),
                "has_own_title_block": self.has_own_title_block,
                "body": mark_safe(version.body_html),  # noqa: S308 - our own template's output, every field escaped
                "static_base": STATIC_BASE,
                "generated_at": timezone.now(),
            },
        )

    def render(self, report: Report, version: ReportVersion) -> tuple[str, str, bytes]:
        """The PDF of the version, whose `body_html` is already rendered."""
        # Imported here: WeasyPrint is a third of a web process's objects, and only the report
        # worker lays out PDFs (it loads WeasyPrint when it starts: intervention.celery).
        from reviews.reports.pdf import append_appendices, html_to_pdf

        pdf = html_to_pdf(self.document_html(report, version))
        content = append_appendices(pdf.content, self.appendices(report))
        return self.filename(report, version), PDF, content
