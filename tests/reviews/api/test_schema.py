"""The read-only API against its own published schema (issue 16, "Done when"): schemathesis generates
requests from /api/v1/schema/ (a bounded number per endpoint) and sends them, with a DfE token, through
the WSGI app; no answer may be a server error, and every answer must match the schema."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from directions import services as direction_services
from intervention import services


@pytest.fixture(autouse=True)
def connections_stay_open():
    """Django's test client keeps the test's database connection open across requests (its transaction
    holds the test's data); called as a WSGI app directly, Django would close it at each request's end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
EXAMPLES_PER_ENDPOINT = 8


@pytest.fixture
def api_secret(dora, charlie, hereford_case, priority, indicator):
    """A DfE token, and a case with a direction, a priority, an indicator and an instruction to read."""
    direction_services.issue_instruction(
        intervention=hereford_case,
        issued_by=charlie.person,
        by=charlie,
        title="Recruitment plan",
        text="Present the plan",
        issued_on=datetime.date(2023, 4, 3),
        due_on=datetime.date(2023, 6, 30),
    )
    _, secret = services.create_api_token(name="schemathesis", by=dora)
    return secret


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_ENDPOINT,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_endpoint_answers_as_its_schema_says(case, api_secret):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_secret}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        excluded_checks=[],
    )
