"""The deadline tables' rows (the national list, a case's deadlines, a council's page), written out in
Python: each page draws up to fifty rows a list and several lists, and the template language's loop,
with a variable lookup, a filter or a comparison for each of a row's twenty-odd pieces, cost more than
the rest of those pages. The markup is the template's as it wrote it, its indentation too, with every
value escaped as the template's `{{ }}` escapes it."""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from intervention.paths import reverse_ids
from intervention.templatetags.long_dates import long_date
from reviews.enums import DeadlineStatus

register = template.Library()

CELL = '\n      <td class="govuk-table__cell">'
HISTORICAL_TAG = '<strong class="govuk-tag govuk-tag--grey">Before the record</strong>\n        '
OVERDUE_TAG = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>\n        '
DUE_TAG = '<strong class="govuk-tag govuk-tag--blue">Due</strong>'


def _escaped(value: Any) -> str:
    """As `conditional_escape` writes a value (what is already safe as it is, anything else through
    html.escape, as Django's `escape` does), without its lazy-text wrapper: a few microseconds a call,
    and a row escapes up to eight values."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


@register.simple_tag(takes_context=True)
def deadline_rows(context: template.Context, deadlines: Iterable[Any]) -> SafeString:
    """Each deadline's `<tr>`, as reviews/includes/deadline_table.html's loop wrote it. The table's
    switches come from the including template's context, as the loop read them: `selectable` (a
    checkbox a row, ticked when its id is in `selected`), `show_authority`, `may_update` (the row's
    links to mark it met and change its date) and `today` (before which an open deadline is overdue)."""
    selectable = bool(context.get("selectable"))
    show_authority = bool(context.get("show_authority"))
    may_update = bool(context.get("may_update"))
    selected = context.get("selected") or ()
    today = context.get("today")
    return mark_safe(  # noqa: S308 - every value escaped, in fixed markup
        "".join(
            _row(
                deadline,
                selectable=selectable,
                show_authority=show_authority,
                may_update=may_update,
                selected=selected,
                today=today,
            )
            for deadline in deadlines
        )
    )


def _row(
    deadline: Any,
    *,
    selectable: bool,
    show_authority: bool,
    may_update: bool,
    selected: Any,
    today: datetime.date | None,
) -> str:
    due = long_date(deadline.due_on)
    what = _escaped(deadline.what)
    status = deadline.status
    parts = ['\n    <tr class="govuk-table__row">\n      ']
    if selectable:
        pk = deadline.pk
        checked = " checked" if str(pk) in selected else ""
        parts.append(
            f"{CELL}\n"
            '        <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">\n'
            '          <div class="govuk-checkboxes__item">\n'
            f'            <input class="govuk-checkboxes__input" id="deadline-{pk}" name="deadlines" type="checkbox"'
            f' value="{pk}"{checked}>\n'
            f'            <label class="govuk-label govuk-checkboxes__label" for="deadline-{pk}">'
            f'<span class="govuk-visually-hidden">Select {what}, due {due}</span></label>\n'
            "          </div>\n"
            "        </div>\n"
            "      </td>\n      "
        )
    parts.append("\n      ")
    if show_authority:
        parts.append(
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{_escaped(deadline.get_absolute_url())}">'
            f"{_escaped(deadline.authority.name)}</a>"
            + ("" if deadline.intervention_id else '<br><span class="govuk-body-s">No intervention open</span>')
            + "</td>"
        )
    recipient = deadline.recipient
    parts.append(
        f"{CELL}{what}</td>"
        f"{CELL}{_escaped(deadline.delivered_by or '—')}"
        + (f" to {_escaped(recipient)}" if recipient else "")
        + f"</td>{CELL}\n        {due}\n        "
    )
    if deadline.override_on:
        parts.append(
            f'<br><span class="govuk-body-s">Moved from {long_date(deadline.computed_on)}: '
            f"{_escaped(deadline.override_reason)}</span>"
        )
    parts.append("\n        ")
    if deadline.rule_note:
        parts.append(
            '<br><strong class="govuk-tag govuk-tag--yellow">Check this date</strong> '
            f'<span class="govuk-body-s">{_escaped(deadline.rule_note)}</span>'
        )
    parts.append(f"\n      </td>{CELL}\n        ")
    if status == DeadlineStatus.MET:
        parts.append(
            '<strong class="govuk-tag govuk-tag--green">Met</strong><br><span class="govuk-body-s">'
            f"{long_date(deadline.met_on)}: {_escaped(deadline.met_note)}</span>\n        "
        )
    elif status == DeadlineStatus.CANCELLED:
        parts.append(
            '<strong class="govuk-tag govuk-tag--grey">Cancelled</strong><br><span class="govuk-body-s">'
            f"{_escaped(deadline.cancelled_reason)}</span>\n        "
        )
    elif status == DeadlineStatus.HISTORICAL:
        parts.append(HISTORICAL_TAG)
    elif today is not None and deadline.due_on < today:
        parts.append(OVERDUE_TAG)
    else:
        parts.append(DUE_TAG)
    parts.append("\n      </td>\n      ")
    if may_update:
        parts.append(f"{CELL}\n        ")
        if status in (DeadlineStatus.OPEN, DeadlineStatus.HISTORICAL):
            parts.append(
                f'\n        <a class="govuk-link" href="{_escaped(reverse_ids("deadline_met", deadline.pk))}">'
                "Mark as met"
                f'<span class="govuk-visually-hidden">: {what}, due {due}</span></a>\n        '
            )
        parts.append("\n        ")
        if status == DeadlineStatus.OPEN:
            parts.append(
                f'\n        <br><a class="govuk-link" href="{_escaped(reverse_ids("deadline_override", deadline.pk))}">'
                f'Change date<span class="govuk-visually-hidden">: {what}, due {due}</span></a>\n        '
            )
        parts.append("\n      </td>\n      ")
    parts.append("\n    </tr>\n    ")
    return "".join(parts)
