"""Indicators set up and changed on the pages, by the council or the commissioner; a stale save is refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from reviews.models import Indicator
from reviews.services import planning

pytestmark = pytest.mark.django_db


def indicator_form(workforce, **changes):
    return {
        "service_priority": workforce.pk,
        "name": "Agency social workers",
        "unit": "percent",
        "direction": "lower",
        "target": "25",
        "tolerance": "2.5",
        "source": "Monthly workforce return",
        "frequency": "monthly",
    } | changes


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_the_council_or_the_commissioner_sets_up_an_indicator(request, client, who, hereford_case, workforce):
    user = request.getfixturevalue(who)
    client.force_login(user)
    form_page = client.get(reverse("indicator_new", args=[hereford_case.pk]) + f"?priority={workforce.pk}")
    assert form_page.status_code == 200
    assert "Direction of good" in form_page.content.decode()
    response = client.post(reverse("indicator_new", args=[hereford_case.pk]), indicator_form(workforce))
    indicator = Indicator.objects.get()
    assert response["Location"] == reverse("indicator_detail", args=[hereford_case.pk, indicator.pk])
    assert (indicator.tolerance, indicator.source, indicator.frequency) == (
        Decimal("2.5"),
        "Monthly workforce return",
        "monthly",
    )
    assert indicator.history.get().history_user == user
    page = client.get(response["Location"]).content.decode()
    assert "Tolerance: 2.5" in page
    assert "Recorded monthly, from Monthly workforce return" in page
    # It shows under the priority it evidences.
    assert (
        "Agency social workers"
        in client.get(reverse("priority_detail", args=[hereford_case.pk, workforce.pk])).content.decode()
    )


def test_an_indicator_is_refused_with_clear_messages(client, alice, hereford_case, workforce):
    client.force_login(alice)
    response = client.post(
        reverse("indicator_new", args=[hereford_case.pk]),
        indicator_form(workforce, name="", target="120", tolerance="-1", unit="percent"),
    )
    page = response.content.decode()
    assert "Enter the indicator" in page
    assert not Indicator.objects.exists()
    response = client.post(
        reverse("indicator_new", args=[hereford_case.pk]), indicator_form(workforce, target="120", tolerance="-1")
    )
    page = response.content.decode()
    assert "A percentage must be between 0 and 100" in page
    assert planning.TOLERANCE_NEGATIVE in page
    assert not Indicator.objects.exists()


def test_a_board_chair_or_dfe_cannot_set_up_indicators_and_another_council_gets_404(
    client, bob, dora, hereford_case, workforce
):
    client.force_login(bob)
    assert client.post(reverse("indicator_new", args=[hereford_case.pk]), indicator_form(workforce)).status_code == 404
    client.force_login(dora)  # DfE staff see the case but do not set its indicators
    assert client.post(reverse("indicator_new", args=[hereford_case.pk]), indicator_form(workforce)).status_code == 403
    assert not Indicator.objects.exists()


def test_a_stale_indicator_save_is_refused(client, alice, charlie, hereford_case, workforce):
    indicator = planning.create_indicator(
        intervention=hereford_case,
        by=alice,
        service_priority=workforce,
        name="Agency social workers",
        unit="percent",
        direction="lower",
        target=Decimal(25),
        frequency="monthly",
    )
    url = reverse("indicator_edit", args=[hereford_case.pk, indicator.pk])
    client.force_login(alice)
    opened_at = indicator.version
    # Meanwhile the commissioner changes the target.
    planning.update_indicator(indicator=indicator, version=opened_at, changes={"target": Decimal(20)}, by=charlie)
    response = client.post(url, indicator_form(workforce, version=opened_at, target="30"))
    assert response.status_code == 200
    assert "Someone else changed this since you opened it" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.target == Decimal(20)
    # The page now carries the current version: saving again is deliberate, and saves.
    response = client.post(url, indicator_form(workforce, version=indicator.version, target="30"))
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target == Decimal(30)


def test_a_stale_objective_save_is_refused(client, alice, hereford_case, workforce):
    plan = planning.create_plan(intervention=hereford_case, title="Plan", by=alice)
    objective = planning.add_objective(plan=plan, label="1", title="Workforce", by=alice)
    url = reverse("objective_edit", args=[hereford_case.pk, plan.pk, objective.pk])
    planning.update_objective(objective=objective, version=1, label="1", title="A stable workforce", by=alice)
    client.force_login(alice)
    response = client.post(url, {"version": "1", "label": "1", "title": "Workforce stability"})
    assert "Someone else changed this since you opened it" in response.content.decode()
    objective.refresh_from_db()
    assert objective.title == "A stable workforce"
