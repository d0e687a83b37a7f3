"""The instrument's and the instruction's admin pages draw their fieldsets through quick_fieldsets:
the fields a person reads and fills in are those Django's own fieldset template draws, read-only
(an issued instrument), editable, and sent back with errors."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.admin import helpers
from django.template.loader import get_template
from django.test import Client
from django.test.html import parse_html

from intervention.templatetags.quick_fieldsets import _readonly_label_tag, quick_fieldsets
from tests.test_query_counts import SMALL, load

pytestmark = pytest.mark.django_db


def djangos_fieldsets(adminform: Any) -> str:
    fieldset = get_template("admin/includes/fieldset.html")
    shared = {"heading_level": 2, "prefix": "fieldset", "id_prefix": 0}
    return "".join(
        fieldset.render({**shared, "fieldset": each, "id_suffix": index}) for index, each in enumerate(adminform)
    )


@pytest.mark.parametrize("role", ["dfe", "commissioner"])
def test_change_forms_fieldsets_read_as_djangos_own(role):
    cast = load(cases=1, volume=SMALL)
    client = Client()
    client.force_login(getattr(cast, role))
    pages = [
        f"/admin/directions/instrument/{cast.instrument.pk}/change/",
        f"/admin/directions/instruction/{cast.instruction.pk}/change/",
    ]
    if role == "commissioner":  # who issues instructions
        pages.append("/admin/directions/instruction/add/")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        adminform = response.context["adminform"]

        assert parse_html(quick_fieldsets(adminform)) == parse_html(djangos_fieldsets(adminform)), url


def test_fieldsets_sent_back_with_errors_read_as_djangos_own():
    cast = load(cases=1, volume=SMALL)
    client = Client()
    client.force_login(cast.commissioner)

    response = client.post("/admin/directions/instruction/add/", {"title": "", "due_on": "not a date"})

    adminform = response.context["adminform"]
    assert adminform.form.errors
    drawn = quick_fieldsets(adminform)
    assert parse_html(drawn) == parse_html(djangos_fieldsets(adminform))
    assert 'class="errorlist' in drawn


@pytest.mark.parametrize("label", ["Revoked on", "title <script>alert(1)</script> & more", "", None])
@pytest.mark.parametrize("is_first", [True, False])
def test_a_read_only_fields_label_is_drawn_as_djangos_own(label, is_first):
    field = SimpleNamespace(field={"label": label}, is_first=is_first, form=SimpleNamespace(label_suffix=":"))
    field.label_tag = lambda: helpers.AdminReadonlyField.label_tag(field)

    assert _readonly_label_tag(field) == helpers.AdminReadonlyField.label_tag(field)
