"""Evidence files: kept outside the web root under a safe name, with the SHA-256 of their content so
that they are tamper-evident, and served only through a view that asks intervention.permissions.
A replaced file is a new version; the old one stays."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from directions.models import InstructionResponse
from intervention.files import named_storage
from intervention.models import Intervention
from intervention.permissions import Capability
from intervention.validators import sensible_date
from reviews.evidence_checks import evidence_name
from reviews.models.corrections import Correctable
from reviews.models.progress import ProgressUpdate


def evidence_storage() -> Storage:
    """STORAGES["evidence"]: object storage or disk (intervention.files). No public address either way:
    files are served only through the permission-checked download."""
    return named_storage("evidence")


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """A safe name on disk: the case and a random id, never the uploader's file name."""
    extension = instance.extension or "bin"
    return f"case-{instance.intervention_id}/{uuid.uuid4().hex}.{extension}"


class EvidenceFile(Correctable):
    """A file of evidence. A corrected file is a new version (with the correction's reason); a file
    can be withdrawn with a reason, and is then kept but no longer listed."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="evidence_files")
    progress_update = models.ForeignKey(
        ProgressUpdate, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    instruction_response = models.ForeignKey(
        InstructionResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, storage=evidence_storage, max_length=200)
    # As uploaded, but ending in the extension of the type read from the content (evidence_name).
    original_name = models.CharField(max_length=255, help_text="As uploaded, for display only.")
    content_type = models.CharField(max_length=100, help_text="Detected from the content, not the name.")
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    period_start = models.DateField(
        null=True, blank=True, help_text="The period the evidence speaks for.", validators=[sensible_date]
    )
    period_end = models.DateField(null=True, blank=True, validators=[sensible_date])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_files")
    uploaded_at = models.DateTimeField(default=timezone.now)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The earlier version this file replaces. The earlier one is kept.",
    )
    history = HistoricalRecords()

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def case(self) -> Intervention:
        return self.intervention

    @property
    def download_name(self) -> str:
        """The name it downloads under: its extension is always the type's, whatever it was uploaded as."""
        return evidence_name(self.original_name, self.extension or "bin")

    @property
    def version(self) -> int:
        number, node = 1, self.replaces
        while node is not None:
            number, node = number + 1, node.replaces
        return number
