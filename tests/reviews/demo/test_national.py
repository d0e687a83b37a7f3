"""The national dataset generator: the right shape, the same data for the same seed, and it will
not mix fake cases into a database that holds real ones."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from directions.models import Clause, Instruction, Instrument
from intervention.enums import Organisation
from intervention.models import Intervention, Person
from reviews.demo import national as national_data
from reviews.models import Deadline, Measurement, PlanAction, ProgressUpdate, Report, ReportVersion
from reviews.models.reports import CabinetPaper
from reviews.services import materialise_deadlines

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_one_case_has_the_shape_of_the_national_dataset():
    counts = national_data.generate(scale=1 / 60, seed=3, today=TODAY)
    case = Intervention.objects.get()
    assert counts.interventions == 1
    assert 1 <= case.instruments.count() <= 4
    assert Clause.objects.filter(instrument=case.instruments.first()).count() >= 30
    assert Measurement.objects.count() == 7 * 10 * 60
    assert Instruction.objects.count() == 150
    assert ProgressUpdate.objects.count() == 3000
    assert PlanAction.objects.count() == 80
    assert case.reviews.count() == 8
    assert ProgressUpdate.history.count() == 3000  # history as editing would have made it


def test_history_is_as_big_as_the_editing_would_have_made_it():
    national_data.generate(scale=1 / 60, seed=3, today=TODAY, volume=national_data.Volume.of(0.1))
    complied = Instruction.objects.filter(status="complied").first()
    statuses = list(complied.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["issued", "acknowledged", "in_progress", "submitted", "complied"]
    action = PlanAction.objects.first()
    assert (action.version, action.history.count()) == (3, 3)


def test_people_can_work_in_the_admin_and_dfe_staff_see_every_case():
    counts = national_data.generate(scale=1 / 60, seed=3, today=TODAY, volume=national_data.Volume.of(0.1))
    assert counts.users == national_data.PER_CASE_PEOPLE + 1
    national = Person.objects.filter(organisation=Organisation.DFE, appointments__isnull=True).get()
    assert national.user.is_staff
    council = Person.objects.filter(organisation=Organisation.COUNCIL).first()
    assert not council.user.is_staff


def test_reports_have_versions_and_cabinet_reports_have_the_councils_words():
    national_data.generate(scale=1 / 60, seed=3, today=TODAY, volume=national_data.Volume.of(0.1))
    kinds = set(Report.objects.values_list("kind", flat=True))
    assert kinds == {"highlight", "ministerial_update", "progress", "cabinet", "instrument"}
    assert ReportVersion.objects.filter(status="ready").count() >= Report.objects.count()
    assert CabinetPaper.objects.count() == Report.objects.filter(kind="cabinet").count()


def test_most_past_deadlines_were_met():
    national_data.generate(scale=1 / 60, seed=3, today=TODAY, volume=national_data.Volume.of(0.1))
    materialise_deadlines(today=TODAY)
    met = national_data.meet_past_deadlines(seed=3, today=TODAY)
    past = Deadline.objects.filter(computed_on__lt=TODAY - datetime.timedelta(days=14))
    assert met == past.filter(status="met").count()
    assert 0.8 < met / past.count() < 1
    assert Deadline.history.filter(history_change_reason="Met: Delivered.").count() == met


def fingerprint():
    return (
        list(Intervention.objects.values_list("local_authority__dfe_code", "opened_on", "closed_on")),
        list(Instruction.objects.order_by("number").values_list("issued_on", "due_on", "status")),
        # Ordered by what the seed decides (not by ids, which a rolled-back run on PostgreSQL does not reuse).
        list(
            Measurement.objects.order_by(
                "indicator__service_priority__instrument__intervention__local_authority__dfe_code",
                "indicator__service_priority__instrument__issued_on",
                "indicator__service_priority__position",
                "indicator__position",
                "period_end",
            ).values_list("value", flat=True)[:200]
        ),
    )


def test_the_same_seed_gives_the_same_data():
    from django.db import transaction

    with transaction.atomic():
        national_data.generate(scale=1 / 60, seed=7, today=TODAY)
        first = fingerprint()
        transaction.set_rollback(True)
    national_data.generate(scale=1 / 60, seed=7, today=TODAY)
    assert fingerprint() == first


def test_it_refuses_a_database_with_real_cases(hereford_case):
    with pytest.raises(CommandError, match="This database holds 1 interventions that were not generated"):
        call_command("generate_national_data", "--scale", "0.02", stdout=io.StringIO())
    assert Intervention.objects.count() == 1


def test_force_generates_beside_real_cases(hereford_case):
    call_command("generate_national_data", "--scale", "0.02", "--force", stdout=io.StringIO())
    assert Intervention.objects.filter(summary__startswith=national_data.GENERATED_MARKER).count() == 1
    assert Instrument.objects.filter(intervention__summary__startswith=national_data.GENERATED_MARKER).exists()
