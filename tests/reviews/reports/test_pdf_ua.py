"""Every kind of report is a PDF/UA document, as far as the checker in `pdfua.py` can tell, drafts and
signed-off versions alike; and the checker catches each failure it claims to, on small PDFs made to
fail it."""

from __future__ import annotations

import io
from decimal import Decimal

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from directions.models import ReportingObligation
from reviews.demo import national as national_data
from reviews.models import Indicator, Measurement, ProgressUpdate, Report, ReportVersion
from reviews.reports import renderer_for
from reviews.reports.pdf import html_to_pdf
from reviews.services import reports
from tests.reviews.reports import pdfua
from tests.reviews.reports_support import (
    D,
    agency_indicator,
    direction_with_priorities,
    generated,
    held_review,
    write_ministerial_words,
)

pytestmark = pytest.mark.django_db


def pdf_of(version: ReportVersion) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read()


def tables_in(report: Report, version: ReportVersion) -> int:
    return renderer_for(report.kind).document_html(report, version).count("<table")


def assert_pdf_ua(report: Report, version: ReportVersion) -> bytes:
    content = pdf_of(version)
    assert pdfua.check(content, tables=tables_in(report, version)) == []
    assert pdfua.stranded(content) == []
    return content


@pytest.fixture
def direction(hereford_case):
    return direction_with_priorities(hereford_case)


@pytest.fixture
def review(charlie, hereford_case, direction):
    return held_review(hereford_case, by=charlie)


def many_figures(direction, *, by) -> None:
    """Enough indicators that the progress report's tables and charts run over several pages."""
    agency_indicator(direction, by=by)
    for priority in direction.service_priorities.all():
        for number in range(6):
            indicator = Indicator.objects.create(
                service_priority=priority,
                name=f"Measure {number + 1} of {priority.short_name.lower()}",
                unit="percent",
                direction="higher",
                target=Decimal(60 + number),
            )
            for month in range(4, 11):
                Measurement.objects.create(
                    indicator=indicator,
                    period_end=D(2023, month, 28),
                    value=Decimal(40 + number + month),
                    recorded_by=by,
                )


def test_the_progress_report_draft_and_signed_off_pass_the_pdf_ua_check(
    charlie, dora, hereford_case, direction, review
):
    many_figures(direction, by=dora)
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    write_ministerial_words(report, by=dora)
    draft = generated(report, by=dora)
    content = assert_pdf_ua(report, draft)
    with pikepdf.open(io.BytesIO(content)) as document:
        assert len(document.pages) >= 3
    final = reports.sign_off(version=draft, by=charlie, declared=True)
    final.refresh_from_db()
    if not final.file:
        reports.generate_version(version_id=final.pk)
        final.refresh_from_db()
    signed = assert_pdf_ua(report, final)
    # The one-line sign-off goes over with the end of the report, never onto a page of its own.
    assert not pdfua.last_part_alone(signed)


def test_a_progress_reports_charts_are_figures_described_as_on_the_web_page(dora, hereford_case, direction, review):
    agency_indicator(direction, by=dora)
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    content = assert_pdf_ua(report, generated(report, by=dora))
    with pikepdf.open(io.BytesIO(content)) as document:
        figures = [
            str(element["/Alt"])
            for element, _ in pdfua._preorder(document.Root.StructTreeRoot)
            if element.S == "/Figure"
        ]
    assert figures == [
        "Agency social workers (%). 6 values from May 2023 (51.3%) to October 2023 (47.8%); target 25%. "
        "The value axis starts at 20%, not zero. The figures are in the table."
    ]


def test_the_cabinet_report_passes_the_pdf_ua_check(alice, hereford_case, review):
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    reports.update_cabinet_paper(
        report=report,
        by=alice,
        meeting_date=D(2023, 12, 21),
        report_by="Cabinet member children and young people",
        report_author="Corporate Director children and young people",
        community_impact="The Ofsted inspection judgement of 'Inadequate' has a direct and indirect effect.",
        legal_implications="The Council was issued with a non-statutory improvement notice.",
    )
    assert_pdf_ua(report, generated(report, by=alice))


def cabinet_paper(report, *, by, **words) -> None:
    reports.update_cabinet_paper(
        report=report,
        by=by,
        meeting_date=D(2023, 12, 21),
        report_by="Cabinet member children and young people",
        report_author="Corporate Director children and young people",
        community_impact="The Ofsted inspection judgement of 'Inadequate' has a direct and indirect effect.",
        legal_implications="The Council was issued with a non-statutory improvement notice.",
        **words,
    )


def untagged_upload() -> SimpleUploadedFile:
    """A published report as councils upload them: text on its pages, no structure tree."""
    html = "<html><body><h1>Progress report</h1><p>The council has made progress.</p></body></html>"
    content = HTML(string=html).write_pdf()
    assert pdfua.check(content) != []  # not a tagged PDF on its own
    return SimpleUploadedFile("published.pdf", content, content_type="application/pdf")


