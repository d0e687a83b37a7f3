"""The checks every evidence upload goes through, on real files made here: Word and Excel files built
with zipfile (in Word's order and in name order), zip bombs, PDFs with and without JavaScript, and
the name a file is kept and downloaded under."""

import datetime
import io
import zipfile
import zlib

import filetype
import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf.actions import JavaScript

from reviews.evidence_checks import (
    FILE_DAMAGED,
    FILE_HAS_MACROS,
    FILE_UNPACKS_TOO_LARGE,
    FILE_WRONG_TYPE,
    PDF_HAS_SCRIPT,
    PDF_UNCHECKABLE,
    evidence_name,
    inspect_upload,
)
from reviews.models import EvidenceFile, ProgressUpdate
from reviews.services import progress
from tests.reviews.progress.test_progress_pages import close

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN = {
    "word": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xl": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "ppt": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
}
MAIN_PART = {"word": "word/document.xml", "xl": "xl/workbook.xml", "ppt": "ppt/presentation.xml"}
MAIN_PART["docm"] = MAIN_PART["word"]
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def office_file(kind: str = "word", *, name_order: bool = False, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office Open XML package, as Word, Excel or PowerPoint writes one: [Content_Types].xml
    first, then the parts. With name_order, re-zipped with its parts sorted by name, as a zip tool
    or a document management system may, which puts customXml/ and docProps/ before word/."""
    main = MAIN_PART[kind]
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main}" ContentType="{MAIN[kind]}"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>'
        ).encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{OFFICE}/officeDocument" Target="{main}"/></Relationships>'
        ).encode(),
        main: b'<?xml version="1.0"?><document><body><p>Recruitment and retention plan</p></body></document>',
        "customXml/item1.xml": b"<metadata>SharePoint properties</metadata>",
        "customXml/itemProps1.xml": b"<datastoreItem/>",
        "customXml/_rels/item1.xml.rels": b"<Relationships/>",
        "docProps/app.xml": b"<Properties><Application>Microsoft Office Word</Application></Properties>",
        "docProps/core.xml": b"<coreProperties><title>Plan</title></coreProperties>",
    } | (extra or {})
    names = sorted(parts) if name_order else list(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, parts[name])
    return buffer.getvalue()


def check(name: str, content: bytes):
    return inspect_upload(SimpleUploadedFile(name, content))


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        check(name, content)
    return error.value.messages[0]


# --- Office files ----------------------------------------------------------------------------------


def test_a_word_file_is_recognised_from_its_content_types():
    detected = check("plan.docx", office_file())
    assert (detected.content_type, detected.extension) == (WORD, "docx")


def test_a_word_file_re_zipped_in_name_order_is_accepted():
    content = office_file(name_order=True)
    guessed = filetype.guess(content)
    assert guessed is None or guessed.mime != WORD  # what the upload was refused on before
    assert check("plan.docx", content).content_type == WORD


def test_an_excel_file_is_accepted_and_powerpoint_and_other_zips_are_not():
    assert check("figures.xlsx", office_file("xl", name_order=True)).extension == "xlsx"
    assert refused("slides.pptx", office_file("ppt")) == FILE_WRONG_TYPE
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("word/document.xml", b"<document/>")  # the right part, but no content types
    assert refused("plan.docx", plain.getvalue()) == FILE_WRONG_TYPE


def test_a_word_file_with_macros_is_refused():
    docm = office_file("docm", extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
    assert refused("plan.docx", docm) == FILE_HAS_MACROS
    hidden = office_file(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
    assert refused("plan.docx", hidden) == FILE_HAS_MACROS


def unpacks_too_large(settings) -> str:
    return FILE_UNPACKS_TOO_LARGE.format(
        limit=settings.EVIDENCE_MAX_UNPACKED_BYTES // (1024 * 1024),
        ratio=settings.EVIDENCE_MAX_ZIP_RATIO,
        entries=f"{settings.EVIDENCE_MAX_ZIP_ENTRIES:,}",
    )


def test_a_zip_bomb_is_refused_by_its_unpacked_size(settings):
    # 101 MB of zeros packs into about 100 KB: refused from the zip's directory, before any unpacking.
    bomb = office_file(extra={"word/media/image1.png": bytes(101 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert refused("plan.docx", bomb) == unpacks_too_large(settings)


def test_a_zip_bomb_is_refused_by_its_ratio(settings):
    bomb = office_file(extra={"word/media/image1.png": bytes(20 * 1024 * 1024)})  # 20 MB in about 20 KB
    assert refused("plan.docx", bomb) == unpacks_too_large(settings)


def test_a_zip_of_too_many_parts_is_refused(settings):
    parts = {f"word/media/image{number}.png": b"" for number in range(settings.EVIDENCE_MAX_ZIP_ENTRIES)}
    assert refused("plan.docx", office_file(extra=parts)) == unpacks_too_large(settings)
    parts.popitem()
    many = office_file(extra=dict(list(parts.items())[: settings.EVIDENCE_MAX_ZIP_ENTRIES - 20]))
    assert check("plan.docx", many).content_type == WORD


def test_a_zip_whose_directory_understates_a_part_is_refused():
    content = bytearray(office_file(extra={"word/media/image1.png": bytes(200_000)}))
    # Say the image unpacks to 10 bytes, in both its local header and the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := content.find(signature, start)) != -1:
            name_length = int.from_bytes(content[start + offset + 4 : start + offset + 6], "little")
            header = 30 if signature == b"PK\x03\x04" else 46
            if content[start + header : start + header + name_length] == b"word/media/image1.png":
                content[start + offset : start + offset + 4] = (10).to_bytes(4, "little")
            start += 4
    assert refused("plan.docx", bytes(content)) == FILE_DAMAGED


# --- PDFs ------------------------------------------------------------------------------------------


def pdf(*objects: bytes) -> bytes:
    """A PDF with a correct cross-reference table; object 1 is the catalogue."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


CATALOGUE = b"<< /Type /Catalog /Pages 2 0 R%s >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def stream(dictionary: bytes, data: bytes) -> bytes:
    return dictionary.replace(b">>", b" /Length %d >>" % len(data)) + b"\nstream\n" + data + b"\nendstream"


def pypdf_file(javascript: str = "") -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    if javascript:
        writer.add_open_action(JavaScript(javascript))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_an_ordinary_pdf_is_accepted():
    assert check("report.pdf", pypdf_file()).content_type == "application/pdf"


def test_a_pdf_with_javascript_is_refused():
    assert refused("report.pdf", pypdf_file("this.print({bUI:true})")) == PDF_HAS_SCRIPT


@pytest.mark.parametrize(
    "action",
    [
        b" /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b" /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>",  # a reader unescapes #61 to 'a'
        b" /OpenAction << /S /#4A#61#76#61#53#63#72#69#70#74 /JS (app.alert(1)) >>",
        b" /AA << /O << /S /Rendition /J#53 (app.alert(1)) >> >>",  # JavaScript with no /JavaScript
    ],
)
def test_javascript_in_any_spelling_is_refused(action):
    content = pdf(CATALOGUE % action, PAGES, PAGE)
    assert refused("report.pdf", content) == PDF_HAS_SCRIPT


def test_an_escaped_name_is_what_a_pdf_reader_reads():
    content = pdf(CATALOGUE % b" /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>", PAGES, PAGE)
    assert pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]["/OpenAction"]["/S"] == "/JavaScript"


