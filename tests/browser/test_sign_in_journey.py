"""Signing in and out in a real browser, as each kind of person sees it. Every page is checked with axe."""

import re

from playwright.sync_api import expect

from intervention.forms import WRONG_EMAIL_OR_PASSWORD
from tests.browser.support import BROWSER_TEST, assert_accessible, sign_in, title

pytestmark = BROWSER_TEST


def test_a_council_officer_signs_in_and_lands_on_her_case(page, alice, charlie, hereford_case):
    sign_in(page, "alice@herefordshire.example")

    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))
    expect(page).to_have_title(title("Herefordshire"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Herefordshire Council")
    expect(page.get_by_role("table", name="Current appointments")).to_contain_text("Charlie Brazil")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_email(page, alice):
    sign_in(page, "alice@herefordshire.example", "not the password")

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    summary = page.locator(".govuk-error-summary")
    # GOV.UK Frontend moves focus to the summary, so a screen reader announces it at once.
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("alice@herefordshire.example")
    expect(page.get_by_label("Password")).to_have_value("")
    assert_accessible(page)

    summary.get_by_role("link", name=WRONG_EMAIL_OR_PASSWORD).click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_an_empty_form_links_each_message_to_its_field(page):
    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    for message, label in [("Enter your email address", "Email address"), ("Enter your password", "Password")]:
        field = page.get_by_label(label)
        # The message is shown by the field and read out with it.
        expect(field).to_have_accessible_description(re.compile(message))
        summary.get_by_role("link", name=message).click()
        expect(field).to_be_focused()
    assert_accessible(page)


def test_dfe_staff_see_every_intervention(page, dora, hereford_case, worcester_case):
    sign_in(page, "dora@education.example")

    expect(page).to_have_url(re.compile(r"/interventions/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Interventions")
    navigation = page.get_by_role("navigation", name="Menu")
    expect(navigation.get_by_role("link", name="Interventions")).to_have_attribute("aria-current", "page")
    # Sign out is a button (it must POST) but reads as one of the menu's links.
    link_colour = navigation.get_by_role("link", name="Admin").evaluate("link => getComputedStyle(link).color")
    expect(navigation.get_by_role("button", name="Sign out")).to_have_css("color", link_colour)
    table = page.get_by_role("table", name="Interventions you can see")
    expect(table.get_by_role("link")).to_have_text(["Herefordshire", "Worcestershire"])
    assert_accessible(page)

    table.get_by_role("link", name="Worcestershire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Worcestershire County Council")
    assert_accessible(page)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Interventions").click()
    expect(page).to_have_url(re.compile(r"/interventions/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Interventions")
    assert_accessible(page)


def test_signing_out_from_the_header_ends_the_session(page, alice, hereford_case):
    sign_in(page, "alice@herefordshire.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Herefordshire Council")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"/interventions/{hereford_case.pk}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)


def test_another_councils_case_is_page_not_found(page, bob, hereford_case):
    sign_in(page, "bob@worcestershire.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Interventions")
    expect(page.get_by_text("You are not working on any interventions")).to_be_visible()
    assert_accessible(page)

    response = page.goto(f"/interventions/{hereford_case.pk}/")

    assert response.status == 404
    expect(page).to_have_title(title("Page not found"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("main")).not_to_contain_text("Herefordshire")
    assert_accessible(page)


def test_a_locked_out_officer_unlocks_her_account_from_an_email(page, alice, hereford_case, monkeypatch):
    from django.core import mail

    from tests.outbox import run_promises

    for _ in range(5):
        sign_in(page, "alice@herefordshire.example", "not the password")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in at the moment")
    assert_accessible(page)

    page.get_by_role("link", name="get an email with a link to unlock your account").click()
    expect(page).to_have_title(title("Unlock your account"))
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Email address").fill("alice@herefordshire.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    # No worker here: the promised email is run in the test, and lands in the test's outbox.
    run_promises(task_name="intervention.email_unlock_link")
    [message] = mail.outbox
    path = re.search(r"https?://[^/\s]+(/sign-in/unlock/\S+/)", message.body).group(1)
    page.goto(path)
    assert_accessible(page)
    page.get_by_role("button", name="Unlock my account").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your account is unlocked")
    assert_accessible(page)

    sign_in(page, "alice@herefordshire.example")
    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(page)


def test_a_person_who_cannot_sign_in_finds_help_and_the_service_pages(page):
    page.goto("/sign-in/")
    footer = page.get_by_role("contentinfo")
    for link, heading in [
        ("Help and contact", "Help and contact"),
        ("Accessibility statement", re.compile(r"^Accessibility statement for")),
        ("Privacy", "Privacy notice"),
        ("Cookies", "Cookies"),
    ]:
        footer.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.get_by_role("link", name="give your feedback").click()
    expect(page).to_have_url(re.compile(r"/help/#feedback$"))
    expect(page.get_by_role("heading", name="Give feedback")).to_be_visible()
