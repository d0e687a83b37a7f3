"""Pages whose rows are written out in Python rather than by the template language (issue 20: the
dashboard, the national deadlines list and its download, the DfE intervention admin form) escape
what people typed, as the templates did: a name or a title with markup in it shows as text."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from directions.models import ServicePriority
from intervention.enums import Role
from reviews.enums import DeadlineStatus
from reviews.models import Deadline
from tests.factories import AppointmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

MARKUP = '<img src=x onerror="alert(1)">'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


@pytest.fixture
def typed_markup(priority):
    """A case whose priority, next deadline and commissioner were typed with markup in them."""
    case = priority.instrument.intervention
    ServicePriority.objects.filter(pk=priority.pk).update(short_name=f"Priority {MARKUP}")
    Deadline.objects.create(
        intervention=case,
        what=f"Evidence {MARKUP}",
        computed_on=timezone.localdate() + datetime.timedelta(days=10),
        status=DeadlineStatus.OPEN,
    )
    AppointmentFactory(person=PersonFactory(name=f"Cora {MARKUP}"), intervention=case, role=Role.COMMISSIONER)
    return case


def shows_as_text(page: bytes, times: int = 1) -> None:
    text = page.decode()
    assert MARKUP not in text
    assert text.count(ESCAPED) >= times


def test_the_dashboards_cells_show_typed_markup_as_text(client, dora, typed_markup):
    client.force_login(dora)
    # The priority, the next deadline and the commissioner's name, each in a cell of its own.
    shows_as_text(client.get(reverse("dashboard")).content, times=3)


def test_the_national_deadlines_list_and_download_show_typed_markup_as_text(client, dora, typed_markup):
    client.force_login(dora)
    shows_as_text(client.get(reverse("deadlines_overview")).content)
    download = client.get(reverse("deadlines_export", args=["csv"]))
    cells = [cell for row in csv.reader(io.StringIO(download.content.decode("utf-8-sig"))) for cell in row]
    assert f"Evidence {MARKUP}" in cells  # a download carries the words as typed


def test_the_intervention_admin_forms_appointment_rows_show_typed_markup_as_text(client, dora, typed_markup):
    client.force_login(dora)
    page = client.get(reverse("admin:intervention_intervention_change", args=[typed_markup.pk]))
    assert page.status_code == 200
    shows_as_text(page.content)
