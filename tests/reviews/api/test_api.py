"""The read-only API's answers (issue 16): what a token sees is what its person sees, the dashboard's
filters, cursor pages, and lists that take the same queries for many records as for few."""

import datetime

import pytest
from django.urls import reverse

from directions import services as direction_services
from intervention import services
from tests.factories import issued_direction

pytestmark = pytest.mark.django_db


def _get(client, user, name, **params):
    _, secret = services.create_api_token(name="test", by=user)
    return client.get(reverse(name), params, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_council_officer_s_token_sees_their_own_council_s_case_only(client, alice, hereford_case, worcester_case):
    ids = [row["id"] for row in _get(client, alice, "api-intervention-list").json()["results"]]
    assert ids == [hereford_case.pk]


def test_the_stage_region_and_open_filters_match_the_case_pages(client, dora, hereford_case, worcester_case):
    issued_direction(hereford_case)
    worcester_case.closed_on = datetime.date(2024, 1, 1)
    worcester_case.save()

    def ids(**params):
        return [row["id"] for row in _get(client, dora, "api-intervention-list", **params).json()["results"]]

    assert ids(stage="statutory_direction") == [hereford_case.pk]
    assert ids(stage="closed") == [worcester_case.pk]
    assert ids(stage="improvement_notice") == []
    assert ids(state="open") == [hereford_case.pk]
    west_midlands = hereford_case.local_authority.region_code  # Worcestershire's region too
    assert ids(region=west_midlands) == [hereford_case.pk, worcester_case.pk]
    assert ids(region=west_midlands, state="open") == [hereford_case.pk]
    assert ids(region="E12000007") == []  # London
    assert _get(client, dora, "api-intervention-list", stage="nonsense").status_code == 400


def test_lists_come_in_cursor_pages(client, dora, charlie, hereford_case):
    for number in range(5):
        direction_services.issue_instruction(
            intervention=hereford_case,
            issued_by=charlie.person,
            by=charlie,
            title=f"Instruction {number}",
            text="Do it",
            issued_on=datetime.date(2023, 4, 3),
            due_on=datetime.date(2023, 6, 30),
        )
    first = _get(client, dora, "api-instruction-list", page_size=2).json()
    assert len(first["results"]) == 2
    _, secret = services.create_api_token(name="pages", by=dora)
    second = client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert {row["title"] for row in second["results"]}.isdisjoint({row["title"] for row in first["results"]})


def test_an_instrument_comes_with_its_clauses(client, dora, hereford_case):
    issued_direction(hereford_case, clauses=("To comply", "To report"))
    instrument = _get(client, dora, "api-instrument-list").json()["results"][0]
    assert [clause["text"] for clause in instrument["clauses"]] == ["To comply", "To report"]


def test_a_report_not_signed_off_has_no_pdf(client, dora, hereford_case):
    from reviews.services import reports

    report = reports.create_report(intervention=hereford_case, kind="cabinet", by=dora, title="Cabinet report")
    _, secret = services.create_api_token(name="pdf", by=dora)
    listed = client.get(reverse("api-report-list"), HTTP_AUTHORIZATION=f"Bearer {secret}").json()["results"]
    assert listed[0]["pdf"] == ""
    pdf = client.get(reverse("api-report-pdf", args=[report.pk]), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert pdf.status_code == 404


@pytest.mark.parametrize("name", ["api-intervention-list", "api-instrument-list", "api-indicator-list"])
def test_a_list_takes_the_same_queries_for_many_cases_as_for_one(client, dora, name, django_assert_max_num_queries):
    from intervention.models import LocalAuthority
    from tests.factories import InterventionFactory

    for authority in LocalAuthority.objects.order_by("pk")[:8]:
        issued_direction(InterventionFactory(local_authority=authority))
    _, secret = services.create_api_token(name="count", by=dora)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(name), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_an_indicator_carries_its_latest_values_and_a_link_to_every_value(client, dora, indicator):
    """Issue 20: a list carries a bounded window of each record's history and a link to the rest."""
    from decimal import Decimal

    from reviews.models import Measurement
    from reviews.serializers.api import LATEST_VALUES

    month_ends = [datetime.date(2022 + (month // 12), month % 12 + 1, 1) for month in range(1, 21)]
    month_ends = [first - datetime.timedelta(days=1) for first in month_ends]  # 20 months' last days
    for number, period_end in enumerate(month_ends):
        Measurement.objects.create(indicator=indicator, period_end=period_end, value=Decimal(number), recorded_by=dora)
    _, secret = services.create_api_token(name="values", by=dora)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    listed = client.get(reverse("api-indicator-list"), **auth).json()["results"][0]
    assert [row["period_end"] for row in listed["values"]] == [d.isoformat() for d in month_ends[-LATEST_VALUES:]]
    assert client.get(reverse("api-indicator-detail", args=[indicator.pk]), **auth).json()["values"] == listed["values"]

    every, page = [], client.get(listed["all_values"], {"page_size": 7}, **auth).json()
    while True:
        every += [row["period_end"] for row in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"], **auth).json()
    assert every == [d.isoformat() for d in month_ends]
