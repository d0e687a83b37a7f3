"""Every scoped admin list draws its rows through quick_result_list and its filters through
quick_list_filter: the page a person reads is the page Django's own result_list and filter template
draw, with filters, a search and a sort kept in each row's link. Every admin page's side menu is
quick_nav_sidebar: the menu Django's own template draws."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.template.loader import get_template
from django.test import Client
from django.test.html import parse_html

from intervention.admin_scoping import ScopedAdmin
from intervention.templatetags.quick_admin_list import quick_nav_sidebar
from tests.test_query_counts import SMALL, load

pytestmark = pytest.mark.django_db


def drawn(client: Client, url: str) -> object:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return parse_html(html)


def test_every_scoped_list_reads_as_djangos_own(monkeypatch):
    cast = load(cases=1, volume=SMALL)
    client = Client()
    client.force_login(cast.dfe)
    lists = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdmin):
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        lists += [base, f"{base}?o=-2", f"{base}?q=a"]
    lists += ["/admin/directions/instruction/?status__exact=complied&o=3", "/admin/directions/instrument/?in_force=yes"]
    quick = {url: drawn(client, url) for url in lists}
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, ScopedAdmin):
            monkeypatch.setattr(model_admin, "change_list_template", None)  # Django's own list
    djangos = {url: drawn(client, url) for url in lists}
    assert [url for url in lists if quick[url] != djangos[url]] == []
    assert "<tbody>" in str(quick["/admin/directions/instruction/?status__exact=complied&o=3"])


@pytest.mark.parametrize("role", ["dfe", "commissioner"])
def test_the_side_menu_reads_as_djangos_own(role):
    cast = load(cases=1, volume=SMALL)
    client = Client()
    client.force_login(getattr(cast, role))
    response = client.get("/admin/directions/instruction/")
    context = {"available_apps": response.context["available_apps"], "request": response.wsgi_request}

    quick = quick_nav_sidebar(context)

    assert parse_html(quick) == parse_html(get_template("admin/nav_sidebar.html").render(context))
    assert 'aria-current="page">Instructions</a>' in quick
