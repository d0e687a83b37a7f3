"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

Report templates escape every field a person typed, so no one can put markup into a report. This
module is the second wall, for the day a template forgets: the URL fetcher serves only files under
the project's `static/` folder with an allowed extension, at an internal address that resolves to
nothing on the network, and refuses everything else (file://, http(s)://, data:, ftp:, redirects,
parent-directory tricks). Charts are inline SVG in the HTML, so they need no fetching at all.
Attachments are stripped before the PDF is written, so `<link rel="attachment">` and
`<a rel="attachment">` embed nothing.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reviews.reports.origin import INTERNAL_ORIGIN, STATIC_BASE

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = frozenset({".css", ".svg", ".png"})
PDF_VARIANT = "pdf/ua-1"  # tagged PDF: WeasyPrint 70 supports pdf/ua-1 and pdf/ua-2
REFUSED = "Refused to fetch {url}: reports may use only the project's own static files"


class FetchRefused(ValueError):
    pass


def static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


class StaticOnlyFetcher(URLFetcher):
    """Serves `STATIC_BASE` + a path from the project's static folder; refuses anything else.
    Never opens a connection: it does not call URLFetcher.fetch, which would."""

    def __init__(self) -> None:
        super().__init__(allow_redirects=False, fail_on_errors=False, allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning(REFUSED.format(url=url[:200]))
            raise FetchRefused(REFUSED.format(url=url[:200]))
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def _static_path(self, url: str) -> Path | None:
        if not url.startswith(STATIC_BASE):
            return None
        parts = urlsplit(url)
        if parts.query or parts.fragment or parts.username or parts.password or parts.port:
            return None
        relative = unquote(parts.path).removeprefix("/static/")
        normalised = posixpath.normpath(relative)
        if normalised.startswith(("..", "/")) or "\\" in relative or "\x00" in relative:
            return None
        root = static_root()
        path = (root / normalised).resolve()
        if not path.is_relative_to(root) or path.suffix.lower() not in ALLOWED_EXTENSIONS or not path.is_file():
            return None
        return path


@dataclass(frozen=True)
class Pdf:
    content: bytes
    page_count: int
    refused: tuple[str, ...]


def html_to_pdf(html: str) -> Pdf:
    """Lay the document out and write a tagged PDF with no embedded files."""
    fetcher = StaticOnlyFetcher()
    options = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}
    document = HTML(string=html, base_url=f"{INTERNAL_ORIGIN}/report/", url_fetcher=fetcher).render(**options)
    # Nothing is ever embedded: not from <link rel="attachment">, not from <a rel="attachment">.
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    buffer = io.BytesIO()
    document.write_pdf(buffer, **options)
    return Pdf(content=buffer.getvalue(), page_count=len(document.pages), refused=tuple(fetcher.refused))


def append_appendices(content: bytes, appendices: list[tuple[str, bytes]]) -> bytes:
    """The report's PDF with each appendix's pages after its own, each under a top-level bookmark
    ("Appendix 1 - …"). The report's catalogue (structure tree, language, XMP metadata) is kept as
    WeasyPrint wrote it; the appended pages keep their own content but not their structure: their
    references into their own document's structure tree would point into ours, so they are dropped."""
    if not appendices:
        return content
    import pypdf
    from pypdf.generic import NameObject

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(content))
    for title, appendix in appendices:
        first = len(writer.pages)
        writer.append(pypdf.PdfReader(io.BytesIO(appendix)), import_outline=False)
        for page in writer.pages[first:]:
            if NameObject("/StructParents") in page:
                del page[NameObject("/StructParents")]
            for annotation in page.get("/Annots", []) or []:
                annotation = annotation.get_object()
                if NameObject("/StructParent") in annotation:
                    del annotation[NameObject("/StructParent")]
        writer.add_outline_item(title=title, page_number=first)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
