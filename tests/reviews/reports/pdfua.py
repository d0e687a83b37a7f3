"""A PDF/UA checker for the tests, with pikepdf: veraPDF cannot be installed here.

`check(pdf)` returns a list of failures, each a sentence naming the rule (ISO 14289-1 clause or
Matterhorn checkpoint) and where it failed; an empty list means every rule it covers passes. What it
covers and what it does not is listed in docs/reports.md ("Checking PDF/UA in the tests").
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})
SCOPES = frozenset({"/Column", "/Row", "/Both"})


def _key(obj: Any) -> tuple[int, int] | None:
    return obj.objgen if obj.is_indirect else None


def _elements(root: Any) -> Iterator[Any]:
    """Every structure element reachable from the structure tree root, parents before children."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        key = _key(node)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        if node is not root and node.get("/Type", pikepdf.Name("/StructElem")) == "/StructElem" and "/S" in node:
            yield node
        kids = node.get("/K")
        if kids is None:
            continue
        kids_list = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in reversed(kids_list):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append(kid)


def _attributes(element: Any) -> list[Any]:
    attributes = element.get("/A")
    if attributes is None:
        return []
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return [item for item in items if isinstance(item, pikepdf.Dictionary)]


def _parent_tree(root: Any) -> dict[int, Any]:
    """The number tree from StructParents keys to their arrays of structure elements (by MCID)."""
    found: dict[int, Any] = {}
    tree = root.get("/ParentTree")
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        nums = node.get("/Nums")
        if nums is not None:
            for index in range(0, len(nums) - 1, 2):
                found[int(nums[index])] = nums[index + 1]
        stack.extend(node.get("/Kids", []))
    return found


@dataclass
class _Page:
    number: int
    reachable: set[tuple[int, int]]
    mcid_owner: Any
    loose_text: int = 0
    orphan_mcids: set[int] = field(default_factory=set)


def _walk_content(page: _Page, stream: Any, resources: Any, stack: list, depth: int = 0) -> None:
    """Counts text drawn neither in an artifact nor in a marked-content sequence whose MCID belongs
    to a structure element reachable from the tree. Form XObjects are walked in their caller's state."""
    instructions: list[Any] = list(pikepdf.parse_content_stream(stream))
    for operands, operator in instructions:
        op = str(operator)
        if op in ("BMC", "BDC"):
            tag = str(operands[0])
            mcid = None
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1]["/MCID"])
            elif op == "BDC" and isinstance(operands[1], pikepdf.Name) and resources is not None:
                properties = resources.get("/Properties", {}).get(operands[1])
                if properties is not None and "/MCID" in properties:
                    mcid = int(properties["/MCID"])
            stack.append((tag, mcid))
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op in TEXT_OPERATORS:
            if any(tag == "/Artifact" for tag, _ in stack):
                continue
            mcids = [mcid for _, mcid in stack if mcid is not None]
            if not mcids:
                page.loose_text += 1
                continue
            if not _tied_to_tree(page, mcids[-1]):
                page.loose_text += 1
                page.orphan_mcids.add(mcids[-1])
        elif op == "Do" and depth < 8 and resources is not None:
            xobject = resources.get("/XObject", {}).get(operands[0])
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                _walk_content(page, xobject, xobject.get("/Resources", resources), stack, depth + 1)


def _tied_to_tree(page: _Page, mcid: int) -> bool:
    if page.mcid_owner is None or not isinstance(page.mcid_owner, pikepdf.Array) or mcid >= len(page.mcid_owner):
        return False
    owner = page.mcid_owner[mcid]
    return isinstance(owner, pikepdf.Dictionary) and _key(owner) in page.reachable


def _fonts(resources: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    if resources is None or depth > 8:
        return
    yield from resources.get("/Font", {}).items()
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), depth + 1)


