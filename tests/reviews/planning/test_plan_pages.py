"""The council writes its plan on the pages, the commissioner agrees it, and what changes after
agreement, or moves a due date, shows as such, with every reason whole."""

import datetime
import re

import pytest
from django.urls import reverse

from reviews.enums import MoveStatus, PlanStatus
from reviews.models import DueDateMove, ImprovementPlan, PlanAction, PlanAgreement
from reviews.services import planning

pytestmark = pytest.mark.django_db
D = datetime.date
FAR_OFF = D(2030, 6, 30)
LONG_REASON = (
    "The recruitment campaign was paused because the council's hiring freeze ran until the end of the "
    "financial year, and the agency we had chosen withdrew; a new agency starts next month."
)
assert len(LONG_REASON) > 150


def date(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def write_plan(client, case, workforce, terms_item, *, due=FAR_OFF):
    """As the council officer would: the plan, one objective answering the priority and the
    terms-of-reference item, one action."""
    response = client.post(reverse("plan_new", args=[case.pk]), {"title": "Children's services improvement plan"})
    plan = ImprovementPlan.objects.get(intervention=case)
    assert response.status_code == 302 and response["Location"] == reverse("plan_detail", args=[case.pk, plan.pk])
    response = client.post(
        reverse("objective_new", args=[case.pk, plan.pk]),
        {
            "label": "1",
            "title": "A stable, permanent workforce",
            "service_priorities": [workforce.pk],
            "terms_items": [terms_item.pk],
        },
    )
    assert response.status_code == 302
    objective = plan.objectives.get()
    response = client.post(
        reverse("action_new", args=[case.pk, plan.pk, objective.pk]),
        {
            "label": "1",
            "description": "Launch the recruitment campaign",
            "owner": "Head of workforce",
            **date("due_on", due),
            "done_looks_like": "Twenty permanent social workers in post",
        },
    )
    assert response.status_code == 302
    return plan


def agree(client, case, plan, **extra):
    page = client.get(reverse("plan_agree", args=[case.pk, plan.pk]))
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page.content.decode()).group(1)
    return client.post(reverse("plan_agree", args=[case.pk, plan.pk]), {"fingerprint": fingerprint, **extra})


def action_form(action, **changes):
    base = {
        "version": action.version,
        "status": action.status,
        "rag": action.rag,
        "owner": action.owner,
        **date("due_on", action.due_on),
        "reason": "",
    }
    return base | changes


def test_the_council_writes_a_plan_with_objectives_and_actions(client, alice, hereford_case, workforce, terms_item):
    client.force_login(alice)
    plan = write_plan(client, hereford_case, workforce, terms_item)

    page = client.get(reverse("plan_detail", args=[hereford_case.pk, plan.pk])).content.decode()
    assert "Objective 1: A stable, permanent workforce" in page
    assert "priority i. Permanent social workers" in page
    assert "Terms of reference items: 1" in page
    assert "1.1 Launch the recruitment campaign" in page
    assert "Done looks like: Twenty permanent social workers in post" in page
    assert "Draft" in page
    action = PlanAction.objects.get()
    assert action.original_due_on == D(2030, 6, 30)
    assert action.history.get().history_user == alice
    # The plan is reached from the case's plan page.
    assert (
        reverse("plan_detail", args=[hereford_case.pk, plan.pk])
        in client.get(reverse("plan", args=[hereford_case.pk])).content.decode()
    )


