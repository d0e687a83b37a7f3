"""An instrument's admin page, drawn with less work (issue 21): its clauses read without joins for their
parents or their instrument's order, its clause rows sharing their fields, the appointments' wrapper
drawn once, and the record's version read only where it is drawn. What each person sees, and what a
saved form does, stay the same."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext

from directions import services
from directions.enums import InstrumentKind, LegalBasis, Part
from directions.models import Clause, Instrument
from intervention.enums import Role
from intervention.stale import version_of
from intervention.widgets import QuickRelatedFieldWidgetWrapper
from tests.directions.test_admin import form_values
from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def direction(case, *, issued: bool, nested: bool = True) -> Instrument:
    """A direction whose clauses were written out of order: 8, then 7 and, under it, 7b, 7b(i) and
    7b(i)(A) (or, not nested, four more paragraphs)."""
    instrument = Instrument.objects.create(
        intervention=case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Statutory direction",
        addressed_to="Herefordshire Council",
        issued_on=datetime.date(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    appointment = AppointmentFactory.create(intervention=case, role=Role.COMMISSIONER)
    instrument.appointments.set([appointment.pk])
    op = {"instrument": instrument, "part": Part.OPERATIVE}
    Clause.objects.create(**op, label="8", position=80, text="Report <monthly>")
    parent = Clause.objects.create(**op, label="7", position=70, text="Improve")
    for position, label in enumerate(["b", "i", "A"] if nested else ["9", "10", "11"], start=71):
        clause = Clause.objects.create(**op, label=label, position=position, text=f"Level {label}")
        if nested:
            clause.parent = parent
            clause.save()
            parent = clause
    if issued:
        issuer = UserFactory(is_superuser=True, username=f"issuer{instrument.pk}@casework.example")
        instrument = services.issue_instrument(instrument=instrument, by=issuer)
    return instrument


def references(page: str) -> list[str]:
    return re.findall(r'<td class="field-reference"><p>([^<]*)</p></td>', page)


@pytest.mark.parametrize("role", ["dora", "charlie"])
def test_an_issued_directions_clauses_are_cited_in_order_with_no_query_for_their_parents(
    client, request, role, hereford_case
):
    nested, flat = direction(hereford_case, issued=True), direction(hereford_case, issued=True, nested=False)
    client.force_login(request.getfixturevalue(role))
    client.get(f"/admin/directions/instrument/{flat.pk}/change/")  # what is read once, then kept

    with CaptureQueriesContext(connection) as read_nested:
        page = client.get(f"/admin/directions/instrument/{nested.pk}/change/").text
    with CaptureQueriesContext(connection) as read_flat:
        client.get(f"/admin/directions/instrument/{flat.pk}/change/")

    assert references(page) == ["7", "7b", "7b(i)", "7b(i)(A)", "8"]
    assert "<p>Report &lt;monthly&gt;</p>" in page
    assert len(read_nested) == len(read_flat)


def test_the_appointments_wrapper_is_drawn_as_djangos_own(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=False)
    client.force_login(dora)
    response = client.get(f"/admin/directions/instrument/{instrument.pk}/change/")
    bound = response.context["adminform"].form["appointments"]
    widget = bound.field.widget
    assert isinstance(widget, QuickRelatedFieldWidgetWrapper)

    ours = widget.render(bound.html_name, bound.value(), {"id": bound.auto_id})
    djangos = RelatedFieldWidgetWrapper.render(widget, bound.html_name, bound.value(), {"id": bound.auto_id})

    assert parse_html(ours) == parse_html(djangos)
    assert "Add another appointment" in ours and re.search(r'<option value="\d+" selected>', ours)


def test_the_version_is_drawn_for_dfe_and_not_asked_for_the_commissioner(client, dora, charlie, hereford_case):
    instrument = direction(hereford_case, issued=True)
    url = f"/admin/directions/instrument/{instrument.pk}/change/"
    client.force_login(dora)
    assert form_values(client.get(url).text)["seen_version"] == version_of(Instrument, instrument.pk)

    client.force_login(charlie)
    with CaptureQueriesContext(connection) as read:
        page = client.get(url).text

    assert 'name="seen_version"' not in page
    assert not [query for query in read.captured_queries if "historicalinstrument" in query["sql"]]


def test_a_drafts_clause_rows_keep_what_was_typed_in_each_show_their_own_errors_and_save(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=False, nested=False)
    client.force_login(dora)
    url = f"/admin/directions/instrument/{instrument.pk}/change/"
    values = form_values(client.get(url).text) | {"_save": "Save"}
    row = {
        clause.label: f"clauses-{index}"
        for index, clause in enumerate(instrument.clauses.order_by("part", "position", "pk"))
    }
    values |= {f"{row['7']}-text": "Improve <now>", f"{row['8']}-position": "not a number"}

    page = client.post(url, values).text

    assert page.count("Enter a whole number.") == 1
    assert re.search(rf'id="{row["8"]}".*?Enter a whole number.', page, re.S)
    assert "Improve &lt;now&gt;</textarea>" in page
    assert 'value="not a number"' in page
    values[f"{row['8']}-position"] = "8"
    response = client.post(url, values)
    assert response.status_code == 302
    assert Clause.objects.get(instrument=instrument, label="7").text == "Improve <now>"


def test_the_list_shows_and_sorts_by_the_next_clause_due_and_the_page_does_not_ask_for_it(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=True)
    due = datetime.date.today() + datetime.timedelta(days=30)
    Clause.objects.filter(instrument=instrument, label="8").update(due_on=due)
    client.force_login(dora)

    listed = client.get("/admin/directions/instrument/?o=7")
    assert [row.next_clause_due for row in listed.context["cl"].result_list] == [due]

    with CaptureQueriesContext(connection) as read:
        client.get(f"/admin/directions/instrument/{instrument.pk}/change/")
    assert not [query for query in read.captured_queries if '"directions_clause"."due_on" >=' in query["sql"]]
