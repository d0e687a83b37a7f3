"""A saved instruction's admin page, drawn quickly: its dropdowns of the case's service priorities and
terms of reference items asked of its case alone (InstructionAdmin.formfield_on_case) offer and name
what the admin's general dropdowns offered for that case; its council's responses, drawn by
admin/quick_tabular.html, are the bytes Django's tabular inline gives."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template.loader import get_template

from directions.enums import Part, ResponseKind
from directions.models import Clause, Instruction, InstructionResponse, ServicePriority
from intervention.templatetags.quick_admin_rows import tabular_rows
from tests.factories import issued_direction, issued_instruction

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> & more"


def _options(page: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, name
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


@pytest.fixture
def directions(hereford_case):
    """A direction since revoked and the one in force after it, each with terms of reference (one
    item with a sub-item) and a service priority, written in as their documents had them."""
    first = issued_direction(hereford_case, terms_of_reference=("Old step",))
    in_force = issued_direction(
        hereford_case, datetime.date(2023, 3, 1), revokes=first, terms_of_reference=(HOSTILE, "Second step")
    )
    Clause.objects.bulk_create(
        Clause(
            instrument=instrument,
            part=Part.TERMS_OF_REFERENCE,
            parent=Clause.objects.get(instrument=instrument, part=Part.TERMS_OF_REFERENCE, label="1"),
            label="a",
            position=1,
            text="Sub-step",
        )
        for instrument in (first, in_force)
    )
    ServicePriority.objects.bulk_create(
        [
            ServicePriority(instrument=first, label="i", title="t", short_name="Old"),
            ServicePriority(instrument=in_force, label="i", title="t", short_name=HOSTILE),
        ]
    )
    return first, in_force


@pytest.mark.parametrize("chosen", [False, True])
def test_a_saved_instructions_dropdowns_offer_and_name_its_cases_items_in_force(
    client, charlie, hereford_case, worcester_case, directions, chosen
):
    first, in_force = directions
    issued_direction(worcester_case, datetime.date(2017, 3, 8), terms_of_reference=("Theirs",))
    instruction = issued_instruction(hereford_case, charlie)
    old_item = Clause.objects.get(instrument=first, part=Part.TERMS_OF_REFERENCE, label="a")
    old_priority = ServicePriority.objects.get(instrument=first)
    if chosen:  # made under the direction since revoked: it keeps showing what it was made under
        Instruction.objects.filter(pk=instruction.pk).update(terms_item=old_item, service_priority=old_priority)
    client.force_login(charlie)

    page = client.get(f"/admin/directions/instruction/{instruction.pk}/change/").text

    items = Clause.objects.filter(part=Part.TERMS_OF_REFERENCE, instrument=in_force)
    priorities = ServicePriority.objects.filter(instrument=in_force)
    if chosen:
        items = Clause.objects.filter(pk=old_item.pk) | items
        priorities = ServicePriority.objects.filter(pk=old_priority.pk) | priorities
    # Read afresh, each with its own parents and case: the labels the admin's general dropdown gave.
    expected_items = [("", "---------")] + [(str(row.pk), _escaped(f"{row.instrument}: {row}")) for row in items]
    expected_priorities = [("", "---------")] + [
        (str(row.pk), _escaped(f"{row.instrument}: {row}")) for row in priorities
    ]
    assert _options(page, "terms_item") == expected_items
    assert _options(page, "service_priority") == expected_priorities
    assert "Statutory direction to Herefordshire, 1 March 2023: 1a. Sub-step" in page  # named through its parent
    assert "<script>alert" not in page


def test_a_saved_instructions_page_reads_no_more_for_a_chosen_item_of_a_revoked_direction(
    client, charlie, hereford_case, directions, django_assert_max_num_queries
):
    first, _ = directions
    instruction = issued_instruction(hereford_case, charlie)
    client.force_login(charlie)
    url = f"/admin/directions/instruction/{instruction.pk}/change/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as none_chosen:
        client.get(url)
    old_item = Clause.objects.get(instrument=first, part=Part.TERMS_OF_REFERENCE, label="a")
    Instruction.objects.filter(pk=instruction.pk).update(terms_item=old_item)

    with django_assert_max_num_queries(len(none_chosen)):
        client.get(url)


@pytest.mark.parametrize("role", ["charlie", "dora"])
def test_the_council_responses_read_as_djangos_tabular_inline(client, request, hereford_case, charlie, alice, role):
    instruction = issued_instruction(hereford_case, charlie)
    for kind, text in [(ResponseKind.ACKNOWLEDGED, HOSTILE), (ResponseKind.PROGRESS, "Half & half")]:
        InstructionResponse.objects.create(instruction=instruction, kind=kind, text=text, by=alice)
    client.force_login(request.getfixturevalue(role))

    response = client.get(f"/admin/directions/instruction/{instruction.pk}/change/")

    [inline_admin_formset] = response.context["inline_admin_formsets"]
    context = {"inline_admin_formset": inline_admin_formset, "forloop": {"last": True}}
    djangos = get_template("admin/edit_inline/tabular.html").render(context)
    ours = get_template("admin/quick_tabular.html").render(context)
    assert tabular_rows(inline_admin_formset) is not None  # drawn in Python, not by the template's loop
    assert ours == djangos
    assert ours in response.text
    assert _escaped(HOSTILE) in ours
    assert "<script>alert" not in response.text


def test_the_quick_tabular_template_is_djangos_but_for_its_rows():
    """admin/quick_tabular.html is Django's tabular inline template, its loop over the rows kept for
    the rows tabular_rows leaves to it."""
    from pathlib import Path

    import django

    djangos = (Path(django.__file__).parent / "contrib/admin/templates/admin/edit_inline/tabular.html").read_text()
    ours = (Path(__file__).resolve().parents[2] / "templates/admin/quick_tabular.html").read_text()
    ours = ours[ours.index("{% endcomment %}") + len("{% endcomment %}") :]
    ours = ours.replace(" quick_admin_rows %}", " %}", 1)
    fast_path = "{% tabular_rows inline_admin_formset as rows %}{% if rows is not None %}{{ rows }}{% else %}"
    ours = ours.replace(fast_path, "")
    ours = ours.replace("{% endfor %}{% endif %}\n     </tbody>", "{% endfor %}\n     </tbody>")
    assert ours == djangos


def test_a_commissioner_saves_a_saved_instruction_with_its_cases_priority_and_item(
    client, charlie, hereford_case, directions
):
    from tests.sweep.support import form_data

    _, in_force = directions
    instruction = issued_instruction(hereford_case, charlie)
    item = Clause.objects.get(instrument=in_force, part=Part.TERMS_OF_REFERENCE, label="a")
    priority = ServicePriority.objects.get(instrument=in_force)
    client.force_login(charlie)
    url = f"/admin/directions/instruction/{instruction.pk}/change/"
    data = form_data(client.get(url).text)
    data.update(service_priority=[str(priority.pk)], terms_item=[str(item.pk)], title=["Recruit & retain"])

    response = client.post(url, data)

    assert response.status_code == 302, response.text
    instruction.refresh_from_db()
    assert (instruction.service_priority, instruction.terms_item, instruction.title) == (
        priority,
        item,
        "Recruit & retain",
    )
    # Chosen now, it is offered and named as before, through its parent.
    page = client.get(url).text
    assert (
        f'<option value="{item.pk}" selected>Statutory direction to Herefordshire, 1 March 2023: 1a. Sub-step' in page
    )


def test_a_saved_instruction_refuses_another_cases_terms_item(client, charlie, hereford_case, worcester_case):
    from tests.sweep.support import form_data

    instruction = issued_instruction(hereford_case, charlie)
    other = issued_direction(worcester_case, datetime.date(2017, 3, 8), terms_of_reference=("Theirs",))
    theirs = Clause.objects.get(instrument=other, part=Part.TERMS_OF_REFERENCE)
    client.force_login(charlie)
    url = f"/admin/directions/instruction/{instruction.pk}/change/"
    data = form_data(client.get(url).text)
    data.update(terms_item=[str(theirs.pk)])

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    instruction.refresh_from_db()
    assert instruction.terms_item is None