def object_stream(objects: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    data = zlib.compress(objects) if filters in (b"/FlateDecode", b"[/FlateDecode]") else objects
    return stream(b"<< /Type /ObjStm /N 1 /First 6 /Filter %s >>" % filters, data)


def test_javascript_inside_a_compressed_object_stream_is_refused():
    hidden = object_stream(b"5 0\n<< /S /J#61vaScript /JS (app.alert(1)) >>")
    content = pdf(CATALOGUE % b" /OpenAction 5 0 R", PAGES, PAGE, hidden)
    assert b"JavaScript" not in content and b"/JS" not in content
    assert refused("report.pdf", content) == PDF_HAS_SCRIPT


def test_an_object_stream_that_cannot_be_read_is_refused():
    unreadable = stream(b"<< /Type /ObjStm /N 1 /First 6 /Filter /FlateDecode >>", b"\x8a\x11 encrypted bytes")
    assert refused("report.pdf", pdf(CATALOGUE % b"", PAGES, PAGE, unreadable)) == PDF_UNCHECKABLE
    other_filter = object_stream(b"5 0\n<< >>", filters=b"[/ASCIIHexDecode /FlateDecode]")
    assert refused("report.pdf", pdf(CATALOGUE % b"", PAGES, PAGE, other_filter)) == PDF_UNCHECKABLE
    plain = object_stream(b"5 0\n<< /Title (Plan) >>", filters=b"[/FlateDecode]")
    assert check("report.pdf", pdf(CATALOGUE % b"", PAGES, PAGE, plain)).content_type == "application/pdf"


def test_a_page_that_draws_with_a_font_called_js_is_not_javascript():
    # Bytes inside a stream are drawing instructions or compressed data: '/JS' there is not a script.
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"
    drawing = stream(b"<< >>", b"BT /JS 12 Tf 20 100 Td (Recruitment plan) Tj ET")
    assert check("report.pdf", pdf(CATALOGUE % b"", PAGES, page, drawing)).content_type == "application/pdf"


# --- Names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension", "kept"),
    [
        ("x.exe", "pdf", "x.pdf"),
        ("Workforce report.pdf", "pdf", "Workforce report.pdf"),
        ("Scan.PDF", "pdf", "Scan.PDF"),
        ("photo.jpeg", "jpg", "photo.jpeg"),
        ("plan.final.docx.exe", "docx", "plan.final.docx.docx"),
        ("figures", "xlsx", "figures.xlsx"),
        (".pdf", "pdf", "evidence.pdf"),
        ("", "csv", "evidence.csv"),
        ("C:\\Users\\alice\\report.pdf", "pdf", "report.pdf"),
        ("invoice\u202efdp.exe", "pdf", "invoicefdp.pdf"),  # a right-to-left override is dropped
        ("line\nbreak.pdf", "pdf", "linebreak.pdf"),
    ],
)
def test_the_kept_name_ends_in_the_types_extension(name, extension, kept):
    assert evidence_name(name, extension) == kept


