"""Materialising deadlines: from the anchor to 18 months ahead, idempotently, moving future ones
when a rule changes, never deleting, and cancelling what a revocation ends."""

import datetime

import pytest

from reviews import services
from reviews.models import Deadline
from tests.factories import issued_direction

pytestmark = pytest.mark.django_db
D = datetime.date


def dates(obligation, status=None):
    deadlines = Deadline.objects.filter(obligation=obligation).order_by("computed_on")
    if status:
        deadlines = deadlines.filter(status=status)
    return [d.computed_on for d in deadlines]


def test_a_case_entered_after_the_fact_shows_its_whole_record(quarterly):
    services.materialise_deadlines(today=D(2024, 1, 15))
    assert dates(quarterly)[:4] == [D(2023, 6, 1), D(2023, 9, 1), D(2023, 12, 1), D(2024, 3, 1)]
    assert dates(quarterly)[-1] == D(2025, 6, 1)  # 18 months after 15 January 2024 is 15 July 2025


def test_running_twice_changes_nothing(quarterly):
    services.materialise_deadlines(today=D(2024, 1, 15))
    rows, history = Deadline.objects.count(), Deadline.history.count()
    report = services.materialise_deadlines(today=D(2024, 1, 15))
    assert (report.created, report.moved, report.cancelled) == (0, 0, 0)
    assert (Deadline.objects.count(), Deadline.history.count()) == (rows, history)


def test_time_passing_adds_the_next_deadline(quarterly):
    services.materialise_deadlines(today=D(2024, 1, 15))
    before = dates(quarterly)
    services.materialise_deadlines(today=D(2024, 3, 15))
    assert dates(quarterly) == [*before, D(2025, 9, 1)]


def test_a_corrected_anchor_moves_future_deadlines_and_corrects_the_past_but_not_what_was_met(quarterly, dora):
    services.materialise_deadlines(today=D(2024, 1, 15))
    met = Deadline.objects.get(obligation=quarterly, computed_on=D(2023, 12, 1))
    services.mark_deadline_met(deadline=met, met_on=D(2023, 12, 1), note="Evidence review held", by=dora)
    quarterly.anchor_on = D(2023, 3, 15)
    quarterly.save()
    report = services.materialise_deadlines(today=D(2024, 1, 15))
    # Past open ones the rule no longer gives are cancelled (kept) and the right ones created; the
    # met one stays met, flagged for a person to decide.
    assert dates(quarterly, "cancelled") == [D(2023, 6, 1), D(2023, 9, 1)]
    assert Deadline.objects.get(obligation=quarterly, computed_on=D(2023, 6, 1)).cancelled_reason == (
        "The rule's date was corrected from 1 June 2023 to 15 June 2023"
    )
    assert dates(quarterly, "open")[:3] == [D(2023, 6, 15), D(2023, 9, 15), D(2023, 12, 15)]
    assert dates(quarterly, "met") == [D(2023, 12, 1)]
    assert Deadline.objects.get(obligation=quarterly, computed_on=D(2023, 12, 1)).rule_note == (
        "Met, but the rule no longer gives 1 December 2023: left for a person to decide"
    )
    assert dates(quarterly, "open")[3:6] == [D(2024, 3, 15), D(2024, 6, 15), D(2024, 9, 15)]
    assert report.moved == 6
    moved = Deadline.objects.get(obligation=quarterly, computed_on=D(2024, 3, 15))
    assert moved.history.first().history_change_reason == "The rule changed"
    assert moved.history.last().computed_on == D(2024, 3, 1)


def test_a_rule_that_gives_fewer_dates_cancels_the_ones_it_no_longer_gives_and_keeps_them(quarterly):
    services.materialise_deadlines(today=D(2024, 1, 15))
    total = Deadline.objects.count()
    quarterly.interval = 6
    quarterly.save()
    services.materialise_deadlines(today=D(2024, 1, 15))
    assert Deadline.objects.count() == total
    cancelled = [D(2023, 6, 1), D(2023, 12, 1), D(2024, 6, 1), D(2024, 12, 1), D(2025, 6, 1)]
    assert dates(quarterly, "cancelled") == cancelled
    assert dates(quarterly, "open") == [D(2023, 9, 1), D(2024, 3, 1), D(2024, 9, 1), D(2025, 3, 1)]


def test_a_rule_changed_back_reopens_what_it_cancelled(quarterly):
    services.materialise_deadlines(today=D(2024, 1, 15))
    quarterly.interval = 6
    quarterly.save()
    services.materialise_deadlines(today=D(2024, 1, 15))
    quarterly.interval = 3
    quarterly.save()
    report = services.materialise_deadlines(today=D(2024, 1, 15))
    assert report.reopened == 5
    assert dates(quarterly, "cancelled") == []


def test_an_end_date_cancels_the_deadlines_after_it(quarterly):
    services.materialise_deadlines(today=D(2024, 1, 15))
    total = Deadline.objects.count()
    quarterly.ends_on = D(2024, 4, 1)
    quarterly.save()
    services.materialise_deadlines(today=D(2024, 1, 15))
    assert Deadline.objects.count() == total
    assert dates(quarterly, "cancelled")[0] == D(2024, 6, 1)
    assert (
        Deadline.objects.filter(status="cancelled").first().cancelled_reason == "No longer due under the changed rule"
    )


