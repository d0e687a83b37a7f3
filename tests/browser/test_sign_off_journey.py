"""Sign-off in a real browser: the commissioner tries to sign off a quarterly written update to the
Minister whose summary is not written, is refused with an error summary linking to the summary, writes
it, generates a new version, ticks the declaration and signs it off; the DfE case lead then downloads
the signed version. Every page is checked with axe."""

import io
import re
from pathlib import Path

import pypdf
from playwright.sync_api import Page, expect

from intervention.enums import Role
from reviews.models import ReportVersion
from reviews.services import reports
from tests.browser.support import BROWSER_TEST, assert_accessible, sign_in
from tests.reviews.reports_support import D, appoint, direction_with_priorities, generated, write_ministerial_words

pytestmark = BROWSER_TEST
CHARLIE = "charlie@commissioner.example"
DORA = "dora@education.example"
SUMMARY = "The council has kept up the pace of improvement this quarter."
DECLARATION = "I have read version 2 and it is accurate as at 31 December 2023."


def words(text: str) -> str:
    return " ".join(text.split())


def generate_the_waiting_version(report) -> None:
    """The worker's part, run here: the page asked for the version, the task would render it."""
    version = report.versions.order_by("-number").first()
    reports.generate_version(version_id=version.pk)


def test_the_commissioner_is_refused_sign_off_until_the_summary_is_written_and_dfe_downloads_the_signed_version(
    page: Page, browser, live_server, charlie, dora, hereford_case
):
    direction_with_priorities(hereford_case)
    appoint(dora, hereford_case, Role.DFE_CASE_LEAD)
    update = reports.create_report(
        intervention=hereford_case,
        kind="ministerial_update",
        period_start=D(2023, 10, 1),
        period_end=D(2023, 12, 31),
        by=charlie,
    )
    write_ministerial_words(update, by=charlie)  # the commissioner's words are written: the summary is not
    generated(update, by=charlie)

    # The report page says what is left; the commissioner tries to sign it off all the same.
    sign_in(page, CHARLIE)
    page.goto(update.get_absolute_url())
    expect(page.get_by_role("heading", name="Before it can be signed off")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign off version 1").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("This report cannot be signed off until it is complete")
    expect(page).to_have_title(re.compile(r"^Error: Sign off"))
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert_accessible(page)

    # The error links to the summary's own field.
    summary.get_by_role("link", name=re.compile(r"^Summary: Write the summary")).click()
    expect(page).to_have_url(re.compile(rf"/reports/{update.pk}/summary/#id_commentary$"))
    assert_accessible(page)
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_role("button", name="Save").click()

    # Nothing is left; a new version carries the summary.
    expect(page.get_by_role("heading", name="Before it can be signed off")).to_have_count(0)
    page.get_by_role("button", name="Generate a new version").click()
    generate_the_waiting_version(update)
    page.reload()
    assert_accessible(page)
    page.get_by_role("button", name="Sign off version 2").click()

    # The declaration must be ticked.
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    page.get_by_role("button", name="Sign off version 2").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you have read version 2 and it is accurate"
    )
    assert_accessible(page)
    page.get_by_label(DECLARATION).check()
    page.get_by_role("button", name="Sign off version 2").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Signed off.")
    expect(page.get_by_text(DECLARATION)).to_be_visible()
    assert_accessible(page)
    generate_the_waiting_version(update)
    final = ReportVersion.objects.get(report=update, is_final=True)
    assert (final.number, final.declaration) == (3, DECLARATION)

    # DfE downloads the signed version.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    dfe = context.new_page()
    sign_in(dfe, DORA)
    dfe.goto(update.get_absolute_url())
    expect(dfe.get_by_role("heading", name="Signed off")).to_be_visible()
    assert_accessible(dfe)
    with dfe.expect_download() as download_info:
        dfe.get_by_role("link", name="download the PDF").click()
    content = Path(download_info.value.path()).read_bytes()
    text = words("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages))
    assert SUMMARY in text
    assert "Signed off by Charlie Brazil, Commissioner" in text
    assert "DRAFT" not in text
    context.close()
