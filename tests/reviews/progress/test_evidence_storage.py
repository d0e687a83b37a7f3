"""Evidence kept in object storage when a deployment has one: the file is in the bucket, not on the
machine's disk, so any web process on any machine serves the download."""

import datetime

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.services import progress
from tests.conftest import S3_BUCKET, use_object_storage

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_with_object_storage_evidence_is_kept_in_the_bucket_and_not_on_disk(
    settings, s3_server, client, alice, hereford_case, priority
):
    use_object_storage(settings, s3_server)
    update = progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="Agency use fell",
        rag="amber",
        period_start=datetime.date(2023, 4, 1),
        period_end=datetime.date(2023, 6, 30),
        service_priority=priority,
        evidence=[SimpleUploadedFile("report.pdf", PDF)],
    )
    evidence = update.evidence.get()
    bucket = boto3.client(
        "s3", endpoint_url=s3_server, region_name="eu-west-2", aws_access_key_id="t", aws_secret_access_key="t"
    )
    stored = bucket.get_object(Bucket=S3_BUCKET, Key=f"evidence/{evidence.file.name}")
    assert stored["Body"].read() == PDF
    assert not (settings.MEDIA_ROOT / "evidence" / evidence.file.name).exists()
    client.force_login(alice)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert b"".join(response.streaming_content) == PDF
    response.close()
