"""What an uploaded evidence file must be before anything is kept. Every upload path (a progress
update, a response to an instruction, a new version of a file) goes through `inspect_upload`.

- The type is read from the content, never the name, and must be one evidence may be.
- Word, Excel and PowerPoint files are zips. Their directory is read first: a file that unpacks to
  more than EVIDENCE_MAX_UNPACKED_BYTES, has more than EVIDENCE_MAX_ZIP_ENTRIES parts or unpacks to
  more than EVIDENCE_MAX_ZIP_RATIO times its size (a zip bomb) is refused. The type comes from
  `[Content_Types].xml` and the main part it names (word/document.xml and so on), wherever the
  parts lie in the zip, and every part is then read to check it is what the directory says.
  Files with macros are refused.
- A PDF that names JavaScript (`/JavaScript`, or `/JS` outside stream data, in any of their
  `#`-escaped spellings such as `/J#61vaScript`, and inside compressed object streams too) is
  refused: that is how an `/OpenAction`, an `/AA` trigger or the document's scripts run code.
- The name kept, and downloaded, takes its extension from the type found (`evidence_name`).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

MB = 1024 * 1024
FILE_TOO_LARGE = "The file must be smaller than {limit} MB"
FILE_EMPTY = "The file is empty"
FILE_WRONG_TYPE = "The file must be a PDF, Word document, Excel spreadsheet, CSV, PNG or JPEG"
FILE_UNPACKS_TOO_LARGE = (
    "The file is too large once unpacked (at most {limit} MB, {ratio} times its size and {entries} parts): "
    "save it again, or split it into smaller files"
)
FILE_DAMAGED = "The file is damaged: save it again and upload the new copy"
FILE_HAS_MACROS = "The file contains macros: save it as a Word document (.docx) or Excel workbook (.xlsx) without them"
PDF_HAS_SCRIPT = "The PDF contains JavaScript: print it to a new PDF, or save it again without scripts, and upload that"
PDF_UNCHECKABLE = "The PDF could not be checked for scripts: remove any password from it, or print it to a new PDF"

# What evidence may be: the type detected from the content, and the extension it is stored under.
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    WORD: "docx",
    "application/msword": "doc",
    EXCEL: "xlsx",
    "application/vnd.ms-excel": "xls",
    "text/csv": "csv",
}
# Other spellings of an extension that name the same type: a name ending in one of these keeps it.
EXTENSION_SPELLINGS = {"jpg": {"jpg", "jpeg", "jpe"}}
MAX_NAME_LENGTH = 255

# An Office file is known by the content type of its main part, as [Content_Types].xml gives it.
# PowerPoint is recognised, so that it is refused as a type rather than as a damaged file.
OFFICE_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": WORD,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": EXCEL,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": POWERPOINT,
}
ZIP_MAGIC = b"PK\x03\x04"
CONTENT_TYPES_MAX_BYTES = MB


@dataclass(frozen=True)
class DetectedFile:
    content_type: str
    extension: str
    sha256: str
    size: int


def inspect_upload(upload: Any) -> DetectedFile:
    """Check an uploaded file's real type from its content and its size, and hash it. Raises
    ValidationError with a message for the person who chose it. Leaves the file at its start."""
    limit = settings.EVIDENCE_MAX_BYTES
    too_large = ValidationError(FILE_TOO_LARGE.format(limit=limit // MB))
    if upload.size is not None and upload.size > limit:
        raise too_large
    digest = hashlib.sha256()
    head = b""
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    if size == 0:
        raise ValidationError(FILE_EMPTY)
    if size > limit:
        raise too_large
    try:
        content_type = _content_type(upload, head, size)
    finally:
        upload.seek(0)
    return DetectedFile(content_type, ALLOWED_TYPES[content_type], digest.hexdigest(), size)


def _content_type(upload: Any, head: bytes, size: int) -> str:
    if head.startswith(ZIP_MAGIC):
        content_type = _office_type(upload, size)
    else:
        kind = filetype.guess(head)
        content_type = kind.mime if kind else _text_type(head, upload.name or "")
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(FILE_WRONG_TYPE)
    if content_type == "application/pdf":
        upload.seek(0)
        check_pdf(upload.read())
    return content_type


def _text_type(head: bytes, name: str) -> str:
    """CSV has no magic number: accept it only as printable UTF-8 text with a .csv name."""
    if not name.lower().endswith(".csv"):
        return ""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if any(ord(ch) < 9 or 13 < ord(ch) < 32 for ch in text):
        return ""
    return "text/csv"


# --- Office files (zips) -------------------------------------------------------------------------


def _unpacks_too_large() -> ValidationError:
    return ValidationError(
        FILE_UNPACKS_TOO_LARGE.format(
            limit=settings.EVIDENCE_MAX_UNPACKED_BYTES // MB,
            ratio=settings.EVIDENCE_MAX_ZIP_RATIO,
            entries=f"{settings.EVIDENCE_MAX_ZIP_ENTRIES:,}",
        )
    )


def _office_type(upload: Any, size: int) -> str:
    """The Office type of a zip, or "" for any other zip. Refuses a zip bomb from its directory
    before unpacking anything, then reads every part, bounded by the sizes the directory declares."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if (
                len(entries) > settings.EVIDENCE_MAX_ZIP_ENTRIES
                or unpacked > settings.EVIDENCE_MAX_UNPACKED_BYTES
                or unpacked > settings.EVIDENCE_MAX_ZIP_RATIO * size
            ):
                raise _unpacks_too_large()
            content_type = _office_main_type(archive, entries)
            if content_type and archive.testzip() is not None:
                raise ValidationError(FILE_DAMAGED)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as error:
        # A damaged zip, an encrypted part or a compression zipfile cannot read.
        raise ValidationError(FILE_DAMAGED) from error
    return content_type


