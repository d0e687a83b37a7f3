"""A case nobody seeded, run from its direction to a complied instruction in a real browser (issue 15's
"done when"): on a case with an issued direction and nothing else, the council writes a plan and imports
its actions, sets up an indicator and submits the plan; the commissioner agrees it from their work list;
the council logs progress, imports twelve months of values and corrects one with a reason; the
commissioner issues an instruction in the admin, the council submits it as complied, the commissioner
returns it, the council submits again and the commissioner accepts it.

After each hand-over the promised emails are sent as the worker would, and the test asserts each person's
"Your work" count and the emails: exactly one per person per event. Every service page is checked with axe."""

import datetime
from pathlib import Path

from django.core import mail
from playwright.sync_api import Page, expect

from directions.enums import InstructionStatus
from directions.models import Instruction
from intervention import notices
from intervention.models import Notice
from reviews.enums import PlanStatus
from reviews.models import ImprovementPlan, Measurement, PlanAction
from tests.browser.support import BROWSER_TEST, assert_accessible, fill_date, heading, sign_in
from tests.outbox import run_promises
from tests.reviews import planning_fixtures

pytestmark = BROWSER_TEST
ALICE = "alice@herefordshire.example"
CHARLIE = "charlie@commissioner.example"
COUNCIL = "Herefordshire Council"

direction_in_force = planning_fixtures.direction_in_force
workforce = planning_fixtures.workforce


def emails_sent() -> list[tuple[str, str]]:
    """The worker's part, then what it sent since the last call: every promised email once."""
    run_promises()
    for notice in Notice.objects.filter(sent_at__isnull=True).exclude(email=""):
        notices.send_notice(notice_id=notice.pk)
    sent = sorted((", ".join(message.to), str(message.subject)) for message in mail.outbox)
    mail.outbox.clear()
    return sent


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def expect_work(page: Page, count: int) -> None:
    page.goto("/")
    expect(page.get_by_role("link", name=f"Your work ({count})")).to_be_visible()


def upload(page: Page, path: Path, confirm: str) -> None:
    page.get_by_label("Choose the spreadsheet").set_input_files(path)
    page.get_by_role("button", name="Upload and preview").click()
    expect(heading(page)).to_have_text(f"Check the import from {path.name}")
    assert_accessible(page)
    page.get_by_role("button", name=confirm).click()


