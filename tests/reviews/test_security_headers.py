"""The security headers under production settings, on the pages that matter most: a case page, a report
download and an evidence download. Then every case page as its officer sees it: the site's
Content-Security-Policy, never cached, and nothing inline for the policy to block."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.services import progress, reports
from tests.production import production_settings
from tests.reviews.progress.test_progress_pages import close, every_case_url
from tests.reviews.reports_support import direction_with_priorities, generated, held_review

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SITE_POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
EVIDENCE_POLICY = "default-src 'none'; sandbox"
# Inline script (a script element without src, or an event handler attribute) and inline style (a style
# element or attribute): what a policy without 'unsafe-inline' blocks.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in response["Content-Security-Policy"].split(";"))
    return {parts[0]: parts[1] if len(parts) > 1 else "" for parts in directives}


def cache_directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_production_headers(response) -> None:
    assert "no-store" in cache_directives(response), response.get("Cache-Control")
    assert {"camera=()", "geolocation=()", "microphone=()", "payment=()"} <= set(
        response["Permissions-Policy"].split(", ")
    )
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture
def production():
    with production_settings() as applied:
        yield applied


@pytest.fixture
def update(alice, hereford_case, priority):
    return progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="Agency use fell",
        rag="amber",
        period_start=D(2023, 4, 1),
        period_end=D(2023, 6, 30),
        service_priority=priority,
        evidence=[SimpleUploadedFile("report.pdf", PDF)],
    )


def test_the_production_settings_are_production_shaped(production):
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["CSRF_COOKIE_SECURE"] is True


def test_a_case_page_under_production_settings(client, alice, hereford_case, production):
    client.force_login(alice)
    assert client.get(f"/interventions/{hereford_case.pk}/").status_code == 301  # plain HTTP goes to HTTPS
    response = client.get(f"/interventions/{hereford_case.pk}/", secure=True)
    assert response.status_code == 200
    assert_production_headers(response)
    assert policy(response) == SITE_POLICY


def test_a_report_download_under_production_settings(file_storage, client, charlie, dora, hereford_case):
    direction_with_priorities(hereford_case)
    review = held_review(hereford_case, by=charlie)
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    version = generated(report, by=dora)
    client.force_login(dora)
    with production_settings():
        response = client.get(version.download_url, secure=True)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert_production_headers(response)
        assert policy(response) == SITE_POLICY
        close(response)


def test_an_evidence_download_keeps_its_own_stricter_policy_under_production_settings(
    file_storage, client, alice, update, production
):
    evidence = update.evidence.get()
    client.force_login(alice)
    response = client.get(f"/evidence/{evidence.pk}/", secure=True)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert_production_headers(response)
    assert response["Content-Security-Policy"] == EVIDENCE_POLICY
    close(response)


def test_the_calendar_feed_is_private_and_revalidated_on_every_poll(client, alice, hereford_case):
    from reviews import calendar

    token = calendar.make_feed_token(user=alice)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    # No shared cache may keep it; the person's calendar program keeps it and asks again each poll (a 304).
    assert {"private", "no-cache", "max-age"} <= cache_directives(response)
    assert "public" not in cache_directives(response)


def test_every_case_page_has_the_policy_no_store_and_nothing_inline(
    client, alice, hereford_case, priority, indicator, action, instruction, update
):
    urls = [*every_case_url(hereford_case, priority, indicator, action, instruction, update), "/", "/deadlines/"]
    client.force_login(alice)
    pages = 0
    for url in urls:
        # Some addresses need more than a case (a report's pk, a query string): their 404 and 403 pages count too.
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        assert "no-store" in cache_directives(response), url
        if response["Content-Type"].startswith("text/html"):
            pages += response.status_code == 200
            assert policy(response) == SITE_POLICY, url
            assert not INLINE.findall(response.text), url
        if hasattr(response, "streaming_content"):
            close(response)
    assert pages >= 10
