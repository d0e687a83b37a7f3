"""The council imports a spreadsheet of indicator values in a real browser: upload, a preview of every
row, confirm; then corrects one value with a reason. Every page is checked with axe."""

import datetime
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.support import BROWSER_TEST, assert_accessible, sign_in, title
from tests.reviews import progress_fixtures

pytestmark = BROWSER_TEST
D = datetime.date
ALICE = "alice@herefordshire.example"

priority = progress_fixtures.priority
indicator = progress_fixtures.indicator


def test_the_council_imports_values_then_corrects_one_with_a_reason(
    page: Page, alice, hereford_case, indicator, tmp_path
):
    spreadsheet = Path(tmp_path) / "Workforce figures.csv"
    spreadsheet.write_text(
        "Indicator,Month,Value,Source note\n"
        "Agency social workers,2023-01,52,Payroll\n"
        "Agency social workers,2023-02,49.5,Payroll\n"
        "Agency social workers,March 2023,47,Payroll\n"
    )
    sign_in(page, ALICE)
    page.goto(f"/interventions/{hereford_case.pk}/indicators/{indicator.pk}/")
    page.get_by_role("link", name="Import values for many months from a spreadsheet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import indicator values")
    assert_accessible(page)
    page.get_by_label("Choose the spreadsheet").set_input_files(spreadsheet)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import from Workforce figures.csv")
    expect(page).to_have_title(title("Check the import from Workforce figures.csv \N{EN DASH} Herefordshire"))
    expect(page.get_by_text("3 new, 0 changed, 0 unchanged, 0 refused.")).to_be_visible()
    rows = page.get_by_role("table", name="Every row of the file").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Agency social workers, February 2023")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and import 3 rows").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Imported from Workforce figures.csv: 3 new, 0 changed, 0 unchanged"
    )
    page.goto(f"/interventions/{hereford_case.pk}/indicators/{indicator.pk}/")
    expect(page.locator("svg.app-chart circle")).to_have_count(3)
    page.get_by_text("The figures in a table").click()
    page.get_by_role("link", name="Correct the value for February 2023").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Correct the value for February 2023")
    assert_accessible(page)
    page.get_by_label("Correct value (%)").fill("48.5")
    page.get_by_label("Why is the value being corrected?").fill(
        "The payroll export counted two leavers as agency staff"
    )
    page.get_by_role("button", name="Save correction").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Value for February 2023 corrected")
    page.get_by_text("The figures in a table").click()
    row = page.get_by_role("table", name="Agency social workers by month").get_by_role("row").nth(2)
    expect(row).to_contain_text("48.5%")
    expect(row).to_contain_text(
        re.compile(
            r"Corrected on \d+ \w+ \d{4} by alice@herefordshire\.example: The payroll export counted two leavers"
        )
    )
    assert_accessible(page)