def test_a_long_name_is_shortened_keeping_the_extension():
    name = "Quarterly performance report " * 20 + ".exe"
    kept = evidence_name(name, "pdf")
    assert len(kept) == 255
    assert kept == name[:251].strip() + ".pdf"


# --- Through the services and the download ---------------------------------------------------------


@pytest.mark.django_db
def test_a_pdf_uploaded_as_exe_is_kept_and_downloaded_as_pdf(file_storage, client, alice, hereford_case, priority):
    update = progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="Agency use fell",
        rag="amber",
        period_start=datetime.date(2023, 4, 1),
        period_end=datetime.date(2023, 6, 30),
        service_priority=priority,
        evidence=[
            SimpleUploadedFile("x.exe", pypdf_file()),
            SimpleUploadedFile("plan.zip", office_file(name_order=True)),
            SimpleUploadedFile("A" * 251 + ".exe", pypdf_file()),
        ],
    )
    names = sorted(update.evidence.values_list("original_name", flat=True), key=len)
    assert names[:2] == ["x.pdf", "plan.docx"] and names[2] == "A" * 251 + ".pdf"
    evidence = update.evidence.get(original_name="x.pdf")
    assert evidence.file.name.endswith(".pdf")
    client.force_login(alice)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="x.pdf"'
    close(response)
    # A file kept before names were corrected downloads with its type's extension all the same.
    EvidenceFile.objects.filter(pk=evidence.pk).update(original_name="old upload.exe")
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="old upload.pdf"'
    close(response)


@pytest.mark.django_db
def test_a_bad_file_among_good_ones_saves_nothing(alice, hereford_case, priority):
    with pytest.raises(ValidationError) as error:
        progress.log_progress(
            intervention=hereford_case,
            by=alice,
            narrative="Agency use fell",
            rag="amber",
            period_start=datetime.date(2023, 4, 1),
            period_end=datetime.date(2023, 6, 30),
            service_priority=priority,
            evidence=[SimpleUploadedFile("plan.docx", office_file()), SimpleUploadedFile("r.pdf", pypdf_file("x"))],
        )
    assert error.value.message_dict["evidence"] == [f"r.pdf: {PDF_HAS_SCRIPT}"]
    assert (ProgressUpdate.objects.count(), EvidenceFile.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_new_version_and_a_response_are_checked_the_same_way(alice, hereford_case, priority, instruction):
    update = progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="Agency use fell",
        rag="amber",
        period_start=datetime.date(2023, 4, 1),
        period_end=datetime.date(2023, 6, 30),
        service_priority=priority,
        evidence=[SimpleUploadedFile("plan.pdf", pypdf_file())],
    )
    with pytest.raises(ValidationError, match="JavaScript"):
        progress.replace_evidence(
            evidence=update.evidence.get(), upload=SimpleUploadedFile("v2.pdf", pypdf_file("x")), by=alice
        )
    with pytest.raises(ValidationError) as error:
        progress.respond_with_evidence(
            instruction=instruction,
            kind="progress",
            text="Plan drafted",
            by=alice,
            evidence=[SimpleUploadedFile("plan.docx", office_file("docm"))],
        )
    assert error.value.message_dict["evidence"] == [f"plan.docx: {FILE_HAS_MACROS}"]
    assert EvidenceFile.objects.count() == 1
