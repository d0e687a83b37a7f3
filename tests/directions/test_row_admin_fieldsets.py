"""The pages of an instrument's rows (a reporting obligation, a service priority) draw their fieldsets
in Python (quick_fieldsets.fieldsets_as_django_draws_them): the page must come out byte for byte as
Django's own change form draws it, for DfE and for the commissioner, opened and sent back with errors.
An obligation's clause dropdown reads the clauses alone, each named through its parents among them."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from directions.enums import Cadence, Deliverer, Recipient
from directions.models import Clause, ReportingObligation, ServicePriority
from intervention.templatetags.quick_fieldsets import fieldsets_as_django_draws_them
from tests.directions.test_instrument_admin_page import direction
from tests.directions.test_instrument_rows_admin import direction_with_rows

pytestmark = pytest.mark.django_db

# change_form.html's field_sets block, as Django writes it.
DJANGOS_FIELD_SETS = (
    "\n{% for fieldset in adminform %}\n"
    '  {% include "admin/includes/fieldset.html" with heading_level=2 prefix="fieldset" id_prefix=0'
    " id_suffix=forloop.counter0 %}\n{% endfor %}\n"
)


def as_django_draws_it(client, monkeypatch, model, method: str, url: str, data=None) -> tuple[str, str]:
    """The page as drawn now, and as Django's own change form draws it (its token, new each time, left out)."""
    pages = []
    for template in (None, "admin/change_form.html"):
        if template is not None:
            monkeypatch.setattr(admin.site._registry[model], "change_form_template", template)
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 200
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text))
    return pages[0], pages[1]


@pytest.mark.parametrize("role", ["dora", "charlie"])
@pytest.mark.parametrize("model", [ReportingObligation, ServicePriority])
def test_a_rows_page_is_drawn_byte_for_byte_as_djangos_change_form(client, monkeypatch, request, role, model):
    instrument = direction_with_rows(request.getfixturevalue("hereford_case"))
    row = model.objects.get(instrument=instrument)
    if model is ReportingObligation:
        ReportingObligation.objects.filter(pk=row.pk).update(what="Fish & <script>chips</script>")
    else:
        ServicePriority.objects.filter(pk=row.pk).update(short_name="Fish & <script>chips</script>")
    client.force_login(request.getfixturevalue(role))
    url = f"/admin/directions/{model._meta.model_name}/{row.pk}/change/"

    ours, djangos = as_django_draws_it(client, monkeypatch, model, "get", url)

    assert ours == djangos
    assert "Fish &amp; &lt;script&gt;chips&lt;/script&gt;" in ours and "<script>chips" not in ours


def test_an_obligation_sent_back_with_errors_is_drawn_byte_for_byte_as_djangos_change_form(
    client, monkeypatch, dora, hereford_case
):
    instrument = direction_with_rows(hereford_case)
    obligation = ReportingObligation.objects.get(instrument=instrument)
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/{obligation.pk}/change/"
    sent = {"what": "", "deliverer": "nobody", "cadence": "every_n_months", "interval": "not a number"}

    ours, djangos = as_django_draws_it(client, monkeypatch, ReportingObligation, "post", url, sent)

    assert ours == djangos
    assert 'class="errorlist' in ours


def test_the_fieldsets_are_the_field_sets_block_of_djangos_change_form(client, dora, hereford_case):
    instrument = direction_with_rows(hereford_case)
    obligation = ReportingObligation.objects.get(instrument=instrument)
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/{obligation.pk}/change/"

    for response in (client.get(url), client.post(url, {"what": "", "interval": "x"})):
        adminform = response.context["adminform"]
        djangos = Template(DJANGOS_FIELD_SETS).render(Context({"adminform": adminform}))
        assert fieldsets_as_django_draws_them(adminform) == djangos


@pytest.mark.parametrize("sent", [None, {"what": "", "interval": "x", "anchor_is_due": "on"}])
def test_every_kind_of_line_is_drawn_as_djangos_fieldset_template_draws_it(rf, dora, hereford_case, sent):
    """Lines of several fields (read-only, a checkbox, with help text and errors among them), and a
    named, collapsible fieldset with a description (markup, shown as it is)."""
    obligation = ReportingObligation.objects.get(instrument=direction_with_rows(hereford_case))
    model_admin = admin.site._registry[ReportingObligation]
    request = rf.get("/")
    request.user = dora
    form_class = model_admin.get_form(request, obligation)
    form = form_class(sent, instance=obligation) if sent is not None else form_class(instance=obligation)
    form.is_valid() if sent is not None else None
    fieldsets = [
        (None, {"fields": [("what", "instrument", "deliverer"), "cadence", ("anchor_is_due", "interval")]}),
        ("Fish & <chips>", {"fields": ["anchor_on", "clause"], "classes": ["collapse"], "description": "<b>Bold</b>"}),
    ]
    adminform = admin.helpers.AdminForm(form, fieldsets, {}, readonly_fields=("instrument",), model_admin=model_admin)

    djangos = Template(DJANGOS_FIELD_SETS).render(Context({"adminform": adminform}))

    assert fieldsets_as_django_draws_them(adminform) == djangos
    assert "checkbox-row" in djangos and "fieldBox" in djangos and "Fish &amp; &lt;chips&gt;" in djangos, djangos
    assert ("<details>" in djangos) is (sent is None)  # a fieldset with errors in it is open
    assert ('class="errorlist' in djangos) is (sent is not None)


def test_an_obligations_clause_dropdown_names_each_clause_through_its_parents_read_with_it(client, dora, hereford_case):
    instrument = direction(hereford_case, issued=True)  # 7, 7b, 7b(i), 7b(i)(A) and 8
    deepest = Clause.objects.get(instrument=instrument, label="A")
    obligation = ReportingObligation.objects.create(
        instrument=instrument,
        clause=deepest,
        what="Monthly <note>",
        deliverer=Deliverer.COUNCIL,
        recipient=Recipient.COMMISSIONER,
        cadence=Cadence.FIXED_DATE,
        due_on=instrument.issued_on,
    )
    client.force_login(dora)

    with CaptureQueriesContext(connection) as read:
        page = client.get(f"/admin/directions/reportingobligation/{obligation.pk}/change/").text

    offered = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', page.split('name="clause"')[1])
    clauses = Clause.objects.filter(instrument=instrument).select_related("parent__parent__parent")
    labels = {str(clause.pk): str(clause) for clause in clauses}
    assert [(pk, label) for pk, _, label in offered] == [
        (str(clause.pk), html.escape(labels[str(clause.pk)])) for clause in clauses.order_by("part", "position", "pk")
    ]
    assert [pk for pk, selected, _ in offered if selected] == [str(deepest.pk)]
    assert "7b(i)(A). Level A" in labels.values()
    clause_queries = [q["sql"] for q in read.captured_queries if q["sql"].startswith('SELECT "directions_clause"')]
    assert len(clause_queries) == 1 and "JOIN" not in clause_queries[0]


@pytest.mark.parametrize("query", ["", "?instrument={pk}"])
def test_the_add_page_of_an_obligation_is_drawn_byte_for_byte_as_djangos_change_form(
    client, monkeypatch, dora, hereford_case, query
):
    instrument = direction_with_rows(hereford_case)
    client.force_login(dora)
    url = "/admin/directions/reportingobligation/add/" + query.format(pk=instrument.pk)

    ours, djangos = as_django_draws_it(client, monkeypatch, ReportingObligation, "get", url)

    assert ours == djangos
    assert 'class="help"' in ours
