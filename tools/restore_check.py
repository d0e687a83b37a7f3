"""The two halves of `make restore-check` (tools/restore-check.sh), run with DATABASE_URL and MEDIA_ROOT set.

restore_check.py seed FINGERPRINT     on the source: make sure there is a case with history and an
                                      evidence file, and write what the restored copy must match
restore_check.py verify FINGERPRINT   on the restored copy: the same cases and history, and the
                                      evidence file downloads, through the permission-checked view,
                                      with the same bytes (SHA-256) as were uploaded
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intervention.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402

from directions.models import ServicePriority  # noqa: E402
from intervention.models import Intervention, Person  # noqa: E402
from reviews.models import EvidenceFile  # noqa: E402
from reviews.services import progress  # noqa: E402

EVIDENCE = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n% restore check\n"


def fingerprint() -> dict[str, object]:
    evidence = EvidenceFile.objects.order_by("pk").last()
    return {
        "cases": sorted(Intervention.objects.values_list("pk", flat=True)),
        "case_history": Intervention.history.count(),
        "evidence_files": EvidenceFile.objects.count(),
        "evidence_history": EvidenceFile.history.count(),
        "evidence_pk": evidence.pk if evidence else None,
        "evidence_sha256": evidence.sha256 if evidence else None,
    }


def seed(path: Path) -> None:
    priority = ServicePriority.objects.select_related("instrument__intervention").first()
    case = priority.instrument.intervention if priority else None
    officer = (
        Person.objects.filter(organisation="council", user__isnull=False, local_authority_id=case.local_authority_id)
        .select_related("user")
        .first()
        if case
        else None
    )
    if officer is None or case is None or priority is None:
        sys.exit("No council officer with a case: run `manage.py setup_demo` on the source first.")
    progress.log_progress(
        intervention=case,
        by=officer.user,
        narrative="Restore check: evidence kept with the case.",
        rag="amber",
        rag_change_reason="Restore check",
        service_priority=priority,
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2025, 6, 30),
        evidence=[SimpleUploadedFile("restore-check.pdf", EVIDENCE)],
    )
    path.write_text(json.dumps(fingerprint(), indent=2))
    print(f"Source: {fingerprint()}")


def verify(path: Path) -> None:
    expected = json.loads(path.read_text())
    found = fingerprint()
    problems = [
        f"{key}: expected {expected[key]!r}, found {found[key]!r}" for key in expected if expected[key] != found[key]
    ]
    evidence = EvidenceFile.objects.select_related("uploaded_by").get(pk=expected["evidence_pk"])
    client = Client()
    client.force_login(evidence.uploaded_by)
    response = client.get(f"/evidence/{evidence.pk}/")
    if response.status_code != 200:
        problems.append(f"evidence download answered {response.status_code}")
    else:
        content = b"".join(response.streaming_content)
        if hashlib.sha256(content).hexdigest() != expected["evidence_sha256"]:
            problems.append("the downloaded evidence is not the file that was uploaded")
        response.close()
    if problems:
        sys.exit("Restore check FAILED:\n  " + "\n  ".join(problems))
    print(
        f"Restore check passed: {len(found['cases'])} cases, {found['case_history']} case history rows, "
        f"{found['evidence_files']} evidence files; evidence {evidence.pk} downloads with its SHA-256."
    )


if __name__ == "__main__":
    command, target = sys.argv[1], Path(sys.argv[2])
    {"seed": seed, "verify": verify}[command](target)
