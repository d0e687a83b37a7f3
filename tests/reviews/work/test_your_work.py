"""Each person's "Your work": what waits for them, grouped, oldest first, with a count in every page's
header that costs no more than three queries; and what changed on a case since they last opened it."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from intervention.models import CaseVisit, Notice
from reviews.context_processors import your_work
from reviews.services import planning, work

pytestmark = pytest.mark.django_db
D = datetime.date


def plan_with_an_action(case, alice, title="Improvement plan"):
    plan = planning.create_plan(intervention=case, title=title, by=alice)
    objective = planning.add_objective(plan=plan, label="1", title="A stable workforce", by=alice)
    planning.add_action(
        objective=objective, label="1", description="Recruit", owner="Head", due_on=D(2030, 1, 31), by=alice
    )
    return plan


def test_a_submitted_plan_waits_for_the_commissioner_not_the_council(client, hereford_case, workforce, alice, charlie):
    plan = plan_with_an_action(hereford_case, alice)
    client.force_login(alice)
    page = client.get(reverse("your_work")).content.decode()
    assert "Nothing is waiting for you" in page and "Your work (0)" in page

    planning.submit_plan(plan=plan, by=alice)
    client.force_login(charlie)
    page = client.get(reverse("your_work")).content.decode()
    assert "Your work (1)" in page  # the plan to agree; the notice that told of it is not counted again
    assert "Improvement plans to agree (1)" in page
    assert reverse("plan_agree", args=[hereford_case.pk, plan.pk]) in page

    client.force_login(alice)
    assert "Your work (0)" in client.get(reverse("your_work")).content.decode()


def test_marking_a_notice_read_takes_it_off_the_list_and_only_its_person_may(
    client, hereford_case, workforce, alice, charlie, dora
):
    plan = plan_with_an_action(hereford_case, alice)
    planning.submit_plan(plan=plan, by=alice)
    notice = Notice.objects.get()
    client.force_login(dora)
    assert client.post(reverse("notice_read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None

    client.force_login(charlie)
    response = client.post(reverse("notice_read", args=[notice.pk]), follow=True)
    assert "Marked as read" in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_for_information_is_listed_and_counted_until_read(client, hereford_case, workforce, alice, charlie):
    plan = plan_with_an_action(hereford_case, alice)
    planning.submit_plan(plan=plan, by=alice)
    planning.send_back_plan(plan=plan, reason="Add the second objective", by=charlie)
    client.force_login(alice)
    page = client.get(reverse("your_work")).content.decode()
    assert "Your work (1)" in page and "Notices (1)" in page and "Improvement plan sent back to change" in page
    notice = Notice.objects.get(person=alice.person)
    page = client.post(reverse("notice_read", args=[notice.pk]), follow=True).content.decode()
    assert "Your work (0)" in page and "Nothing is waiting for you" in page


def test_the_header_count_is_three_queries_whatever_the_work(
    hereford_case, workforce, alice, charlie, django_assert_max_num_queries
):
    for number in range(5):
        planning.submit_plan(plan=plan_with_an_action(hereford_case, alice, title=f"Plan {number}"), by=alice)
    request = RequestFactory().get("/")
    request.user = type(charlie).objects.get(pk=charlie.pk)  # nothing cached on the user
    with django_assert_max_num_queries(3):
        label = str(your_work(request)["your_work_label"])
    assert label == "Your work (5)"  # five plans to agree


def test_the_work_page_is_a_fixed_number_of_queries(
    client, hereford_case, workforce, alice, charlie, django_assert_max_num_queries
):
    client.force_login(charlie)
    planning.submit_plan(plan=plan_with_an_action(hereford_case, alice, title="Plan 0"), by=alice)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("your_work"))
    for number in range(1, 6):
        planning.submit_plan(plan=plan_with_an_action(hereford_case, alice, title=f"Plan {number}"), by=alice)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("your_work")).content.decode()
    assert "Improvement plans to agree (6)" in page


def test_the_case_page_shows_what_others_changed_since_the_last_visit(
    client, hereford_case, workforce, alice, charlie, django_assert_max_num_queries
):
    client.force_login(charlie)
    first = client.get(reverse("intervention_detail", args=[hereford_case.pk])).content.decode()
    assert "What changed since your last visit" not in first  # nothing to compare with yet
    assert CaseVisit.objects.filter(user=charlie, intervention=hereford_case).exists()
    CaseVisit.objects.update(seen_at=CaseVisit.objects.get().seen_at - datetime.timedelta(seconds=1))

    plan = plan_with_an_action(hereford_case, alice)
    planning.submit_plan(plan=plan, by=alice)
    page = client.get(reverse("intervention_detail", args=[hereford_case.pk])).content.decode()
    assert "What changed since your last visit" in page
    assert "Improvement plan: Submitted for agreement" in page and "by Alice Hughes" in page
    assert reverse("plan_detail", args=[hereford_case.pk, plan.pk]) in page

    # The visit is recorded: the next look shows nothing new, and one's own changes never show.
    planning.update_plan(plan=plan, version=plan.version + 1, title="Renamed by the council", by=alice)
    page = client.get(reverse("intervention_detail", args=[hereford_case.pk])).content.decode()
    assert "Plan renamed" in page and "Submitted for agreement" not in page


def test_what_changed_is_a_fixed_number_of_queries(
    hereford_case, workforce, alice, charlie, django_assert_max_num_queries
):
    since = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    plan_with_an_action(hereford_case, alice)
    with django_assert_max_num_queries(2) as few:  # the changes, and the names of who made them
        work.changes_since(hereford_case, charlie, since)
    for number in range(5):
        plan_with_an_action(hereford_case, alice, title=f"Plan {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        changes = work.changes_since(hereford_case, charlie, since)
    assert len(changes.changes) == 12  # six plans and six actions, newest first
    assert changes.changes[0].what == "Plan action 1: Action added" and changes.changes[0].who == "Alice Hughes"


def test_a_failed_email_waits_for_whoever_can_send_it_again_until_it_is_sent_again(
    client, settings, hereford_case, workforce, alice, charlie, dora
):
    from directions.services import send_instruction_email_again
    from intervention.enums import Role
    from tests.directions.test_instruction_email import FAILING_BACKEND, issue, send
    from tests.factories import AppointmentFactory

    AppointmentFactory(person=dora.person, intervention=hereford_case, role=Role.DFE_CASE_LEAD)
    settings.EMAIL_BACKEND = FAILING_BACKEND
    instruction = issue(charlie, hereford_case)
    send(instruction)
    link = reverse("instruction_detail", args=[hereford_case.pk, instruction.pk])
    for person in (charlie, dora):
        client.force_login(person)
        page = client.get(reverse("your_work")).content.decode()
        assert "Emails and reports that failed (1)" in page
        assert f"Email to the council about instruction {instruction.number}: not sent" in page
        assert "after 8 tries: the mail server went away" in page and link in page
    client.force_login(alice)
    assert "Emails and reports that failed" not in client.get(reverse("your_work")).content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_instruction_email_again(instruction=instruction, by=charlie)
    client.force_login(charlie)
    page = client.get(reverse("your_work")).content.decode()
    assert "Emails and reports that failed" not in page


def test_deadlines_nobody_holds_the_role_for_wait_for_the_dfe_case_lead(client, hereford_case, alice, charlie, dora):
    from directions.enums import Deliverer
    from intervention.enums import Role
    from reviews.models import Deadline
    from tests.factories import AppointmentFactory

    AppointmentFactory(person=dora.person, intervention=hereford_case, role=Role.DFE_CASE_LEAD)
    soon = datetime.date.today() + datetime.timedelta(days=10)
    Deadline.objects.create(intervention=hereford_case, what="Board minutes", computed_on=soon)
    Deadline.objects.create(
        intervention=hereford_case, what="Adviser's note", computed_on=soon, deliverer=Deliverer.ADVISER
    )
    Deadline.objects.create(
        intervention=hereford_case, what="Commissioner's report", computed_on=soon, deliverer=Deliverer.COMMISSIONER
    )
    Deadline.objects.create(
        intervention=hereford_case, what="Council's plan", computed_on=soon, deliverer=Deliverer.COUNCIL
    )
    client.force_login(dora)
    page = client.get(reverse("your_work")).content.decode()
    assert "Deadlines no one holds the role for: overdue or due in the next 30 days (2)" in page
    assert "Board minutes" in page and "delivered by: no role given" in page
    assert "Adviser&#x27;s note" in page and "delivered by: The adviser" in page
    assert "Commissioner&#x27;s report" not in page and "Council&#x27;s plan" not in page  # held: charlie, alice
    client.force_login(charlie)
    assert "Deadlines no one holds the role for" not in client.get(reverse("your_work")).content.decode()
