"""Tables to take away (issue 16, item 6): formula neutralising, dates as dates, each export scoped
to what the person may see, and the national indicator values prepared by the worker for the asker only."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from intervention.models import PreparedDownload
from reviews.enums import DeadlineStatus
from reviews.models import Measurement
from reviews.services import exports
from tests.factories import issued_direction

pytestmark = pytest.mark.django_db
D = datetime.date


def read_xlsx(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_text_a_spreadsheet_would_run_is_neutralised_in_csv():
    table = exports.Table(title="t", headings=["A"], rows=[["=SUM(A1)"], ["+1"], ["-2"], ["@x"], ["\tx"], ["plain"]])
    rows = list(csv.reader(io.StringIO(exports.as_csv(table).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'=SUM(A1)", "'+1", "'-2", "'@x", "'\tx", "plain"]


def test_in_xlsx_it_is_text_not_a_formula_and_dates_are_dates():
    table = exports.Table(title="t", headings=["A", "B", "C"], rows=[["=SUM(A1)", D(2024, 1, 31), -3]])
    sheet = load_workbook(io.BytesIO(exports.as_xlsx(table))).active
    assert sheet["A2"].value == "=SUM(A1)" and sheet["A2"].data_type != "f"
    assert sheet["B2"].is_date and sheet["B2"].value.date() == D(2024, 1, 31)
    assert sheet["C2"].value == -3  # a negative number stays a number


def test_instructions_come_with_their_rounds(client, charlie, hereford_case, instruction):
    instruction.responses.create(kind="acknowledged", text="Received", by=charlie)
    client.force_login(charlie)
    response = client.get(reverse("case_instructions_export", args=[hereford_case.pk, "xlsx"]))
    rows = read_xlsx(response.content)
    assert rows[1][:2] == ("Instruction 1", "Recruitment plan")
    assert rows[1][6:8] == (1, "Acknowledged")


def test_a_case_export_is_a_404_to_someone_who_cannot_see_the_case(client, bob, hereford_case):
    client.force_login(bob)
    assert client.get(reverse("case_deadlines_export", args=[hereford_case.pk, "csv"])).status_code == 404


def test_the_national_indicator_values_are_prepared_by_the_worker_for_the_asker_only(
    client, dora, charlie, indicator, worcester_case
):
    Measurement.objects.create(indicator=indicator, period_end=D(2024, 1, 31), value=Decimal("41.5"), recorded_by=dora)
    Measurement.objects.create(indicator=indicator, period_end=D(2024, 2, 29), value=Decimal("39"), recorded_by=dora)
    client.force_login(dora)
    response = client.post(reverse("downloads"), {"file_format": "xlsx"})
    assert response.status_code == 302
    download = PreparedDownload.objects.get(requested_by=dora)
    assert download.status == PreparedDownload.Status.WAITING
    assert "Waiting to start" in client.get(reverse("downloads")).content.decode()

    assert exports.prepare_download(download_id=download.pk) == "ready"
    download.refresh_from_db()
    assert (download.rows_done, download.rows_total, download.percent_done) == (2, 2, 100)
    page = client.get(reverse("downloads")).content.decode()
    assert "Ready" in page and reverse("download_file", args=[download.pk]) in page

    response = client.get(reverse("download_file", args=[download.pk]))
    rows = read_xlsx(b"".join(response.streaming_content))
    assert [row[6] for row in rows[1:]] == [41.5, 39]
    assert rows[1][0] == "Herefordshire"

    client.force_login(charlie)  # someone else, who sees the case: still not theirs
    assert client.get(reverse("download_file", args=[download.pk])).status_code == 404


def test_the_prepared_values_are_only_the_askers_cases(dora, bob, indicator, worcester_case):
    issued_direction(worcester_case, D(2017, 3, 8))
    Measurement.objects.create(indicator=indicator, period_end=D(2024, 1, 31), value=Decimal("41.5"), recorded_by=dora)
    download = PreparedDownload.objects.create(kind="indicator_values", file_format="csv", requested_by=bob)
    exports.prepare_download(download_id=download.pk)
    download.refresh_from_db()
    assert download.status == PreparedDownload.Status.READY
    assert download.rows_total == 0  # Herefordshire's values are not Worcestershire's officer's
    with download.file.open("rb") as prepared:
        assert b"Herefordshire" not in prepared.read()


def _csv_cell_by_cell(table: exports.Table) -> bytes:
    """The table's CSV as `as_csv` writes it from its rows, a cell at a time."""
    return exports.as_csv(exports.Table(title=table.title, headings=table.headings, rows=table.rows))


