"""The work finds its people, in a real browser (issue 15, items 9 and 10): the council officer submits
the plan; the commissioner sees "Your work (1)" in the header, opens it, and agrees the plan from there;
the officer is told, on their own work page and by an email of their own. Every new page is checked with axe."""

from django.core import mail
from playwright.sync_api import expect

from intervention import notices
from intervention.models import Notice
from reviews.services import planning
from tests.browser.support import BROWSER_TEST, assert_accessible, heading, sign_in
from tests.reviews import planning_fixtures

pytestmark = BROWSER_TEST
ALICE = "alice@herefordshire.example"
CHARLIE = "charlie@commissioner.example"

direction_in_force = planning_fixtures.direction_in_force
workforce = planning_fixtures.workforce


def send_emails() -> None:
    """The worker's part: each notice's email, sent once."""
    for notice in Notice.objects.filter(sent_at__isnull=True).exclude(email=""):
        notices.send_notice(notice_id=notice.pk)


def test_the_commissioner_finds_the_plan_in_their_work_and_the_council_hears_it_was_agreed(
    page, alice, charlie, hereford_case, workforce
):
    import datetime

    plan = planning.create_plan(intervention=hereford_case, title="Children's services improvement plan", by=alice)
    objective = planning.add_objective(plan=plan, label="1", title="A stable workforce", by=alice)
    planning.add_action(
        objective=objective,
        label="1",
        description="Launch the recruitment campaign",
        owner="Head of workforce",
        due_on=datetime.date(2030, 6, 30),
        by=alice,
    )

    sign_in(page, ALICE)
    page.goto(f"/interventions/{hereford_case.pk}/plans/{plan.pk}/")
    page.get_by_role("button", name="Submit for agreement").click()
    page.get_by_role("button", name="Submit for agreement").click()
    expect(page.get_by_text("Waiting for agreement", exact=True)).to_be_visible()
    page.get_by_role("link", name="Your work (0)").click()
    expect(page.get_by_text("Nothing is waiting for you")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, CHARLIE)
    page.get_by_role("link", name="Your work (1)").click()
    expect(heading(page)).to_have_text("Your work")
    expect(page.get_by_role("heading", name="Improvement plans to agree (1)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Children's services improvement plan").click()
    expect(heading(page)).to_have_text("Agree the plan: Children's services improvement plan")
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_text("Version 1 agreed on")).to_be_visible()
    expect(page.get_by_role("link", name="Your work (0)")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    send_emails()
    sent = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert sent == [
        (ALICE, "Improvement plan agreed (version 1): Children's services improvement plan, Herefordshire Council"),
        (CHARLIE, "Improvement plan to agree: Children's services improvement plan, Herefordshire Council"),
    ]

    sign_in(page, ALICE)
    page.goto("/")
    page.get_by_role("link", name="Your work (1)").click()
    expect(page.get_by_role("heading", name="Notices (1)")).to_be_visible()
    expect(page.get_by_role("link", name="Improvement plan agreed (version 1)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("Nothing is waiting for you")).to_be_visible()
    expect(page.get_by_role("link", name="Your work (0)")).to_be_visible()
    assert_accessible(page)
