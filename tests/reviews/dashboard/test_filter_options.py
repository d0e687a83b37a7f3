"""The dashboard's filter options are written out in Python (reviews.templatetags.filter_options):
each value and label escaped exactly as Django's `conditional_escape` escapes it."""

from __future__ import annotations

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from reviews.templatetags.filter_options import filter_options

CHOICES = [
    ("", gettext_lazy("Any")),
    (7, 'O\'Brien & <Sons> "Ltd"'),
    ("a&b", mark_safe("<b>already safe</b>")),
    (12, "Zoë Ndlovu"),
]


def test_options_escape_as_django_does():
    expected = "".join(
        f'<option value="{conditional_escape(value)}"{" selected" if str(value) == "7" else ""}>'
        f"{conditional_escape(label)}</option>"
        for value, label in CHOICES
    )
    assert filter_options(CHOICES, 7) == expected
    assert "&lt;Sons&gt;" in expected and "&#x27;" in expected  # typed markup shows as text