def test_a_cabinet_report_with_the_signed_progress_report_as_appendix_1_passes_the_pdf_ua_check(
    alice, charlie, dora, hereford_case, direction, review
):
    """The appendix's own structure tree is grafted under ours: its tables are still one Table each,
    its headers keep their scopes, and its text is tagged, not loose."""
    progress = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    write_ministerial_words(progress, by=dora)
    final = reports.sign_off(version=generated(progress, by=dora), by=charlie, declared=True)
    reports.generate_version(version_id=final.pk)
    final.refresh_from_db()
    appendix = pdf_of(final)
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    cabinet_paper(report, by=alice)
    version = generated(report, by=alice)
    content = pdf_of(version)
    with pikepdf.open(io.BytesIO(appendix)) as document:
        appendix_pages = len(document.pages)
    with pikepdf.open(io.BytesIO(content)) as document:
        own_pages = len(document.pages) - appendix_pages
        assert own_pages >= 1
    tables = tables_in(report, version) + tables_in(progress, final)
    assert pdfua.check(content, tables=tables) == []
    order = pdfua.reading_order(content)
    part = next(index for index, (tag, depth, _page) in enumerate(order) if tag == "/Part")
    assert order[part][1] == 1  # a part of our document, beside its sections
    appendix_page_numbers = set(range(own_pages + 1, own_pages + appendix_pages + 1))
    assert {page for _tag, _depth, page in order[part + 1 :] if page} == appendix_page_numbers
    assert any(tag == "/Table" for tag, _depth, _page in order[part + 1 :])


def test_a_cabinet_report_with_an_untagged_upload_as_appendix_1_passes_and_says_what_it_is(
    alice, hereford_case, review
):
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    cabinet_paper(report, by=alice, published_report=untagged_upload(), appendices="Appendix 1 - Published report")
    version = generated(report, by=alice)
    content = pdf_of(version)
    assert pdfua.check(content, tables=tables_in(report, version)) == []
    with pikepdf.open(io.BytesIO(content)) as document:
        figures = [
            str(element.Alt)
            for element in pdfua._elements(document.Root.StructTreeRoot)
            if element.S == "/Figure" and "/Alt" in element
        ]
    assert "Appendix 1: Published report, an attached document without tags" in figures


def test_the_highlight_report_passes_the_pdf_ua_check(alice, dora, hereford_case, direction, review):
    ProgressUpdate.objects.create(
        intervention=hereford_case,
        service_priority=direction.service_priorities.get(label="i"),
        narrative="Still many agency staff",
        rag="red",
        period_start=D(2023, 10, 1),
        period_end=D(2023, 10, 31),
        author=alice,
    )
    report = reports.create_report(
        intervention=hereford_case,
        kind="highlight",
        period_start=D(2023, 9, 20),
        period_end=D(2023, 10, 31),
        commentary="Recruitment remains the main risk.",
        by=dora,
    )
    assert_pdf_ua(report, generated(report, by=dora))


def test_the_quarterly_update_passes_the_pdf_ua_check(dora, hereford_case, direction, review):
    ReportingObligation.objects.create(
        instrument=direction,
        what="Next review of progress",
        deliverer="commissioner",
        recipient="minister",
        cadence="months_after_event",
        interval=6,
        event="publication of the commissioner's progress report",
    )
    report = reports.create_report(
        intervention=hereford_case,
        kind="ministerial_update",
        period_start=D(2023, 10, 1),
        period_end=D(2023, 12, 31),
        by=dora,
    )
    assert_pdf_ua(report, generated(report, by=dora))


def test_the_instrument_passes_the_pdf_ua_check(dora, hereford_case, direction):
    report = reports.create_report(intervention=hereford_case, kind="instrument", instrument=direction, by=dora)
    assert_pdf_ua(report, generated(report, by=dora))


# --- The checker catches what it claims to ---------------------------------------------------------

