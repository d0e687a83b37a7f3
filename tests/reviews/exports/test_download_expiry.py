"""Prepared downloads expire (issue 16): a week after it is ready the worker removes the file from
storage and marks the row expired; asking for it then says so plainly, with a 410."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from intervention.models import PreparedDownload
from reviews.services import exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_download(dora):
    download = PreparedDownload.objects.create(kind="indicator_values", file_format="csv", requested_by=dora)
    assert exports.prepare_download(download_id=download.pk) == "ready"
    download.refresh_from_db()
    return download


def test_a_ready_download_expires_a_week_after_it_was_ready(ready_download):
    assert ready_download.expires_at == ready_download.finished_at + exports.DOWNLOAD_KEPT_FOR


def test_the_worker_removes_an_expired_file_from_storage_and_marks_it_expired(ready_download):
    storage, name = ready_download.file.storage, ready_download.file.name
    assert storage.exists(name)

    with time_machine.travel(ready_download.expires_at + datetime.timedelta(minutes=1)):
        assert exports.expire_downloads() == 1
        assert exports.expire_downloads() == 0  # safe to run twice

    ready_download.refresh_from_db()
    assert ready_download.status == PreparedDownload.Status.EXPIRED
    assert not ready_download.file
    assert not storage.exists(name)


def test_a_download_not_yet_due_is_kept(ready_download):
    assert exports.expire_downloads(now=timezone.now()) == 0
    ready_download.refresh_from_db()
    assert ready_download.status == PreparedDownload.Status.READY


def test_asking_for_an_expired_download_says_so_with_a_410(client, dora, ready_download):
    exports.expire_downloads(now=ready_download.expires_at)
    client.force_login(dora)

    response = client.get(reverse("download_file", args=[ready_download.pk]))
    listing = client.get(reverse("downloads"))

    assert response.status_code == 410
    assert "This download has expired" in response.text
    assert "Expired" in listing.text


def test_someone_elses_expired_download_is_still_a_404(client, charlie, ready_download):
    exports.expire_downloads(now=ready_download.expires_at)
    client.force_login(charlie)

    assert client.get(reverse("download_file", args=[ready_download.pk])).status_code == 404
