"""Every change keeps its history with the acting user, from services and from web requests alike."""

import ast
import datetime
from pathlib import Path

import pytest
from django.apps import apps

from intervention import services
from intervention.enums import Role
from intervention.stale import version_of

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
APPS = ["intervention", "directions", "reviews"]


def test_opening_a_case_records_who_opened_it(dora, herefordshire):
    case = services.open_intervention(local_authority=herefordshire, opened_on=datetime.date(2021, 5, 18), by=dora)
    record = case.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        dora,
        "Intervention opened",
    )


def test_ending_an_appointment_keeps_the_appointment_and_says_who_ended_it(dora, charlie):
    appointment = charlie.person.appointments.get()
    services.end_appointment(appointment=appointment, ends_on=datetime.date(2024, 3, 31), by=dora, reason="Term ended")
    latest = appointment.history.latest()
    assert (latest.ends_on, latest.history_user, latest.history_change_reason) == (
        datetime.date(2024, 3, 31),
        dora,
        "Term ended",
    )
    assert appointment.history.count() == 2


def test_closing_a_case_twice_is_refused(dora, hereford_case):
    from django.core.exceptions import ValidationError

    services.close_intervention(
        intervention=hereford_case, closed_on=datetime.date(2025, 1, 31), by=dora, reason="Revoked"
    )
    with pytest.raises(ValidationError, match="already closed on 31 January 2025"):
        services.close_intervention(
            intervention=hereford_case, closed_on=datetime.date(2025, 2, 1), by=dora, reason="Again"
        )


def test_a_change_in_the_admin_records_the_signed_in_user(client, dora, hereford_case):
    client.force_login(dora)
    response = client.post(
        f"/admin/intervention/intervention/{hereford_case.pk}/change/",
        {
            "local_authority": hereford_case.local_authority_id,
            "service_area": hereford_case.service_area,
            "opened_on": "2021-05-18",
            "closed_on": "",
            "summary": "Improvement notice of 18 May 2021",
            "appointments-TOTAL_FORMS": "0",
            "appointments-INITIAL_FORMS": "0",
            "delivery_models-TOTAL_FORMS": "0",
            "delivery_models-INITIAL_FORMS": "0",
            "seen_version": version_of(type(hereford_case), hereford_case.pk),
        },
    )
    assert response.status_code == 302
    latest = hereford_case.history.latest()
    assert (latest.summary, latest.history_user) == ("Improvement notice of 18 May 2021", dora)


# Operational rows, not records of decisions (see their docstrings): no history, and bulk writes to them are fine.
UNTRACKED = {
    "WorkerHeartbeat",
    "Notification",
    "Notice",
    "CaseVisit",
    "AccountSession",
    "OutboxItem",
    "PreparedDownload",
}


def test_every_model_that_records_a_decision_keeps_history():
    untracked = UNTRACKED
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical") or model.__name__ in untracked:
                continue
            assert hasattr(model, "history"), f"{model.__name__} keeps no history"


def _bulk_writes_without_history(path: Path) -> list[str]:
    """Calls of .update(), .bulk_create() or .bulk_update() on a queryset or manager: they write no
    history. A call may opt out with a comment on its lines that starts `# no history:` and gives the reason."""
    source = path.read_text()
    lines = source.splitlines()
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in {"update", "bulk_create", "bulk_update"}:
            continue
        receiver = ast.unparse(node.func.value)
        if not any(marker in receiver for marker in (".objects", "filter(", "exclude(", ".all()", "_set")):
            continue
        if receiver.split(".", 1)[0] in UNTRACKED:
            continue
        if any("# no history:" in line for line in lines[node.lineno - 1 : node.end_lineno]):
            continue
        problems.append(f"{path.relative_to(PROJECT)}:{node.lineno}: {ast.unparse(node)[:80]}")
    return problems


def test_no_code_writes_tracked_models_without_history():
    problems = []
    for app_label in APPS:
        for path in (PROJECT / app_label).rglob("*.py"):
            if "migrations" not in path.parts:
                problems += _bulk_writes_without_history(path)
    assert problems == []


def test_the_history_lint_catches_a_queryset_update(tmp_path):
    offender = PROJECT / "intervention" / "_lint_probe.py"
    offender.write_text("Appointment.objects.filter(role='x').update(ends_on=None)\n")
    try:
        assert len(_bulk_writes_without_history(offender)) == 1
    finally:
        offender.unlink()


def test_an_appointment_role_is_one_of_the_designs_roles():
    assert {choice.value for choice in Role} >= {"commissioner", "improvement_adviser", "council_officer"}
