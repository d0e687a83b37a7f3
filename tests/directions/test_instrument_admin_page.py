"""An instrument's admin page, drawn with less work (issue 21): its clauses read without joins for their
parents or their instrument's order, its clause rows sharing their fields, the appointments' wrapper
drawn once, and the record's version read only where it is drawn. What each person sees, and what a
saved form does, stay the same."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import connection
from django.forms.utils import RenderableMixin
from django.template import Context, Template
from django.template.defaultfilters import linebreaksbr
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import formats
from django.utils.html import conditional_escape

from directions import services
from directions.admin import (
    _appointment_label,
    _display,
    _field,
    _lines,
    _shown,
    in_document_order,
    with_ancestors,
)
from directions.enums import Cadence, Deliverer, InstrumentKind, LegalBasis, Part, Recipient, ReportKind
from directions.models import Clause, Instrument, ReportingObligation, ServicePriority, TermsOfReference
from intervention.admin_scoping import QuickManagementForm
from intervention.enums import Role
from intervention.stale import version_of
from intervention.widgets import QuickRelatedFieldWidgetWrapper
from tests.directions.test_admin import form_values
from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def direction(case, *, issued: bool, nested: bool = True) -> Instrument:
    """A direction whose clauses were written out of order: 8, then 7 and, under it, 7b, 7b(i) and
    7b(i)(A) (or, not nested, four more paragraphs)."""
    instrument = Instrument.objects.create(
        intervention=case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Statutory direction",
        addressed_to="Herefordshire Council",
        issued_on=datetime.date(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    appointment = AppointmentFactory.create(intervention=case, role=Role.COMMISSIONER)
    instrument.appointments.set([appointment.pk])
    op = {"instrument": instrument, "part": Part.OPERATIVE}
    Clause.objects.create(**op, label="8", position=80, text="Report <monthly>")
    parent = Clause.objects.create(**op, label="7", position=70, text="Improve")
    for position, label in enumerate(["b", "i", "A"] if nested else ["9", "10", "11"], start=71):
        clause = Clause.objects.create(**op, label=label, position=position, text=f"Level {label}")
        if nested:
            clause.parent = parent
            clause.save()
            parent = clause
    if issued:
        issuer = UserFactory(is_superuser=True, username=f"issuer{instrument.pk}@casework.example")
        instrument = services.issue_instrument(instrument=instrument, by=issuer)
    return instrument


def references(page: str) -> list[str]:
    return re.findall(r'<td class="field-reference"><p>([^<]*)</p></td>', page)


@pytest.mark.parametrize("role", ["dora", "charlie"])
def test_an_issued_directions_clauses_are_cited_in_order_with_no_query_for_their_parents(
    client, request, role, hereford_case
):
    nested, flat = direction(hereford_case, issued=True), direction(hereford_case, issued=True, nested=False)
    client.force_login(request.getfixturevalue(role))
    client.get(f"/admin/directions/instrument/{flat.pk}/change/")  # what is read once, then kept

    with CaptureQueriesContext(connection) as read_nested:
        page = client.get(f"/admin/directions/instrument/{nested.pk}/change/").text
    with CaptureQueriesContext(connection) as read_flat:
        client.get(f"/admin/directions/instrument/{flat.pk}/change/")

    assert references(page) == ["7", "7b", "7b(i)", "7b(i)(A)", "8"]
    assert "<p>Report &lt;monthly&gt;</p>" in page
    assert len(read_nested) == len(read_flat)


def test_the_appointments_wrapper_is_drawn_as_djangos_own(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=False)
    client.force_login(dora)
    response = client.get(f"/admin/directions/instrument/{instrument.pk}/change/")
    bound = response.context["adminform"].form["appointments"]
    widget = bound.field.widget
    assert isinstance(widget, QuickRelatedFieldWidgetWrapper)

    ours = widget.render(bound.html_name, bound.value(), {"id": bound.auto_id})
    djangos = RelatedFieldWidgetWrapper.render(widget, bound.html_name, bound.value(), {"id": bound.auto_id})

    assert parse_html(ours) == parse_html(djangos)
    assert "Add another appointment" in ours and re.search(r'<option value="\d+" selected>', ours)


def test_the_version_is_drawn_for_dfe_and_not_asked_for_the_commissioner(client, dora, charlie, hereford_case):
    instrument = direction(hereford_case, issued=True)
    url = f"/admin/directions/instrument/{instrument.pk}/change/"
    client.force_login(dora)
    assert form_values(client.get(url).text)["seen_version"] == version_of(Instrument, instrument.pk)

    client.force_login(charlie)
    with CaptureQueriesContext(connection) as read:
        page = client.get(url).text

    assert 'name="seen_version"' not in page
    assert not [query for query in read.captured_queries if "historicalinstrument" in query["sql"]]


def test_a_drafts_clause_rows_keep_what_was_typed_in_each_show_their_own_errors_and_save(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=False, nested=False)
    client.force_login(dora)
    url = f"/admin/directions/instrument/{instrument.pk}/change/"
    values = form_values(client.get(url).text) | {"_save": "Save"}
    row = {
        clause.label: f"clauses-{index}"
        for index, clause in enumerate(instrument.clauses.order_by("part", "position", "pk"))
    }
    values |= {f"{row['7']}-text": "Improve <now>", f"{row['8']}-position": "not a number"}

    page = client.post(url, values).text

    assert page.count("Enter a whole number.") == 1
    assert re.search(rf'id="{row["8"]}".*?Enter a whole number.', page, re.S)
    assert "Improve &lt;now&gt;</textarea>" in page
    assert 'value="not a number"' in page
    values[f"{row['8']}-position"] = "8"
    response = client.post(url, values)
    assert response.status_code == 302
    assert Clause.objects.get(instrument=instrument, label="7").text == "Improve <now>"


def test_the_list_shows_and_sorts_by_the_next_clause_due_and_the_page_does_not_ask_for_it(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=True)
    due = datetime.date.today() + datetime.timedelta(days=30)
    Clause.objects.filter(instrument=instrument, label="8").update(due_on=due)
    client.force_login(dora)

    listed = client.get("/admin/directions/instrument/?o=7")
    assert [row.next_clause_due for row in listed.context["cl"].result_list] == [due]

    with CaptureQueriesContext(connection) as read:
        client.get(f"/admin/directions/instrument/{instrument.pk}/change/")
    assert not [query for query in read.captured_queries if '"directions_clause"."due_on" >=' in query["sql"]]


# The template loop that drew the clauses for someone who may only read them, before they were drawn
# in Python (directions.admin.clauses_as_text): the rows must come out byte for byte the same.
CLAUSES_LOOP = """{% for clause in clauses %}
          <tr class="form-row has_original" id="clauses-{{ forloop.counter0 }}">
            <td class="field-part"><p>{{ clause.get_part_display }}</p></td>
            <td class="field-reference"><p>{{ clause.reference }}</p></td>
            <td class="field-text"><p>{{ clause.text|linebreaksbr }}</p></td>
            <td class="field-due_on"><p>{{ clause.due_on|default:"-" }}</p></td>
            {% if clause.due_on %}
            <td class="field-covered_by"><p>{{ clause.covered_by.what|default:"-" }}</p></td>
            <td class="field-parties"><p>{% if not clause.covered_by_id %}{{ clause.get_deliverer_display|default:"-" }}, {{ clause.get_recipient_display|default:"-" }}{% endif %}</p></td>
            {% else %}
            <td class="field-covered_by"><p>-</p></td><td class="field-parties"><p>-</p></td>
            {% endif %}
            <td class="field-compliance"><p>{{ clause.get_compliance_display }}</p></td>
          </tr>
        {% endfor %}"""  # noqa: E501 - the template's own lines


# Likewise the loops that drew an issued instrument's priorities and obligations as text.
PRIORITIES_LOOP = """{% for priority in rows.priorities %}
          <tr class="form-row has_original">
            <td class="field-label"><p>{{ priority.label }}</p></td>
            <td class="field-title"><p>{{ priority.title|linebreaksbr }}</p></td>
            <td class="field-short_name"><p>{{ priority.short_name }}</p></td>
            <td class="field-clause"><p>{{ priority.clause|default:"-" }}</p></td>
            {% if rows.changeable %}<td class="field-change"><p><a href="{% url 'admin:directions_servicepriority_change' priority.pk %}" class="changelink">Change<span class="visually-hidden"> priority {{ priority.label }}</span></a></p></td>{% endif %}
          </tr>
        {% endfor %}"""  # noqa: E501 - the template's own lines
OBLIGATIONS_LOOP = """{% for obligation in rows.obligations %}
          <tr class="form-row has_original">
            <td class="field-what"><p>{{ obligation.what }}</p></td>
            <td class="field-deliverer"><p>{{ obligation.get_deliverer_display }}</p></td>
            <td class="field-recipient"><p>{{ obligation.get_recipient_display }}</p></td>
            <td class="field-report_kind"><p>{{ obligation.get_report_kind_display|default:"-" }}</p></td>
            <td class="field-cadence"><p>{{ obligation.describe|capfirst }}</p></td>
            <td class="field-clause"><p>{{ obligation.clause|default:"-" }}</p></td>
            {% if rows.changeable %}<td class="field-change"><p><a href="{% url 'admin:directions_reportingobligation_change' obligation.pk %}" class="changelink">Change<span class="visually-hidden"> {{ obligation.what }}</span></a></p></td>{% endif %}
          </tr>
        {% endfor %}"""  # noqa: E501 - the template's own lines


def as_the_loops_drew_them(instrument: Instrument, *, changeable: bool) -> list[str]:
    priorities = in_document_order(instrument.service_priorities.select_related("clause__parent"))
    obligations = in_document_order(instrument.reporting_obligations.select_related("clause__parent"))
    rows = {"priorities": list(priorities), "obligations": list(obligations), "changeable": changeable}
    return [Template(loop).render(Context({"rows": rows})) for loop in (PRIORITIES_LOOP, OBLIGATIONS_LOOP)]


def dated(instrument: Instrument) -> ReportingObligation:
    """Two of a direction's paragraphs dated, one covered by an obligation, one delivered by the
    council to the commissioner, and terms of reference, each with markup typed into it."""
    obligation = ReportingObligation.objects.create(
        instrument=instrument,
        what="Highlight <report>",
        deliverer=Deliverer.COUNCIL,
        recipient=Recipient.COMMISSIONER,
        cadence=Cadence.FIXED_DATE,
        due_on=datetime.date(2023, 6, 1),
    )
    rows = Clause.objects.filter(instrument=instrument)
    rows.filter(label="9").update(due_on=datetime.date(2023, 5, 1), covered_by=obligation)
    rows.filter(label="10").update(
        due_on=datetime.date(2023, 7, 1), deliverer=Deliverer.COUNCIL, recipient=Recipient.COMMISSIONER
    )
    rows.filter(label="11").update(text="Line <one>\nLine two")
    # As if written before the issue, which locks their text.
    terms = TermsOfReference(instrument=instrument, heading="Terms <heading>", introduction="In <brief>")
    TermsOfReference.objects.bulk_create([terms])
    eight = rows.get(label="8")
    ServicePriority.objects.bulk_create(
        [
            ServicePriority(
                instrument=instrument, clause=eight, label="1", title="Title <one>\nmore", short_name="S<1>"
            ),
            ServicePriority(instrument=instrument, label="2", position=2, title="Two", short_name="Two"),
        ]
    )
    ReportingObligation.objects.create(
        instrument=instrument,
        clause=eight,
        what="Quarterly <return>",
        deliverer=Deliverer.COMMISSIONER,
        recipient=Recipient.COUNCIL,
        report_kind=ReportKind.HIGHLIGHT,
        cadence=Cadence.EVERY_N_MONTHS,
        anchor_on=datetime.date(2023, 4, 1),
        interval=3,
    )
    return obligation


def test_clauses_read_as_text_are_drawn_as_the_template_drew_them_with_their_covering_obligations(
    client, charlie, hereford_case
):
    instrument = direction(hereford_case, issued=True, nested=False)
    dated(instrument)
    client.force_login(charlie)
    url = f"/admin/directions/instrument/{instrument.pk}/change/"
    client.get(url)

    with CaptureQueriesContext(connection) as read:
        page = client.get(url).text

    clauses = in_document_order(Clause.objects.filter(instrument=instrument).select_related("covered_by"))
    expected = Template(CLAUSES_LOOP).render(Context({"clauses": with_ancestors(list(clauses))}))
    assert expected in page
    assert "<p>Highlight &lt;report&gt;</p>" in page and "<p>The council, the commissioner</p>" in page
    assert "Line &lt;one&gt;<br>Line two" in page
    assert "Terms &lt;heading&gt;" in page and "In &lt;brief&gt;" in page
    for rows in as_the_loops_drew_them(instrument, changeable=False):
        assert rows in page
    assert "S&lt;1&gt;" in page and "Quarterly &lt;return&gt;" in page and "Title &lt;one&gt;<br>more" in page
    sql = [query["sql"] for query in read.captured_queries]
    assert not [query for query in sql if 'FROM "directions_termsofreference"' in query]
    assert len([query for query in sql if 'FROM "directions_reportingobligation"' in query]) == 1


def test_dfe_sees_the_covering_obligation_chosen_and_the_terms_of_reference(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=True, nested=False)
    obligation = dated(instrument)
    client.force_login(dora)

    page = client.get(f"/admin/directions/instrument/{instrument.pk}/change/").text

    assert re.search(rf'<option value="{obligation.pk}" selected>[^<]*Highlight &lt;report&gt;', page)
    assert "Terms &lt;heading&gt;" in page
    for rows in as_the_loops_drew_them(instrument, changeable=True):
        assert rows in page
    assert 'class="changelink">Change<span class="visually-hidden"> Quarterly &lt;return&gt;</span>' in page


def test_an_issued_directions_clause_rows_draw_their_fields_as_django_does(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=True, nested=False)
    dated(instrument)
    client.force_login(dora)

    response = client.get(f"/admin/directions/instrument/{instrument.pk}/change/")

    (clauses,) = [inline for inline in response.context["inline_admin_formsets"] if inline.formset.model is Clause]
    for form in clauses.formset.forms:
        for name in ("compliance", "covered_by", "deliverer", "recipient", "seen_version"):
            assert _field(form, name) == str(form[name]), name


def test_an_issued_directions_clause_rows_are_drawn_without_a_form_each_as_their_own_forms_draw_them(
    client, dora, hereford_case
):
    instrument = direction(hereford_case, issued=True, nested=False)
    dated(instrument)
    Clause.objects.filter(instrument=instrument, label="11").update(text="Fish & <script>chips</script>")
    client.force_login(dora)

    response = client.get(f"/admin/directions/instrument/{instrument.pk}/change/")

    (clauses,) = [inline for inline in response.context["inline_admin_formsets"] if inline.formset.model is Clause]
    formset = clauses.formset
    assert "forms" not in vars(formset)  # drawn from the first row's form and stand-ins (row_forms)
    drawn = str(formset.rows)
    assert drawn in response.text
    # Each row as its own form, made by Django for the formset, draws it: the dated rows too, whose
    # covering obligation (a field with help text) each stand-in has its row's own form draw.
    assert drawn == "".join(formset.row(form, index) for index, form in enumerate(formset.forms))
    assert 'name="clauses-1-covered_by"' in drawn and 'name="clauses-2-deliverer"' in drawn
    assert "Fish &amp; &lt;script&gt;chips&lt;/script&gt;" in drawn


def test_the_appointments_offered_and_chosen_are_read_in_one_query_naming_each_person_escaped(
    client, dora, hereford_case, worcester_case
):
    instrument = direction(hereford_case, issued=False)
    chosen = instrument.appointments.get()
    named = AppointmentFactory.create(
        intervention=hereford_case,
        role=Role.IMPROVEMENT_ADVISER,
        starts_on=datetime.date(2023, 1, 5),
        person__name="Ann <script>alert(1)</script> & Co",
    )
    AppointmentFactory.create(intervention=worcester_case, role=Role.IMPROVEMENT_ADVISER)
    client.force_login(dora)

    with CaptureQueriesContext(connection) as read:
        page = client.get(f"/admin/directions/instrument/{instrument.pk}/change/").text

    sql = [query["sql"] for query in read.captured_queries]
    assert len([query for query in sql if query.startswith('SELECT "intervention_appointment"')]) == 1
    options = re.search(r'<select name="appointments"[^>]*>(.*?)</select>', page).group(1)
    assert options == (
        f'<option value="{chosen.pk}" selected>{chosen.person.name}, commissioner</option>'
        f'<option value="{named.pk}">Ann &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co, improvement adviser</option>'
    )


def test_an_appointment_chosen_from_another_case_is_still_the_forms_value(client, dora, hereford_case, worcester_case):
    instrument = direction(hereford_case, issued=False)
    ours = instrument.appointments.get()
    elsewhere = AppointmentFactory.create(intervention=worcester_case)
    instrument.appointments.add(elsewhere)
    client.force_login(dora)

    response = client.get(f"/admin/directions/instrument/{instrument.pk}/change/")

    form = response.context["adminform"].form
    assert {appointment.pk for appointment in form.initial["appointments"]} == {ours.pk, elsewhere.pk}
    options = re.search(r'<select name="appointments"[^>]*>(.*?)</select>', response.text).group(1)
    assert re.findall(r'<option value="(\d+)"', options) == [str(ours.pk)]  # offered from its own case only


def test_the_clause_rows_management_form_is_drawn_as_djangos_own(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=True)
    client.force_login(dora)

    response = client.get(f"/admin/directions/instrument/{instrument.pk}/change/")

    (clauses,) = response.context["inline_admin_formsets"]
    management = clauses.formset.management_form
    assert isinstance(management, QuickManagementForm)
    assert str(management) == RenderableMixin.render(management)
    assert str(management) in response.text


@pytest.mark.parametrize("text", ["Plain", "A <script>alert(1)</script> & B\r\nline two\rthree\nfour", ""])
def test_text_is_drawn_as_the_templates_filters_drew_it(text):
    assert _lines(text) == linebreaksbr(text, autoescape=True)
    assert _shown(text) == str(conditional_escape(formats.localize(text)))


def test_a_choices_label_is_the_models_own():
    clause = Clause(part=Part.OPERATIVE, deliverer=Deliverer.COUNCIL, recipient="")
    assert _display(clause, "part") == clause.get_part_display()
    assert _display(clause, "deliverer") == clause.get_deliverer_display()
    assert _display(clause, "recipient") == clause.get_recipient_display() == ""
    assert _shown(3473) == str(conditional_escape(formats.localize(3473)))


@pytest.mark.parametrize("role", list(Role))
def test_an_appointments_option_is_labelled_as_the_appointment_names_itself(role):
    appointment = AppointmentFactory.build(role=role, person__name="Ann <b> & Co")
    assert _appointment_label(appointment) == str(appointment)


@pytest.mark.parametrize("role", ["dora", "charlie"])
def test_an_issued_instruments_amendments_are_listed_and_not_asked_for_where_it_has_none(
    client, request, role, dora, hereford_case
):
    amended, unamended = direction(hereford_case, issued=True), direction(hereford_case, issued=True, nested=False)
    services.amend_issued_text(
        target=amended.clauses.get(label="8"),
        changes={"text": "Report <weekly> & monthly"},
        reason="Fish & <chips>",
        by=dora,
        made_on=datetime.date(2023, 4, 1),
    )
    client.force_login(request.getfixturevalue(role))

    page = client.get(f"/admin/directions/instrument/{amended.pk}/change/").text
    with CaptureQueriesContext(connection) as read:
        unamended_page = client.get(f"/admin/directions/instrument/{unamended.pk}/change/").text

    assert '<td class="field-reason"><p>Fish &amp; &lt;chips&gt;</p></td>' in page
    assert "No amendments have been recorded." in unamended_page
    assert not [query for query in read.captured_queries if query["sql"].startswith('SELECT "directions_amendment"')]