def test_a_cases_indicator_values_csv_is_what_its_rows_write_cell_by_cell(
    client, charlie, dora, hereford_case, priority, indicator
):  # a formula and quotes in a name, no target, values out of order, negative, whole and zero
    from reviews.models import Indicator

    awkward = Indicator.objects.create(
        service_priority=priority, name='=Caseload, "per" worker', unit="count", direction="lower"
    )
    for month, value in ((D(2024, 1, 31), Decimal("41.5")), (D(2023, 12, 31), Decimal("-3")), (D(2024, 2, 29), 0)):
        Measurement.objects.create(indicator=indicator, period_end=month, value=value, recorded_by=dora)
    Measurement.objects.create(indicator=awkward, period_end=D(2024, 1, 31), value=Decimal("17.25"), recorded_by=dora)

    written = exports.as_csv(exports.case_indicator_values_table(hereford_case))
    assert written == _csv_cell_by_cell(exports.case_indicator_values_table(hereford_case))
    rows = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))
    assert [row[1:] for row in rows[1:]] == [
        ["i. Permanent social workers", "Agency social workers", "Percentage", "25.00", "2023-12-31", "-3.00"],
        ["i. Permanent social workers", "Agency social workers", "Percentage", "25.00", "2024-01-31", "41.50"],
        ["i. Permanent social workers", "Agency social workers", "Percentage", "25.00", "2024-02-29", "0.00"],
        ["i. Permanent social workers", '\'=Caseload, "per" worker', "Number", "", "2024-01-31", "17.25"],
    ]
    client.force_login(charlie)
    assert client.get(reverse("case_indicators_export", args=[hereford_case.pk, "csv"])).content == written


def test_instructions_csv_has_a_row_a_round_oldest_first_and_one_for_an_unanswered_instruction(
    client, charlie, hereford_case, instruction
):
    from directions import services

    instruction.responses.create(kind="acknowledged", text='Received, "thanks"\nMore', by=charlie)
    instruction.responses.create(kind="progress", text="-Halfway", by=charlie)
    services.issue_instruction(
        intervention=hereford_case,
        issued_by=charlie.person,
        by=charlie,
        title="Caseloads",
        text="Bring caseloads down",
        issued_on=D(2023, 5, 1),
        due_on=D(2023, 7, 31),
    )
    client.force_login(charlie)
    response = client.get(reverse("case_instructions_export", args=[hereford_case.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[:2] + row[6:9] for row in rows[1:]] == [
        ["Instruction 1", "Recruitment plan", "1", "Acknowledged", 'Received, "thanks"\nMore'],
        ["Instruction 1", "Recruitment plan", "2", "Progress", "'-Halfway"],
        ["Instruction 2", "Caseloads", "", "", ""],
    ]


AWKWARD = [  # what the csv module quotes, what a spreadsheet would run, both, neither, and the row test's mark
    "Plain",
    "Commas, here",
    'Quotes "here"',
    "Lines\nhere",
    "Returns\rhere",
    "=SUM(A1)",
    "+1",
    "-2, and more",
    '@"x"',
    "\tTabbed",
    "\rReturned",
    "\x01=marked",
    "Caf\u00e9 \u2013 na\u00efve",
    "",
]


def test_the_deadlines_csv_is_what_its_rows_write_cell_by_cell(client, dora, hereford_case, worcester_case):
    """PostgreSQL writes the deadlines CSV's lines (exports.CsvLine); they are what the csv module
    writes from the rows, whatever the text: quoted, neutralised, both or neither."""
    from intervention.models import LocalAuthority
    from reviews.models import Deadline

    LocalAuthority.objects.filter(pk=worcester_case.local_authority_id).update(name="Bristol, City of")
    today = D(2024, 6, 12)
    statuses = [DeadlineStatus.OPEN, DeadlineStatus.MET, DeadlineStatus.CANCELLED, DeadlineStatus.HISTORICAL]
    Deadline.objects.bulk_create(
        Deadline(
            intervention=hereford_case if number % 2 else worcester_case,
            what=text or "Nothing typed",
            delivered_by=AWKWARD[(number + 3) % len(AWKWARD)],
            deliverer=["", "council", "dfe", "something_else"][number % 4],
            recipient=AWKWARD[(number + 7) % len(AWKWARD)],
            computed_on=D(2024, 6, 1) + datetime.timedelta(days=number),
            override_on=D(2024, 7, 1) if number % 5 == 0 else None,
            override_reason="Asked" if number % 5 == 0 else "",
            status=statuses[number % 4],
            met_on=D(2024, 6, 2) if statuses[number % 4] == DeadlineStatus.MET else None,
        )
        for number, text in enumerate(AWKWARD)
    )
    orders = (Deadline.objects.for_list(), Deadline.objects.order_by("-computed_on", "pk"), Deadline.objects.all())
    for deadlines in (queryset.with_due_on() for queryset in orders):
        table = exports.deadlines_table(deadlines, today=today)
        # Written by PostgreSQL there; SQLite's lines are the csv module's, and must read the same.
        assert (table.csv_lines is not None) == (connection.vendor == "postgresql")
        written = exports.as_csv(table)
        assert written == _csv_cell_by_cell(exports.deadlines_table(deadlines, today=today))
    rows = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))
    assert len(rows) == len(AWKWARD) + 1
    assert ["Herefordshire", "'-2, and more"] in [row[:2] for row in rows]
    assert ["Bristol, City of", "Caf\u00e9 \u2013 na\u00efve"] in [row[:2] for row in rows]

    client.force_login(dora)
    download = client.get(reverse("deadlines_export", args=["csv"])).content
    national = Deadline.objects.visible_to(dora).open().for_list()
    assert download == _csv_cell_by_cell(exports.deadlines_table(national, today=datetime.date.today()))
