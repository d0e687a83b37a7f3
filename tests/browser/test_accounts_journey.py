"""Local accounts in a real browser: a commissioner signs in with a password and an authenticator app;
DfE invites someone, who accepts and signs in; a forgotten password is reset by email; a deactivated
person is refused and their open session ends. Every page is checked with axe.

Emails go through the worker by task name; here `app.send_task` runs the real task in the live server's
thread at once, so what it sends lands in Django's locmem outbox (mail.outbox)."""

import base64
import re
import time

import pytest
from django.core import mail
from django_otp.oath import hotp
from playwright.sync_api import expect

from intervention.celery import app
from tests.browser.support import BROWSER_TEST, assert_accessible, sign_in, title
from tests.factories import authenticator_for
from tests.outbox import run_promises

pytestmark = BROWSER_TEST

NEW_PASSWORD = "correct horse battery staple"


@pytest.fixture
def worker_runs_tasks_at_once(monkeypatch):
    # No worker: what the pages promise is kept in the outbox, and run by the test before it reads
    # the emails (tests.outbox.run_promises), as the worker would.
    monkeypatch.setattr(app, "send_task", lambda name, kwargs=None, **options: None)
    mail.outbox = []


def code_from_secret(secret: str, step_offset: int = 0) -> str:
    """What an authenticator app shows for a secret typed in by hand (RFC 6238: 30 seconds, 6 digits)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{hotp(key, int(time.time()) // 30 + step_offset):06d}"


def emailed_path(pattern: str) -> str:
    run_promises()
    found = re.search(pattern, str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    return found.group(0).split("127.0.0.1:8000", 1)[1]


def set_up_the_app(page) -> list[str]:
    """On the set-up page: type the secret into the 'app', enter its code, keep the recovery codes."""
    expect(page).to_have_title(title("Set up an authenticator app"))
    expect(page.get_by_role("img", name="QR code to set up your authenticator app")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Set up an authenticator app"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    # django-otp refuses any code for a second after a wrong one (its throttle doubles each failure),
    # as a person retyping would never notice: wait it out, as they would.
    time.sleep(1.2)
    page.get_by_label("Code from your authenticator app").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    assert_accessible(page)
    codes = page.get_by_role("list", name="Your recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Continue").click()
    return codes


def test_a_commissioner_signs_in_with_a_password_and_the_code_from_their_app(page, charlie, hereford_case):
    sign_in(page, "charlie@commissioner.example")  # the password, then the code (tests.browser.support)
    expect(page).to_have_url(re.compile(r"/interventions/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    expect(page).to_have_title(title("Your account"))
    expect(page.get_by_role("main")).to_contain_text("Charlie Brazil")
    expect(page.get_by_role("table", name="Your current appointments")).to_contain_text("Commissioner")
    expect(page.get_by_role("link", name="Your API tokens")).to_have_attribute("href", "/account/api-tokens/")
    expect(page.get_by_role("table", name="Your sessions")).to_contain_text("This session")
    assert_accessible(page)


def test_a_wrong_code_is_refused_and_the_password_alone_opens_nothing(page, charlie, hereford_case):
    authenticator_for(charlie)
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill("charlie@commissioner.example")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(title("Enter the code from your authenticator app"))
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Enter the code"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    page.goto(f"/interventions/{hereford_case.pk}/")
    expect(page).to_have_url(re.compile(r"/sign-in/code/"))
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/sign-in/code/"))


def test_dfe_invite_a_commissioner_who_accepts_sets_up_their_app_and_signs_in(
    page, browser, live_server, dora, hereford_case, worker_runs_tasks_at_once
):
    sign_in(page, "dora@education.example")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Invitations").click()
    expect(page).to_have_title(title("Invitations"))
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Erin Okafor")
    page.get_by_label("Email address").fill("erin@commissioner.example")
    page.get_by_label("Appointed by the Secretary of State").check()
    page.get_by_label("Intervention they are appointed to").select_option(label=str(hereford_case))
    page.get_by_label("Appointment").select_option(label="Commissioner")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Invitation sent to erin@commissioner.example")
    expect(page.get_by_role("table", name="Invitations sent")).to_contain_text("Erin Okafor")
    assert_accessible(page)

    run_promises()
    [message] = mail.outbox
    assert message.to == ["erin@commissioner.example"]
    path = emailed_path(r"http://\S+/invitation/\S+/")

    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1024, "height": 768})
    erin = context.new_page()
    erin.goto(path)
    expect(erin).to_have_title(title("Create your account"))
    assert_accessible(erin)
    erin.get_by_label("Create a password").fill(NEW_PASSWORD)
    erin.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    erin.get_by_role("button", name="Create account").click()
    set_up_the_app(erin)
    expect(erin).to_have_url(re.compile(r"/interventions/$"))
    expect(erin.get_by_role("table", name="Interventions you can see")).to_contain_text("Herefordshire")
    assert_accessible(erin)

    # The link worked once.
    erin.goto(path)
    expect(erin.get_by_role("heading", level=1)).to_have_text("This invitation does not work")
    assert_accessible(erin)
    context.close()


def test_a_forgotten_password_is_reset_by_email(page, alice, hereford_case, worker_runs_tasks_at_once):
    page.goto("/sign-in/")
    page.get_by_role("link", name="I have forgotten my password").click()
    expect(page).to_have_title(title("Reset your password"))
    assert_accessible(page)
    page.get_by_label("Email address").fill("alice@herefordshire.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    page.goto(emailed_path(r"http://\S+/sign-in/reset/\S+/"))
    expect(page).to_have_title(title("Choose a new password"))
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed")
    assert_accessible(page)

    sign_in(page, "alice@herefordshire.example", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))


def test_a_deactivated_person_is_refused_and_their_open_session_ends(
    page, browser, live_server, alice, dora, hereford_case
):
    sign_in(page, "alice@herefordshire.example")
    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))

    # DfE, in a browser of their own, deactivate her account on its page, saying why.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    dfe = context.new_page()
    sign_in(dfe, "dora@education.example")
    dfe.goto(f"/people/{alice.pk}/access/")
    expect(dfe.get_by_role("heading", level=1)).to_have_text("Deactivate their account")
    assert_accessible(dfe)
    dfe.get_by_role("button", name="Deactivate account").click()
    expect(dfe.locator(".govuk-error-summary")).to_contain_text("Enter why")
    assert_accessible(dfe)
    dfe.get_by_label("Why").fill("Left the council on 31 March")
    dfe.get_by_role("button", name="Deactivate account").click()
    expect(dfe.locator(".govuk-notification-banner")).to_contain_text("account is deactivated")
    expect(dfe.get_by_text("Deactivated", exact=True)).to_be_visible()
    assert_accessible(dfe)
    context.close()

    # Her open page sends her to sign in, and signing in again is refused.
    page.reload()
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    assert_accessible(page)
    sign_in(page, "alice@herefordshire.example")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert_accessible(page)
