"""The national dataset generator: the right shape, the same data for the same seed, and it will
not mix fake cases into a database that holds real ones."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from directions.models import Clause, Instruction, Instrument
from intervention.models import Intervention
from reviews import national_data
from reviews.models import Measurement, PlanAction, ProgressUpdate

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


def fingerprint():
    return (
        list(Intervention.objects.values_list("local_authority__dfe_code", "opened_on", "closed_on")),
        list(Instruction.objects.order_by("number").values_list("issued_on", "due_on", "status")),
        list(Measurement.objects.order_by("indicator__position", "period_end").values_list("value", flat=True)[:200]),
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