def test_an_objective_needs_a_number_and_a_title_and_numbers_do_not_repeat(
    client, alice, hereford_case, workforce, terms_item
):
    client.force_login(alice)
    plan = write_plan(client, hereford_case, workforce, terms_item)
    response = client.post(reverse("objective_new", args=[hereford_case.pk, plan.pk]), {"label": "1", "title": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert planning.ENTER_TITLE in page
    response = client.post(reverse("objective_new", args=[hereford_case.pk, plan.pk]), {"label": "1", "title": "Again"})
    assert "Number 1 is already used in this plan" in response.content.decode()


def test_the_commissioner_agrees_the_submitted_plan(client, alice, charlie, hereford_case, workforce, terms_item):
    client.force_login(alice)
    plan = write_plan(client, hereford_case, workforce, terms_item)
    assert client.post(reverse("plan_submit", args=[hereford_case.pk, plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    # The council cannot agree its own plan.
    assert client.get(reverse("plan_agree", args=[hereford_case.pk, plan.pk])).status_code == 403

    client.force_login(charlie)
    agree_page = client.get(reverse("plan_agree", args=[hereford_case.pk, plan.pk])).content.decode()
    assert "Launch the recruitment campaign" in agree_page
    response = agree(client, hereford_case, plan, note="Agreed at the board")
    assert response.status_code == 302
    agreement = PlanAgreement.objects.get()
    assert (agreement.number, agreement.agreed_by) == (1, charlie)
    assert agreement.snapshot["objectives"][0]["actions"][0]["description"] == "Launch the recruitment campaign"
    page = client.get(reverse("plan_detail", args=[hereford_case.pk, plan.pk])).content.decode()
    assert "Agreed" in page
    assert "Version 1 agreed on" in page and "by Charlie Brazil" in page
    assert "changed since it was agreed" not in page
    # The commissioner cannot write the council's plan.
    response = client.post(reverse("objective_new", args=[hereford_case.pk, plan.pk]), {"label": "2", "title": "X"})
    assert response.status_code == 403


def test_changes_after_agreement_show_as_such(client, alice, charlie, hereford_case, workforce, terms_item):
    client.force_login(alice)
    plan = write_plan(client, hereford_case, workforce, terms_item)
    client.post(reverse("plan_submit", args=[hereford_case.pk, plan.pk]))
    client.force_login(charlie)
    agree(client, hereford_case, plan)

    client.force_login(alice)
    objective = plan.objectives.get()
    client.post(
        reverse("action_new", args=[hereford_case.pk, plan.pk, objective.pk]),
        {
            "label": "2",
            "description": "Open a social work academy",
            "owner": "Principal social worker",
            **date("due_on", D(2031, 1, 31)),
        },
    )
    action = PlanAction.objects.get(label="1")
    client.post(
        reverse("plan_action", args=[hereford_case.pk, action.pk]),
        action_form(action, **date("due_on", D(2030, 12, 31)), reason="The campaign starts later"),
    )
    page = client.get(reverse("plan_detail", args=[hereford_case.pk, plan.pk])).content.decode()
    agreed_on = f"{PlanAgreement.objects.get().agreed_at:%-d %B %Y}"
    assert f"This plan has changed since it was agreed on {agreed_on}" in page
    assert f"Added since agreed on {agreed_on}" in page  # action 1.2
    assert f"Changed since agreed on {agreed_on}</strong> Due date: 30 June 2030 → 31 December 2030" in page
    # Submitting again asks for the changes to be agreed: version 2.
    client.post(reverse("plan_submit", args=[hereford_case.pk, plan.pk]))
    client.force_login(charlie)
    agree(client, hereford_case, plan)
    assert list(PlanAgreement.objects.values_list("number", flat=True)) == [2, 1]
    assert (
        "changed since it was agreed"
        not in client.get(reverse("plan_detail", args=[hereford_case.pk, plan.pk])).content.decode()
    )


def test_an_agreement_of_a_plan_changed_since_the_page_opened_is_refused(
    client, alice, charlie, hereford_case, workforce, terms_item
):
    client.force_login(alice)
    plan = write_plan(client, hereford_case, workforce, terms_item)
    client.post(reverse("plan_submit", args=[hereford_case.pk, plan.pk]))
    client.force_login(charlie)
    page = client.get(reverse("plan_agree", args=[hereford_case.pk, plan.pk])).content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    PlanAction.objects.filter(label="1").update(
        owner="Director of children's services"
    )  # no history: a test's shortcut
    response = client.post(reverse("plan_agree", args=[hereford_case.pk, plan.pk]), {"fingerprint": fingerprint})
    assert response.status_code == 200
    assert "Someone else changed this since you opened it" in response.content.decode()
    assert not PlanAgreement.objects.exists()


def test_moving_a_due_date_needs_a_reason_and_the_page_shows_both_dates(
    client, alice, hereford_case, workforce, terms_item
):
    client.force_login(alice)
    write_plan(client, hereford_case, workforce, terms_item, due=D(2024, 1, 31))  # overdue today
    action = PlanAction.objects.get()
    url = reverse("plan_action", args=[hereford_case.pk, action.pk])
    response = client.post(url, action_form(action, **date("due_on", D(2030, 12, 31))))
    assert response.status_code == 200
    assert planning.MOVE_REASON_REQUIRED in response.content.decode()
    action.refresh_from_db()
    assert action.due_on == D(2024, 1, 31)

    response = client.post(url, action_form(action, **date("due_on", D(2030, 12, 31)), reason=LONG_REASON))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.original_due_on, action.due_on) == (D(2024, 1, 31), D(2030, 12, 31))
    move = DueDateMove.objects.get()
    assert (move.status, move.reason) == (MoveStatus.MADE, LONG_REASON)
    page = client.get(url).content.decode()
    assert "Originally due 31 January 2024" in page
    assert "31 Jan 2024 to 31 Dec 2030, when it was overdue" in page
    assert LONG_REASON in page.replace("&#x27;", "'")
    plan_page = client.get(reverse("plan_detail", args=[hereford_case.pk, action.objective.plan_id])).content.decode()
    assert "when it was overdue" in plan_page and "Originally due 31 January 2024" in plan_page


def test_under_the_agreement_flag_a_move_waits_for_the_commissioner(
    client, alice, charlie, hereford_case, workforce, terms_item
):
    client.force_login(alice)
    plan = write_plan(client, hereford_case, workforce, terms_item)
    client.post(reverse("plan_submit", args=[hereford_case.pk, plan.pk]))
    client.force_login(charlie)
    agree(client, hereford_case, plan, date_moves_need_agreement="on")
    plan.refresh_from_db()
    assert plan.date_moves_need_agreement

    client.force_login(alice)
    action = PlanAction.objects.get()
    url = reverse("plan_action", args=[hereford_case.pk, action.pk])
    client.post(url, action_form(action, **date("due_on", D(2030, 12, 31)), reason="Recruitment starts later"))
    action.refresh_from_db()
    assert action.due_on == D(2030, 6, 30)  # not yet
    move = DueDateMove.objects.get()
    assert move.status == MoveStatus.PENDING
    assert "Move waiting for agreement" in client.get(url).content.decode()
    # The council cannot decide its own move.
    assert client.get(reverse("move_decide", args=[hereford_case.pk, move.pk])).status_code == 403

    client.force_login(charlie)
    plan_page = client.get(reverse("plan_detail", args=[hereford_case.pk, plan.pk])).content.decode()
    assert reverse("move_decide", args=[hereford_case.pk, move.pk]) in plan_page
    response = client.post(reverse("move_decide", args=[hereford_case.pk, move.pk]), {"decision": "refuse"})
    assert planning.REFUSAL_REASON_REQUIRED in response.content.decode()
    response = client.post(reverse("move_decide", args=[hereford_case.pk, move.pk]), {"decision": "agree"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_on == D(2030, 12, 31)
    move.refresh_from_db()
    assert (move.status, move.decided_by) == (MoveStatus.AGREED, charlie)
    assert "Agreed by Charlie Brazil" in client.get(url).content.decode()


def test_a_refused_move_leaves_the_date_and_keeps_the_refusal(
    alice, charlie, hereford_case, workforce, terms_item, client
):
    client.force_login(alice)
    plan = write_plan(client, hereford_case, workforce, terms_item)
    plan.date_moves_need_agreement = True
    plan.save()
    action = PlanAction.objects.get()
    client.post(
        reverse("plan_action", args=[hereford_case.pk, action.pk]),
        action_form(action, **date("due_on", D(2031, 3, 31)), reason="Later"),
    )
    move = DueDateMove.objects.get()
    planning.decide_due_date_move(move=move, agree=False, note=LONG_REASON, by=charlie)
    action.refresh_from_db()
    assert action.due_on == D(2030, 6, 30)
    assert LONG_REASON in client.get(
        reverse("plan_action", args=[hereford_case.pk, action.pk])
    ).content.decode().replace("&#x27;", "'")


def test_a_rating_change_reason_is_kept_whole(client, alice, hereford_case, workforce, terms_item):
    client.force_login(alice)
    write_plan(client, hereford_case, workforce, terms_item)
    action = PlanAction.objects.get()
    url = reverse("plan_action", args=[hereford_case.pk, action.pk])
    client.post(url, action_form(action, rag="red", reason=LONG_REASON))
    action.refresh_from_db()
    assert action.rag == "red"
    assert action.rag_change_reason == LONG_REASON
    assert action.history.latest().rag_change_reason == LONG_REASON
    assert LONG_REASON in client.get(url).content.decode().replace("&#x27;", "'")


def test_another_councils_officer_gets_404(client, bob, alice, hereford_case, workforce, terms_item):
    client.force_login(alice)
    plan = write_plan(client, hereford_case, workforce, terms_item)
    objective = plan.objectives.get()
    client.force_login(bob)
    for url in (
        reverse("plan_new", args=[hereford_case.pk]),
        reverse("plan_detail", args=[hereford_case.pk, plan.pk]),
        reverse("plan_submit", args=[hereford_case.pk, plan.pk]),
        reverse("objective_new", args=[hereford_case.pk, plan.pk]),
        reverse("action_new", args=[hereford_case.pk, plan.pk, objective.pk]),
        reverse("indicator_new", args=[hereford_case.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "Mine now", "label": "9"}).status_code == 404, url
    assert ImprovementPlan.objects.count() == 1


def test_the_council_changes_an_actions_description_and_a_stale_save_is_refused(
    client, alice, hereford_case, workforce, terms_item
):
    client.force_login(alice)
    write_plan(client, hereford_case, workforce, terms_item)
    action = PlanAction.objects.get(objective__plan__intervention=hereford_case)
    url = reverse("action_description", args=[hereford_case.pk, action.pk])
    assert url in client.get(reverse("plan_action", args=[hereford_case.pk, action.pk])).text
    page = client.get(url).text
    assert "Launch the recruitment campaign" in page
    opened = action.version
    response = client.post(url, {"version": opened, "description": "Launch the national recruitment campaign"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "Launch the national recruitment campaign"
    assert action.history.first().history_change_reason == "Description changed"
    # A second tab opened before that save: refused, with what they typed kept and the current version.
    stale = client.post(url, {"version": opened, "description": "Something else"})
    assert stale.status_code == 200
    assert planning.STALE in stale.text and "Something else" in stale.text
    action.refresh_from_db()
    assert action.description == "Launch the national recruitment campaign"
    empty = client.post(url, {"version": action.version, "description": " "})
    assert "There is a problem" in empty.text and "Describe the action" in empty.text


def test_only_those_who_log_progress_change_a_description(client, alice, charlie, hereford_case, workforce, terms_item):
    client.force_login(alice)
    write_plan(client, hereford_case, workforce, terms_item)
    action = PlanAction.objects.get(objective__plan__intervention=hereford_case)
    client.force_login(charlie)
    url = reverse("action_description", args=[hereford_case.pk, action.pk])
    assert client.post(url, {"version": action.version, "description": "Not mine to write"}).status_code == 403
    action.refresh_from_db()
    assert action.description == "Launch the recruitment campaign"
