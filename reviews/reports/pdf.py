"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

Report templates escape every field a person typed, so no one can put markup into a report. This
module is the second wall, for the day a template forgets: the URL fetcher serves only files under
the project's `static/` folder with an allowed extension, at an internal address that resolves to
nothing on the network, and refuses everything else (file://, http(s)://, data:, ftp:, redirects,
parent-directory tricks). Charts are inline SVG in the HTML; for the PDF each is lifted out into an
image the fetcher serves from memory (`charts_as_images`), so no chart is ever fetched from anywhere.
Attachments are stripped before the PDF is written, so `<link rel="attachment">` and
`<a rel="attachment">` embed nothing.

WeasyPrint's PDF/UA tagging is finished here (`finish_tags`), in the PDF objects before they are
written, so it costs no parsing: see docs/reports.md, "Tagged PDF".
"""

from __future__ import annotations

import html as html_text
import io
import logging
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf  # type: ignore[import-untyped]
from django.conf import settings
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reviews.reports import svg_text
from reviews.reports.origin import INTERNAL_ORIGIN, STATIC_BASE

logger = logging.getLogger(__name__)

# Charts' labels drawn a line at a time rather than a letter at a time (reviews.reports.svg_text).
svg_text.install()

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

    def __init__(self, charts: dict[str, bytes] | None = None) -> None:
        super().__init__(allow_redirects=False, fail_on_errors=False, allowed_protocols=())
        self.refused: list[str] = []
        self.charts = charts or {}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        chart = self.charts.get(url)
        if chart is not None:
            return URLFetcherResponse(url, chart, {"Content-Type": "image/svg+xml"})
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


# A chart as reviews.charts draws it: the project's own markup, so a pattern finds it whole.
CHART = re.compile(r'<svg xmlns="http://www\.w3\.org/2000/svg" [^>]*class="app-chart">.*?</svg>', re.DOTALL)
CHART_WORDS = re.compile(r"<(title|desc)\b[^>]*>(.*?)</\1>", re.DOTALL)
CHART_BASE = f"{INTERNAL_ORIGIN}/chart/"


def charts_as_images(html: str) -> tuple[str, dict[str, bytes]]:
    """The HTML with each chart's inline SVG replaced by an image of the same SVG (its title and
    description as the image's text alternative), and the SVGs by their internal address.

    The same drawing, at a fraction of the cost: WeasyPrint parses an inline SVG's elements as HTML and
    works out every one's CSS cascade, and a progress report has about 70 charts; an image's SVG is
    parsed on its own, with nothing to cascade."""
    charts: dict[str, bytes] = {}

    def image(match: re.Match[str]) -> str:
        svg = match.group(0)
        words = [" ".join(html_text.unescape(text).split()) for _tag, text in CHART_WORDS.findall(svg)[:2]]
        alt = " ".join(word if word.endswith(".") else f"{word}." for word in words if word)
        url = f"{CHART_BASE}{len(charts) + 1}.svg"
        charts[url] = svg.encode()
        return f'<img class="app-chart" src="{url}" alt="{html_text.escape(alt)}">'

    return CHART.sub(image, html), charts


def html_to_pdf(html: str) -> Pdf:
    """Lay the document out and write a tagged PDF with no embedded files."""
    html, charts = charts_as_images(html)
    fetcher = StaticOnlyFetcher(charts)
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
    ("Appendix 1 - …") and a /Part element of the report's structure tree, so the whole file stays a
    tagged PDF (docs/reports.md, "Appendices in a tagged PDF"). The report's catalogue (language, XMP
    metadata, viewer preferences) is kept as WeasyPrint wrote it.

    - A tagged appendix (our own signed-off progress report) has its structure tree grafted in: its
      top-level elements go under the Part, its parent tree entries join ours under new keys (its
      pages', annotations' and form XObjects' StructParents renumbered to match), its role and class
      maps join ours, and its element IDs (and the table header references to them) are prefixed so
      they cannot clash with ours. MCIDs are numbered per page, so they stay as they are.
    - An untagged appendix (an uploaded PDF) cannot be read element by element: its pages' content is
      marked as one Figure whose /Alt says what it is, "Appendix 1: <title>, an attached document
      without tags", which is true, and is what a screen reader announces.
    """
    if not appendices:
        return content
    import contextlib

    import pikepdf  # at run time only for appendices: see pyproject.toml

    with contextlib.ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.open(io.BytesIO(content)))
        tree = pdf.Root.StructTreeRoot
        kids = tree.K if isinstance(tree.K, pikepdf.Array) else pikepdf.Array([tree.K])
        document = kids[0] if len(kids) == 1 and kids[0].get("/S") == "/Document" else tree
        nums = _flat_parent_tree(pdf, tree)
        keys = [int(nums[index]) for index in range(0, len(nums), 2)]
        next_key = max([*keys, int(tree.get("/ParentTreeNextKey", 0)) - 1]) + 1
        outline_items = []
        for number, (title, appendix) in enumerate(appendices, start=1):
            # The source stays open until the merged file is written: pikepdf copies its streams lazily.
            source = stack.enter_context(pikepdf.open(io.BytesIO(appendix)))
            first = len(pdf.pages)
            pdf.pages.extend(source.pages)
            pages = [pdf.pages[index] for index in range(first, len(pdf.pages))]
            part = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem, S=pikepdf.Name.Part, P=document, Pg=pages[0].obj, K=pikepdf.Array()
                )
            )
            part.T = pikepdf.String(title)
            if not isinstance(document.get("/K"), pikepdf.Array):
                document.K = pikepdf.Array([document.K]) if "/K" in document else pikepdf.Array()
            document.K.append(part)
            if "/StructTreeRoot" in source.Root and source.Root.StructTreeRoot.is_indirect:
                next_key = _graft(pdf, source, pages, part, nums, next_key, prefix=f"appendix{number}-")
            else:
                alt = title.replace(" - ", ": ", 1) + ", an attached document without tags"
                next_key = _as_one_figure(pdf, pages, part, nums, next_key, alt=alt)
            for page in pages:
                if "/Annots" in page.obj:
                    page.obj.Tabs = pikepdf.Name.S  # PDF/UA 7.18.3: annotations in structure order
            outline_items.append(pikepdf.OutlineItem(title, first))
        tree.ParentTreeNextKey = next_key
        with pdf.open_outline() as outline:
            outline.root.extend(outline_items)
        buffer = io.BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()