def test_a_revoked_directions_future_deadlines_are_cancelled(quarterly, direction, hereford_case):
    services.materialise_deadlines(today=D(2023, 4, 1))
    issued_direction(hereford_case, D(2023, 11, 15), revokes=direction)
    services.materialise_deadlines(today=D(2023, 11, 20))
    assert dates(quarterly, "open") == [D(2023, 6, 1), D(2023, 9, 1)]
    cancelled = Deadline.objects.filter(obligation=quarterly, status="cancelled")
    assert cancelled.first().cancelled_reason == "The statutory direction was revoked on 15 November 2023"
    assert cancelled.first().history.count() == 2


def test_a_fixed_date_clause_of_a_direction_is_a_deadline(hereford_case, direction):
    from directions.models import Clause

    draft = issued_direction(hereford_case, D(2017, 9, 19), clauses=("Options analysis",))
    clause = draft.clauses.get()
    Clause.objects.filter(pk=clause.pk).update(due_on=D(2017, 12, 31))  # no history: test set-up of an issued text
    services.materialise_deadlines(today=D(2017, 10, 1))
    deadline = Deadline.objects.get(clause=clause)
    assert (deadline.computed_on, deadline.what) == (D(2017, 12, 31), "Direction 7: Options analysis")


def test_an_event_with_no_date_yet_waits(direction):
    from directions.models import ReportingObligation

    waiting = ReportingObligation.objects.create(
        instrument=direction,
        what="Further review",
        deliverer="commissioner",
        recipient="minister",
        cadence="months_after_event",
        interval=6,
        event="publication of the commissioner's progress report",
    )
    services.materialise_deadlines(today=D(2023, 11, 1))
    assert dates(waiting) == []
    waiting.event_on = D(2023, 12, 13)
    waiting.save()
    services.materialise_deadlines(today=D(2023, 12, 14))
    assert dates(waiting) == [D(2024, 6, 13)]


def test_one_bad_obligation_does_not_stop_the_others(quarterly, direction, caplog):
    from directions.models import ReportingObligation

    broken = ReportingObligation.objects.create(  # bypasses validation, as old or imported data might
        instrument=direction,
        what="Broken",
        deliverer="council",
        recipient="dfe",
        cadence="every_n_months",
        interval=0,
        anchor_on=D(2023, 3, 1),
    )
    report = services.materialise_deadlines(today=D(2024, 1, 15))
    assert report.failed == [
        f"obligation {broken.pk}: a repeating cadence needs an anchor and an interval of at least 1"
    ]
    assert len(dates(quarterly)) > 0
    assert "Skipped obligation" in caplog.text


def test_ofsteds_statutory_deadlines_follow_the_reports_receipt(hereford_case, dora):
    from intervention.services import record_inspection

    inspection = record_inspection(
        local_authority=hereford_case.local_authority,
        kind="standard_ilacs",
        framework="ilacs_2018",
        fieldwork_starts_on=D(2022, 7, 18),
        fieldwork_ends_on=D(2022, 7, 29),
        by=dora,
    )
    services.materialise_deadlines(today=D(2022, 9, 1))
    assert Deadline.objects.filter(inspection=inspection).count() == 0
    inspection.report_received_on = D(2022, 9, 12)
    inspection.save()
    services.materialise_deadlines(today=D(2022, 9, 13))
    got = {d.ofsted_requirement: d.computed_on for d in Deadline.objects.filter(inspection=inspection)}
    # 30 and 70 working days, skipping the Queen's funeral on 19 September 2022.
    assert got == {"publish_report": D(2022, 10, 25), "action_plan": D(2022, 12, 20)}


def test_an_override_keeps_the_computed_date_and_the_reason(quarterly, dora):
    services.materialise_deadlines(today=D(2024, 1, 15))
    deadline = Deadline.objects.get(obligation=quarterly, computed_on=D(2024, 3, 1))
    services.override_deadline_date(
        deadline=deadline, due_on=D(2024, 3, 8), reason="Agreed with the Minister's office", by=dora
    )
    deadline.refresh_from_db()
    assert (deadline.computed_on, deadline.due_on, deadline.override_reason) == (
        D(2024, 3, 1),
        D(2024, 3, 8),
        "Agreed with the Minister's office",
    )
    services.materialise_deadlines(today=D(2024, 1, 16))
    deadline.refresh_from_db()
    assert deadline.due_on == D(2024, 3, 8)


def test_a_council_officer_cannot_mark_a_deadline_met(quarterly, alice):
    from django.core.exceptions import PermissionDenied

    services.materialise_deadlines(today=D(2024, 1, 15))
    deadline = Deadline.objects.filter(obligation=quarterly).first()
    with pytest.raises(PermissionDenied):
        services.mark_deadline_met(deadline=deadline, met_on=D(2024, 1, 15), note="Done", by=alice)


def test_a_draft_instrument_has_no_deadlines(hereford_case):
    from directions.models import Instrument, ReportingObligation

    draft = Instrument.objects.create(
        intervention=hereford_case, kind="statutory_direction", legal_basis="497A(4B)", title="Draft", addressed_to="x"
    )
    ReportingObligation.objects.create(
        instrument=draft,
        what="Report",
        deliverer="council",
        recipient="dfe",
        cadence="fixed_date",
        due_on=D(2030, 1, 1),
    )
    services.materialise_deadlines(today=D(2029, 1, 1))
    assert Deadline.objects.count() == 0
