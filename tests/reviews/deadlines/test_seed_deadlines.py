"""The seeds as the check: the demo cases' deadlines are the dates the documents give."""

import datetime
import io

import pytest
from django.core.management import call_command

from directions.models import ReportingObligation
from reviews import services
from reviews.models import Deadline

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def demo(settings, time_machine):
    settings.DEBUG = True
    time_machine.move_to(datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC), tick=False)
    call_command("setup_demo", stdout=io.StringIO())


def due(authority, what_contains):
    return sorted(
        d.due_on
        for d in Deadline.objects.filter(intervention__local_authority__name=authority, what__icontains=what_contains)
    )


def test_herefordshires_evidence_reviews_every_three_months_from_1_march_2023(demo):
    obligation = ReportingObligation.objects.get(
        instrument__intervention__local_authority__name="Herefordshire", cadence="every_n_months", interval=3
    )
    dates = sorted(d.computed_on for d in obligation.deadlines.all())
    assert dates[:4] == [D(2023, 6, 1), D(2023, 9, 1), D(2023, 12, 1), D(2024, 3, 1)]


def test_herefordshires_further_review_six_months_after_the_direction(demo):
    deadlines = Deadline.objects.filter(intervention__local_authority__name="Herefordshire", computed_on=D(2023, 9, 1))
    assert any("review" in d.what.lower() for d in deadlines)


def test_herefordshires_next_review_six_months_after_the_progress_report_was_published(demo):
    obligation = ReportingObligation.objects.get(
        instrument__intervention__local_authority__name="Herefordshire", cadence="months_after_event"
    )
    assert obligation.event_on == D(2023, 12, 13)
    assert [d.computed_on for d in obligation.deadlines.all()] == [D(2024, 6, 13)]


def test_herefordshires_ofsted_action_plan_by_20_december_2022(demo):
    got = {d.ofsted_requirement: d.computed_on for d in Deadline.objects.filter(inspection__isnull=False)}
    assert got["action_plan"] == D(2022, 12, 20)


def test_worcestershires_dated_deliverables(demo):
    worcester = Deadline.objects.filter(intervention__local_authority__name="Worcestershire")
    fixed = {d.computed_on for d in worcester}
    assert {D(2017, 11, 30), D(2017, 12, 31), D(2018, 3, 31)} <= fixed


def test_worcestershires_formal_reviews_within_six_months_of_appointment_then_six_monthly(demo):
    obligation = ReportingObligation.objects.get(
        instrument__intervention__local_authority__name="Worcestershire", cadence="once_then_every"
    )
    dates = sorted(d.computed_on for d in obligation.deadlines.all())
    assert dates[:3] == [D(2018, 3, 19), D(2018, 9, 19), D(2019, 3, 19)]


def test_worcestershires_six_weekly_highlight_reports_and_quarterly_updates(demo):
    highlight = ReportingObligation.objects.get(
        instrument__intervention__local_authority__name="Worcestershire", cadence="every_n_weeks"
    )
    assert highlight.get_recipient_display() == "the DfE contract manager"
    dates = sorted(d.computed_on for d in highlight.deadlines.all())
    assert dates[:2] == [D(2017, 10, 31), D(2017, 12, 12)]
    quarterly = ReportingObligation.objects.get(
        instrument__intervention__local_authority__name="Worcestershire", cadence="every_n_months", interval=3
    )
    assert quarterly.get_recipient_display() == "the Minister"
    assert sorted(d.computed_on for d in quarterly.deadlines.all())[:2] == [D(2017, 12, 19), D(2018, 3, 19)]


def test_deadlines_stop_18_months_ahead(demo):
    assert max(d.computed_on for d in Deadline.objects.all()) <= D(2028, 5, 23)


def test_the_revoked_2022_direction_has_no_deadline_after_its_revocation(demo):
    after = Deadline.objects.filter(
        obligation__instrument__issued_on=D(2022, 9, 21), computed_on__gte=D(2023, 3, 1), status="open"
    )
    assert list(after) == []


def test_loading_the_demo_again_adds_no_deadline(demo):
    count = Deadline.objects.count()
    call_command("setup_demo", stdout=io.StringIO())
    services.materialise_deadlines()
    assert Deadline.objects.count() == count