def _flat_parent_tree(pdf, tree) -> Any:
    """Our parent tree as one flat /Nums array (WeasyPrint writes it flat; a tree with /Kids is
    flattened), so that appended entries can go at its end in key order."""
    import pikepdf

    if "/ParentTree" not in tree:
        tree.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array()))
    found = _parent_entries(tree.ParentTree)
    nums = pikepdf.Array()
    for key in sorted(found):
        nums.append(key)
        nums.append(found[key])
    tree.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
    return tree.ParentTree.Nums


def _parent_entries(node) -> dict[int, object]:
    found: dict[int, object] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        entries = current.get("/Nums")
        if entries is not None:
            for index in range(0, len(entries) - 1, 2):
                found[int(entries[index])] = entries[index + 1]
        stack.extend(current.get("/Kids", []))
    return found


def _graft(pdf, source, pages, part, nums, next_key: int, *, prefix: str) -> int:
    import pikepdf

    source_tree = source.Root.StructTreeRoot
    # Copied whole, so that the elements' /Pg point at the pages already copied (pikepdf keeps one
    # copy per foreign object); the copied root itself is left unreferenced and is not written.
    copied = pdf.copy_foreign(source_tree)
    tree = pdf.Root.StructTreeRoot
    for name in ("/RoleMap", "/ClassMap"):
        if name in copied:
            if name not in tree:
                tree[name] = pikepdf.Dictionary()
            for key, value in copied[name].items():
                if key not in tree[name]:
                    tree[name][key] = value
    top = copied.get("/K")
    top_level = list(top) if isinstance(top, pikepdf.Array) else ([top] if top is not None else [])
    for element in top_level:
        if isinstance(element, pikepdf.Dictionary):
            element.P = part
            if element.get("/S") == "/Document":
                element.S = pikepdf.Name.Div  # a document within ours is a division of it
            part.K.append(element)
    _prefix_ids(top_level, prefix)
    entries = _parent_entries(copied.ParentTree) if "/ParentTree" in copied else {}
    renumbered = {old: next_key + index for index, old in enumerate(sorted(entries))}
    for old in sorted(entries):
        nums.append(renumbered[old])
        nums.append(entries[old])
    seen: set[tuple[int, int]] = set()
    for page in pages:
        _renumber(page.obj, renumbered, seen)
        for annotation in page.obj.get("/Annots", []):
            _renumber(annotation, renumbered, seen)
        _renumber_xobjects(page.obj.get("/Resources"), renumbered, seen)
    return next_key + len(renumbered)


def _renumber(obj, renumbered: dict[int, int], seen: set) -> None:
    if obj.is_indirect:
        if obj.objgen in seen:
            return
        seen.add(obj.objgen)
    for name in ("/StructParents", "/StructParent"):
        if name in obj and int(obj[name]) in renumbered:
            obj[name] = renumbered[int(obj[name])]


def _renumber_xobjects(resources, renumbered: dict[int, int], seen: set, depth: int = 0) -> None:
    if resources is None or depth > 8:
        return
    for xobject in resources.get("/XObject", {}).values():
        if xobject.is_indirect and xobject.objgen in seen:
            continue
        _renumber(xobject, renumbered, seen)
        if xobject.get("/Subtype") == "/Form":
            _renumber_xobjects(xobject.get("/Resources"), renumbered, seen, depth + 1)


def _prefix_ids(elements: list, prefix: str) -> None:
    import pikepdf

    stack = [element for element in elements if isinstance(element, pikepdf.Dictionary)]
    seen: set[tuple[int, int]] = set()
    while stack:
        element = stack.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        if "/ID" in element:
            element.ID = pikepdf.String(prefix + str(element.ID))
        attributes = element.get("/A")
        for attribute in list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                attribute.Headers = pikepdf.Array(pikepdf.String(prefix + str(header)) for header in attribute.Headers)
        kids = element.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append(kid)


def _as_one_figure(pdf, pages, part, nums, next_key: int, *, alt: str) -> int:
    import pikepdf

    figure = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure, P=part, Pg=pages[0].obj, K=pikepdf.Array()
        )
    )
    figure.Alt = pikepdf.String(alt)
    part.K.append(figure)
    for page in pages:
        page.contents_add(pdf.make_stream(b"/Figure <</MCID 0>> BDC\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"\nEMC\n"), prepend=False)
        figure.K.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page.obj, MCID=0))
        page.obj.StructParents = next_key
        nums.append(next_key)
        nums.append(pikepdf.Array([figure]))
        next_key += 1
    return next_key
