"""A list of reports' rows, written out in Python: the national list has fifty a page, and drawing each
row's cells, its status (an include) and its download link through the template language cost more
than the rest of the page. The markup is what reviews/reports/includes/report_table.html drew, byte
for byte; every value people typed or chose is escaped as the template's `{{ }}` escapes it."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from intervention.templatetags.long_dates import short_date

register = template.Library()

CELL = '\n      <td class="govuk-table__cell">'
NO_PERIOD = "\N{EN DASH}"


@register.simple_tag
def report_rows(reports: Iterable[Any], show_authority: bool = False) -> SafeString:
    """Each report's `<tr>`, with the whitespace the template's loop wrote around it."""
    return mark_safe("".join(_row(report, show_authority) for report in reports))  # noqa: S308 - escaped values


def _row(report: Any, show_authority: bool) -> str:
    versions = report.listed_versions()
    title = _text(report.title)
    authority = ""
    if show_authority:
        authority = f'<td class="govuk-table__cell">{_text(report.intervention.local_authority.name)}</td>'
    ready = versions.ready
    download = (
        f'<a class="govuk-link" href="{_text(ready.download_url)}">Version {ready.number}'
        f'<span class="govuk-visually-hidden"> of {title}</span> (PDF)</a>'
        if ready
        else "None yet"
    )
    return (
        f'\n    \n    <tr class="govuk-table__row">\n      {authority}'
        f'{CELL}<a class="govuk-link" href="{_text(report.get_absolute_url())}">{title}</a><br>'
        f'<span class="govuk-body-s">{_text(report.get_kind_display())}, started '
        f"{short_date(timezone.localtime(report.created_at))}</span></td>"
        f"{CELL}{_text(report.period_label) or NO_PERIOD}</td>"
        # The status's include ended with a line break.
        f"{CELL}{status(versions.latest, versions.signed)}\n</td>"
        f"{CELL}{download}</td>\n    </tr>\n    \n    "
    )


def status(latest: Any, signed: Any) -> str:
    """The report's status tag (the table drew it with an include, reviews/reports/includes/report_status.html)."""
    if signed and signed.is_ready:
        return (
            '<strong class="govuk-tag govuk-tag--green">Signed off</strong><br><span class="govuk-body-s">'
            f"{short_date(signed.signed_off_on)} by {_text(signed.signer_name)}</span>"
        )
    if signed:
        words = _text(signed.get_status_display().lower())
        return f'<strong class="govuk-tag govuk-tag--blue">Signed off: {words}</strong>'
    if not latest:
        return '<strong class="govuk-tag govuk-tag--grey">Not generated</strong>'
    if latest.is_generating:
        return '<strong class="govuk-tag govuk-tag--blue">Generating</strong>'
    if latest.is_failed:
        return '<strong class="govuk-tag govuk-tag--red">Failed</strong>'
    return '<strong class="govuk-tag govuk-tag--yellow">Draft</strong>'


def _text(value: Any) -> str:
    """As the template's autoescaping writes a value: text through html.escape, as Django's `escape` does."""
    return html.escape(str(value))
