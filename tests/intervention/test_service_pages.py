"""The pages every GOV.UK service has: help and contact, the accessibility statement, the privacy notice
and cookies. Anyone can read them, every page links to them, and they say what the service really does."""

from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from intervention.checks import NO_CONTACT
from intervention.service_pages import essential_cookies

pytestmark = pytest.mark.django_db

PAGES = {
    "/help/": "Help and contact",
    "/accessibility/": "Accessibility statement for",
    "/privacy/": "Privacy notice",
    "/cookies/": "Cookies",
}
FOOTER_LINKS = ['href="/help/"', 'href="/accessibility/"', 'href="/privacy/"', 'href="/cookies/"']


@pytest.mark.parametrize(("path", "heading"), PAGES.items())
def test_anyone_can_read_the_page_without_signing_in(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}' in response.text


@pytest.mark.parametrize("path", ["/help/", "/accessibility/", "/privacy/"])
def test_the_contact_address_comes_from_the_settings(client, path):
    with override_settings(SERVICE_CONTACT_EMAIL="intervention.support@education.example"):
        response = client.get(path)
    assert 'href="mailto:intervention.support@education.example' in response.text


def test_the_privacy_notice_names_the_data_protection_officer_when_there_is_one(client):
    with override_settings(DATA_PROTECTION_EMAIL="dpo@education.example"):
        response = client.get("/privacy/")
    assert 'href="mailto:dpo@education.example"' in response.text


def test_feedback_goes_to_the_survey_when_there_is_one(client):
    assert 'href="mailto:casework-support@example.gov.uk?subject=Feedback"' in client.get("/help/").text
    with override_settings(FEEDBACK_URL="https://forms.education.example/casework-feedback"):
        response = client.get("/help/")
    assert 'href="https://forms.education.example/casework-feedback"' in response.text


def test_the_accessibility_statement_states_the_standard_and_how_it_was_tested(client):
    text = client.get("/accessibility/").text
    assert "partially compliant" in text
    assert "Web Content Accessibility Guidelines version 2.2</a> AA standard" in text
    assert "axe-core" in text
    assert "Equality Advisory and Support Service" in text


def test_every_service_page_links_to_them_and_asks_for_feedback(client, dora, hereford_case):
    for response in [client.get("/sign-in/"), client.get("/help/")]:
        assert all(link in response.text for link in FOOTER_LINKS)
    client.force_login(dora)
    response = client.get(f"/interventions/{hereford_case.pk}/")
    assert all(link in response.text for link in FOOTER_LINKS)
    assert 'href="/help/#feedback">give your feedback</a>' in response.text


def test_the_admin_links_to_them_too(client, dora):
    client.force_login(dora)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert all(link in response.text for link in FOOTER_LINKS)


def test_the_cookies_page_lists_every_cookie_the_service_sets(client, alice, hereford_case):
    """Sign in through the form, use a page with a form and sign out: every cookie the service set on
    the way is on the page, and nothing else."""
    seen: set[str] = set()
    for response in [
        client.get("/sign-in/"),
        client.post("/sign-in/", {"username": "alice@herefordshire.example", "password": "a long enough password"}),
        client.get(f"/interventions/{hereford_case.pk}/"),
        client.post("/sign-out/"),
    ]:
        seen |= set(response.cookies)
    listed = {cookie.name for cookie in essential_cookies()}
    assert {"sessionid", "csrftoken"} <= seen
    assert seen <= listed
    text = client.get("/cookies/").text
    assert all(f"<code>{name}</code>" in text for name in listed)


def test_the_cookies_page_says_how_long_the_session_lasts(client):
    with override_settings(SESSION_IDLE_TIMEOUT=timedelta(minutes=20)):
        text = client.get("/cookies/").text
    assert "after 20 minutes without using the service" in text
    assert "at most 12 hours after you sign in" in text


def test_a_deployment_without_a_contact_address_fails_the_deploy_checks():
    with override_settings(SERVICE_CONTACT_EMAIL=""):
        assert NO_CONTACT in run_checks(include_deployment_checks=True)
    with override_settings(SERVICE_CONTACT_EMAIL="intervention.support@education.example"):
        assert NO_CONTACT not in run_checks(include_deployment_checks=True)
