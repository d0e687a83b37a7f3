"""A council officer's day in a real browser: logging progress with evidence, answering an instruction
(and the commissioner accepting it), recording an indicator value, a form error and its recovery, two
people editing the same action, and logging progress with the keyboard alone. Every page is checked with
axe."""

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from reviews.models import ProgressUpdate
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.support import BROWSER_TEST, PASSWORD, assert_accessible, fill_date, sign_in, sign_in_to, title
from tests.reviews import progress_fixtures

pytestmark = BROWSER_TEST
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ALICE = "alice@herefordshire.example"
CHARLIE = "charlie@commissioner.example"

# The case's service priority, indicator and plan action, shared with tests/reviews. Assigned rather
# than imported so that ruff does not take the tests' arguments for redefinitions of an import.
priority = progress_fixtures.priority
indicator = progress_fixtures.indicator
action = progress_fixtures.action
instruction = progress_fixtures.instruction


@pytest.fixture
def pdf(tmp_path) -> Path:
    path = tmp_path / "Workforce report.pdf"
    path.write_bytes(PDF)
    return path


def fill_period(page: Page) -> None:
    fill_date(page, "Start of the period this update covers", "1", "4", "2023")
    fill_date(page, "End of the period this update covers", "30", "6", "2023")


def open_priority(page: Page, case) -> None:
    """From the case page, follow the service priority's link."""
    expect(page).to_have_url(re.compile(rf"/interventions/{case.pk}/$"))
    assert_accessible(page)
    page.get_by_role("table", name="Service priorities with their latest rating and indicators").get_by_role(
        "link", name="i. Permanent social workers"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permanent social workers")
    expect(page).to_have_title(title("Permanent social workers \N{EN DASH} Herefordshire"))
    assert_accessible(page)


def success_banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def test_an_officer_logs_progress_with_evidence_and_downloads_it(page, alice, hereford_case, priority, pdf):
    sign_in(page, ALICE)
    open_priority(page, hereford_case)
    expect(page.get_by_text("No progress has been logged yet.")).to_be_visible()

    page.get_by_role("button", name="Log progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log progress")
    expect(page.get_by_text(f"On: {priority}")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What progress has been made?").fill(
        "Agency use fell to 44%; six permanent social workers started"
    )
    page.get_by_label("Amber").check()
    fill_period(page)
    page.get_by_label("Evidence (optional)").set_input_files(pdf)
    page.get_by_role("button", name="Save progress update").click()

    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/priorities/{priority.pk}/$"))
    expect(success_banner(page)).to_contain_text("Progress update saved")
    update = page.locator(".app-update")
    expect(update).to_have_count(1)
    expect(update.get_by_role("link", name="1 Apr 2023 to 30 Jun 2023")).to_be_visible()
    expect(update).to_contain_text("Amber")
    expect(update).to_contain_text("Agency use fell to 44%; six permanent social workers started")
    expect(update).to_contain_text("By alice@herefordshire.example")
    expect(update).to_contain_text("SHA-256: ")
    assert_accessible(page)

    with page.expect_download() as download_info:
        update.get_by_role("link", name="Workforce report.pdf", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "Workforce report.pdf"
    assert Path(download.path()).read_bytes() == PDF


def test_an_officer_answers_an_instruction_and_the_commissioner_accepts_it(
    page, alice, charlie, hereford_case, instruction, tmp_path
):
    plan = tmp_path / "Recruitment plan.pdf"
    plan.write_bytes(PDF)
    sign_in(page, ALICE)
    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))
    assert_accessible(page)
    page.get_by_role("link", name="Instruction 1: Recruitment plan").click()

    instruction_url = re.compile(rf"/interventions/{hereford_case.pk}/instructions/{instruction.pk}/$")
    expect(page).to_have_url(instruction_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Recruitment plan")
    status = page.locator(".govuk-summary-list__row", has_text="Status").locator("dd")
    expect(status).to_have_text("Overdue Issued")
    expect(page.get_by_text("The council has not responded yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Accept as complied")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acknowledge the instruction")
    assert_accessible(page)
    page.get_by_label("Who will lead the council's response?").fill("The head of workforce leads the response")
    page.get_by_role("button", name="Acknowledge").click()

    expect(page).to_have_url(instruction_url)
    expect(success_banner(page)).to_contain_text("Acknowledged: Instruction 1")
    expect(status).to_have_text("Overdue Acknowledged")
    assert_accessible(page)

    page.get_by_role("button", name="Submit as complied").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit as complied")
    assert_accessible(page)
    page.get_by_label("How has the council complied?").fill("The plan was presented to the board on 20 June")
    page.get_by_label("Evidence (optional)").set_input_files(plan)
    page.get_by_role("button", name="Submit to the commissioner").click()

    expect(page).to_have_url(instruction_url)
    expect(status).to_have_text("Submitted as complied")
    rounds = page.locator(".app-update")
    expect(rounds.get_by_role("heading", level=3)).to_have_text(["Acknowledged", "Submitted as complied"])
    expect(rounds.nth(0)).to_contain_text("The head of workforce leads the response")
    expect(rounds.nth(1)).to_contain_text("The plan was presented to the board on 20 June")
    expect(rounds.nth(1).get_by_role("link", name="Recruitment plan.pdf", exact=True)).to_be_visible()
    # Compliance is not self-declared: the council cannot accept its own submission.
    expect(page.get_by_role("button", name="Accept as complied")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    # The commissioner follows a link to the instruction, signing in on the way.
    sign_in_to(page, f"/interventions/{hereford_case.pk}/instructions/{instruction.pk}/", CHARLIE)
    expect(status).to_have_text("Submitted as complied")
    expect(rounds).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("button", name="Accept as complied").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept as complied")
    assert_accessible(page)
    page.get_by_label("Why is the instruction complied with?").fill("The plan meets the instruction")
    page.get_by_role("button", name="Accept and close").click()

    expect(page).to_have_url(instruction_url)
    expect(status).to_have_text("Complied")
    expect(rounds.get_by_role("heading", level=3)).to_have_text(
        ["Acknowledged", "Submitted as complied", "Accepted as complied"]
    )
    expect(rounds.nth(2)).to_contain_text("The plan meets the instruction")
    # Closed: nothing more to do.
    expect(page.locator("main .govuk-button-group")).to_have_count(0)
    assert_accessible(page)


def test_an_officer_records_an_indicator_value_and_the_chart_changes(page, alice, hereford_case, indicator):
    from reviews.services import progress

    for month, value in [(1, "52"), (2, "49.5")]:
        progress.record_measurement(indicator=indicator, period_end=D(2023, month, 28), value=Decimal(value), by=alice)
    sign_in(page, ALICE)
    open_priority(page, hereford_case)
    page.get_by_role("link", name="Agency social workers", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Agency social workers")
    expect(page.get_by_text("Lower is better. Target: 25%.")).to_be_visible()
    # The chart is named by its title and summary (aria-labelledby both), for those who cannot see it.
    chart = page.get_by_role("img", name=re.compile("^Agency social workers"))
    expect(chart).to_have_accessible_name(re.compile(r"2 values from January 2023 \(52%\) to February 2023 \(49\.5%\)"))
    points = page.locator("svg.app-chart circle")
    expect(points).to_have_count(2)
    assert_accessible(page)

    month = page.get_by_role("group", name="Which month is the value for?")
    month.get_by_label("Month").fill("3")
    month.get_by_label("Year").fill("2023")
    page.get_by_label("Value (%)").fill("44.5")
    page.get_by_label("Where does the figure come from? (optional)").fill("Monthly workforce report")
    page.get_by_role("button", name="Save value").click()

    expect(success_banner(page)).to_contain_text("Value for March 2023 saved")
    expect(points).to_have_count(3)
    expect(chart).to_have_accessible_name(re.compile(r"3 values from January 2023 \(52%\) to March 2023 \(44\.5%\)"))
    page.get_by_text("The figures in a table").click()
    table = page.get_by_role("table", name="Agency social workers by month")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.get_by_role("row").last).to_have_text(
        re.compile(r"^March 2023\s*44\.5%\s*Monthly workforce report\s*Correct the value for March 2023$")
    )
    assert_accessible(page)


def test_a_form_error_keeps_the_narrative_and_asks_for_the_file_again(page, alice, hereford_case, priority, pdf):
    sign_in(page, ALICE)
    page.goto(f"/interventions/{hereford_case.pk}/progress/new/?priority={priority.pk}")
    assert_accessible(page)
    narrative = page.get_by_label("What progress has been made?")
    narrative.fill("Agency use fell to 44%")
    fill_period(page)
    page.get_by_label("Evidence (optional)").set_input_files(pdf)
    page.get_by_role("button", name="Save progress update").click()

    expect(page).to_have_title(re.compile(r"^Error: Log progress"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # The message is shown by the radios and read out with them.
    expect(page.get_by_role("group", name="RAG rating")).to_have_accessible_description(
        re.compile("Choose a RAG rating")
    )
    expect(narrative).to_have_value("Agency use fell to 44%")
    expect(page.get_by_role("group", name="End of the period this update covers").get_by_label("Year")).to_have_value(
        "2023"
    )
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "You chose 1 file (Workforce report.pdf). Files cannot be kept when a form has a problem: choose it again."
    )
    assert_accessible(page)
    assert not ProgressUpdate.objects.exists()

    summary.get_by_role("link", name="Choose a RAG rating").click()
    expect(page.get_by_label("Green")).to_be_focused()
    page.get_by_label("Green").check()
    page.get_by_label("Evidence (optional)").set_input_files(pdf)
    page.get_by_role("button", name="Save progress update").click()

    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/priorities/{priority.pk}/$"))
    expect(success_banner(page)).to_contain_text("Progress update saved")
    update = page.locator(".app-update")
    expect(update).to_have_count(1)
    expect(update).to_contain_text("Agency use fell to 44%")
    expect(update.get_by_role("link", name="Workforce report.pdf", exact=True)).to_be_visible()
    assert_accessible(page)


def second_person(browser: Browser, live_server, hereford_case) -> Page:
    """Ellie, another Herefordshire officer, with a browser of her own (so cookies of her own)."""
    from intervention.enums import Organisation
    from tests.factories import PersonFactory, UserFactory

    ellie = UserFactory(username="ellie@herefordshire.example", first_name="Ellie", last_name="Jones")
    PersonFactory(
        user=ellie,
        name="Ellie Jones",
        organisation=Organisation.COUNCIL,
        local_authority=hereford_case.local_authority,
        email=ellie.username,
    )
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1024, "height": 768})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def ellie(browser, live_server, hereford_case) -> Iterator[Page]:
    """Ellie's page, held to the same standard as the `page` fixture's: every file arrives, no script throws."""
    other = second_person(browser, live_server, hereford_case)
    problems: list[str] = []
    other.on("response", lambda r: problems.append(f"{r.status} for {r.url}") if r.status >= 400 else None)
    other.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    sign_in(other, "ellie@herefordshire.example")
    expect(other.get_by_role("button", name="Sign out")).to_be_visible()
    yield other
    other.context.close()
    assert not problems, "Ellie's pages did not load cleanly:\n" + "\n".join(problems)


def conflicting_edits(page: Page, other: Page, case, action) -> None:
    """Alice and Ellie open the same action's form; Alice saves first, then Ellie saves her stale form."""
    edit_url = f"/interventions/{case.pk}/plan/actions/{action.pk}/"
    sign_in(page, ALICE)
    for person in (page, other):
        person.goto(edit_url)
        expect(person.get_by_role("heading", level=1)).to_have_text("Launch the recruitment campaign")
        expect(person.get_by_label("Not started")).to_be_checked()
        assert_accessible(person)

    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(rf"/interventions/{case.pk}/plan/$"))
    expect(success_banner(page)).to_contain_text("Action 1.1 updated")
    expect(page.get_by_role("row", name=re.compile("Launch the recruitment campaign"))).to_contain_text("In progress")
    assert_accessible(page)

    other.get_by_label("Owner").fill("Director of children's services")
    other.get_by_role("button", name="Save changes").click()
    expect(other).to_have_title(re.compile(r"^Error: Action 1\.1"))
    summary = other.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Someone else changed this since you opened it")
    summary.get_by_role("link").click()  # the problem is with the whole form: the link goes to its first field
    expect(other.get_by_label("Not started")).to_be_focused()
    conflict = other.get_by_role("region", name="Important")
    expect(conflict).to_contain_text("Someone else changed this action while you were editing it")
    expect(conflict).to_contain_text(f"{ALICE}, ")
    expect(conflict).to_contain_text("Status Not started → In progress")
    expect(other.get_by_label("Owner")).to_have_value("Director of children's services")
    assert_accessible(other)
    action.refresh_from_db()
    assert (action.status, action.owner) == ("in_progress", "Head of workforce")


def test_two_people_edit_the_same_action_and_the_second_is_told_what_changed(page, ellie, alice, hereford_case, action):
    conflicting_edits(page, ellie, hereford_case, action)

    # Ellie opens the form again: it shows Alice's change, and Ellie makes hers on top of it.
    ellie.goto(f"/interventions/{hereford_case.pk}/plan/actions/{action.pk}/")
    expect(ellie.get_by_label("In progress")).to_be_checked()
    expect(ellie.get_by_role("heading", name="What changed")).to_be_visible()
    assert_accessible(ellie)
    ellie.get_by_label("Owner").fill("Director of children's services")
    ellie.get_by_role("button", name="Save changes").click()

    expect(ellie).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/plan/$"))
    expect(success_banner(ellie)).to_contain_text("Action 1.1 updated")
    row = ellie.get_by_role("row", name=re.compile("Launch the recruitment campaign"))
    expect(row).to_contain_text("Director of children's services")
    expect(row).to_contain_text("In progress")
    assert_accessible(ellie)
    action.refresh_from_db()
    assert (action.status, action.owner) == ("in_progress", "Director of children's services")


def test_after_a_conflict_saving_again_from_the_same_page_keeps_both_changes(page, ellie, alice, hereford_case, action):
    conflicting_edits(page, ellie, hereford_case, action)

    with ellie.expect_navigation():
        ellie.get_by_role("button", name="Save changes").click()

    assert re.search(rf"/interventions/{hereford_case.pk}/plan/$", ellie.url), "the second save was refused again"
    action.refresh_from_db()
    assert (action.status, action.owner) == ("in_progress", "Director of children's services")


def focus_by_tab(page: Page, target, limit: int = 40) -> None:
    """Press Tab until the target has focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def skip_to_main_content(page: Page) -> None:
    """A new page: the first Tab reaches the skip link, which takes focus past the header."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_logging_progress_with_the_keyboard_alone(page, alice, hereford_case, priority):
    page.goto(f"/interventions/{hereford_case.pk}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    assert_accessible(page)
    skip_to_main_content(page)
    focus_by_tab(page, page.get_by_label("Email address"))
    page.keyboard.type(ALICE)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/interventions/{hereford_case.pk}/$"))
    assert_accessible(page)

    skip_to_main_content(page)
    focus_by_tab(page, page.get_by_role("link", name="i. Permanent social workers"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Permanent social workers")
    assert_accessible(page)

    skip_to_main_content(page)
    focus_by_tab(page, page.get_by_role("button", name="Log progress"))
    page.keyboard.press("Space")  # a link drawn as a GOV.UK button answers the space bar, as a button does
    expect(page.get_by_role("heading", level=1)).to_have_text("Log progress")
    assert_accessible(page)

    skip_to_main_content(page)
    narrative = page.get_by_label("What progress has been made?")
    focus_by_tab(page, narrative)
    page.keyboard.type("Caseloads are down to 18 a worker")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Green")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Green")).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Amber")).to_be_focused()
    expect(page.get_by_label("Amber")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("If the rating has changed, why?")).to_be_focused()
    for legend, values in [
        ("Start of the period this update covers", ["1", "4", "2023"]),
        ("End of the period this update covers", ["30", "6", "2023"]),
    ]:
        for part, value in zip(["Day", "Month", "Year"], values, strict=True):
            page.keyboard.press("Tab")
            expect(page.get_by_role("group", name=legend).get_by_label(part)).to_be_focused()
            page.keyboard.type(value)
    focus_by_tab(page, page.get_by_role("button", name="Save progress update"))
    page.keyboard.press("Enter")

    # (The skip link's #main-content stays on the address through the redirect.)
    expect(page).to_have_url(
        re.compile(rf"/interventions/{hereford_case.pk}/priorities/{priority.pk}/(#main-content)?$")
    )
    expect(success_banner(page)).to_contain_text("Progress update saved")
    expect(page.locator(".app-update")).to_contain_text("Caseloads are down to 18 a worker")
    expect(page.locator(".app-update")).to_contain_text("Amber")
    assert_accessible(page)
