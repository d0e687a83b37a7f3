"""A Herefordshire case with a direction, a service priority, an indicator and a plan action."""

import datetime

import pytest

from directions.models import ServicePriority
from reviews.models import ImprovementPlan, Indicator, PlanAction, PlanObjective
from tests.factories import issued_direction

D = datetime.date


@pytest.fixture
def priority(hereford_case):
    from directions.models import Instrument

    draft = Instrument.objects.create(
        intervention=hereford_case,
        kind="statutory_direction",
        legal_basis="497A(4B)",
        title="Direction",
        addressed_to="Herefordshire Council",
        issued_on=D(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    from directions.models import Clause

    Clause.objects.create(instrument=draft, label="7", text="To comply")
    priority = ServicePriority.objects.create(
        instrument=draft,
        label="i",
        position=1,
        title="Reducing the number of agency social workers and increasing the numbers of permanent social workers",
        short_name="Permanent social workers",
    )
    from directions import services
    from tests.factories import UserFactory

    services.issue_instrument(instrument=draft, by=UserFactory(is_superuser=True, username="issuer@casework.example"))
    return priority


@pytest.fixture
def indicator(priority):
    return Indicator.objects.create(
        service_priority=priority, name="Agency social workers", unit="percent", direction="lower", target=25
    )


@pytest.fixture
def action(hereford_case):
    plan = ImprovementPlan.objects.create(intervention=hereford_case, title="Children's services improvement plan")
    objective = PlanObjective.objects.create(plan=plan, label="1", title="A stable, permanent workforce")
    return PlanAction.objects.create(
        objective=objective,
        label="1",
        description="Launch the recruitment campaign",
        owner="Head of workforce",
        due_on=D(2030, 6, 30),
        rag="amber",
    )


@pytest.fixture
def instruction(charlie, hereford_case):
    from directions import services

    return services.issue_instruction(
        intervention=hereford_case,
        issued_by=charlie.person,
        by=charlie,
        title="Recruitment plan",
        text="Present the council's plan to recruit permanent social workers",
        issued_on=D(2023, 4, 3),
        due_on=D(2023, 6, 30),
    )


__all__ = ["issued_direction"]
