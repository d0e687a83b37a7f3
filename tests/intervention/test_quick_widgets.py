"""The admin's inputs drawn in Python (intervention.widgets) give the markup Django's own templates give
them (their attributes sorted, as the project's widgets write them), with a row's attributes (an id
alone, worked out once a page and given each row's id) and with any others, for values that need
escaping and for none."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.translation import gettext_lazy

from intervention.admin_scoping import FixedChoices
from intervention.widgets import (
    QuickDateInput,
    QuickFilteredSelectMultiple,
    QuickHiddenInput,
    QuickIntegerInput,
    QuickSelect,
    QuickTextInput,
    _input,
    _select,
)

VALUES = [None, "", "plain", 'a "quoted" <b>&amp; value</b>', 7, datetime.date(2024, 4, 1)]
ATTRIBUTES: list[dict[str, Any] | None] = [
    None,
    {"id": "id_rows-0-name"},
    {"id": 'id_<"odd">'},
    {"id": "id_name", "required": True},
    {"id": "id_name", "aria-describedby": "id_name_helptext", "disabled": False},
]


def djangos(widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any] | None) -> str:
    """The widget drawn through its template, as Django draws it."""
    return str(forms.Widget.render(widget, name, value, attrs))


def from_its_context(widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any] | None) -> str:
    """The widget drawn from its whole context each time, as the project's inputs were drawn before
    they worked out a row's attributes once: the same bytes, attributes sorted."""
    drawn = _input(widget.get_context(name, value, attrs)["widget"])
    return f'<p class="date">{drawn}</p>' if isinstance(widget, QuickDateInput) else drawn


@pytest.mark.parametrize("widget_class", [QuickHiddenInput, QuickTextInput, QuickIntegerInput, QuickDateInput])
@pytest.mark.parametrize("widget_attrs", [None, {"class": "wide", "size": "10"}])
def test_quick_inputs_draw_what_djangos_templates_draw(widget_class, widget_attrs):
    widget = widget_class(attrs=widget_attrs)
    for _ in range(2):  # the second time from the attributes worked out the first
        for value in VALUES:
            for attrs in ATTRIBUTES:
                drawn = widget.render("rows-0-name", value, attrs)
                assert drawn == from_its_context(widget, "rows-0-name", value, attrs), (value, attrs)
                assert parse_html(drawn) == parse_html(djangos(widget, "rows-0-name", value, attrs)), (value, attrs)


def test_copies_of_a_quick_input_with_other_attributes_draw_their_own():
    widget = QuickDateInput()
    widget.render("starts_on", None, {"id": "id_starts_on"})
    copied = widget.__deepcopy__({})
    copied.attrs["class"] = "other"

    drawn = copied.render("starts_on", None, {"id": "id_starts_on"})

    assert drawn == from_its_context(copied, "starts_on", None, {"id": "id_starts_on"})
    assert 'class="other"' in drawn


def test_a_quick_select_of_options_that_never_change_draws_them_as_it_draws_any_options():
    options = [("", "---------"), ("a", 'Tom & "Jerry" <b>'), ("b", gettext_lazy("Commissioner")), (3, "Three")]
    frozen = QuickSelect(choices=FixedChoices(options))
    plain = QuickSelect(choices=options)

    for value in [None, "", "a", "b", 3, "missing"]:
        for attrs in [None, {"id": "id_rows-0-role"}]:
            assert frozen.render("rows-0-role", value, attrs) == plain.render("rows-0-role", value, attrs)

    copied = frozen.__deepcopy__({})
    copied.choices = FixedChoices([("c", "Other")])
    assert copied.render("role", "c") == '<select name="role"><option value="c" selected>Other</option></select>'


@pytest.mark.parametrize("stacked", [False, True])
@pytest.mark.parametrize("widget_attrs", [None, {"class": "wide", "size": "10"}])
def test_the_two_list_chooser_draws_its_options_as_from_its_whole_context(stacked, widget_attrs):
    """Drawn without Django's dictionary a option, the same bytes as drawn from its whole context (as it
    was), which is what Django's template draws; and options in groups, drawn from that context."""
    widget = QuickFilteredSelectMultiple("Fish & <chips>", stacked, attrs=widget_attrs)
    widget.choices = [(None, "None"), (1, "One & <script>"), ("2", gettext_lazy("Two")), (3, "Three")]
    for value in [None, [], ["1"], [1, "3"], ["nope"]]:
        for attrs in ATTRIBUTES:
            drawn = widget.render("appointments", value, attrs)
            assert drawn == _select(widget.get_context("appointments", value, attrs)["widget"]), (value, attrs)
            djangos = str(forms.Widget.render(widget, "appointments", value, attrs))
            assert parse_html(drawn) == parse_html(djangos), (value, attrs)
    assert "One &amp; &lt;script&gt;" in widget.render("appointments", [1], None)
    widget.choices = [("Group <g>", [(1, "One"), (2, "Two")]), (3, "Three")]
    assert widget.render("appointments", [2], None) == _select(widget.get_context("appointments", [2], None)["widget"])
