"""Spreadsheet imports as the council uses them: upload, a preview of every row, confirm. Nothing is
written before the confirm; then everything or nothing, with history naming the file."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reviews.models import ImportBatch, Indicator, Measurement, PlanAction
from reviews.services import imports
from reviews.services.progress import record_measurement

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER = "Indicator,Month,Value,Source note\n"
NAMES = ["Agency social workers", "Caseloads", "Re-referrals"]
MONTHS = [f"2023-{month:02d}" for month in range(1, 13)]


@pytest.fixture
def indicators(priority, indicator):
    others = [
        Indicator.objects.create(service_priority=priority, name=name, unit="count", direction="lower", maximum=500)
        for name in NAMES[1:]
    ]
    return [indicator, *others]


def csv_file(body: str, name: str = "values.csv", header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (header + body).encode(), content_type="text/csv")


def twelve_by_three() -> str:
    return "".join(
        f"{name},{month},{20 + index + number},Monthly report\n"
        for number, name in enumerate(NAMES)
        for index, month in enumerate(MONTHS)
    )


def upload(client, case, file) -> object:
    return client.post(reverse("import_values", args=[case.pk]), {"file": file})


def preview_of(client, case) -> tuple[ImportBatch, str]:
    batch = ImportBatch.objects.latest("pk")
    page = client.get(reverse("import_preview", args=[case.pk, batch.pk]))
    return batch, page.content.decode()


def test_twelve_months_of_three_indicators_are_previewed_then_imported(client, alice, hereford_case, indicators):
    client.force_login(alice)
    response = upload(client, hereford_case, csv_file(twelve_by_three(), name="Monthly figures 2023.csv"))
    batch, page = preview_of(client, hereford_case)
    assert response.status_code == 302
    assert "36 new, 0 changed, 0 unchanged, 0 refused." in page
    assert "Agency social workers, March 2023" in page
    assert Measurement.objects.count() == 0  # nothing written before the confirm

    confirmed = client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]))

    assert confirmed.status_code == 302
    assert Measurement.objects.count() == 36
    caseloads = Measurement.objects.get(indicator__name="Caseloads", period_end=D(2023, 12, 31))
    assert (caseloads.value, caseloads.source_note) == (Decimal("32"), "Monthly report")
    assert caseloads.history.get().history_change_reason == "Imported from Monthly figures 2023.csv"


def test_the_preview_shows_changed_and_unchanged_values_with_old_and_new(client, alice, hereford_case, indicator):
    record_measurement(indicator=indicator, period_end=D(2023, 1, 31), value=Decimal("40"), by=alice)
    record_measurement(indicator=indicator, period_end=D(2023, 2, 28), value=Decimal("41"), by=alice)
    client.force_login(alice)
    upload(client, hereford_case, csv_file("Agency social workers,2023-01,38,\nAgency social workers,Feb 2023,41,\n"))
    batch, page = preview_of(client, hereford_case)
    assert "0 new, 1 changed, 1 unchanged, 0 refused." in page
    assert "40 → 38" in page

    client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]))

    corrected = Measurement.objects.get(period_end=D(2023, 1, 31))
    assert corrected.value == Decimal("38")
    assert corrected.correction_reason == "Imported from values.csv"
    assert corrected.history.first().history_change_reason == "Imported from values.csv"
    assert corrected.history.last().value == Decimal("40")  # the old value stays in history


def future_month() -> str:
    today = timezone.localdate()
    ahead = (today.replace(day=1) + datetime.timedelta(days=62)).replace(day=1)
    return f"{ahead:%Y-%m}"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Agency social workers,2023-07,lots,", "Row 2, column C: enter a number"),
        ("Vacancies,2023-07,12,", 'Row 2, column A: there is no indicator called "Vacancies" on this case'),
        ("Agency social workers,2023-07,140,", "Row 2, column C: a percentage must be between 0 and 100"),
        ("Caseloads,2023-07,501,", "Row 2, column C: the value must be 500 or less"),
        ("Agency social workers,sometime,12,", "Row 2, column B: enter the month, for example 2024-03 or March 2024"),
        ("Agency social workers,FUTURE,12,", "Row 2, column B: the month cannot be in the future"),
    ],
)
def test_a_bad_cell_is_refused_with_its_row_and_column(client, alice, hereford_case, indicators, row, message):
    client.force_login(alice)
    upload(client, hereford_case, csv_file(row.replace("FUTURE", future_month()) + "\n"))
    batch, page = preview_of(client, hereford_case)
    assert batch.outcomes[0]["problems"] == [message]
    assert message.replace('"', "&quot;") in page
    response = client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]))
    assert imports.HAS_REFUSED_ROWS in response.content.decode()
    assert Measurement.objects.count() == 0


def test_a_month_twice_is_refused_on_the_second_row(client, alice, hereford_case, indicators):
    client.force_login(alice)
    upload(client, hereford_case, csv_file("Caseloads,2023-07,12,\ncaseloads,July 2023,13,\n"))
    batch, page = preview_of(client, hereford_case)
    assert [o["problems"] for o in batch.outcomes] == [
        [],
        ["Row 3, column B: Caseloads for July 2023 is also on row 2"],
    ]
    assert "1 new, 0 changed, 0 unchanged, 1 refused, including 1 month given twice." in page


def test_one_refused_row_means_nothing_is_imported(client, alice, hereford_case, indicators):
    client.force_login(alice)
    upload(client, hereford_case, csv_file(twelve_by_three() + "Caseloads,2023-07,many,\n"))
    batch, page = preview_of(client, hereford_case)
    client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]))
    assert "36 new, 0 changed, 0 unchanged, 1 refused, including 1 month given twice." in page  # July again
    assert "Row 38, column C: enter a number" in page
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("values.csv", b"Indicator,Value\nCaseloads,12\n"), "The first row must name the columns"),
        (SimpleUploadedFile("values.csv", b""), imports.FILE_EMPTY),
        (SimpleUploadedFile("values.csv", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"), imports.NOT_A_SPREADSHEET),
        (SimpleUploadedFile("values.csv", b"\x00\x01\x02binary\x03"), imports.NOT_A_SPREADSHEET),
        (SimpleUploadedFile("values.csv", HEADER.encode()), imports.NO_ROWS),
    ],
)
def test_a_bad_file_is_refused_as_a_whole(client, alice, hereford_case, indicators, file, message):
    client.force_login(alice)
    response = upload(client, hereford_case, file)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportBatch.objects.count() == 0


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_a_file_over_the_limit_is_refused(client, alice, hereford_case, indicators):
    client.force_login(alice)
    response = upload(client, hereford_case, csv_file("Caseloads,2023-07,12,Monthly report\n" * 40_000))
    assert "The file must be smaller than 1 MB" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_wrong_columns_name_what_was_found(client, alice, hereford_case, indicators):
    client.force_login(alice)
    response = upload(client, hereford_case, csv_file("Caseloads,2023-07\n", header="Indicator,Period\n"))
    assert (
        "The first row must name the columns Indicator, Month, Value, Source note, in that order. "
        "It names Indicator, Period"
    ) in response.content.decode()


def test_a_second_confirm_of_the_same_batch_does_nothing(client, alice, hereford_case, indicators):
    client.force_login(alice)
    upload(client, hereford_case, csv_file("Caseloads,2023-07,12,\n"))
    batch, _ = preview_of(client, hereford_case)
    client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]))
    Measurement.objects.update(value=Decimal("99"))

    again = client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]), follow=True)

    assert "This file has already been imported" in again.content.decode()
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("99")]


def test_a_stale_preview_is_refused_and_shown_again(client, alice, hereford_case, indicators):
    client.force_login(alice)
    upload(client, hereford_case, csv_file("Caseloads,2023-07,12,\n"))
    batch, _ = preview_of(client, hereford_case)
    record_measurement(indicator=indicators[1], period_end=D(2023, 7, 31), value=Decimal("10"), by=alice)

    response = client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]))

    page = response.content.decode()
    assert imports.STALE_PREVIEW in page
    assert "10 → 12" in page  # the new preview
    assert Measurement.objects.get().value == Decimal("10")
    client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]))  # confirmed on the new preview
    assert Measurement.objects.get().value == Decimal("12")


def test_another_councils_officer_gets_404(client, alice, bob, hereford_case, indicators):
    batch = imports.start_import(
        intervention=hereford_case, kind="values", upload=csv_file("Caseloads,2023-07,12,\n"), by=alice
    )
    client.force_login(bob)
    assert client.get(reverse("import_preview", args=[hereford_case.pk, batch.pk])).status_code == 404
    assert client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk])).status_code == 404
    assert client.get(reverse("import_values", args=[hereford_case.pk])).status_code == 404
    assert Measurement.objects.count() == 0


def test_the_commissioner_may_not_import(client, charlie, hereford_case, indicators):
    client.force_login(charlie)
    assert client.get(reverse("import_values", args=[hereford_case.pk])).status_code == 403


def test_the_template_names_the_columns(client, alice, hereford_case):
    client.force_login(alice)
    response = client.get(reverse("import_template", args=[hereford_case.pk, "values", "csv"]))
    assert response.content.decode("utf-8-sig") == "Indicator,Month,Value,Source note\r\n"


def test_an_excel_workbook_is_read_as_values_not_formulas(client, alice, hereford_case, indicators):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Indicator", "Month", "Value", "Source note"])
    sheet.append(["Caseloads", datetime.datetime(2023, 7, 31), 12.5, "HR"])
    sheet.append(["Re-referrals", "2023-07", "=1+1", ""])  # no cached value: nothing is evaluated
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(alice)
    upload(client, hereford_case, SimpleUploadedFile("values.xlsx", buffer.getvalue()))
    batch, _ = preview_of(client, hereford_case)
    assert [o["outcome"] for o in batch.outcomes] == ["new", "refused"]
    assert batch.outcomes[0]["new"] == "12.5 (HR)"
    assert batch.outcomes[1]["problems"] == ["Row 3, column C: enter a number"]


ACTIONS_HEADER = "Objective number,Objective title,Action number,Description,Owner,Due date,RAG\n"


def test_a_plans_actions_are_imported_new_and_changed(client, alice, hereford_case, action):
    plan = action.objective.plan
    client.force_login(alice)
    body = (
        '1,"A stable, permanent workforce",1,Launch the recruitment campaign,Director of HR,30/06/2030,Red\n'
        "2,Better practice,1,Audit case files monthly,Principal social worker,2024-03-31,green\n"
    )
    client.post(
        reverse("import_actions", args=[hereford_case.pk, plan.pk]),
        {"file": csv_file(body, header=ACTIONS_HEADER, name="plan.csv")},
    )
    batch, page = preview_of(client, hereford_case)
    assert [o["outcome"] for o in batch.outcomes] == ["changed", "new"]
    assert "Owner: Head of workforce; RAG: Amber → Owner: Director of HR; RAG: Red" in page

    client.post(reverse("import_preview", args=[hereford_case.pk, batch.pk]))

    action.refresh_from_db()
    assert (action.owner, action.rag) == ("Director of HR", "red")
    assert PlanAction.objects.get(objective__label="2").description == "Audit case files monthly"
    assert action.history.first().history_change_reason == "Imported from plan.csv"
