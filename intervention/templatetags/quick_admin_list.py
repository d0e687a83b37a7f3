"""The admin's list of results, drawn as Django's `result_list` tag draws it (the same cells, classes,
links and icons), with what is the same for every row worked out once for the page: on a list of fifty
rows of ten columns, Django's tag looks up the change address, the empty value and each yes/no icon
cell by cell. The list's filters and the admin's side menu, drawn in Python as Django's templates draw
them: a filter of every local authority is some hundred and fifty links, each through a template."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import display_for_field, display_for_value, lookup_field
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from intervention.widgets import _escape

register = template.Library()

PK_PLACEHOLDER = "0123456789"  # reversed once, then replaced by each row's id (ids are digits)


def quick_result_list(cl: Any) -> dict[str, Any]:
    if cl.formset is not None or cl.is_popup or cl.to_field:
        return admin_list.result_list(cl)  # rows with forms or for a popup: Django's own
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": [admin_list.ResultList(None, row) for row in Rows(cl).drawn()],
    }


class Rows:
    def __init__(self, cl: Any) -> None:
        self.cl = cl
        self.empty = cl.model_admin.get_empty_value_display()
        self.icons: dict[Any, SafeString] = {}
        self.dates: dict[Any, str] = {}  # a date is written the same way in every row it appears in
        opts = cl.opts
        try:
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=(PK_PLACEHOLDER,),
                current_app=cl.model_admin.admin_site.name,
            )
        except NoReverseMatch:
            self.change_url: str | None = None
        else:
            self.change_url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": opts}, url)

    def drawn(self) -> list[list[SafeString]]:
        return [list(self.cells(result)) for result in self.cl.result_list]

    def icon(self, value: Any) -> SafeString:
        key = (type(value), value)  # 1 is not True: its icon's text says 1
        if key not in self.icons:
            self.icons[key] = admin_list._boolean_icon(value)  # type: ignore[attr-defined]
        return self.icons[key]

    def url_for(self, result: Any) -> str | None:
        pk = getattr(result, self.cl.pk_attname)
        if self.change_url is None:
            return None
        if isinstance(pk, int) and self.change_url.count(PK_PLACEHOLDER) == 1:
            return self.change_url.replace(PK_PLACEHOLDER, str(pk))
        url = self.cl.url_for_result(result)
        return add_preserved_filters({"preserved_filters": self.cl.preserved_filters, "opts": self.cl.opts}, url)

    def date(self, value: Any, f: Any, empty_value_display: Any) -> Any:
        key = (type(f), type(value), value, empty_value_display)
        if key not in self.dates:
            self.dates[key] = display_for_field(value, f, empty_value_display)
        return self.dates[key]

    def cells(self, result: Any) -> Any:
        """admin_list.items_for_result, for a list without forms and not in a popup."""
        cl = self.cl
        first = True
        for field_index, field_name in enumerate(cl.list_display):
            empty_value_display = self.empty
            row_classes = [f"field-{admin_list._coerce_field_name(field_name, field_index)}"]  # type: ignore[attr-defined]
            link_to_changelist = self.link_in_col(first, field_name)
            try:
                f, attr, value = lookup_field(field_name, result, cl.model_admin)
            except ObjectDoesNotExist:
                result_repr = empty_value_display
            else:
                empty_value_display = getattr(attr, "empty_value_display", empty_value_display)
                if isinstance(value, str) and value.strip() == "":
                    value = ""
                if f is None or f.auto_created:
                    if field_name == "action_checkbox":
                        row_classes = ["action-checkbox"]
                    boolean = getattr(attr, "boolean", False)
                    if isinstance(attr, property) and hasattr(attr, "fget"):
                        boolean = getattr(attr.fget, "boolean", False)
                    if boolean and value in (True, False, None):
                        result_repr = self.icon(value)
                    else:
                        result_repr = display_for_value(value, empty_value_display, boolean)
                    if isinstance(value, datetime.date | datetime.time):
                        row_classes.append("nowrap")
                else:
                    if isinstance(f.remote_field, models.ManyToOneRel):
                        field_val = getattr(result, f.name)
                        result_repr = empty_value_display if field_val is None else field_val
                    elif isinstance(f, models.BooleanField) and not f.choices:
                        result_repr = self.icon(value)
                    elif type(f) is models.DateField and not f.choices:
                        result_repr = self.date(value, f, empty_value_display)
                    else:
                        result_repr = display_for_field(value, f, empty_value_display, avoid_link=link_to_changelist)
                    if isinstance(f, models.DateField | models.TimeField | models.ForeignKey):
                        row_classes.append("nowrap")
            row_class = f' class="{" ".join(row_classes)}"'
            if link_to_changelist:
                table_tag = "th" if first else "td"
                first = False
                url = self.url_for(result)
                link_or_text = (
                    _escape(result_repr) if url is None else f'<a href="{_escape(url)}">{_escape(result_repr)}</a>'
                )
                yield SafeString(f"<{table_tag}{row_class}>{link_or_text}</{table_tag}>")  # escaped
            else:
                yield SafeString(f"<td{row_class}>{_escape(result_repr)}</td>")  # escaped

    def link_in_col(self, is_first: bool, field_name: Any) -> bool:
        links = self.cl.list_display_links
        if links is None:
            return False
        if is_first and not links:
            return True
        return field_name in links


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser: Any, token: Any) -> InclusionAdminNode:
    # django-stubs gives InclusionAdminNode a `name` first; Django 5.2's takes (parser, token, ...).
    return InclusionAdminNode(  # type: ignore[call-arg]
        parser, token, func=quick_result_list, template_name="change_list_results.html", takes_context=False
    )


@register.simple_tag
def quick_list_filter(cl: Any, spec: Any) -> SafeString:
    """admin_list.admin_list_filter, for a filter drawn by admin/filter.html."""
    if spec.template != "admin/filter.html":
        return admin_list.admin_list_filter(cl, spec)
    title = _escape(spec.title)
    by = gettext(" By %(filter_title)s ") % {"filter_title": title}
    selected = ' class="selected"'
    choices = "".join(
        f"\n    <li{selected if choice['selected'] else ''}>"
        f'\n    <a href="{_escape(iri_to_uri(choice["query_string"]))}">{_escape(choice["display"])}</a></li>\n  '
        for choice in spec.choices(cl)
    )
    return SafeString(  # every part is escaped
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {by}\n  </summary>\n'
        f"  <ul>\n  {choices}\n  </ul>\n</details>\n"
    )


@register.simple_tag(takes_context=True)
def quick_nav_sidebar(context: Any) -> SafeString:
    """admin/nav_sidebar.html with the app list it includes (admin/app_list.html, without change links)."""
    path = quote(context["request"].path)  # as the template's urlencode filter quotes it
    apps = []
    for app in context["available_apps"]:
        current_app = " current-app" if app["app_url"] in path else ""
        label = _escape(app["app_label"])
        described = gettext("Models in the %(name)s application") % {"name": _escape(app["name"])}
        rows = []
        for model in app["models"]:
            name = _escape(str(model["object_name"]).lower())
            url = model.get("admin_url")
            current = url and url in path
            if url:
                aria = ' aria-current="page"' if current else ""
                shown = (
                    f'\n                  <a href="{_escape(url)}"{aria}>{_escape(model["name"])}</a>\n                '
                )
            else:
                shown = f"\n                  {_escape(model['name'])}\n                "
            if model.get("add_url"):
                add = (
                    f'\n                <td><a href="{_escape(model["add_url"])}" class="addlink" '
                    f'aria-describedby="{label}-{name}">{_escape(gettext("Add"))}</a></td>\n              '
                )
            else:
                add = "\n                <td></td>\n              "
            rows.append(
                f'\n          \n            <tr class="model-{name}{" current-model" if current else ""}">'
                f'\n              <th scope="row" id="{label}-{name}">\n                {shown}\n              </th>'
                f"\n\n              {add}\n\n"
                f"              \n            </tr>\n          \n        "
            )
        apps.append(
            f'\n    <div class="app-{label} module{current_app}">\n      <table>\n        <caption>\n'
            f'          <a href="{_escape(app["app_url"])}" class="section" title="{described}">'
            f"{_escape(app['name'])}</a>\n        </caption>\n"
            f'        <thead class="visually-hidden">\n          <tr>\n'
            f'            <th scope="col">{_escape(gettext("Model name"))}</th>\n'
            f'            <th scope="col">{_escape(gettext("Add link"))}</th>\n'
            f'            <th scope="col">{_escape(gettext("Change or view list link"))}</th>\n'
            f"          </tr>\n        </thead>\n        {''.join(rows)}\n      </table>\n    </div>\n  "
        )
    if apps:
        app_list = f"\n\n\n  {''.join(apps)}\n\n"
    else:
        nothing = gettext("You don\u2019t have permission to view or edit anything.")  # Django's words
        app_list = f"\n\n\n  <p>{_escape(nothing)}</p>\n\n"
    return SafeString(  # every part is escaped
        f'\n<button class="sticky toggle-nav-sidebar" id="toggle-nav-sidebar" '
        f'aria-label="{_escape(gettext("Toggle navigation"))}"></button>\n'
        f'<nav class="sticky" id="nav-sidebar" aria-label="{_escape(gettext("Sidebar"))}">\n'
        f'  <input type="search" id="nav-filter"\n'
        f'         placeholder="{_escape(gettext("Start typing to filter…"))}"\n'
        f'         aria-label="{_escape(gettext("Filter navigation items"))}">\n'
        f"  {app_list}\n</nav>\n"
    )
