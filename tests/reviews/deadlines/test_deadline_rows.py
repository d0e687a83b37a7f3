"""The deadline tables' rows are written out in Python (reviews.templatetags.deadline_rows), for what
the template language's loop cost on the national list and a case's page. They are byte for byte what
the loop wrote, kept here as it was, for a row of every kind (each status, a date moved by hand, a
rule's note, a deadline outside any case) and every switch of the table; words typed with markup in
them show as text."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from intervention.enums import Framework, InspectionKind
from intervention.models import Inspection, LocalAuthority
from reviews.enums import DeadlineStatus, OfstedRequirement
from reviews.models import Deadline
from reviews.templatetags.deadline_rows import deadline_rows

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 12)
TYPED = "<script>alert('x')</script> & \"sons\""

# reviews/includes/deadline_table.html's loop, as it was before its rows were written in Python.
TEMPLATE_LOOP = (Path(__file__).parent / "deadline_rows_loop.html").read_text().removesuffix("\n")
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;sons&quot;"


@pytest.fixture
def deadlines(hereford_case, herefordshire):
    """A row of each kind, every typed word with markup in it, the councils' names too."""
    LocalAuthority.objects.filter(pk=herefordshire.pk).update(name=f"Hereford {TYPED}")
    worcester = LocalAuthority.objects.get(dfe_code="885")
    LocalAuthority.objects.filter(pk=worcester.pk).update(name=f"Worcester {TYPED}")
    inspection = Inspection.objects.create(
        local_authority=worcester,
        kind=InspectionKind.STANDARD_ILACS,
        framework=Framework.ILACS_2023,
        fieldwork_starts_on=datetime.date(2024, 1, 8),
        fieldwork_ends_on=datetime.date(2024, 1, 19),
    )
    case = {"intervention": hereford_case}
    rows = [
        Deadline(**case, what=f"Coming {TYPED}", computed_on=datetime.date(2024, 7, 1), recipient=f"DfE {TYPED}"),
        Deadline(
            **case,
            what=f"Moved {TYPED}",
            delivered_by=f"The council {TYPED}",
            computed_on=datetime.date(2024, 5, 1),
            override_on=datetime.date(2024, 6, 12),  # due today: not overdue
            override_reason=f"Asked {TYPED}",
            rule_note=f"Rule {TYPED}",
        ),
        Deadline(**case, what=f"Late {TYPED}", computed_on=datetime.date(2024, 6, 11)),
        Deadline(**case, what=f"Old {TYPED}", computed_on=datetime.date(2019, 1, 31), status=DeadlineStatus.HISTORICAL),
        Deadline(
            **case,
            what=f"Done {TYPED}",
            computed_on=datetime.date(2024, 3, 1),
            status=DeadlineStatus.MET,
            met_on=datetime.date(2024, 2, 28),
            met_note=f"Sent {TYPED}",
        ),
        Deadline(
            **case,
            what=f"Gone {TYPED}",
            computed_on=datetime.date(2024, 4, 1),
            status=DeadlineStatus.CANCELLED,
            cancelled_reason=f"Revoked {TYPED}",
        ),
        Deadline(inspection=inspection, what=f"Publish {TYPED}", computed_on=datetime.date(2024, 3, 4)),
    ]
    Deadline.objects.bulk_create(rows)
    return list(Deadline.objects.for_list())


SWITCHES = ("selectable", "show_authority", "may_update")


@pytest.mark.parametrize("switches", list(itertools.product([False, True], repeat=len(SWITCHES))))
def test_the_rows_are_what_the_template_loop_wrote(deadlines, switches):
    context = {**dict(zip(SWITCHES, switches, strict=True)), "deadlines": deadlines, "today": TODAY}
    context["selected"] = {str(deadlines[0].pk), str(deadlines[3].pk)}
    drawn = deadline_rows(Context(context), deadlines)
    assert drawn == Template(TEMPLATE_LOOP).render(Context(context))
    assert "<script>" not in drawn and ESCAPED in drawn


def test_without_a_selection_or_a_day_the_rows_are_what_the_loop_wrote(deadlines):
    """The council's page passes no selection; a table given no day shows an open deadline as due."""
    context = {"selectable": True, "may_update": True, "deadlines": deadlines}
    assert deadline_rows(Context(context), deadlines) == Template(TEMPLATE_LOOP).render(Context(context))


def test_the_pages_show_typed_markup_as_text(client, dora, deadlines, hereford_case):
    client.force_login(dora)
    for url in ("/deadlines/", f"/interventions/{hereford_case.pk}/deadlines/", "/authorities/885/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert ESCAPED in page


def test_the_national_lists_council_filter_keeps_its_choice_and_shows_typed_names_as_text(client, dora, deadlines):
    client.force_login(dora)
    worcester = LocalAuthority.objects.get(dfe_code="885")
    page = client.get(f"/deadlines/?authority={worcester.pk}").content.decode()
    assert f'<option value="{worcester.pk}" selected>Worcester {ESCAPED}</option>' in page
    assert '<option value="">All local authorities</option>' in page


def test_the_tables_read_only_the_columns_they_show_and_no_more_queries_for_more_rows(
    client, dora, deadlines, hereford_case
):
    """The lists read only the columns a row shows (DeadlineQuerySet.shown): a row that wanted another
    would read it with a query of its own, and twice the rows would take more queries."""
    client.force_login(dora)
    urls = ("/deadlines/", f"/interventions/{hereford_case.pk}/deadlines/")
    pages = {}
    for url in urls:
        with CaptureQueriesContext(connection) as before:
            client.get(url)
        pages[url] = len(before)
    for deadline in deadlines:  # each kind of row again
        deadline.pk = None
        deadline.computed_on += datetime.timedelta(days=1)
        if deadline.inspection_id:  # one deadline an inspection's requirement
            deadline.ofsted_requirement = OfstedRequirement.values[0]
    Deadline.objects.bulk_create(deadlines)
    for url in urls:
        with CaptureQueriesContext(connection) as after:
            page = client.get(url).content.decode()
        assert len(after) == pages[url], url
        assert page.count(f'<td class="govuk-table__cell">Moved {ESCAPED}</td>') == 2  # both rows drawn


def test_a_cases_deadlines_page_reads_no_instruments(client, dora, deadlines, hereford_case):
    """The page shows no stage: the case is read without its instruments (`for_list()` reads them)."""
    client.force_login(dora)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/interventions/{hereford_case.pk}/deadlines/").status_code == 200
    assert not [query for query in queries if query["sql"].startswith('SELECT "directions_instrument"')]
