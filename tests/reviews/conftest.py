import datetime

import pytest

from directions.models import ReportingObligation
from tests.factories import issued_direction
from tests.reviews.progress_fixtures import action, indicator, instruction, priority  # noqa: F401 - shared fixtures


@pytest.fixture
def direction(hereford_case):
    return issued_direction(hereford_case, datetime.date(2023, 3, 1))


@pytest.fixture
def quarterly(direction):
    obligation = ReportingObligation(
        instrument=direction,
        what="Evidence of progress",
        deliverer="commissioner",
        recipient="dfe",
        cadence="every_n_months",
        interval=3,
        anchor_on=datetime.date(2023, 3, 1),
    )
    obligation.full_clean()
    obligation.save()
    return obligation