def _embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # drawn with the file's own glyph procedures
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def check(pdf: bytes, *, tables: int | None = None) -> list[str]:
    """The PDF/UA failures of a PDF. `tables`, when given, is how many tables the HTML had: each must
    be one Table element however many pages it spans."""
    failures: list[str] = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        catalog = document.Root
        # ISO 14289-1 7.1: a tagged PDF.
        mark_info = catalog.get("/MarkInfo")
        if mark_info is None or not bool(mark_info.get("/Marked", False)):
            failures.append("7.1 (Matterhorn 01-002): the catalog's /MarkInfo does not say /Marked true")
        tree_root = catalog.get("/StructTreeRoot")
        if tree_root is None:
            failures.append("7.1 (Matterhorn 01-006): there is no structure tree (/StructTreeRoot)")
        # 7.2: the natural language.
        lang = str(catalog.get("/Lang", "")).strip()
        if not lang:
            failures.append("7.2 (Matterhorn 11-006): the catalog has no /Lang")
        # 5, 7.1: XMP metadata with the PDF/UA identifier and a title shown as the window's title.
        xmp = bytes(catalog["/Metadata"].read_bytes()).decode("utf-8", "replace") if "/Metadata" in catalog else ""
        if not re.search(r"pdfuaid:part(>|\s*=\s*\")\s*1", xmp):
            failures.append("5 (Matterhorn 06-002): the XMP metadata has no PDF/UA identifier (pdfuaid:part 1)")
        if not re.search(r"<dc:title>.*?<rdf:li[^>]*>\s*[^<\s][^<]*</rdf:li>", xmp, re.DOTALL):
            failures.append("7.1 (Matterhorn 06-003): the XMP metadata has no dc:title")
        preferences = catalog.get("/ViewerPreferences")
        if preferences is None or not bool(preferences.get("/DisplayDocTitle", False)):
            failures.append("7.1 (Matterhorn 07-001): /ViewerPreferences does not set /DisplayDocTitle true")

        elements = list(_elements(tree_root)) if tree_root is not None else []
        reachable = {key for element in elements if (key := _key(element)) is not None}
        parent_tree = _parent_tree(tree_root) if tree_root is not None else {}

        # 7.1 (Matterhorn 01-005): content is either tagged or an artifact.
        for number, page in enumerate(document.pages, start=1):
            parents = page.obj.get("/StructParents")
            owner = parent_tree.get(int(parents)) if parents is not None else None
            state = _Page(number=number, reachable=reachable, mcid_owner=owner)
            _walk_content(state, page.obj, page.obj.get("/Resources"), [])
            if state.loose_text:
                failures.append(
                    f"7.1 (Matterhorn 01-005): page {number} draws {state.loose_text} pieces of text neither "
                    "tagged in the structure tree nor marked as an artifact"
                )

        # 7.5: table headers say what they head; a table is one table element.
        for element in elements:
            tag = str(element["/S"])
            if tag == "/TH":
                scopes = [str(a.get("/Scope")) for a in _attributes(element) if str(a.get("/O")) == "/Table"]
                if not any(scope in SCOPES for scope in scopes):
                    failures.append(f"7.5 (Matterhorn 15-003): a table header cell has no /Scope ({_text(element)})")
            elif tag == "/Figure" and not str(element.get("/Alt", "")).strip():
                # 7.3 (Matterhorn 13-004): figures have alternative text.
                failures.append("7.3 (Matterhorn 13-004): a Figure has no /Alt")
        found_tables = sum(1 for element in elements if str(element["/S"]) == "/Table")
        if tables is not None and found_tables != tables:
            failures.append(
                f"7.5 (Matterhorn 15-001): the HTML has {tables} tables but the structure tree has "
                f"{found_tables} Table elements (a table split across pages must stay one)"
            )

        # 7.21.4.1 (Matterhorn 31-009 and on): every font is embedded.
        unembedded = set()
        for page in document.pages:
            for name, font in _fonts(page.obj.get("/Resources")):
                if not _embedded(font):
                    unembedded.add(str(font.get("/BaseFont", name)))
        for font_name in sorted(unembedded):
            failures.append(f"7.21.4.1 (Matterhorn 31-009): the font {font_name} is not embedded")
    return failures


def _text(element: Any) -> str:
    """A hint to find a failing element: its /ID, or its page."""
    if "/ID" in element:
        return f"ID {element['/ID']}"
    return "no ID"


def _preorder(node: Any, depth: int = 0) -> Iterator[tuple[Any, int]]:
    kids = node.get("/K")
    if kids is None:
        return
    for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid, depth
            yield from _preorder(kid, depth + 1)


def reading_order(pdf: bytes) -> list[tuple[str, int, int]]:
    """The structure elements in reading order: (tag, depth, page number from 1)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages, start=1)}
        return [
            (str(element["/S"]), depth, pages.get(element["/Pg"].objgen, 0) if "/Pg" in element else 0)
            for element, depth in _preorder(document.Root.StructTreeRoot)
        ]


def stranded(pdf: bytes) -> list[str]:
    """Headings and captions left at the foot of a page: what comes next in reading order (after
    the heading's own content) is on a later page."""
    order = reading_order(pdf)
    failures = []
    for index, (tag, depth, page) in enumerate(order):
        if tag not in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Caption"):
            continue
        following = next(((t, p) for t, d, p in order[index + 1 :] if d <= depth), None)
        if following is not None and following[1] > page:
            failures.append(f"a {tag[1:]} ends page {page}: the {following[0][1:]} after it is on page {following[1]}")
    return failures


def last_part_alone(pdf: bytes) -> bool:
    """Whether the document's last top-level part (a signed report's sign-off) is alone on its page."""
    top = [(tag, page) for tag, depth, page in reading_order(pdf) if depth == 1]
    return len(top) >= 2 and top[-1][1] != top[-2][1]
