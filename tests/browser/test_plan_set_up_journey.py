"""A new case set up in a real browser (issue 15): on a case with an issued direction and nothing else,
the council writes a plan with one objective and one action and sets up an indicator; the commissioner
agrees the plan, asking that due-date moves wait for them; the council moves the action's due date and
the commissioner agrees the move. Every page on the way is checked with axe."""

import re

from playwright.sync_api import expect

from reviews.enums import PlanStatus
from reviews.models import DueDateMove, ImprovementPlan, Indicator, PlanAction
from tests.browser.support import BROWSER_TEST, assert_accessible, fill_date, heading, sign_in, sign_in_to
from tests.reviews import planning_fixtures

pytestmark = BROWSER_TEST
ALICE = "alice@herefordshire.example"
CHARLIE = "charlie@commissioner.example"

# Assigned rather than imported, so that ruff does not take the tests' arguments for redefinitions.
direction_in_force = planning_fixtures.direction_in_force
workforce = planning_fixtures.workforce
terms_item = planning_fixtures.terms_item


def test_the_council_writes_a_plan_and_an_indicator_and_the_commissioner_agrees_it(
    page, alice, charlie, hereford_case, workforce, terms_item
):
    sign_in(page, ALICE)
    page.goto(f"/interventions/{hereford_case.pk}/plan/")
    expect(page.get_by_text("No improvement plan has been recorded")).to_be_visible()
    page.get_by_role("button", name="Write an improvement plan").click()
    expect(heading(page)).to_have_text("Write an improvement plan")
    assert_accessible(page)
    page.get_by_role("button", name="Save plan").click()  # nothing typed: the error, then the fix
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title")
    assert_accessible(page)
    page.get_by_label("Title of the plan").fill("Children's services improvement plan")
    page.get_by_role("button", name="Save plan").click()

    expect(heading(page)).to_have_text("Children's services improvement plan")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add an objective").click()
    expect(heading(page)).to_have_text("Add an objective")
    assert_accessible(page)
    page.get_by_label("What is the objective?").fill("A stable, permanent workforce")
    page.get_by_label("i. Permanent social workers").check()
    page.get_by_label("Statutory direction, item 1").check()
    page.get_by_role("button", name="Save objective").click()

    expect(page.get_by_role("heading", name=re.compile("Objective 1: A stable, permanent workforce"))).to_be_visible()
    expect(page.get_by_text("priority i. Permanent social workers")).to_be_visible()
    page.get_by_role("link", name="Add an action to objective 1").click()
    expect(heading(page)).to_have_text("Add an action to objective 1")
    assert_accessible(page)
    page.get_by_label("What is the action?").fill("Launch the recruitment campaign")
    page.get_by_label("Owner").fill("Head of workforce")
    fill_date(page, "When is it due?", "30", "6", "2030")
    page.get_by_label("What does done look like?").fill("Twenty permanent social workers in post")
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("link", name="1.1 Launch the recruitment campaign")).to_be_visible()
    expect(page.get_by_text("Done looks like: Twenty permanent social workers in post")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Change objective 1").click()
    expect(heading(page)).to_have_text("Change objective 1")
    assert_accessible(page)
    page.get_by_role("link", name="Back", exact=True).click()
    page.get_by_role("link", name="Rename the plan").click()
    expect(heading(page)).to_have_text("Rename the plan")
    assert_accessible(page)
    page.get_by_role("link", name="Back", exact=True).click()

    # The indicator, from its priority's page.
    page.goto(f"/interventions/{hereford_case.pk}/priorities/{workforce.pk}/")
    page.get_by_role("link", name="Set up an indicator for this priority").click()
    expect(heading(page)).to_have_text("Set up an indicator")
    assert_accessible(page)
    page.get_by_label("Name").fill("Agency social workers")
    page.get_by_label("Percentage").check()
    page.get_by_label("Lower is better").check()
    page.get_by_label("Target (optional)").fill("25")
    page.get_by_label("Tolerance (optional)").fill("2")
    page.get_by_label("Source (optional)").fill("Monthly workforce return")
    page.get_by_role("button", name="Save indicator").click()
    expect(heading(page)).to_have_text("Agency social workers")
    expect(page.get_by_text("Recorded monthly, from Monthly workforce return")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change the indicator").click()
    expect(heading(page)).to_have_text("Change the indicator: Agency social workers")
    assert_accessible(page)

    plan = ImprovementPlan.objects.get()
    page.goto(f"/interventions/{hereford_case.pk}/plans/{plan.pk}/")
    page.get_by_role("button", name="Submit for agreement").click()
    expect(heading(page)).to_have_text("Submit the plan for agreement")
    assert_accessible(page)
    page.get_by_role("button", name="Submit for agreement").click()
    expect(page.get_by_text("Waiting for agreement", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The commissioner agrees it, asking that due-date moves wait for them.
    sign_in_to(page, f"/interventions/{hereford_case.pk}/plans/{plan.pk}/", CHARLIE)
    page.get_by_role("button", name="Agree the plan").click()
    expect(heading(page)).to_have_text("Agree the plan: Children's services improvement plan")
    expect(page.get_by_text("Launch the recruitment campaign")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Moving an action's due date needs my agreement").check()
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_text("Version 1 agreed on")).to_be_visible()
    expect(page.get_by_text("Needs the commissioner's agreement before it takes effect")).to_be_visible()
    assert_accessible(page)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    page.get_by_role("button", name="Sign out").click()

    # The council moves the due date: it waits, and shows as waiting.
    sign_in(page, ALICE)
    action = PlanAction.objects.get()
    page.goto(f"/interventions/{hereford_case.pk}/plan/actions/{action.pk}/")
    fill_date(page, "Due date", "31", "12", "2030")
    page.get_by_label("What has changed, and why?").fill("The campaign starts after the new agency's contract")
    page.get_by_role("button", name="Save changes").click()
    page.goto(f"/interventions/{hereford_case.pk}/plans/{plan.pk}/")
    expect(page.get_by_text("Move waiting for agreement")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    move = DueDateMove.objects.get()
    sign_in_to(page, f"/interventions/{hereford_case.pk}/due-date-moves/{move.pk}/", CHARLIE)
    expect(heading(page)).to_have_text("Agree or refuse the moved due date")
    expect(page.get_by_text("The campaign starts after the new agency's contract")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Agree the move").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Originally due 30 June 2030")).to_be_visible()
    assert_accessible(page)
    action.refresh_from_db()
    assert str(action.due_on) == "2030-12-31"
    assert Indicator.objects.get().source == "Monthly workforce return"
