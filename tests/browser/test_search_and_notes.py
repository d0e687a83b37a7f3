"""A DfE case lead in a real browser (issue 16): searches from the header for a phrase of an
instruction and finds it, writes a restricted case note and shares it with the commissioner, and makes
an API token. axe finds nothing on the search, notes and token pages."""

import datetime

from playwright.sync_api import Page, expect

from intervention.enums import Role
from tests.browser.support import BROWSER_TEST, assert_accessible, sign_in, title
from tests.factories import AppointmentFactory
from tests.reviews import progress_fixtures

pytestmark = BROWSER_TEST
DORA = "dora@education.example"
instruction = progress_fixtures.instruction


def test_a_case_lead_searches_for_an_instruction_and_keeps_a_note(page: Page, dora, hereford_case, instruction):
    AppointmentFactory(
        person=dora.person, intervention=hereford_case, role=Role.DFE_CASE_LEAD, starts_on=datetime.date(2021, 5, 18)
    )
    sign_in(page, DORA)
    page.get_by_role("search").get_by_label("Search the cases you work on").fill("recruit permanent social workers")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    quoted = "\N{LEFT SINGLE QUOTATION MARK}recruit permanent social workers\N{RIGHT SINGLE QUOTATION MARK}"
    expect(page).to_have_title(title(f"Search results for {quoted}"))
    assert_accessible(page)
    results = page.get_by_role("region", name="Herefordshire Council")
    expect(results.locator("mark").first).to_be_visible()
    results.get_by_role("link", name="Instruction 1: Recruitment plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recruitment plan")

    page.goto(hereford_case.get_absolute_url())
    page.get_by_role("link", name="Case notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case notes")
    assert_accessible(page)
    page.get_by_role("button", name="Write a case note").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a title for the note")
    assert_accessible(page)
    page.get_by_label("Call or meeting").check()
    page.get_by_label("Title").fill("Call with the DCS")
    page.get_by_label("Note", exact=True).fill("The director expects the inspection in March.")
    page.get_by_label("Share this note with the commissioner and advisers on the case").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("heading", name="Call with the DCS")).to_be_visible()
    expect(page.get_by_text("Shared with the commissioner")).to_be_visible()
    assert_accessible(page)

    page.goto("/account/api-tokens/")
    assert_accessible(page)
    page.get_by_label("Name the token").fill("Weekly extract")
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_text("Copy this token now")).to_be_visible()
    assert_accessible(page)
    page.goto("/api/v1/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The read-only API")
    assert_accessible(page)
