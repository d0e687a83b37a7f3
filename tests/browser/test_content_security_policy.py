"""Chromium enforces the Content-Security-Policy: the admin's own scripts and styles, and the calendar page,
work under it. (The page fixture fails a test on anything the policy blocked; the other journeys run
under it too.)"""

import re

from playwright.sync_api import expect

from tests.browser.support import BROWSER_TEST, sign_in

pytestmark = BROWSER_TEST


def test_the_admin_works_under_the_policy(page, dora, hereford_case):
    sign_in(page, "dora@education.example")
    page.wait_for_url(re.compile(r"/interventions/$"))
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Casework administration")).to_be_visible()
    page.goto(f"/admin/intervention/intervention/{hereford_case.pk}/change/")
    expect(page.locator("#intervention_form")).to_be_visible()
    page.goto("/admin/directions/instrument/add/")
    expect(page.locator("#instrument_form")).to_be_visible()
    page.goto(f"/admin/intervention/intervention/{hereford_case.pk}/history/")
    history_paginator = page.locator("#change-history + .paginator")
    expect(history_paginator).to_contain_text("1 entry")
    expect(history_paginator).to_have_css("border-top-width", "0px")


def test_the_calendar_address_is_shown_once(page, alice, hereford_case):
    sign_in(page, "alice@herefordshire.example")
    page.wait_for_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))
    page.goto("/calendar/")
    page.get_by_role("button", name="Make a calendar address").click()
    address = page.locator(".app-feed-url")
    expect(address).to_contain_text(re.compile(r"/calendar/[\w-]{43}\.ics$"))
    page.reload()
    expect(page.locator(".app-feed-url")).to_have_count(0)
    expect(page.get_by_role("button", name="Make a new address")).to_be_visible()
