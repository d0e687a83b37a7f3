"""Two people with the same admin page open, editing the same inline row (issue 19, item 7): the second
save of that row is refused with the row's own error, what was typed is kept, rows nobody else changed
are saved as usual, and a second, deliberate save goes through."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from intervention.models import Appointment
from intervention.stale import STALE
from tests.sweep.support import form_data

pytestmark = pytest.mark.django_db


def row_field(data: dict[str, list[str]], appointment: Appointment, name: str) -> str:
    """The name of `name` in the inline row of `appointment` (the formset's prefix and index)."""
    for key, values in data.items():
        if key.endswith("-id") and values == [str(appointment.pk)]:
            return f"{key.removesuffix('-id')}-{name}"
    raise AssertionError(f"no row for appointment {appointment.pk}")


def test_a_row_changed_by_someone_else_is_refused_and_what_was_typed_kept(charlie, dora, hereford_case):
    appointment = Appointment.objects.get(person=charlie.person, intervention=hereford_case)
    url = f"/admin/intervention/intervention/{hereford_case.pk}/change/"
    first, second = Client(), Client()
    first.force_login(dora)
    second.force_login(dora)
    first_form, second_form = form_data(first.get(url).text), form_data(second.get(url).text)
    ends_on = row_field(first_form, appointment, "ends_on")
    assert first_form[row_field(first_form, appointment, "seen_version")] != [""]

    saved = first.post(url, first_form | {ends_on: ["31/03/2027"]})
    assert saved.status_code == 302, re.findall(r'class="errorlist.*?</ul>', saved.text, re.S)

    refused = second.post(url, second_form | {ends_on: ["30/06/2027"]})
    assert refused.status_code == 200
    assert STALE.split(",")[0] in refused.text
    assert "changed ends on" in refused.text.lower() or "changed end" in refused.text.lower()
    assert 'value="30/06/2027"' in refused.text  # what the second person typed
    appointment.refresh_from_db()
    assert appointment.ends_on == datetime.date(2027, 3, 31)

    # Having seen the other change, the second person saves on purpose: it goes through.
    again = form_data(refused.text)
    assert second.post(url, again).status_code == 302
    appointment.refresh_from_db()
    assert appointment.ends_on == datetime.date(2027, 6, 30)


def test_a_row_changed_elsewhere_is_refused_even_if_untouched_here_as_saving_would_write_it_back(
    charlie, dora, hereford_case
):
    appointment = Appointment.objects.get(person=charlie.person, intervention=hereford_case)
    url = f"/admin/intervention/intervention/{hereford_case.pk}/change/"
    client = Client()
    client.force_login(dora)
    opened = form_data(client.get(url).text)
    appointment.ends_on = datetime.date(2027, 3, 31)  # someone else changes the row elsewhere
    appointment.save()

    refused = client.post(url, opened)  # the page still holds the row's old values
    assert refused.status_code == 200
    assert STALE.split(",")[0] in refused.text
    appointment.refresh_from_db()
    assert appointment.ends_on == datetime.date(2027, 3, 31)


def test_a_row_nobody_changed_is_not_saved_again(charlie, dora, hereford_case):
    appointment = Appointment.objects.get(person=charlie.person, intervention=hereford_case)
    url = f"/admin/intervention/intervention/{hereford_case.pk}/change/"
    client = Client()
    client.force_login(dora)
    history_rows = appointment.history.count()
    assert client.post(url, form_data(client.get(url).text)).status_code == 302
    assert appointment.history.count() == history_rows  # its version is not a change of its own
