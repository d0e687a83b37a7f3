"""A DfE case lead's Monday morning in a real browser (issue 16, "Done when"): the dashboard filtered to
"my cases, any red, overdue", sorted by the oldest overdue deadline, the XLSX download read back with
openpyxl (its rows are the page's rows), and a case opened from the result. axe checks every page."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from directions import services as directions_services
from directions.models import Clause, Instrument, ServicePriority
from intervention.enums import Organisation, Role
from reviews.enums import DeadlineStatus
from reviews.models import Deadline, ProgressUpdate
from tests.browser.support import BROWSER_TEST, assert_accessible, sign_in
from tests.factories import AppointmentFactory, InterventionFactory, PersonFactory, UserFactory, authority

pytestmark = BROWSER_TEST
DORA = "dora@education.example"


def red_case(local_authority, *, lead, overdue_days, red=True):
    """A case under a direction with one service priority, rated red (or green), and an overdue deadline."""
    case = InterventionFactory(local_authority=local_authority, opened_on=datetime.date(2021, 5, 18))
    draft = Instrument.objects.create(
        intervention=case,
        kind="statutory_direction",
        legal_basis="497A(4B)",
        title="Direction",
        addressed_to=local_authority.council_name,
        issued_on=datetime.date(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    Clause.objects.create(instrument=draft, label="7", text="To comply")
    priority = ServicePriority.objects.create(
        instrument=draft, label="i", position=1, title="Permanent social workers", short_name="Workforce"
    )
    issuer = UserFactory(is_superuser=True, username=f"issuer{case.pk}@casework.example")
    directions_services.issue_instrument(instrument=draft, by=issuer)
    ProgressUpdate.objects.create(
        intervention=case,
        service_priority=priority,
        narrative="Agency rate up again",
        rag="red" if red else "green",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 1, 31),
        author=lead.user,
    )
    Deadline.objects.create(
        intervention=case,
        what="Evidence of progress",
        computed_on=timezone.localdate() - datetime.timedelta(days=overdue_days),
        status=DeadlineStatus.OPEN,
    )
    AppointmentFactory(person=lead, intervention=case, role=Role.DFE_CASE_LEAD)
    return case


def table_rows(page: Page) -> list[str]:
    return page.locator("#dashboard-table tbody th a").all_inner_texts()


def test_a_case_lead_filters_sorts_downloads_and_opens_a_case(page: Page, dora, live_server):
    lead = dora.person
    red_case(authority("884"), lead=lead, overdue_days=5)  # Herefordshire: mine, red, overdue
    red_case(authority("885"), lead=lead, overdue_days=60)  # Worcestershire: mine, red, longer overdue
    red_case(authority("886"), lead=lead, overdue_days=9, red=False)  # mine, overdue, but green
    other = PersonFactory(name="Another lead", organisation=Organisation.DFE)
    red_case(authority("887"), lead=other, overdue_days=90)  # red and overdue, but someone else's

    sign_in(page, DORA)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert_accessible(page)

    page.get_by_label("My cases (cases I am appointed to)").check()
    page.get_by_label("Any service priority rated red").check()
    page.get_by_role("group", name="Overdue deadlines").get_by_label("Yes").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"mine=true.*red=true.*overdue=yes"))
    assert sorted(table_rows(page)) == ["Herefordshire", "Worcestershire"]

    page.get_by_role("link", name=re.compile(r"^Oldest overdue")).click()
    expect(page.get_by_role("columnheader", name=re.compile("Oldest overdue"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    rows = table_rows(page)
    assert rows == ["Worcestershire", "Herefordshire"]  # the longest overdue first
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Excel \(XLSX\)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    downloaded = list(sheet.iter_rows(values_only=True))
    assert downloaded[0][0] == "Local authority"
    assert [row[0] for row in downloaded[1:]] == rows
    assert isinstance(downloaded[1][7], datetime.datetime)  # the oldest overdue date is a date cell

    page.locator("#dashboard-table tbody").get_by_role("link", name="Herefordshire").click()
    expect(page).to_have_url(re.compile(r"/interventions/\d+/$"))
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    assert_accessible(page)
