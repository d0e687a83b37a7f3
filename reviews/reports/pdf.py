"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

Report templates escape every field a person typed, so no one can put markup into a report. This
module is the second wall, for the day a template forgets: the URL fetcher serves only files under
the project's `static/` folder with an allowed extension, at an internal address that resolves to
nothing on the network, and refuses everything else (file://, http(s)://, data:, ftp:, redirects,
parent-directory tricks). Charts are inline SVG in the HTML, so they need no fetching at all.
Attachments are stripped before the PDF is written, so `<link rel="attachment">` and
`<a rel="attachment">` embed nothing.

WeasyPrint's PDF/UA tagging is finished here (`finish_tags`), in the PDF objects before they are
written, so it costs no parsing: see docs/reports.md, "Tagged PDF".
"""

from __future__ import annotations

import io
import logging
import mimetypes
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf  # type: ignore[import-untyped]
from django.conf import settings
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
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
    document.write_pdf(buffer, finisher=finish_tags, **options)
    return Pdf(content=buffer.getvalue(), page_count=len(document.pages), refused=tuple(fetcher.refused))


SVG = "{http://www.w3.org/2000/svg}"
SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def _number(reference: bytes) -> int:
    return int(reference.split()[0])


def _walk(box: boxes.Box, table: object = None):
    """Every box under `box`, with the HTML table it is in (ElementTree elements have no parent)."""
    if box.element is not None and box.element_tag == "table":
        table = box.element
    yield box, table
    for child in getattr(box, "children", ()):
        yield from _walk(child, table)


def finish_tags(document: Document, pdf: pydyf.PDF) -> None:
    """What WeasyPrint 70's tagging leaves short of PDF/UA, put right in its PDF objects:

    - every TH gets a /Scope (from its `scope`, a column header when it has none);
    - a table split across pages stays one Table element: the later pages' rows join the first
      page's Table, and the header rows repeated on those pages become artifacts;
    - a chart's Figure /Alt is its SVG `<title>` and `<desc>`, not the title alone;
    - running content (the @page margin boxes: running header and footer, the classification, page
      numbers, DRAFT), which WeasyPrint marks up but leaves out of the tree, and anything else left
      out of the tree, is marked as an artifact, so a screen reader skips it.
    """
    objects = pdf.objects
    page_references = pdf.page_references
    fragments: dict[object, list[pydyf.Dictionary]] = {}
    descriptions: dict[tuple[bytes, tuple[float, ...]], str] = {}
    for page_index, page in enumerate(document.pages):
        for box, table in _walk(page._page_box):
            mark = getattr(box, "mark", None)
            if isinstance(mark, pydyf.Dictionary) and box.element is not None:
                # A table cell (WeasyPrint keeps each cell's element on its box as `mark`).
                if box.element.tag == "th":
                    mark["A"]["Scope"] = SCOPES.get(box.element.get("scope", ""), "/Column")
                parent = objects[_number(mark["P"])]
                while parent.get("S") != "/Table" and "P" in parent:
                    parent = objects[_number(parent["P"])]
                if table is not None and parent.get("S") == "/Table":
                    found = fragments.setdefault(table, [])
                    if not any(fragment is parent for fragment in found):
                        found.append(parent)
            elif isinstance(box, boxes.ReplacedBox) and box.element is not None and box.element.tag == f"{SVG}svg":
                words = [
                    " ".join((part.text or "").split())
                    for part in (box.element.find(f"{SVG}title"), box.element.find(f"{SVG}desc"))
                    if part is not None
                ]
                x1, y1 = box.content_box_x(), box.content_box_y()
                key = (page_references[page_index], (x1, y1, x1 + box.width, y1 + box.height))
                descriptions[key] = " ".join(word if word.endswith(".") else f"{word}." for word in words if word)
    for found in fragments.values():
        _join_table(objects, found)
    for obj in objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("S") == "/Figure" and "A" in obj:
            description = descriptions.get((obj.get("Pg"), tuple(obj["A"].get("BBox", ()))))
            if description:
                obj["Alt"] = pydyf.String(description)
    _untagged_to_artifacts(pdf)


def _join_table(objects: list, fragments: list[pydyf.Dictionary]) -> None:
    first = fragments[0]
    has_head = any(objects[_number(kid)].get("S") == "/THead" for kid in first["K"] if isinstance(kid, bytes))
    for fragment in fragments[1:]:
        renamed: dict[str, str] = {}
        for kid in fragment["K"]:
            child = objects[_number(kid)] if isinstance(kid, bytes) else None
            if child is not None and child.get("S") == "/THead" and has_head:
                # The header rows repeated on this page: printed for the reader of the page, left
                # out of the tree (so they become artifacts) and their cells' references renamed
                # to the first page's header cells.
                for th in _descendants(objects, child):
                    if "ID" in th:
                        old = th["ID"].string
                        renamed[old] = f"{first.number}-{old.split('-', 1)[1]}"
                continue
            if child is not None:
                child["P"] = first.reference
            first["K"].append(kid)
        for cell in _descendants(objects, fragment):
            headers = cell.get("A", {}).get("Headers") if isinstance(cell.get("A"), pydyf.Dictionary) else None
            if headers:
                cell["A"]["Headers"] = pydyf.Array(
                    pydyf.String(renamed.get(header.string, header.string)) for header in headers
                )
        parent = objects[_number(fragment["P"])]
        parent["K"] = pydyf.Array(kid for kid in parent["K"] if kid != fragment.reference)


def _descendants(objects: list, element: pydyf.Dictionary):
    for kid in element.get("K", ()):
        if isinstance(kid, bytes):
            child = objects[_number(kid)]
            if isinstance(child, pydyf.Dictionary) and "S" in child:
                yield child
                yield from _descendants(objects, child)


def _untagged_to_artifacts(pdf: pydyf.PDF) -> None:
    """Marked content whose structure element is not in the tree becomes an /Artifact sequence, and
    its entry in the parent tree goes."""
    objects = pdf.objects
    root = objects[_number(pdf.catalog["StructTreeRoot"])]
    reachable: set[int] = set()
    stack = [objects[_number(kid)] for kid in root["K"]]
    while stack:
        element = stack.pop()
        reachable.add(element.number)
        stack.extend(objects[_number(kid)] for kid in element.get("K", ()) if isinstance(kid, bytes))
    nums = objects[_number(root["ParentTree"])]["Nums"]
    pages = [objects[_number(reference)] for reference in pdf.page_references]
    for page_index, page in enumerate(pages):
        owners = nums[2 * page_index + 1]
        loose = {
            mcid
            for mcid, owner in enumerate(owners)
            if isinstance(owner, bytes) and owner != b"null" and _number(owner) not in reachable
        }
        if not loose:
            continue
        for mcid in loose:
            owners[mcid] = b"null"
        stream = objects[_number(page["Contents"])]
        operations = stream.stream
        for index, operation in enumerate(operations):
            if (
                isinstance(operation, pydyf.Dictionary)
                and operation.get("MCID") in loose
                and index + 1 < len(operations)
                and operations[index + 1] == b"BDC"
            ):
                operations[index - 1] = "/Artifact"
                operations[index] = b""
                operations[index + 1] = b"BMC"


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
