"""Evidence files about children never outlive their record: a file written for an update whose
transaction rolled back is removed by the hourly sweep, and the count is logged. Files a record owns,
and files still being saved, are left alone."""

import datetime
import logging

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from reviews.models import EvidenceFile, ProgressUpdate
from reviews.services import progress
from tests.reviews.progress.test_corrections import PDF

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def storage(monkeypatch, tmp_path):
    """The evidence storage, in a folder of the test's own."""
    own = FileSystemStorage(location=tmp_path / "evidence", base_url=None)
    monkeypatch.setattr(EvidenceFile._meta.get_field("file"), "storage", own)
    return own


def files_on_disk(storage):
    return sorted(progress._stored_names(storage)) if storage.exists("") else []


def log(alice, case, priority, narrative):
    return progress.log_progress(
        intervention=case,
        by=alice,
        narrative=narrative,
        rag="amber",
        period_start=D(2023, 4, 1),
        period_end=D(2023, 6, 30),
        service_priority=priority,
        evidence=[SimpleUploadedFile("report.pdf", PDF)],
    )


def test_a_file_written_for_a_rolled_back_update_is_removed_and_counted(
    alice, hereford_case, priority, storage, time_machine, caplog
):
    kept = log(alice, hereford_case, priority, "Agency use fell")
    with pytest.raises(RuntimeError), transaction.atomic():
        log(alice, hereford_case, priority, "Written, then the commit failed")
        raise RuntimeError("the connection was killed before the commit")
    assert ProgressUpdate.objects.count() == 1 and EvidenceFile.objects.count() == 1
    assert len(files_on_disk(storage)) == 2  # the rolled-back update's file is still on disk

    assert progress.remove_orphan_evidence_files() == 0  # too new: it may be an upload still being saved
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=2))
    with caplog.at_level(logging.INFO, logger="reviews.services.progress"):
        assert progress.remove_orphan_evidence_files() == 1
    assert "Removed 1 evidence file that no record owns" in caplog.text
    assert files_on_disk(storage) == [kept.evidence.get().file.name]
    assert progress.remove_orphan_evidence_files() == 0
