"""The main path with the keyboard alone: no mouse, no clicks (WCAG 2.1.1 Keyboard, 2.4.1 Bypass Blocks)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.support import BROWSER_TEST, PASSWORD, assert_accessible

pytestmark = BROWSER_TEST


def focused(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()")


def test_signing_in_and_out_with_the_keyboard_alone(page, alice, hereford_case):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    assert_accessible(page)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # hidden until focused
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type("alice@herefordshire.example")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Herefordshire Council")
    assert_accessible(page)

    # The new page starts at the top: skip link, GOV.UK, the service's name, the navigation, Sign out.
    sign_out = page.get_by_role("button", name="Sign out")
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page) == "Sign out":
            break
    expect(sign_out).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