XML_ELEMENT = re.compile(r"<(?:[\w.-]+:)?(Override|Default)\b([^>]*)>")
XML_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _office_main_type(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str:
    """Read [Content_Types].xml (part names are not case-sensitive) and find a part present in the
    zip whose type is a main document part. Attributes are read with a pattern, not an XML parser,
    so that no entity in the file is ever expanded."""
    parts = {entry.filename.lower(): entry for entry in entries if not entry.is_dir()}
    listing = parts.get("[content_types].xml")
    if listing is None or listing.file_size > CONTENT_TYPES_MAX_BYTES:
        return ""
    raw = archive.read(listing)
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for element in XML_ELEMENT.finditer(text):
        attributes = {name: first or second for name, first, second in XML_ATTRIBUTE.findall(element.group(2))}
        content_type = attributes.get("ContentType", "").strip()
        if element.group(1) == "Override":
            overrides[attributes.get("PartName", "").strip().lstrip("/").lower()] = content_type
        else:
            defaults[attributes.get("Extension", "").strip().lower()] = content_type

    def type_of(name: str) -> str:
        return overrides.get(name) or defaults.get(name.rpartition(".")[2], "")

    types = {name: type_of(name) for name in parts}
    if any(name.endswith("vbaproject.bin") or "macroenabled" in kind.lower() for name, kind in types.items()):
        raise ValidationError(FILE_HAS_MACROS)
    return next((OFFICE_MAIN_PARTS[kind] for kind in types.values() if kind in OFFICE_MAIN_PARTS), "")


# --- PDF -----------------------------------------------------------------------------------------

PDF_DELIMITER = rb"[\x00\t\n\x0c\r ()<>\[\]{}/%]"


def _name_pattern(name: str) -> bytes:
    """A PDF name in any spelling: each character as itself or as #xx (either case of hex)."""
    characters = []
    for character in name:
        code = "".join(f"[{digit}{digit.lower()}]" if digit.isalpha() else digit for digit in f"{ord(character):02X}")
        characters.append(f"(?:{re.escape(character)}|#{code})")
    return b"/" + "".join(characters).encode() + rb"(?=" + PDF_DELIMITER + rb"|\Z)"


JAVASCRIPT_NAME = re.compile(_name_pattern("JavaScript"))
SCRIPT_NAMES = re.compile(_name_pattern("JavaScript") + b"|" + _name_pattern("JS"))
OBJECT_STREAM = re.compile(_name_pattern("ObjStm"))
FILTER = re.compile(_name_pattern("Filter") + rb"\s*(\[[^\]]*\]|/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
FLATE = {b"FlateDecode", b"Fl"}


def _decoded(name: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda match: bytes([int(match.group(1), 16)]), name)


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that names JavaScript. `/JavaScript` is looked for everywhere (it is too long to
    occur by chance in compressed data); the short `/JS` outside stream data, where a page's
    compressed bytes could spell it by chance; and both inside object streams, which hold
    dictionaries compressed, once unpacked (within the same size limit as an Office file)."""
    if JAVASCRIPT_NAME.search(data):
        raise ValidationError(PDF_HAS_SCRIPT)
    budget = settings.EVIDENCE_MAX_UNPACKED_BYTES
    position = 0
    for match in STREAM_START.finditer(data):
        if match.start() < position:
            continue  # the word inside a stream's data, already passed over
        before = data[position : match.start()]
        if SCRIPT_NAMES.search(before):
            raise ValidationError(PDF_HAS_SCRIPT)
        end = data.find(b"endstream", match.end())
        end = len(data) if end == -1 else end
        dictionary = before[before.rfind(b"obj") :] if b"obj" in before else before[-4096:]
        if OBJECT_STREAM.search(dictionary):
            content = _unpacked_stream(dictionary, data[match.end() : end], budget)
            budget -= len(content)
            if SCRIPT_NAMES.search(content):
                raise ValidationError(PDF_HAS_SCRIPT)
        position = end
    if SCRIPT_NAMES.search(data[position:]):
        raise ValidationError(PDF_HAS_SCRIPT)


def _unpacked_stream(dictionary: bytes, raw: bytes, budget: int) -> bytes:
    found = FILTER.search(dictionary)
    filters = [_decoded(name) for name in NAME.findall(found.group(1))] if found else []
    if not filters:
        return raw
    if len(filters) != 1 or filters[0] not in FLATE:
        raise ValidationError(PDF_UNCHECKABLE)
    try:
        content = zlib.decompressobj().decompress(raw, budget + 1)
    except zlib.error as error:  # an encrypted PDF's streams, or damaged ones
        raise ValidationError(PDF_UNCHECKABLE) from error
    if len(content) > budget:
        raise _unpacks_too_large()
    return content


# --- Names ---------------------------------------------------------------------------------------


def evidence_name(name: str, extension: str) -> str:
    """The name a file is kept and downloaded under: the uploader's, without folders or unprintable
    characters (line breaks, right-to-left overrides), ending in the extension of the type found
    (a PDF uploaded as x.exe is x.pdf), and at most 255 characters, shortened before the extension."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(character for character in name if character.isprintable()).strip()
    stem, dot, current = name.rpartition(".")
    if not dot:
        stem, current = name, ""
    if current.lower() not in EXTENSION_SPELLINGS.get(extension, {extension}):
        current = extension
    stem = stem[: MAX_NAME_LENGTH - len(current) - 1].strip(" .") or "evidence"
    return f"{stem}.{current}"
