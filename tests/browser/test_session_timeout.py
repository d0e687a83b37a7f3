"""The idle timeout, in a real browser: a warning with a way to stay signed in before it (WCAG 2.2.1),
and a form sent after it is not lost: after signing in again, what was typed is back in the form."""

import datetime
import re

from playwright.sync_api import expect

from reviews.models import ProgressUpdate
from tests.browser.support import BROWSER_TEST, assert_accessible, sign_in
from tests.reviews import progress_fixtures

pytestmark = BROWSER_TEST
ALICE = "alice@herefordshire.example"
priority = progress_fixtures.priority


def test_the_warning_comes_before_the_timeout_and_staying_signed_in_restarts_the_clock(
    page, settings, alice, hereford_case
):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(seconds=6)
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 4
    sign_in(page, ALICE)
    dialog = page.get_by_role("dialog", name=re.compile(r"about to be signed out$"))
    expect(dialog).to_be_visible(timeout=4000)
    expect(dialog).to_contain_text("you will be signed out in 4 seconds")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page)
    with page.expect_response(re.compile(r"/sign-in/stay/$")) as stayed:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert stayed.value.status == 204
    expect(dialog).to_be_hidden()


def test_a_form_sent_after_the_timeout_is_put_back_after_signing_in_again(
    page, settings, alice, hereford_case, priority
):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(seconds=3)
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 2
    sign_in(page, ALICE)
    page.goto(f"/interventions/{hereford_case.pk}/progress/new/?priority={priority.pk}")
    page.get_by_label("What progress has been made?").fill("Agency use fell to 44% in June")
    page.get_by_label("Amber").check()
    expect(page.get_by_role("dialog").get_by_text("You have been signed out")).to_be_visible(timeout=6000)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save progress update").click()

    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("What you typed has not been saved")
    assert not ProgressUpdate.objects.exists()
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=30)
    page.get_by_label("Email address").fill(ALICE)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/progress/new/\?priority={priority.pk}$"))
    expect(page.get_by_role("region", name="Important")).to_contain_text("Your changes were not saved")
    expect(page.get_by_label("What progress has been made?")).to_have_value("Agency use fell to 44% in June")
    expect(page.get_by_label("Amber")).to_be_checked()
    assert_accessible(page)
    page.reload()
    expect(page.get_by_label("What progress has been made?")).to_have_value("")
