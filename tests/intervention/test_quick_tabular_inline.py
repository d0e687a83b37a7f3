"""The case's admin form draws its appointments and delivery models with a template of its own
(intervention/admin/tabular.html, its rows' cells written in Python for speed, issue 20). It must
give what Django's own tabular inline gives, when the form is first opened and when it comes back
with errors, and the form it draws must still save."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test.html import parse_html

from intervention import admin as intervention_admin
from intervention.enums import Role
from intervention.models import AlternativeDeliveryModel
from intervention.templatetags import quick_admin_rows
from intervention.templatetags.quick_fieldsets import quick_fieldsets
from tests.directions.test_quick_fieldsets import djangos_fieldsets
from tests.factories import AppointmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def normalised(page: str) -> str:
    """The page without its CSRF token, and without the whitespace between tags the two templates lay
    out differently."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r"\s+", " ", page)
    page = re.sub(r"\s*<", "<", page)
    page = re.sub(r">\s*", ">", page)
    return re.sub(r'" >', '">', re.sub(r' "', '"', page))


def sent_back(page: str) -> dict[str, str]:
    """What a browser sends back from the page's form, unchanged (the empty rows' templates left out)."""
    data = {}
    for found in re.finditer(r'<input type="(?:hidden|text)" name="([^"]+)"(?: value="([^"]*)")?', page):
        if "__prefix__" not in found.group(1):
            data[found.group(1)] = html.unescape(found.group(2) or "")
    for found in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        if "__prefix__" not in found.group(1):
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', found.group(2))
            data[found.group(1)] = chosen.group(1) if chosen else ""
    for found in re.finditer(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        data[found.group(1)] = html.unescape(found.group(2))
    return data


@pytest.fixture
def case_form(client, dora, hereford_case):
    AppointmentFactory(intervention=hereford_case, role=Role.COMMISSIONER)
    AlternativeDeliveryModel.objects.create(
        intervention=hereford_case, name="Trust <A>", legal_form="trust", goes_live_on=datetime.date(2024, 4, 1)
    )
    AlternativeDeliveryModel.objects.create(intervention=hereford_case, name="Co", legal_form="partnership")
    client.force_login(dora)
    return f"/admin/intervention/intervention/{hereford_case.pk}/change/"


def test_the_case_forms_rows_are_djangos_tabular_inline_opened_and_sent_back_with_errors(
    client, case_form, monkeypatch
):
    ours = client.get(case_form).content.decode()
    with_errors = sent_back(ours) | {"delivery_models-1-name": "", "delivery_models-1-goes_live_on": "not a date"}
    ours_with_errors = client.post(case_form, with_errors).content.decode()

    for inline in (intervention_admin.AppointmentInline, intervention_admin.DeliveryModelInline):
        monkeypatch.setattr(inline, "template", "admin/edit_inline/tabular.html")
    djangos = client.get(case_form).content.decode()
    djangos_with_errors = client.post(case_form, with_errors).content.decode()

    assert "appointments-0-person" in ours and "Trust &lt;A&gt;" in ours
    assert "errorlist" in ours_with_errors
    assert normalised(ours) == normalised(djangos)
    assert normalised(ours_with_errors) == normalised(djangos_with_errors)


def test_the_case_form_it_draws_saves_a_changed_row_and_a_new_one(client, case_form, hereford_case):
    data = sent_back(client.get(case_form).content.decode())
    row = next(key for key, value in data.items() if key.startswith("delivery_models-") and value == "Co")
    data |= {
        row: "Renamed",
        "delivery_models-TOTAL_FORMS": "3",
        "delivery_models-2-name": "New",
        "delivery_models-2-legal_form": "trust",
        "delivery_models-2-intervention": str(hereford_case.pk),
    }
    response = client.post(case_form, data)
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.content.decode(), re.S)
    assert sorted(AlternativeDeliveryModel.objects.values_list("name", flat=True)) == ["New", "Renamed", "Trust <A>"]


def test_each_rows_widgets_drawn_without_bound_fields_are_the_bound_fields_own(client, case_form):
    """The rows of a form just opened draw their widgets straight, not through bound fields: the same
    markup, for every row, the blank row, and each management form."""
    inline_formsets = client.get(case_form).context["inline_admin_formsets"]

    for inline_formset in inline_formsets:
        formset = inline_formset.formset
        for form in [*formset.forms, formset.empty_form]:
            for name in form.fields:
                assert quick_admin_rows._widget(form, name) == str(form[name]), (form.prefix, name)
        assert quick_admin_rows.management_form(formset) == str(formset.management_form)
    assert [len(each.formset.forms) for each in inline_formsets] == [1, 2]


def test_each_row_of_a_form_just_opened_carries_its_own_id(client, case_form, hereford_case):
    """The rows share their hidden id and parent fields (made once for the page): each still shows its
    own record's id, under its own case."""
    page = client.get(case_form).content.decode()
    ids = re.findall(r'<input type="hidden" name="delivery_models-(\d)-id" value="(\d+)"', page)
    parents = re.findall(r'<input type="hidden" name="delivery_models-\d-intervention" value="(\d+)"', page)
    rows = AlternativeDeliveryModel.objects.filter(intervention=hereford_case).order_by("pk")
    assert sorted(pk for _, pk in ids) == sorted(str(row.pk) for row in rows)
    assert [index for index, _ in ids] == ["0", "1"]
    assert parents == [str(hereford_case.pk)] * 2


@pytest.mark.parametrize("sent", [False, True])
def test_the_case_forms_fieldsets_read_as_djangos_own(client, case_form, sent):
    if sent:
        page = client.get(case_form).content.decode()
        response = client.post(case_form, sent_back(page) | {"opened_on": "not a date", "service_area": ""})
    else:
        response = client.get(case_form)
    adminform = response.context["adminform"]

    assert bool(adminform.form.errors) == sent
    assert parse_html(quick_fieldsets(adminform)) == parse_html(djangos_fieldsets(adminform))


def test_rows_drawn_without_a_form_each_are_djangos_rows_escaped(client, case_form, hereford_case, monkeypatch):
    """A form just opened draws its stored rows from one form standing for all (StaleRowsFormSet.rows_alike):
    every row, with its own person, dates and version, escaped, as Django's tabular inline draws it,
    and no form is made for each row."""
    AppointmentFactory(
        intervention=hereford_case,
        role=Role.IMPROVEMENT_ADVISER,
        person=PersonFactory(name="<script>alert(1)</script> & Co"),
        starts_on=datetime.date(2023, 1, 2),
        ends_on=datetime.date(2024, 5, 6),
    )
    AppointmentFactory(intervention=hereford_case, role=Role.DFE_CASE_LEAD, person=PersonFactory(name="Ann & Bo"))

    response = client.get(case_form)
    ours = response.content.decode()
    for inline in (intervention_admin.AppointmentInline, intervention_admin.DeliveryModelInline):
        monkeypatch.setattr(inline, "template", "admin/edit_inline/tabular.html")
    djangos = client.get(case_form).content.decode()

    formsets = [each.formset for each in response.context["inline_admin_formsets"]]
    assert [formset.rows_alike() is not None for formset in formsets] == [True, True]
    assert ["forms" in formset.__dict__ for formset in formsets] == [False, False]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in ours and "<script>alert" not in ours
    assert "Ann &amp; Bo" in ours and 'value="02/01/2023"' in ours
    assert len(re.findall(r'name="appointments-\d-seen_version" value="[^"]+"', ours)) == 3
    assert normalised(ours) == normalised(djangos)