def test_a_new_case_runs_from_its_direction_to_a_complied_instruction(
    page: Page, alice, charlie, hereford_case, workforce, tmp_path
):
    case = f"/interventions/{hereford_case.pk}"

    # The council writes the plan and imports its actions.
    sign_in(page, ALICE)
    expect_work(page, 0)
    page.goto(f"{case}/plan/")
    page.get_by_role("button", name="Write an improvement plan").click()
    page.get_by_label("Title of the plan").fill("Children's services improvement plan")
    page.get_by_role("button", name="Save plan").click()
    expect(heading(page)).to_have_text("Children's services improvement plan")
    page.goto(f"{case}/plan/")
    page.get_by_role("link", name="Import actions from a spreadsheet").click()
    expect(heading(page)).to_have_text("Import actions into Children's services improvement plan")
    assert_accessible(page)
    actions = Path(tmp_path) / "Plan actions.csv"
    actions.write_text(
        "Objective number,Objective title,Action number,Description,Owner,Due date,RAG\n"
        "1,A stable workforce,1,Launch the recruitment campaign,Head of workforce,2030-06-30,Amber\n"
        "1,A stable workforce,2,Convert agency staff to permanent posts,Head of HR,31/12/2030,Red\n"
    )
    upload(page, actions, confirm="Confirm and import 2 rows")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Imported from Plan actions.csv")
    assert sorted(PlanAction.objects.values_list("description", flat=True)) == [
        "Convert agency staff to permanent posts",
        "Launch the recruitment campaign",
    ]

    # An indicator for the priority, then the plan goes for agreement.
    page.goto(f"{case}/priorities/{workforce.pk}/")
    page.get_by_role("link", name="Set up an indicator for this priority").click()
    page.get_by_label("Name").fill("Agency social workers")
    page.get_by_label("Percentage").check()
    page.get_by_label("Lower is better").check()
    page.get_by_label("Target (optional)").fill("25")
    page.get_by_role("button", name="Save indicator").click()
    expect(heading(page)).to_have_text("Agency social workers")
    indicator_page = page.url
    plan = ImprovementPlan.objects.get()
    page.goto(f"{case}/plans/{plan.pk}/")
    page.get_by_role("button", name="Submit for agreement").click()
    page.get_by_role("button", name="Submit for agreement").click()
    expect(page.get_by_text("Waiting for agreement", exact=True)).to_be_visible()
    expect_work(page, 0)
    sign_out(page)
    assert emails_sent() == [
        (CHARLIE, f"Improvement plan to agree: Children's services improvement plan, {COUNCIL}"),
    ]

    # The commissioner agrees it from their work list.
    sign_in(page, CHARLIE)
    expect_work(page, 1)
    page.get_by_role("link", name="Your work (1)").click()
    expect(page.get_by_role("heading", name="Improvement plans to agree (1)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Children's services improvement plan").click()
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_text("Version 1 agreed on")).to_be_visible()
    expect_work(page, 0)
    sign_out(page)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert emails_sent() == [
        (ALICE, f"Improvement plan agreed (version 1): Children's services improvement plan, {COUNCIL}"),
    ]

    # The council reads the notice, logs progress, imports twelve months and corrects one.
    sign_in(page, ALICE)
    expect_work(page, 1)
    page.get_by_role("link", name="Your work (1)").click()
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("Nothing is waiting for you")).to_be_visible()
    page.goto(f"{case}/priorities/{workforce.pk}/")
    page.get_by_role("button", name="Log progress").click()
    expect(heading(page)).to_contain_text("Log progress")
    assert_accessible(page)
    page.get_by_label("What progress has been made?").fill("Eight agency social workers took permanent posts")
    page.get_by_label("Amber").check()
    fill_date(page, "Start of the period this update covers", "1", "1", "2025")
    fill_date(page, "End of the period this update covers", "31", "3", "2025")
    page.get_by_role("button", name="Save progress update").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Progress update saved")
    assert_accessible(page)

    values = Path(tmp_path) / "Twelve months.csv"
    months = [datetime.date(2025, month, 1) for month in range(1, 13)]
    values.write_text(
        "Indicator,Month,Value,Source note\n"
        + "".join(f"Agency social workers,{month:%Y-%m},{52 - index},Payroll\n" for index, month in enumerate(months))
    )
    page.goto(indicator_page)
    page.get_by_role("link", name="Import values for many months from a spreadsheet").click()
    upload(page, values, confirm="Confirm and import 12 rows")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("12 new, 0 changed, 0 unchanged")
    page.goto(indicator_page)
    page.get_by_text("The figures in a table").click()
    page.get_by_role("link", name="Correct the value for March 2025").click()
    page.get_by_label("Correct value (%)").fill("49.5")
    page.get_by_label("Why is the value being corrected?").fill("Two leavers were counted as agency staff")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Value for March 2025 corrected")
    assert_accessible(page)
    sign_out(page)
    assert Measurement.objects.count() == 12
    assert emails_sent() == []  # logging one's own progress hands nothing to anyone

    # The commissioner issues an instruction in the admin; the council is emailed once.
    sign_in(page, CHARLIE)
    page.goto("/admin/directions/instruction/add/")
    page.get_by_label("Intervention").select_option(str(hereford_case.pk))
    page.get_by_label("Title").fill("Present a recruitment and retention plan")
    page.get_by_label("Text").fill("Present a recruitment and retention plan to the improvement board.")
    page.get_by_label("Issued on").fill("2026-11-23")
    page.get_by_label("Due on").fill("2027-01-29")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    sign_out_of_admin(page)
    instruction = Instruction.objects.get()
    (council_email,) = emails_sent()
    assert council_email[0] == ALICE and "Present a recruitment and retention plan" in council_email[1]

    # Submitted, returned, submitted again, accepted: each hand-over tells the other side once.
    respond(page, ALICE, instruction, "Submit as complied", "The plan went to the board on 12 January")
    assert [to for to, _ in emails_sent()] == [CHARLIE]
    respond(page, CHARLIE, instruction, "Return to the council", "The board has not yet agreed it")
    assert [to for to, _ in emails_sent()] == [ALICE]
    respond(page, ALICE, instruction, "Submit as complied", "The board agreed the plan on 26 January")
    assert [to for to, _ in emails_sent()] == [CHARLIE]
    respond(page, CHARLIE, instruction, "Accept as complied", "The board's minutes record its agreement")
    assert [to for to, _ in emails_sent()] == [ALICE]
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.COMPLIED
    assert [record.status for record in instruction.history.order_by("history_id")][-4:] == [
        InstructionStatus.SUBMITTED,
        InstructionStatus.IN_PROGRESS,
        InstructionStatus.SUBMITTED,
        InstructionStatus.COMPLIED,
    ]

    # Nothing is left waiting for the commissioner; the council has the acceptance to read.
    sign_in(page, CHARLIE)
    expect_work(page, 0)
    sign_out(page)
    sign_in(page, ALICE)
    page.goto("/")
    page.get_by_role("link", name="Your work").click()
    expect(page.get_by_role("link", name="Instruction accepted as complied", exact=False)).to_be_visible()
    assert_accessible(page)


def sign_out_of_admin(page: Page) -> None:
    page.goto("/")
    sign_out(page)


def respond(page: Page, email: str, instruction: Instruction, button: str, text: str) -> None:
    """One round of the exchange, reached from the person's own work list."""
    sign_in(page, email)
    page.goto("/")
    page.get_by_role("link", name="Your work").click()
    expect(page.get_by_role("link", name=f"{instruction.reference}", exact=False).first).to_be_visible()
    page.goto(f"/interventions/{instruction.intervention_id}/instructions/{instruction.pk}/")
    page.get_by_role("button", name=button).click()
    assert_accessible(page)
    page.get_by_role("textbox").first.fill(text)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(page.get_by_text(text, exact=True)).to_be_visible()
    sign_out(page)
