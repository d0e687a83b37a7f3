"""A signed report's PDF fetched through the API (issue 16) is the signed version's bytes exactly: the
same SHA-256 the report's page shows, not a draft and not a fresh rendering."""

import hashlib

import pytest
from django.urls import reverse

from intervention import services
from reviews.services import reports
from tests.reviews.reports_support import direction_with_priorities, generated, held_review, ready_to_sign

pytestmark = pytest.mark.django_db


def test_a_signed_reports_pdf_through_the_api_is_the_signed_bytes(client, charlie, dora, hereford_case, file_storage):
    direction_with_priorities(hereford_case)
    review = held_review(hereford_case, by=charlie)
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    ready_to_sign(report, by=dora)
    draft = generated(report, by=dora)
    final = reports.sign_off(version=draft, by=charlie, declared=True)
    reports.generate_version(version_id=final.pk)
    final.refresh_from_db()
    with final.file.open("rb") as handle:
        signed = handle.read()
    _, secret = services.create_api_token(name="pdf", by=dora)

    response = client.get(reverse("api-report-pdf", args=[report.pk]), HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    fetched = b"".join(response.streaming_content)
    assert fetched == signed
    assert hashlib.sha256(fetched).hexdigest() == final.sha256
    with draft.file.open("rb") as handle:
        assert fetched != handle.read()
