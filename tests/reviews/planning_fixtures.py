"""A Herefordshire case with an issued direction: one service priority and one terms-of-reference
item, and nothing else — no plan, no indicator."""

import datetime

import pytest

from directions.enums import Part
from directions.models import Clause, Instrument, ServicePriority

D = datetime.date


@pytest.fixture
def direction_in_force(hereford_case):
    from directions import services
    from tests.factories import UserFactory

    draft = Instrument.objects.create(
        intervention=hereford_case,
        kind="statutory_direction",
        legal_basis="497A(4B)",
        title="Statutory direction",
        addressed_to="Herefordshire Council",
        issued_on=D(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    Clause.objects.create(instrument=draft, label="7", text="To comply")
    Clause.objects.create(
        instrument=draft, part=Part.TERMS_OF_REFERENCE, label="1", position=1, text="Review the social care workforce"
    )
    ServicePriority.objects.create(
        instrument=draft,
        label="i",
        position=1,
        title="Reducing the number of agency social workers",
        short_name="Permanent social workers",
    )
    services.issue_instrument(instrument=draft, by=UserFactory(is_superuser=True, username="issuer@casework.example"))
    return draft


@pytest.fixture
def workforce(direction_in_force):
    return direction_in_force.service_priorities.get()


@pytest.fixture
def terms_item(direction_in_force):
    return direction_in_force.clauses.get(part=Part.TERMS_OF_REFERENCE)
