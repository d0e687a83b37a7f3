"""Signing in through a real OpenID Connect provider (tests/oidc_provider, on loopback) in a real
browser: the provider's button on the sign-in page, the provider's own sign-in form, and back to the
service as the person this service knows. Every page of the service's is checked with axe."""

import re

from playwright.sync_api import expect

from tests.browser.support import BROWSER_TEST, assert_accessible, title
from tests.oidc_provider.fixture import PROVIDER_LABEL, PROVIDER_NAME, PROVIDER_PASSWORD

pytestmark = BROWSER_TEST
PROVIDER_TIMEOUT_MS = 20_000


def sign_in_through_the_provider(page, provider, email: str) -> None:
    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name=f"Sign in with {PROVIDER_LABEL}").click()
    # The provider is another process on a loaded machine: allow it longer than the service's pages.
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.url)}/login/"), timeout=PROVIDER_TIMEOUT_MS)
    page.get_by_label("Provider username").fill(email)
    page.get_by_label("Provider password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"^(?!" + re.escape(provider.url) + ")"), timeout=PROVIDER_TIMEOUT_MS)


def test_a_council_officer_signs_in_through_the_provider_and_lands_on_her_case(
    page, live_server, oidc_provider, alice, hereford_case
):
    oidc_provider.allow_redirect(f"{live_server.url}/sign-in/with/{PROVIDER_NAME}/callback/")
    oidc_provider.add_person("alice@herefordshire.example")

    sign_in_through_the_provider(page, oidc_provider, "alice@herefordshire.example")

    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Herefordshire Council")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)


def test_dfe_staff_sign_in_through_the_provider_and_see_every_intervention(
    page, live_server, oidc_provider, dora, hereford_case, worcester_case
):
    oidc_provider.allow_redirect(f"{live_server.url}/sign-in/with/{PROVIDER_NAME}/callback/")
    oidc_provider.add_person("dora@education.example")

    sign_in_through_the_provider(page, oidc_provider, "dora@education.example")

    expect(page).to_have_url(re.compile(r"/interventions/$"))
    table = page.get_by_role("table", name="Interventions you can see")
    expect(table.get_by_role("link")).to_have_text(["Herefordshire", "Worcestershire"])
    assert_accessible(page)


def test_someone_the_service_does_not_know_is_told_to_ask_their_case_lead(page, live_server, oidc_provider):
    oidc_provider.allow_redirect(f"{live_server.url}/sign-in/with/{PROVIDER_NAME}/callback/")
    oidc_provider.add_person("stranger@example.org")

    sign_in_through_the_provider(page, oidc_provider, "stranger@example.org")

    expect(page).to_have_title(title("You do not have access to this service yet"))
    expect(page.get_by_text("Ask your DfE case lead for access")).to_be_visible()
    assert_accessible(page)


def test_a_tampered_token_is_refused_with_a_way_to_try_again(page, live_server, oidc_provider, alice):
    oidc_provider.allow_redirect(f"{live_server.url}/sign-in/with/{PROVIDER_NAME}/callback/")
    oidc_provider.add_person("alice@herefordshire.example")
    oidc_provider.misbehave_next("tamper")

    sign_in_through_the_provider(page, oidc_provider, "alice@herefordshire.example")

    expect(page).to_have_title(title("You could not be signed in"))
    assert_accessible(page)
    page.get_by_role("link", name="Try signing in again").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
