"""Two people with the same admin change form open (issue 19, item 7): the second save is refused with
what the first changed, what the second typed is kept, and a second, deliberate save goes through."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from directions import services
from directions.models import Instruction
from intervention.stale import STALE
from tests.sweep.support import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def instruction(charlie, hereford_case):
    return services.issue_instruction(
        intervention=hereford_case,
        issued_by=charlie.person,
        by=charlie,
        title="Audit the front door",
        text="Audit every contact in March.",
        issued_on=datetime.date(2026, 11, 2),
        due_on=datetime.date(2027, 1, 29),
    )


def opened(client: Client, url: str) -> dict[str, list[str]]:
    data = form_data(client.get(url).text)
    assert data["seen_version"] != [""], "the change form carries the version it was read at"
    return data


def test_a_second_save_over_someone_elses_change_is_refused_and_keeps_what_was_typed(charlie, dora, instruction):
    url = f"/admin/directions/instruction/{instruction.pk}/change/"
    first, second = Client(), Client()
    first.force_login(charlie)
    second.force_login(charlie)
    first_form, second_form = opened(first, url), opened(second, url)

    assert first.post(url, first_form | {"title": ["Audit the whole front door"]}).status_code == 302

    refused = second.post(url, second_form | {"text": ["Audit every contact in March and April."]})
    assert refused.status_code == 200
    page = refused.text
    assert STALE.split(",")[0] in page
    assert "changed title" in page.lower()
    assert "Audit every contact in March and April." in page  # what the second person typed
    instruction.refresh_from_db()
    assert (instruction.title, instruction.text) == ("Audit the whole front door", "Audit every contact in March.")

    # Having seen the other change, the second person saves on purpose: it goes through.
    again = form_data(page) | {"title": ["Audit the whole front door"]}
    assert second.post(url, again).status_code == 302
    instruction.refresh_from_db()
    assert (instruction.title, instruction.text) == (
        "Audit the whole front door",
        "Audit every contact in March and April.",
    )


def test_a_form_without_its_version_does_not_save(charlie, instruction):
    url = f"/admin/directions/instruction/{instruction.pk}/change/"
    client = Client()
    client.force_login(charlie)
    data = opened(client, url)
    del data["seen_version"]
    assert client.post(url, data | {"title": ["Renamed by a script"]}).status_code == 200
    assert Instruction.objects.get(pk=instruction.pk).title == "Audit the front door"


def test_an_unchanged_record_saves_first_time(dora, hereford_case):
    url = f"/admin/intervention/intervention/{hereford_case.pk}/change/"
    client = Client()
    client.force_login(dora)
    assert client.post(url, opened(client, url) | {"summary": ["Direction of 2022"]}).status_code == 302
    hereford_case.refresh_from_db()
    assert hereford_case.summary == "Direction of 2022"
