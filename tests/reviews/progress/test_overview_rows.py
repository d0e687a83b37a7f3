"""The case overview's priorities, plan actions off track and people appointed, written out in the view
(reviews.views.progress._priority_rows, _off_track_items, _appointment_rows): the same markup the templates drew, byte
for byte, with what people typed escaped."""

import datetime

import pytest
from django.template import engines
from django.urls import reverse

from intervention.enums import Role
from intervention.models import Appointment
from reviews.enums import ActionStatus, Rag
from reviews.models import PlanAction
from reviews.views.progress import _appointment_rows, _off_track_items
from tests.factories import AppointmentFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MARKUP = "<script>alert(1)</script> & co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"

# The templates' loops before the rows were written out in Python; the rating's include inlined, with
# the line break it ended with.
RAG_TAG = (
    '{% if rag == "red" %}<strong class="govuk-tag govuk-tag--red">Red</strong>{% elif rag == "amber" %}'
    '<strong class="govuk-tag govuk-tag--orange">Amber</strong>{% elif rag == "green" %}'
    '<strong class="govuk-tag govuk-tag--green">Green</strong>{% else %}'
    '<strong class="govuk-tag govuk-tag--grey">Not rated</strong>{% endif %}\n'
)
OFF_TRACK = (
    "{% for action in off_track_actions %}\n"
    '  <li><a class="govuk-link" href="{% url \'plan_action\' intervention.pk action.pk %}">{{ action.reference }} '
    "{{ action.description|truncatechars:90 }}</a> {% with rag=action.rag %}" + RAG_TAG + "{% endwith %} "
    '<span class="govuk-body-s">{{ action.get_status_display }}, due {{ action.due_on|date:"j F Y" }}</span></li>\n'
    "  {% endfor %}"
)
APPOINTMENTS = (
    "{% for appointment in appointments %}\n"
    '    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell">{{ appointment.person.name }}</td>\n'
    '      <td class="govuk-table__cell">{{ appointment.get_role_display }}</td>\n'
    '      <td class="govuk-table__cell">{{ appointment.starts_on|date:"j F Y" }}</td>\n'
    "    </tr>\n"
    "    {% endfor %}"
)


def as_the_template_drew(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.fixture
def actions(action):
    long = f"Recruit {MARKUP} " + "and keep permanent social workers " * 4
    for n, (rag, status) in enumerate(
        [(Rag.RED, ActionStatus.IN_PROGRESS), (Rag.GREEN, ActionStatus.BLOCKED), (Rag.AMBER, ActionStatus.NOT_STARTED)],
        start=2,
    ):
        PlanAction.objects.create(
            objective=action.objective,
            label=str(n),
            description=long,
            owner="x",
            due_on=D(2020, n, 1),
            rag=rag,
            status=status,
        )
    return list(PlanAction.objects.select_related("objective").order_by("pk"))


def test_the_actions_off_track_are_what_the_template_drew(hereford_case, actions):
    drawn = _off_track_items(hereford_case, actions)
    assert drawn == as_the_template_drew(OFF_TRACK, intervention=hereford_case, off_track_actions=actions)
    assert MARKUP not in drawn and ESCAPED in drawn and "…" in drawn
    assert _off_track_items(hereford_case, []) == ""


def test_the_people_appointed_are_what_the_template_drew(hereford_case):
    AppointmentFactory(person=PersonFactory(name=f"Cora {MARKUP}"), intervention=hereford_case, role=Role.COMMISSIONER)
    AppointmentFactory(intervention=hereford_case, role=Role.DFE_CASE_LEAD, starts_on=D(2023, 1, 5))
    appointments = list(Appointment.objects.filter(intervention=hereford_case).select_related("person").order_by("pk"))
    drawn = _appointment_rows(appointments)
    assert drawn == as_the_template_drew(APPOINTMENTS, appointments=appointments)
    assert MARKUP not in drawn and ESCAPED in drawn and "5 January 2023" in drawn


def test_the_case_page_escapes_actions_and_people(client, alice, hereford_case, actions):
    AppointmentFactory(person=PersonFactory(name=f"Cora {MARKUP}"), intervention=hereford_case, role=Role.COMMISSIONER)
    client.force_login(alice)
    text = client.get(reverse("intervention_detail", args=[hereford_case.pk])).content.decode()
    assert MARKUP not in text
    assert text.count(ESCAPED) >= 4  # three actions' descriptions and the commissioner's name
    assert f'href="/interventions/{hereford_case.pk}/plan/actions/{actions[1].pk}/"' in text


PRIORITIES = (
    "{% for priority in priorities %}\n"
    '    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{% url \'priority_detail\' intervention.pk '
    'priority.pk %}">{{ priority.label }}. {{ priority.short_name }}</a></td>\n'
    '      <td class="govuk-table__cell">{% with rag=priority.latest_rag %}' + RAG_TAG + "{% endwith %}</td>\n"
    '      <td class="govuk-table__cell">{% if priority.latest_update_id %}<a class="govuk-link" href="{% url '
    '\'update_detail\' intervention.pk priority.latest_update_id %}">{{ priority.latest_period_end|date:"j M Y" }}'
    "</a>{% else %}None yet{% endif %}</td>\n"
    '      <td class="govuk-table__cell">\n'
    "        {# each indicator's line #}\n"
    '        <ul class="govuk-list govuk-body-s">{{ priority.indicator_items }}</ul>\n'
    "      </td>\n"
    "    </tr>\n"
    "    {% endfor %}"
)


def test_the_priorities_are_what_the_template_drew(alice, hereford_case, priority, indicator):
    from django.utils import timezone

    from directions.models import ServicePriority
    from reviews.services import progress
    from reviews.views.progress import _priorities_with_indicators, _priority_rows

    ServicePriority.objects.filter(pk=priority.pk).update(short_name=f"Workers {MARKUP}")
    today = timezone.localdate()
    unrated = _priorities_with_indicators(hereford_case, today)
    progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="Fell",
        rag=Rag.RED,
        period_start=D(2023, 1, 1),
        period_end=D(2023, 1, 31),
        service_priority=priority,
    )
    rated = _priorities_with_indicators(hereford_case, today)
    for priorities in (unrated, rated):
        drawn = _priority_rows(hereford_case, priorities)
        assert drawn == as_the_template_drew(PRIORITIES, intervention=hereford_case, priorities=priorities)
        assert MARKUP not in drawn and ESCAPED in drawn
    assert "None yet" in _priority_rows(hereford_case, unrated) and "Not rated" in _priority_rows(
        hereford_case, unrated
    )
    assert "31 Jan 2023" in _priority_rows(hereford_case, rated) and "govuk-tag--red" in _priority_rows(
        hereford_case, rated
    )
