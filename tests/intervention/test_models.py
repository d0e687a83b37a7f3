import datetime

import pytest
from django.core.exceptions import ValidationError

from intervention import models, services
from intervention.enums import Framework, Grade, InspectionKind, JudgementArea, Organisation
from intervention.models import Judgement, Person

pytestmark = pytest.mark.django_db


def test_an_appointment_cannot_end_before_it_starts(charlie):
    appointment = charlie.person.appointments.get()
    appointment.ends_on = appointment.starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        appointment.full_clean()
    assert error.value.message_dict["ends_on"] == [models.END_BEFORE_START]


def test_council_staff_must_belong_to_a_council():
    with pytest.raises(ValidationError) as error:
        Person(name="No Council", organisation=Organisation.COUNCIL).full_clean()
    assert error.value.message_dict["local_authority"] == [models.COUNCIL_STAFF_NEED_AUTHORITY]


def _inspection(herefordshire, dora, framework):
    return services.record_inspection(
        local_authority=herefordshire,
        kind=InspectionKind.STANDARD_ILACS,
        framework=framework,
        fieldwork_starts_on=datetime.date(2024, 1, 8),
        fieldwork_ends_on=datetime.date(2024, 1, 19),
        by=dora,
    )


def test_the_2023_framework_grades_children_in_care_and_care_leavers_separately(herefordshire, dora):
    inspection = _inspection(herefordshire, dora, Framework.ILACS_2023)
    with pytest.raises(ValidationError) as error:
        Judgement(
            inspection=inspection, area=JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS, grade=Grade.GOOD
        ).full_clean()
    assert "is not a judgement in the ILACS (from January 2023) framework" in error.value.message_dict["area"][0]
    Judgement(inspection=inspection, area=JudgementArea.CARE_LEAVERS, grade=Grade.GOOD).full_clean()


def test_an_inspection_is_recorded_whole_or_not_at_all(herefordshire, dora):
    with pytest.raises(ValidationError):
        services.record_inspection(
            local_authority=herefordshire,
            kind=InspectionKind.STANDARD_ILACS,
            framework=Framework.ILACS_2018,
            fieldwork_starts_on=datetime.date(2022, 7, 18),
            fieldwork_ends_on=datetime.date(2022, 7, 29),
            judgements={JudgementArea.CARE_LEAVERS: Grade.INADEQUATE},  # not in the 2018 framework
            by=dora,
        )
    assert herefordshire.inspections.count() == 0


def test_fieldwork_cannot_end_before_it_starts(herefordshire, dora):
    with pytest.raises(ValidationError) as error:
        services.record_inspection(
            local_authority=herefordshire,
            kind=InspectionKind.FOCUSED_VISIT,
            framework=Framework.ILACS_2018,
            fieldwork_starts_on=datetime.date(2022, 7, 29),
            fieldwork_ends_on=datetime.date(2022, 7, 18),
            by=dora,
        )
    assert error.value.message_dict["fieldwork_ends_on"] == [models.FIELDWORK_END_BEFORE_START]


def test_a_case_with_no_instrument_yet_says_so(hereford_case):
    assert hereford_case.stage.label == "No instrument in force"


def test_a_closed_case_is_at_the_closed_stage(hereford_case):
    hereford_case.closed_on = datetime.date(2025, 1, 31)
    assert hereford_case.stage.label == "Closed"
