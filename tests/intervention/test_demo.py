import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from intervention.models import Appointment, Inspection, Intervention, Person

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_two_seed_cases_and_can_run_twice(settings):
    settings.DEBUG = True
    call_command("setup_demo")
    counts = (Intervention.objects.count(), Person.objects.count(), Appointment.objects.count(), Person.history.count())
    call_command("setup_demo")
    assert (
        Intervention.objects.count(),
        Person.objects.count(),
        Appointment.objects.count(),
        Person.history.count(),
    ) == counts
    assert sorted(Intervention.objects.values_list("local_authority__name", flat=True)) == [
        "Herefordshire",
        "Worcestershire",
    ]


def test_the_demo_herefordshire_inspection_is_the_july_2022_one(settings):
    settings.DEBUG = True
    call_command("setup_demo")
    inspection = Inspection.objects.get(local_authority__dfe_code="884")
    assert [j.get_grade_display() for j in inspection.judgements.all()] == ["Inadequate"] * 4
    assert inspection.findings.count() == 9
    assert str(inspection.published_on) == "2022-09-21"


def test_demo_users_can_sign_in(settings, client):
    settings.DEBUG = True
    call_command("setup_demo")
    from intervention.demo import DEMO_PASSWORD

    response = client.post("/sign-in/", {"username": "alice@herefordshire.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_demo_refuses_to_load_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="The demo data is for development"):
        call_command("setup_demo")
