"""The queries of "Your work", compiled once a day for each person's scope (reviews.services.work._compiled_work):
they read what the querysets built afresh read, a day's SQL never answers for another day, and a page seen
again compiles nothing."""

import datetime
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse

from directions.enums import Deliverer
from intervention.enums import Role
from intervention.permissions import access_for
from reviews.models import Deadline, PlanAction
from reviews.services import planning, work
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def snapshot(obj, depth=0):
    """A record's fields, annotations and the records read with it (select_related), to compare two reads."""
    if obj is None:
        return None
    fields = {name: value for name, value in vars(obj).items() if name != "_state"}
    related = {name: snapshot(other, depth + 1) for name, other in sorted(obj._state.fields_cache.items())}
    return (type(obj).__name__, sorted(fields.items(), key=lambda item: item[0]), related)


def plan_with_an_action(case, alice, title):
    plan = planning.create_plan(intervention=case, title=title, by=alice)
    objective = planning.add_objective(plan=plan, label="1", title="A stable workforce", by=alice)
    planning.add_action(
        objective=objective, label="1", description="Recruit", owner="Head", due_on=D(2030, 1, 31), by=alice
    )
    return plan


@pytest.fixture
def work_of_every_kind(hereford_case, workforce, alice, charlie, dora):
    """A plan to agree, a due-date move to decide, an instruction to respond to, notices, and deadlines
    delivered by the commissioner, by the council and by nobody, with `<script>` and `&` in the names."""
    from tests.directions.test_instruction_email import issue

    AppointmentFactory(person=dora.person, intervention=hereford_case, role=Role.DFE_CASE_LEAD)
    agreed = plan_with_an_action(hereford_case, alice, "Agreed <script>alert(1)</script> & plan")
    planning.submit_plan(plan=agreed, by=alice)
    fingerprint = planning.snapshot_fingerprint(planning.plan_snapshot(agreed))
    planning.agree_plan(plan=agreed, fingerprint=fingerprint, by=charlie, date_moves_need_agreement=True)
    action = PlanAction.objects.get(objective__plan=agreed)
    planning.record_due_date_move(action=action, to_on=D(2030, 3, 31), reason="Hiring freeze", by=alice)
    planning.submit_plan(plan=plan_with_an_action(hereford_case, alice, "Second <b>plan</b> & more"), by=alice)
    issue(charlie, hereford_case, title="Staffing <script>x</script> & pay")
    soon = datetime.date.today() + datetime.timedelta(days=10)
    for what, deliverer in (
        ("Commissioner's <script> & report", Deliverer.COMMISSIONER),
        ("Council's plan & <i>budget</i>", Deliverer.COUNCIL),
        ("Board minutes <script>", ""),
        ("Adviser's note &", Deliverer.ADVISER),
    ):
        Deadline.objects.create(intervention=hereford_case, what=what, computed_on=soon, deliverer=deliverer)
    return hereford_case


def test_each_kind_compiled_reads_what_its_queryset_built_afresh_reads(work_of_every_kind, alice, charlie, dora):
    db = connections[DEFAULT_DB_ALIAS]
    today = datetime.date.today()
    read = set()
    for user in (alice, charlie, dora):
        access = access_for(user)
        key = (access.person_id, work._roles_key(access.roles), access.local_authority_id)
        querysets = work.work_querysets(work._scope(*key), today)
        compiled = work._compiled_work(db, key, today)
        assert compiled.keys() == querysets.keys()
        for kind, queryset in querysets.items():
            fresh = [snapshot(obj) for obj in queryset] if queryset is not None else []
            kept = [snapshot(obj) for obj in compiled[kind].instances(db)] if compiled[kind] is not None else []
            assert kept == fresh, (user, kind)
            if fresh:
                read.add(kind)
    # Every kind but the failed emails and the reports had something to read, so the comparison bites.
    assert read >= {"notices", "plans", "moves", "respond", "deadlines", "nobody"}


def test_the_page_escapes_what_people_typed(client, work_of_every_kind, alice, charlie, dora):
    for user in (alice, charlie, dora):
        client.force_login(user)
        page = client.get(reverse("your_work")).content.decode()
        assert "<script>" not in page and "<b>plan" not in page and "<i>budget" not in page
    client.force_login(charlie)
    page = client.get(reverse("your_work")).content.decode()
    assert "Second &lt;b&gt;plan&lt;/b&gt; &amp; more" in page
    assert "Commissioner&#x27;s &lt;script&gt; &amp; report" in page


def test_a_day_compiled_does_not_answer_for_another(hereford_case, charlie):
    today = datetime.date.today()
    Deadline.objects.create(
        intervention=hereford_case,
        what="The commissioner's review",
        computed_on=today + datetime.timedelta(days=40),
        deliverer=Deliverer.COMMISSIONER,
    )

    def deadlines(day):
        groups = {group.key: group for group in work.work_for(charlie, today=day)}
        return [item.what for item in groups["deadlines"].items]

    assert deadlines(today) == []  # 40 days away: beyond the 30
    assert deadlines(today + datetime.timedelta(days=15)) == ["The commissioner's review"]
    assert deadlines(today) == []  # the later day's SQL is not today's
    assert deadlines(today + datetime.timedelta(days=15)) == ["The commissioner's review"]


def test_work_seen_again_compiles_no_sql(work_of_every_kind, alice, charlie, dora):
    for user in (alice, charlie, dora):
        first = work.work_for(user)
        with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
            again = work.work_for(user)
        assert as_sql.call_count == 0, user
        assert [(group.key, [(item.what, item.link, item.when) for item in group.items]) for group in again] == [
            (group.key, [(item.what, item.link, item.when) for item in group.items]) for group in first
        ]
