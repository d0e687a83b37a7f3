"""A revised direction revokes the one it names; 'in force' is derived, never typed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directions import services
from directions.models import Instrument
from tests.factories import issued_direction

pytestmark = pytest.mark.django_db


def test_a_revised_direction_revokes_the_earlier_one_on_its_own_date(dora, hereford_case):
    first = issued_direction(hereford_case, datetime.date(2022, 9, 21))
    second = issued_direction(hereford_case, datetime.date(2023, 3, 1), revokes=first, by=dora)
    first.refresh_from_db()
    assert first.revoked_on == datetime.date(2023, 3, 1)
    assert first.revoked_by == second
    assert first.history.latest().history_change_reason == "Revoked by the statutory direction of 1 March 2023"
    assert first.history.latest().history_user == dora


def test_in_force_is_derived_from_the_dates(hereford_case):
    first = issued_direction(hereford_case, datetime.date(2022, 9, 21))
    issued_direction(hereford_case, datetime.date(2023, 3, 1), revokes=first)
    first.refresh_from_db()
    assert first.in_force_on(datetime.date(2023, 2, 28)) is True
    assert first.in_force_on(datetime.date(2023, 3, 1)) is False
    assert first.in_force_on(datetime.date(2022, 9, 20)) is False
    assert list(Instrument.objects.in_force_on(datetime.date(2023, 3, 1))) == [first.revoked_by]


def test_the_case_stage_follows_the_instruments_in_force(hereford_case):
    assert hereford_case.stage.label == "No instrument in force"
    issued_direction(hereford_case)
    case = type(hereford_case).objects.for_list().get(pk=hereford_case.pk)
    assert case.stage.label == "Statutory direction"


def test_an_instrument_cannot_revoke_itself(hereford_case):
    draft = Instrument.objects.create(
        intervention=hereford_case, kind="statutory_direction", legal_basis="497A(4B)", title="Draft", addressed_to="x"
    )
    draft.revokes = draft
    with pytest.raises(ValidationError) as error:
        draft.full_clean()
    assert error.value.message_dict["revokes"] == ["An instrument cannot revoke itself"]


def test_a_direction_cannot_revoke_another_councils(hereford_case, worcester_case):
    worcester = issued_direction(worcester_case, datetime.date(2017, 3, 8))
    with pytest.raises(ValidationError) as error:
        issued_direction(hereford_case, datetime.date(2023, 3, 1), revokes=worcester)
    assert error.value.message_dict["revokes"] == [
        "An instrument to Herefordshire Council cannot revoke one issued to Worcestershire County Council"
    ]
    worcester.refresh_from_db()
    assert worcester.revoked_on is None


def test_a_direction_already_revoked_cannot_be_revoked_again(hereford_case):
    first = issued_direction(hereford_case, datetime.date(2022, 9, 21))
    issued_direction(hereford_case, datetime.date(2023, 3, 1), revokes=first)
    first.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        issued_direction(hereford_case, datetime.date(2024, 1, 1), revokes=first)
    assert error.value.message_dict["revokes"] == [
        "The statutory direction of 21 September 2022 is already revoked by the statutory direction of 1 March 2023"
    ]


def test_a_direction_revoked_without_replacement_cannot_be_revoked_again(dora, hereford_case):
    first = issued_direction(hereford_case, datetime.date(2022, 9, 21))
    services.revoke_instrument(
        instrument=first, revoked_on=datetime.date(2024, 6, 30), by=dora, reason="Intervention ended"
    )
    first.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        issued_direction(hereford_case, datetime.date(2024, 7, 1), revokes=first)
    assert error.value.message_dict["revokes"] == [
        "The statutory direction of 21 September 2022 was already revoked on 30 June 2024"
    ]


def test_an_instrument_cannot_revoke_a_later_one(hereford_case):
    later = issued_direction(hereford_case, datetime.date(2023, 3, 1))
    with pytest.raises(ValidationError) as error:
        issued_direction(hereford_case, datetime.date(2022, 9, 21), revokes=later)
    assert error.value.message_dict["revokes"] == ["An instrument cannot revoke one issued after it (on 1 March 2023)"]


def test_only_dfe_may_issue_or_revoke(charlie, alice, hereford_case):
    direction = issued_direction(hereford_case)
    for user in (charlie, alice):
        with pytest.raises(PermissionDenied):
            services.revoke_instrument(instrument=direction, revoked_on=datetime.date(2024, 1, 1), by=user, reason="No")
    direction.refresh_from_db()
    assert direction.revoked_on is None


def test_a_draft_without_a_signatory_cannot_be_issued(dora, hereford_case):
    from directions.models import Instrument

    draft = Instrument.objects.create(
        intervention=hereford_case, kind="statutory_direction", legal_basis="497A(4B)", title="Draft", addressed_to="x"
    )
    with pytest.raises(ValidationError) as error:
        services.issue_instrument(instrument=draft, by=dora)
    assert error.value.messages == [
        "Before it can be issued, the instrument needs a date of issue, a signatory and at least one numbered paragraph"
    ]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_notice_is_non_statutory(dora, hereford_case):
    notice = Instrument(
        intervention=hereford_case, kind="improvement_notice", legal_basis="497A(4B)", title="Notice", addressed_to="x"
    )
    with pytest.raises(ValidationError) as error:
        notice.full_clean()
    assert error.value.message_dict["legal_basis"] == [
        "An improvement notice is non-statutory; a statutory direction needs a section of the Act"
    ]