ROWS = "".join(f"<tr><th scope='row'>Row {n}</th><td>{n}</td></tr>" for n in range(70))
PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>A small report</title>
<style>@page {{ size: A6; @bottom-right {{ content: "Page " counter(page) " of " counter(pages); }} }}</style>
</head><body>
<h1>A small report</h1>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="50" role="img" aria-labelledby="t d">
<title id="t">A chart</title><desc id="d">Two values.</desc><circle cx="5" cy="5" r="4"/></svg>
<table><caption>Figures</caption><thead><tr><th scope="col">Row</th><th scope="col">Value</th></tr></thead>
<tbody>{ROWS}</tbody></table>
</body></html>"""


@pytest.fixture(scope="module")
def good_pdf() -> bytes:
    return html_to_pdf(PAGE).content


def edited(pdf: bytes, edit) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        edit(document)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def test_a_small_tagged_pdf_passes_with_its_table_split_across_pages_kept_one_table(good_pdf):
    with pikepdf.open(io.BytesIO(good_pdf)) as document:
        assert len(document.pages) >= 2
    assert pdfua.check(good_pdf, tables=1) == []
    assert pdfua.stranded(good_pdf) == []


def test_an_untagged_pdf_fails_on_every_catalog_rule_and_its_text():
    failures = pdfua.check(HTML(string=PAGE).write_pdf())
    for rule in ("01-002", "01-006", "06-002", "07-001", "01-005"):
        assert any(rule in failure for failure in failures), rule


def test_weasyprints_own_tagging_leaves_running_content_scopes_and_split_tables_to_fail():
    failures = pdfua.check(HTML(string=PAGE).write_pdf(pdf_variant="pdf/ua-1"), tables=1)
    assert any("page 1 draws 1 pieces of text neither tagged" in failure for failure in failures)
    assert any("15-003" in failure for failure in failures)
    assert any("15-001): the HTML has 1 tables but the structure tree has" in failure for failure in failures)


def test_a_figure_without_alt_fails(good_pdf):
    def drop_alt(document):
        for element, _ in pdfua._preorder(document.Root.StructTreeRoot):
            if element.S == "/Figure":
                del element["/Alt"]

    assert pdfua.check(edited(good_pdf, drop_alt), tables=1) == ["7.3 (Matterhorn 13-004): a Figure has no /Alt"]


def test_no_language_no_pdf_ua_identifier_and_no_title_fail(good_pdf):
    def strip(document):
        del document.Root["/Lang"]
        del document.Root.ViewerPreferences["/DisplayDocTitle"]
        xmp = document.Root.Metadata.read_bytes().replace(b'pdfuaid:part="1"', b"").replace(b"A small report", b"")
        document.Root.Metadata.write(xmp)

    failures = pdfua.check(edited(good_pdf, strip), tables=1)
    assert len(failures) == 4
    for rule in ("11-006", "06-002", "06-003", "07-001"):
        assert any(rule in failure for failure in failures), rule


def test_a_font_that_is_not_embedded_fails(good_pdf):
    def unembed(document):
        for page in document.pages:
            for font in page.Resources.Font.values():
                descriptor = (
                    font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
                )
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        del descriptor[key]

    failures = pdfua.check(edited(good_pdf, unembed), tables=1)
    assert failures and all("31-009" in failure for failure in failures)


def test_text_outside_any_marked_content_fails(good_pdf):
    def loose_text(document):
        page = document.pages[0]
        font = next(iter(page.Resources.Font.keys()))
        page.contents_add(pikepdf.Stream(document, f"BT {font} 12 Tf 10 10 Td <0001> Tj ET".encode()), prepend=False)

    assert pdfua.check(edited(good_pdf, loose_text), tables=1) == [
        "7.1 (Matterhorn 01-005): page 1 draws 1 pieces of text neither tagged in the structure tree nor marked "
        "as an artifact"
    ]


def test_a_heading_left_at_the_foot_of_a_page_is_found():
    html = """<!DOCTYPE html><html lang="en-GB"><head><title>t</title></head>
    <body><p>Before</p><h2 style="break-after: page">Alone</h2><p>What it introduces</p></body></html>"""
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    assert pdfua.stranded(pdf) == ["a H2 ends page 1: the P after it is on page 2"]


def test_every_kind_passes_on_the_national_dataset():
    """The newest report of each kind in the national dataset's case: a progress report there has
    seven priorities of ten indicators, so its tables run over pages."""
    national_data.generate(scale=1 / 60, seed=3, today=D(2026, 11, 23), volume=national_data.Volume.of(0.1))
    kinds = set()
    for report in Report.objects.order_by("kind", "-pk").distinct():
        if report.kind in kinds:
            continue
        kinds.add(report.kind)
        renderer = renderer_for(report.kind)
        version = ReportVersion(report=report, number=99, body_html=renderer.render_body(report))
        content = html_to_pdf(renderer.document_html(report, version)).content
        assert pdfua.check(content, tables=tables_in(report, version)) == [], report.kind
        assert pdfua.stranded(content) == [], report.kind
    assert kinds == {"highlight", "ministerial_update", "progress", "cabinet", "instrument"}


def test_a_table_without_headers_split_across_pages_is_one_table_too():
    rows = "".join(f"<tr><td>Row {n}</td><td>{n}</td></tr>" for n in range(150))
    pdf = html_to_pdf(f'<!DOCTYPE html><html lang="en-GB"><head><title>t</title></head><table>{rows}</table></html>')
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        assert len(document.pages) >= 3
    assert pdfua.check(pdf.content, tables=1) == []
