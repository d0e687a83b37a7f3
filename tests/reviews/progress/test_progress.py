"""Logging progress, recording measurements and keeping the plan up to date: the rules, in the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import EvidenceFile, ProgressUpdate
from reviews.services import progress

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def log(user, case, **fields):
    defaults = {
        "narrative": "Agency use fell to 44%",
        "rag": "amber",
        "period_start": D(2023, 4, 1),
        "period_end": D(2023, 6, 30),
    }
    return progress.log_progress(intervention=case, by=user, **(defaults | fields))


def test_an_officer_logs_progress_with_evidence_and_its_hash(alice, hereford_case, priority):
    update = log(
        alice, hereford_case, service_priority=priority, evidence=[SimpleUploadedFile("Workforce report.pdf", PDF)]
    )
    (evidence,) = update.evidence.all()
    import hashlib

    assert (evidence.original_name, evidence.content_type, evidence.sha256) == (
        "Workforce report.pdf",
        "application/pdf",
        hashlib.sha256(PDF).hexdigest(),
    )
    assert "Workforce" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    assert (evidence.period_start, evidence.period_end) == (D(2023, 4, 1), D(2023, 6, 30))
    assert update.history.get().history_user == alice


def test_a_changed_rating_needs_a_reason(alice, hereford_case, priority):
    log(alice, hereford_case, service_priority=priority, rag="amber")
    with pytest.raises(ValidationError) as error:
        log(
            alice,
            hereford_case,
            service_priority=priority,
            rag="green",
            period_start=D(2023, 7, 1),
            period_end=D(2023, 9, 30),
        )
    assert error.value.message_dict["rag_change_reason"] == ["The rating has changed from amber: say why"]
    update = log(
        alice,
        hereford_case,
        service_priority=priority,
        rag="green",
        rag_change_reason="Agency use below 30% for 3 months",
        period_start=D(2023, 7, 1),
        period_end=D(2023, 9, 30),
    )
    assert (
        update.history.get().history_change_reason
        == "Progress logged; rating changed: Agency use below 30% for 3 months"
    )


def test_an_empty_narrative_saves_nothing(alice, hereford_case, priority):
    with pytest.raises(ValidationError) as error:
        log(alice, hereford_case, service_priority=priority, narrative="   ")
    assert error.value.message_dict["narrative"] == ["Describe the progress made"]
    assert ProgressUpdate.objects.count() == 0


def test_a_file_that_is_not_what_its_name_says_saves_nothing(alice, hereford_case, priority):
    with pytest.raises(ValidationError) as error:
        log(
            alice,
            hereford_case,
            service_priority=priority,
            evidence=[SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable")],
        )
    assert error.value.message_dict["evidence"] == [
        "report.pdf: The file must be a PDF, Word document, Excel spreadsheet, CSV, PNG or JPEG"
    ]
    assert (ProgressUpdate.objects.count(), EvidenceFile.objects.count()) == (0, 0)


def test_a_file_over_the_limit_is_refused(alice, hereford_case, priority, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationError) as error:
        log(alice, hereford_case, service_priority=priority, evidence=[big])
    assert error.value.message_dict["evidence"] == ["big.png: The file must be smaller than 1 MB"]


def test_a_csv_is_accepted_and_a_binary_csv_is_not(alice, hereford_case, priority):
    log(
        alice,
        hereford_case,
        service_priority=priority,
        evidence=[SimpleUploadedFile("caseloads.csv", b"team,caseload\nA,18\n")],
    )
    with pytest.raises(ValidationError):
        log(
            alice,
            hereford_case,
            service_priority=priority,
            evidence=[SimpleUploadedFile("x.csv", b"\x00\x01\x02binary")],
        )


def test_a_replaced_file_is_a_new_version_and_the_old_one_stays(alice, hereford_case, priority):
    update = log(alice, hereford_case, service_priority=priority, evidence=[SimpleUploadedFile("plan.pdf", PDF)])
    first = update.evidence.get()
    second = progress.replace_evidence(evidence=first, upload=SimpleUploadedFile("plan v2.pdf", PDF + b"%v2"), by=alice)
    assert (second.version, second.replaces, second.progress_update) == (2, first, update)
    assert EvidenceFile.objects.count() == 2
    first.refresh_from_db()
    with first.file.open("rb") as stored:
        assert stored.read() == PDF
    with pytest.raises(ValidationError, match="newer version"):
        progress.replace_evidence(evidence=first, upload=SimpleUploadedFile("again.pdf", PDF), by=alice)


def test_a_period_in_the_future_is_refused(alice, hereford_case, priority):
    with pytest.raises(ValidationError) as error:
        log(alice, hereford_case, service_priority=priority, period_end=D(2099, 1, 1))
    assert error.value.message_dict["period_end"] == ["The period cannot end in the future"]


def test_another_councils_officer_cannot_log_progress(bob, hereford_case, priority):
    with pytest.raises(PermissionDenied):
        log(bob, hereford_case, service_priority=priority)


def test_a_commissioner_does_not_log_the_councils_progress(charlie, hereford_case, priority):
    with pytest.raises(PermissionDenied):
        log(charlie, hereford_case, service_priority=priority)


def test_a_measurement_out_of_range_is_refused(alice, indicator):
    with pytest.raises(ValidationError) as error:
        progress.record_measurement(indicator=indicator, period_end=D(2023, 3, 31), value=Decimal("140"), by=alice)
    assert error.value.message_dict["value"] == ["A percentage must be between 0 and 100"]


def test_one_value_per_month(alice, indicator):
    progress.record_measurement(indicator=indicator, period_end=D(2023, 3, 31), value=Decimal("51"), by=alice)
    with pytest.raises(ValidationError) as error:
        progress.record_measurement(indicator=indicator, period_end=D(2023, 3, 31), value=Decimal("50"), by=alice)
    assert error.value.message_dict["period_end"] == [
        "A value for March 2023 is already recorded. Change that one instead"
    ]


def test_a_stale_plan_change_is_refused_not_saved_over(alice, bob, action, hereford_case):
    opened_at = action.version
    progress.update_plan_action(action=action, version=opened_at, changes={"status": "in_progress"}, by=alice)
    with pytest.raises(ValidationError) as error:
        progress.update_plan_action(action=action, version=opened_at, changes={"owner": "Someone else"}, by=alice)
    assert error.value.code == "stale"
    action.refresh_from_db()
    assert (action.status, action.owner, action.version) == ("in_progress", "Head of workforce", opened_at + 1)


def test_changing_an_actions_rating_needs_a_reason(alice, action):
    with pytest.raises(ValidationError) as error:
        progress.update_plan_action(action=action, version=action.version, changes={"rag": "red"}, by=alice)
    assert error.value.message_dict["reason"] == ["The rating has changed from amber: say why"]
    progress.update_plan_action(
        action=action, version=action.version, changes={"rag": "red"}, by=alice, reason="Campaign delayed"
    )
    action.refresh_from_db()
    assert action.history.first().history_change_reason == "Campaign delayed"


def test_an_instruction_goes_round_until_the_commissioner_accepts(alice, charlie, hereford_case):
    from directions import services as directions_services

    instruction = directions_services.issue_instruction(
        intervention=hereford_case,
        issued_by=charlie.person,
        by=charlie,
        title="Recruitment plan",
        text="Present it",
        issued_on=D(2023, 4, 3),
        due_on=D(2023, 6, 30),
    )
    progress.respond_with_evidence(
        instruction=instruction, kind="acknowledged", text="Head of workforce leads", by=alice
    )
    progress.respond_with_evidence(
        instruction=instruction,
        kind="submitted",
        text="Plan presented to the board",
        by=alice,
        evidence=[SimpleUploadedFile("plan.pdf", PDF)],
    )
    with pytest.raises(PermissionDenied):
        progress.respond_with_evidence(instruction=instruction, kind="accepted", text="Fine", by=alice)
    progress.respond_with_evidence(instruction=instruction, kind="returned", text="Add the retention offer", by=charlie)
    instruction.refresh_from_db()
    assert instruction.status == "in_progress"
    progress.respond_with_evidence(instruction=instruction, kind="submitted", text="Retention offer added", by=alice)
    progress.respond_with_evidence(instruction=instruction, kind="accepted", text="Complete", by=charlie)
    instruction.refresh_from_db()
    assert instruction.status == "complied"
    assert [r.kind for r in instruction.responses.all()] == [
        "acknowledged",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    with pytest.raises(ValidationError, match="This instruction is complied"):
        progress.respond_with_evidence(instruction=instruction, kind="progress", text="More", by=alice)
