"""DfE's restricted case notes (issue 16, item 8): DfE writes them; the commissioner reads only those
shared with them; the council and the board chair never see them, not even that they exist."""

import datetime

import pytest
from django.urls import reverse

from intervention import services
from intervention.enums import Organisation, Role
from intervention.models import CaseNote
from tests.conftest import _member
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(hereford_case, dora):
    private = services.write_case_note(
        intervention=hereford_case,
        kind="call",
        title="Call with the DCS",
        text="The director expects the inspection in March.",
        shared_with_commissioner=False,
        by=dora,
    )
    shared = services.write_case_note(
        intervention=hereford_case,
        kind="ministerial_steer",
        title="Minister's steer",
        text="The Minister wants a view on a trust by summer.",
        shared_with_commissioner=True,
        by=dora,
    )
    return private, shared


@pytest.fixture
def chair(hereford_case):
    user = _member("chair@board.example", "Chris Chair", Organisation.INDEPENDENT)
    AppointmentFactory(
        person=user.person,
        intervention=hereford_case,
        role=Role.IMPROVEMENT_BOARD_CHAIR,
        starts_on=datetime.date(2022, 1, 1),
    )
    return user


def test_dfe_reads_every_note_and_the_commissioner_only_the_shared_one(client, hereford_case, dora, charlie, notes):
    url = reverse("case_notes", args=[hereford_case.pk])
    client.force_login(dora)
    page = client.get(url).content.decode()
    assert "Call with the DCS" in page and "Minister&#x27;s steer" in page
    client.force_login(charlie)
    page = client.get(url).content.decode()
    assert "Minister&#x27;s steer" in page
    assert "Call with the DCS" not in page
    assert "Write a case note" not in page


def test_the_council_and_the_board_chair_are_told_the_page_does_not_exist(client, hereford_case, alice, chair, notes):
    for person in (alice, chair):
        client.force_login(person)
        assert client.get(reverse("case_notes", args=[hereford_case.pk])).status_code == 404
        assert client.get(reverse("case_note_edit", args=[hereford_case.pk, notes[1].pk])).status_code == 404
        case_page = client.get(hereford_case.get_absolute_url()).content.decode()
        assert "Case notes" not in case_page
        assert not CaseNote.objects.visible_to(person).exists()


def test_the_commissioner_cannot_write_or_change_a_note(client, hereford_case, charlie, notes):
    client.force_login(charlie)
    response = client.post(
        reverse("case_note_new", args=[hereford_case.pk]), {"kind": "call", "title": "Mine", "text": "Mine"}
    )
    assert response.status_code == 404
    assert CaseNote.objects.count() == 2


def test_dfe_writes_a_note_and_it_keeps_its_history(client, hereford_case, dora):
    client.force_login(dora)
    response = client.post(
        reverse("case_note_new", args=[hereford_case.pk]),
        {"kind": "working_note", "title": "Board papers", "text": "Read before Thursday."},
    )
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.written_by, note.shared_with_commissioner) == (dora, False)
    edit = reverse("case_note_edit", args=[hereford_case.pk, note.pk])
    client.post(
        edit,
        {
            "version": "1",
            "kind": "working_note",
            "title": "Board papers",
            "text": "Read.",
            "shared_with_commissioner": "on",
        },
    )
    note.refresh_from_db()
    assert note.shared_with_commissioner
    assert [h.history_change_reason for h in note.history.order_by("history_id")] == [
        "Note written",
        "Shared with the commissioner",
    ]
    assert "Shared with the commissioner" in client.get(edit).content.decode()


def test_a_change_from_a_page_opened_before_someone_elses_save_is_refused(client, hereford_case, dora, notes):
    note = notes[0]
    edit = reverse("case_note_edit", args=[hereford_case.pk, note.pk])
    services.update_case_note(
        note=note,
        version=1,
        kind="call",
        title="Call with the DCS",
        text="Theirs",
        shared_with_commissioner=False,
        by=dora,
    )
    client.force_login(dora)
    response = client.post(edit, {"version": "1", "kind": "call", "title": "Call with the DCS", "text": "Mine"})
    assert response.status_code == 200
    assert "Someone else changed this note" in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Theirs"


def test_the_notes_page_takes_the_same_queries_for_many_notes(
    client, hereford_case, dora, django_assert_max_num_queries
):
    for number in range(20):
        services.write_case_note(
            intervention=hereford_case,
            kind="call",
            title=f"Call {number}",
            text="Said",
            shared_with_commissioner=False,
            by=dora,
        )
    client.force_login(dora)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("case_notes", args=[hereford_case.pk])).status_code == 200
