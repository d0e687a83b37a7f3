"""The admin's list of results, drawn as Django's `result_list` tag draws it (the same cells, classes,
links and icons), with what is the same for every row worked out once for the page: on a list of fifty
rows of ten columns, Django's tag looks up the change address, the empty value and each yes/no icon
cell by cell."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import display_for_field, display_for_value, lookup_field
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

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
