"""Absurd dates (year 0001, 9999) are refused with one clear message on every date input: the GOV.UK
pages, the admin screens, and any service call, through the models' validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from intervention.validators import DATE_OUT_OF_RANGE, sensible_date
from reviews.forms.progress import MeasurementForm, ProgressForm
from reviews.models import Measurement, ProgressUpdate
from reviews.services import progress
from tests.directions.test_admin import instruction_form
from tests.reviews.progress_fixtures import indicator, priority  # noqa: F401 - shared fixtures

D = datetime.date
MESSAGE = "Enter a date between 1990 and 2100"


def test_the_window_is_named_in_the_message():
    assert DATE_OUT_OF_RANGE == MESSAGE
    for day in (D(1990, 1, 1), D(2024, 2, 29), D(2100, 12, 31)):
        sensible_date(day)
    for day in (D(1, 1, 1), D(1989, 12, 31), D(2101, 1, 1), D(9999, 12, 31)):
        with pytest.raises(ValidationError, match=MESSAGE):
            sensible_date(day)


def progress_form(start_year: str, end_year: str = "2023") -> ProgressForm:
    return ProgressForm(
        {
            "narrative": "Agency use fell",
            "rag": "amber",
            "period_start_0": "1",
            "period_start_1": "4",
            "period_start_2": start_year,
            "period_end_0": "30",
            "period_end_1": "6",
            "period_end_2": end_year,
        }
    )


@pytest.mark.parametrize("year", ["0001", "1", "1989", "2101", "9999", "99999"])
def test_the_progress_form_refuses_an_absurd_year(year):
    form = progress_form(year)
    assert not form.is_valid()
    assert form.errors["period_start"] == [MESSAGE]


def test_the_progress_form_takes_a_year_in_the_window():
    form = progress_form("2023")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period_start"] == D(2023, 4, 1)


@pytest.mark.parametrize("year", ["0001", "9999", "24"])
def test_the_measurement_form_refuses_an_absurd_year(year):
    form = MeasurementForm({"period_end_0": "3", "period_end_1": year, "value": "12"})
    assert not form.is_valid()
    assert form.errors["period_end"] == [MESSAGE]


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["0001", "9999"])
def test_the_progress_page_shows_the_message(client, alice, hereford_case, priority, year):  # noqa: F811
    client.force_login(alice)
    data = progress_form(year).data
    response = client.post(f"/interventions/{hereford_case.pk}/progress/new/?priority={priority.pk}", data)
    assert response.status_code == 200
    assert MESSAGE in response.text
    assert ProgressUpdate.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_admin_form_refuses_an_absurd_date(client, charlie, hereford_case, day):
    from directions.models import Instruction

    client.force_login(charlie)
    response = client.post("/admin/directions/instruction/add/", instruction_form(hereford_case, issued_on=day))
    assert response.status_code == 200
    assert MESSAGE in response.text
    assert Instruction.objects.count() == 0


@pytest.mark.django_db
def test_a_service_call_with_year_1_is_refused_by_the_models_validation(alice, hereford_case, priority, indicator):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        progress.log_progress(
            intervention=hereford_case,
            by=alice,
            narrative="Agency use fell",
            rag="amber",
            period_start=D(1, 1, 1),
            period_end=D(2023, 6, 30),
            service_priority=priority,
        )
    assert error.value.message_dict["period_start"] == [MESSAGE]
    with pytest.raises(ValidationError) as error:
        progress.record_measurement(indicator=indicator, period_end=D(1, 1, 31), value=Decimal("12"), by=alice)
    assert error.value.message_dict["period_end"] == [MESSAGE]
    assert (ProgressUpdate.objects.count(), Measurement.objects.count()) == (0, 0)
