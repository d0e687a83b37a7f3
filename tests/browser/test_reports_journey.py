"""A report in a real browser: a DfE case lead prepares a six-weekly highlight report, the page says it
is being generated, a real Celery worker renders it, and the page's own script (no reload) links to the
PDF and the web page, which both carry the report's title. Every page is checked with axe."""

import hashlib
import io
import re
from pathlib import Path

import pypdf
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from intervention.celery import app
from reviews.models import ReportVersion
from tests.browser.support import BROWSER_TEST, assert_accessible, fill_date, sign_in, title

pytestmark = BROWSER_TEST
DORA = "dora@education.example"
COMMENTARY = "Recruitment of permanent team managers remains the main risk."
# The page's script first asks after 2 s, then 3, 4.5, 6.75 and 10.1 s later: time enough for the
# worker to start and render (about 1.5 s for a first rendering) and for a few more asks on a slow machine.
GENERATED_WITHIN_MS = 45_000


def words(text: str) -> str:
    """Text with its runs of white space (a PDF's line breaks) made single spaces."""
    return " ".join(text.split())


def test_a_case_lead_generates_a_highlight_report_and_downloads_it_when_the_page_says_it_is_ready(
    page, dora, hereford_case
):
    council = hereford_case.local_authority.council_name
    report_title = f"Highlight report: {council}'s children's services"

    # Signed in, from the list of interventions to the case's reports.
    sign_in(page, DORA)
    expect(page).to_have_url(re.compile(r"/interventions/$"))
    assert_accessible(page)
    page.get_by_role("table", name="Interventions you can see").get_by_role("link", name="Herefordshire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(council)
    assert_accessible(page)
    page.get_by_role("link", name="Reports: cabinet report, reports to the Minister, highlight reports").click()
    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/reports/$"))
    expect(page).to_have_title(title("Reports \N{EN DASH} Herefordshire"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_text("No reports have been prepared for this case.")).to_be_visible()
    assert_accessible(page)

    # Prepare the report: its kind, then its period.
    page.get_by_role("button", name="Prepare a report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What kind of report?")
    assert_accessible(page)
    page.get_by_label("Six-weekly highlight report").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Six-weekly highlight report")
    assert_accessible(page)
    fill_date(page, "First day of the period it covers", "20", "9", "2023")
    fill_date(page, "Last day of the period it covers", "31", "10", "2023")
    page.get_by_label("Risks and other points (optional)").fill(COMMENTARY)
    page.get_by_role("button", name="Start the report").click()

    # Starting it asks for version 1. No worker is running yet, so the page can only say it is on its way.
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(report_title)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Version 1 is being generated.")
    status = page.get_by_role("status")
    expect(status).to_have_text("Version 1 is being generated. This usually takes less than a minute.")
    versions = page.get_by_role("table", name="Versions of the report, newest first")
    expect(versions).to_contain_text("Generating")
    expect(versions.get_by_role("link")).to_have_count(0)
    report_url = page.url
    version = ReportVersion.objects.get(report__intervention=hereford_case)
    assert (version.number, version.status) == (1, "generating")
    assert_accessible(page)
    # A reload would lose this: it shows that what follows happened on the same page.
    page.evaluate("() => { window.notReloaded = true; }")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        download_link = status.get_by_role("link", name="Download version 1 (PDF)")
        expect(download_link).to_be_visible(timeout=GENERATED_WITHIN_MS)

    assert page.evaluate("() => window.notReloaded") is True
    assert page.url == report_url
    expect(status).to_contain_text("Version 1 is ready.")
    # The script put the version's row right too: nothing on the page still says "Generating".
    expect(versions).to_contain_text("Ready")
    expect(versions).not_to_contain_text("Generating")
    expect(versions.get_by_role("link", name="PDF of version 1")).to_have_attribute("href", version.download_url)
    version.refresh_from_db()
    assert version.status == "ready"
    assert_accessible(page)

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == version.filename
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == version.sha256
    text = words("\n".join(pdf_page.extract_text() for pdf_page in pypdf.PdfReader(io.BytesIO(content)).pages))
    assert report_title in text
    assert COMMENTARY in text

    # The same version as a web page.
    status.get_by_role("link", name="read it as a web page").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/versions/1/$"))
    expect(page).to_have_title(title(f"{report_title}, version 1 \N{EN DASH} Herefordshire"))
    expect(page.get_by_role("heading", level=1)).to_have_text(report_title)
    expect(page.get_by_role("main")).to_contain_text(COMMENTARY)
    expect(page.get_by_role("link", name="Download this version as a PDF")).to_have_attribute(
        "href", version.download_url
    )
    assert_accessible(page)
