"""Spreadsheet imports: many months of many indicators' values, or a plan's actions, from one CSV or
Excel file. Three steps, and nothing is written before the last:

1. `read_spreadsheet` checks the file (size, content, columns) and gives its rows as text;
   `start_import` keeps them, with the file's name and SHA-256, as an ImportBatch, and works out
   each row's outcome (new; changed, old → new; unchanged; refused, with the row, the column and why).
2. The person sees that preview.
3. `confirm_import` works the outcomes out again: if anything changed since the preview, nothing is
   written and the new preview is kept to be shown; otherwise every row is written in one
   transaction, with history naming the file. A batch is confirmed once: a second confirm does nothing.

Excel files are read with openpyxl (read_only, data_only): a formula cell gives the value it was last
saved with, and nothing is evaluated. Without openpyxl, CSV still works and an Excel file is refused."""

from __future__ import annotations

import calendar
import csv
import datetime
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from intervention.models import Intervention
from intervention.services import note_for_history, save_with_history
from intervention.validators import EARLIEST_DATE, LATEST_DATE
from reviews.enums import Rag
from reviews.evidence_checks import EXCEL, ZIP_MAGIC, inspect_upload
from reviews.models import (
    ImportBatch,
    ImportKind,
    ImportStatus,
    ImprovementPlan,
    Indicator,
    Measurement,
    PlanAction,
    PlanObjective,
)
from reviews.services.progress import require_log_progress

MB = 1024 * 1024
MAX_ROWS = 5000

# The file as a whole.
FILE_TOO_LARGE = "The file must be smaller than {limit} MB"
FILE_EMPTY = "The file is empty"
NOT_A_SPREADSHEET = "The file must be a spreadsheet: a CSV file, or an Excel workbook (.xlsx)"
EXCEL_UNREADABLE = "The Excel workbook could not be read: save it again, or save the sheet as CSV, and upload that"
EXCEL_UNAVAILABLE = "Excel workbooks cannot be read yet: save the sheet as CSV and upload that"
WRONG_COLUMNS = "The first row must name the columns {expected}, in that order. It names {found}"
NO_ROWS = "The file has no rows of data under its column names"
TOO_MANY_ROWS = "The file has more than {limit:,} rows: split it into smaller files"

# One cell: shown as "Row 7, column C: enter a number".
CELL = "Row {row}, column {column}: {problem}"
UNKNOWN_INDICATOR = 'there is no indicator called "{name}" on this case'
ENTER_MONTH = "enter the month, for example 2024-03 or March 2024"
MONTH_IN_FUTURE = "the month cannot be in the future"
MONTH_OUT_OF_RANGE = "enter a month between {earliest} and {latest}"
MONTH_TWICE = "{indicator} for {month} is also on row {other}"
ENTER_NUMBER = "enter a number"
ENTER_DATE = "enter the date, for example 2024-03-31 or 31/03/2024"
ENTER_TEXT = "enter the {what}"
TOO_LONG = "the {what} must be {limit} characters or fewer"
ENTER_RAG = "enter Red, Amber or Green"
ACTION_TWICE = "action {reference} is also on row {other}"
TITLE_DIFFERS = "objective {label} is called \u201c{title}\u201d on row {other}"

STALE_PREVIEW = "Someone changed the figures since you saw the preview. Check this new preview, then confirm again"
HAS_REFUSED_ROWS = "Nothing can be imported while rows are refused: correct them in the file and upload it again"

COLUMNS = {
    ImportKind.VALUES: ["Indicator", "Month", "Value", "Source note"],
    ImportKind.ACTIONS: [
        "Objective number",
        "Objective title",
        "Action number",
        "Description",
        "Owner",
        "Due date",
        "RAG",
    ],
}


# --- Reading the file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spreadsheet:
    name: str
    sha256: str
    rows: list[dict[str, Any]]  # {"row": number in the file, "cells": [text, ...]}


def excel_supported() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def read_spreadsheet(upload: Any, *, kind: str) -> Spreadsheet:
    """The upload's data rows as text, after checking the file as a whole. Raises ValidationError
    with one message for the person who chose it."""
    limit = settings.IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(FILE_TOO_LARGE.format(limit=limit // MB))
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise ValidationError(FILE_TOO_LARGE.format(limit=limit // MB))
    if not data.strip():
        raise ValidationError(FILE_EMPTY)
    if data.startswith(ZIP_MAGIC):
        table = _excel_rows(upload, data)
    elif filetype.guess(data[:8192]) is not None:
        raise ValidationError(NOT_A_SPREADSHEET)
    else:
        table = _csv_rows(data)
    rows = [(number, cells) for number, cells in enumerate(table, start=1) if any(cell.strip() for cell in cells)]
    if not rows:
        raise ValidationError(FILE_EMPTY)
    _check_columns(rows[0][1], COLUMNS[ImportKind(kind)])
    if len(rows) == 1:
        raise ValidationError(NO_ROWS)
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(TOO_MANY_ROWS.format(limit=MAX_ROWS))
    width = len(COLUMNS[ImportKind(kind)])
    data_rows = [{"row": number, "cells": (cells + [""] * width)[:width]} for number, cells in rows[1:]]
    return Spreadsheet(name=upload.name or "upload", sha256=hashlib.sha256(data).hexdigest(), rows=data_rows)


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" is saved in Windows-1252, not UTF-8.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ValidationError(NOT_A_SPREADSHEET) from None
    if any(ord(ch) < 9 or 13 < ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValidationError(NOT_A_SPREADSHEET)
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error:
        raise ValidationError(NOT_A_SPREADSHEET) from None


def _excel_rows(upload: Any, data: bytes) -> list[list[str]]:
    """The first sheet's rows. The workbook is checked as evidence is (its parts' sizes, macros)
    before openpyxl opens it."""
    try:
        detected = inspect_upload(upload)
    except ValidationError:
        raise ValidationError(NOT_A_SPREADSHEET) from None
    if detected.content_type != EXCEL:
        raise ValidationError(NOT_A_SPREADSHEET)
    if not excel_supported():
        raise ValidationError(EXCEL_UNAVAILABLE)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file; each means the same here
        raise ValidationError(EXCEL_UNREADABLE) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 50:
                break
        return rows
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _check_columns(header: list[str], expected: list[str]) -> None:
    found = list(header)
    while found and not found[-1].strip():
        found.pop()
    if [_normal(cell) for cell in found] != [_normal(name) for name in expected]:
        raise ValidationError(
            WRONG_COLUMNS.format(
                expected=", ".join(expected), found=", ".join(cell or "(blank)" for cell in found) or "nothing"
            )
        )


# --- Cells -----------------------------------------------------------------------------------------


class CellProblem(Exception):
    pass


def _column(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


MONTH_NAMES = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTH_NAMES |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTH_NAMES["sept"] = 9


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> datetime.date:
    """A month, given as 2024-03, 2024-03-31, 31/03/2024, 03/2024, March 2024 or Mar-24: its last day."""
    text = text.strip()
    patterns: list[tuple[str, Callable[[re.Match[str]], tuple[int, int]]]] = [
        (r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", lambda m: (int(m[1]), int(m[2]))),
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", lambda m: (int(m[3]), int(m[2]))),
        (r"(\d{1,2})/(\d{4})", lambda m: (int(m[2]), int(m[1]))),
        (r"([A-Za-z]+)[\s\-]+(\d{4})", lambda m: (int(m[2]), MONTH_NAMES.get(m[1].lower(), 0))),
        (r"([A-Za-z]+)-(\d{2})", lambda m: (2000 + int(m[2]), MONTH_NAMES.get(m[1].lower(), 0))),
    ]
    for pattern, parts in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            year, month = parts(match)
            if not 1 <= month <= 12:
                break
            if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
                raise CellProblem(MONTH_OUT_OF_RANGE.format(earliest=EARLIEST_DATE.year, latest=LATEST_DATE.year))
            return _last_day(year, month)
    raise CellProblem(ENTER_MONTH)


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", (1, 2, 3)), (r"(\d{1,2})/(\d{1,2})/(\d{4})", (3, 2, 1))):
        match = re.fullmatch(pattern, text)
        if match:
            try:
                day = datetime.date(int(match[order[0]]), int(match[order[1]]), int(match[order[2]]))
            except ValueError:
                break
            if not EARLIEST_DATE <= day <= LATEST_DATE:
                break
            return day
    raise CellProblem(ENTER_DATE)


def parse_number(text: str) -> Decimal:
    """A number as a person types it (commas between thousands, a % sign), to two decimal places."""
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellProblem(ENTER_NUMBER) from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 10:
        raise CellProblem(ENTER_NUMBER)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- Outcomes --------------------------------------------------------------------------------------

NEW, CHANGED, UNCHANGED, REFUSED = "new", "changed", "unchanged", "refused"


@dataclass
class RowPlan:
    """One row: what the preview says about it, and what confirming writes."""

    row: int
    outcome: str = NEW
    what: str = ""
    old: str = ""
    new: str = ""
    problems: list[str] | None = None
    write: Callable[[Any, str], None] | None = None
    twice: bool = False  # refused as a month (of the same indicator) an earlier row gives

    def shown(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "outcome": self.outcome,
            "what": self.what,
            "old": self.old,
            "new": self.new,
            "problems": self.problems or [],
            "twice": self.twice,
        }


def count_outcomes(outcomes: list[dict[str, Any]]) -> dict[str, int]:
    """The preview's summary: rows by outcome, and how many of the refused give a month twice."""
    counts = {NEW: 0, CHANGED: 0, UNCHANGED: 0, REFUSED: 0, "twice": 0}
    for outcome in outcomes:
        counts[outcome["outcome"]] += 1
        counts["twice"] += bool(outcome.get("twice"))  # batches previewed before this have no such key
    return counts


def _refuse(plan: RowPlan, column: int, problem: str) -> None:
    plan.outcome = REFUSED
    plan.problems = [*(plan.problems or []), CELL.format(row=plan.row, column=_column(column), problem=problem)]


def _values_plans(batch: ImportBatch) -> list[RowPlan]:
    indicators = {
        _normal(indicator.name): indicator
        for indicator in Indicator.objects.filter(service_priority__instrument__intervention=batch.intervention)
    }
    existing = {
        (m.indicator_id, m.period_end): m
        for m in Measurement.objects.filter(indicator__in=list(indicators.values())).select_related("indicator")
    }
    seen: dict[tuple[int, datetime.date], int] = {}
    today = timezone.localdate()
    plans = []
    for row in batch.rows:
        name, month_text, value_text, note = row["cells"]
        plan = RowPlan(row=row["row"])
        plans.append(plan)
        indicator = indicators.get(_normal(name))
        if not name.strip():
            _refuse(plan, 0, ENTER_TEXT.format(what="indicator's name"))
        elif indicator is None:
            _refuse(plan, 0, UNKNOWN_INDICATOR.format(name=name.strip()))
        month = value = None
        try:
            month = parse_month(month_text)
            if month.replace(day=1) > today:
                month = None
                raise CellProblem(MONTH_IN_FUTURE)
        except CellProblem as problem:
            _refuse(plan, 1, str(problem))
        try:
            value = parse_number(value_text)
            if indicator is not None:
                bounds = indicator.value_problem(value)
                if bounds:
                    raise CellProblem(bounds[0].lower() + bounds[1:])
        except CellProblem as problem:
            _refuse(plan, 2, str(problem))
        if len(note) > 300:
            _refuse(plan, 3, TOO_LONG.format(what="source note", limit=300))
        if indicator is None or month is None:
            continue
        plan.what = f"{indicator.name}, {month:%B %Y}"
        key = (indicator.pk, month)
        if key in seen:
            plan.twice = True
            _refuse(plan, 1, MONTH_TWICE.format(indicator=indicator.name, month=f"{month:%B %Y}", other=seen[key]))
            continue
        seen[key] = plan.row
        if value is None or plan.outcome == REFUSED:
            continue
        plan.new = plain(value) + (f" ({note})" if note else "")
        current = existing.get(key)
        if current is None:
            plan.outcome = NEW
            plan.write = _new_value(indicator, month, value, note)
        elif current.value == value and current.source_note == note:
            plan.outcome = UNCHANGED
            plan.old = plan.new
        else:
            plan.outcome = CHANGED
            plan.old = plain(current.value) + (f" ({current.source_note})" if current.source_note else "")
            plan.write = _changed_value(current, value, note)
    return plans


def _new_value(indicator: Indicator, month: datetime.date, value: Decimal, note: str) -> Callable[[Any, str], None]:
    def write(by: Any, reason: str) -> None:
        measurement = Measurement(indicator=indicator, period_end=month, value=value, source_note=note, recorded_by=by)
        save_with_history(measurement, by=by, reason=reason)

    return write


def _changed_value(current: Measurement, value: Decimal, note: str) -> Callable[[Any, str], None]:
    def write(by: Any, reason: str) -> None:
        current.value, current.source_note = value, note
        current.corrected_at, current.corrected_by, current.correction_reason = timezone.now(), by, reason
        current.revision += 1
        save_with_history(current, by=by, reason=reason)

    return write


ACTION_FIELDS = [("description", "Description"), ("owner", "Owner"), ("due_on", "Due date"), ("rag", "RAG")]


def _shown(name: str, value: Any) -> str:
    if name == "due_on":
        return f"{value:%-d %B %Y}"
    if name == "rag":
        return Rag(value).label
    return str(value)


def _actions_plans(batch: ImportBatch) -> list[RowPlan]:
    assert batch.plan is not None  # an actions batch always names its plan
    objectives = {objective.label: objective for objective in PlanObjective.objects.filter(plan=batch.plan)}
    actions = {
        (action.objective.label, action.label): action
        for action in PlanAction.objects.filter(objective__plan=batch.plan).select_related("objective")
    }
    seen: dict[tuple[str, str], int] = {}
    titles: dict[str, tuple[str, int]] = {}
    new_objectives: dict[str, PlanObjective] = {}
    plans = []
    rags = {label.lower(): value for value, label in Rag.choices} | {"r": Rag.RED, "a": Rag.AMBER, "g": Rag.GREEN}
    for row in batch.rows:
        objective_label, objective_title, label, description, owner, due_text, rag_text = row["cells"]
        plan = RowPlan(row=row["row"])
        plans.append(plan)
        for index, (text, what, limit) in enumerate(
            [
                (objective_label, "objective number", 10),
                (objective_title, "objective title", 300),
                (label, "action number", 10),
                (description, "description", 5000),
                (owner, "owner", 200),
            ]
        ):
            if not text.strip():
                _refuse(plan, index, ENTER_TEXT.format(what=what))
            elif len(text) > limit:
                _refuse(plan, index, TOO_LONG.format(what=what, limit=limit))
        due_on = None
        try:
            due_on = parse_date(due_text)
        except CellProblem as problem:
            _refuse(plan, 5, str(problem))
        rag = rags.get(rag_text.strip().lower())
        if rag is None:
            _refuse(plan, 6, ENTER_RAG)
        if objective_label and objective_title:
            earlier = titles.setdefault(objective_label, (objective_title, plan.row))
            if _normal(earlier[0]) != _normal(objective_title):
                _refuse(plan, 1, TITLE_DIFFERS.format(label=objective_label, title=earlier[0], other=earlier[1]))
        reference = f"{objective_label}.{label}"
        plan.what = f"Action {reference}"
        if objective_label and label:
            if (objective_label, label) in seen:
                _refuse(plan, 2, ACTION_TWICE.format(reference=reference, other=seen[(objective_label, label)]))
            seen.setdefault((objective_label, label), plan.row)
        if plan.outcome == REFUSED:
            continue
        assert due_on is not None and rag is not None
        values = {"description": description, "owner": owner, "due_on": due_on, "rag": rag}
        objective = objectives.get(objective_label)
        changes = []
        if objective is not None and objective.title != objective_title:
            changes.append(("Objective title", objective.title, objective_title))
        action = actions.get((objective_label, label))
        if action is None:
            plan.outcome = NEW
            plan.new = "; ".join(f"{title}: {_shown(name, values[name])}" for name, title in ACTION_FIELDS)
        else:
            changes += [
                (title, _shown(name, getattr(action, name)), _shown(name, values[name]))
                for name, title in ACTION_FIELDS
                if getattr(action, name) != values[name]
            ]
            plan.outcome = CHANGED if changes else UNCHANGED
            plan.old = "; ".join(f"{title}: {old}" for title, old, _ in changes)
            plan.new = "; ".join(f"{title}: {new}" for title, _, new in changes)
        if plan.outcome != UNCHANGED:
            plan.write = _write_action(
                batch.plan, objectives, new_objectives, objective_label, objective_title, action, label, values
            )
    return plans


def _write_action(
    improvement_plan: ImprovementPlan,
    objectives: dict[str, PlanObjective],
    new_objectives: dict[str, PlanObjective],
    objective_label: str,
    objective_title: str,
    action: PlanAction | None,
    label: str,
    values: dict[str, Any],
) -> Callable[[Any, str], None]:
    def write(by: Any, reason: str) -> None:
        objective = objectives.get(objective_label) or new_objectives.get(objective_label)
        if objective is None:
            position = max([o.position for o in [*objectives.values(), *new_objectives.values()]], default=0) + 1
            objective = PlanObjective(
                plan=improvement_plan, label=objective_label, title=objective_title, position=position
            )
            save_with_history(objective, by=by, reason=reason)
            new_objectives[objective_label] = objective
        elif objective.title != objective_title:
            objective.title = objective_title
            save_with_history(objective, by=by, reason=reason)
        if action is None:
            save_with_history(PlanAction(objective=objective, label=label, **values), by=by, reason=reason)
            return
        current = PlanAction.objects.select_for_update().get(pk=action.pk)
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
        save_with_history(current, by=by, reason=reason)

    return write


def row_plans(batch: ImportBatch) -> list[RowPlan]:
    return _values_plans(batch) if batch.kind == ImportKind.VALUES else _actions_plans(batch)


# --- The services ------------------------------------------------------------------------------------


def start_import(
    *, intervention: Intervention, kind: str, upload: Any, by: Any, plan: ImprovementPlan | None = None
) -> ImportBatch:
    """Read the file and keep its rows with their outcomes for the preview. Writes nothing to the
    case: only the batch."""
    require_log_progress(by, intervention)
    if kind == ImportKind.ACTIONS and (plan is None or plan.intervention_id != intervention.pk):
        raise ValidationError("Choose a plan of this intervention")
    sheet = read_spreadsheet(upload, kind=kind)
    batch = ImportBatch(
        intervention=intervention,
        kind=kind,
        plan=plan if kind == ImportKind.ACTIONS else None,
        file_name=sheet.name[:255],
        sha256=sheet.sha256,
        rows=sheet.rows,
        uploaded_by=by,
    )
    batch.outcomes = [plan_row.shown() for plan_row in row_plans(batch)]
    note_for_history(batch, by=by, reason="Uploaded for a preview")
    batch.save()
    return batch


IMPORTED, ALREADY_IMPORTED, STALE = "imported", "already imported", "stale"


@transaction.atomic
def confirm_import(*, batch: ImportBatch, by: Any) -> str:
    """Write every row of a previewed batch, all or nothing, with history naming the file. Returns
    IMPORTED; ALREADY_IMPORTED, writing nothing, if the batch was confirmed before; or STALE, writing
    nothing but the new outcomes to the batch, if they differ from the preview's. Raises
    ValidationError if any row is refused."""
    require_log_progress(by, batch.intervention)
    current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if current.status != ImportStatus.PREVIEWED:
        return ALREADY_IMPORTED
    plans = row_plans(current)
    shown = [plan.shown() for plan in plans]
    if shown != current.outcomes:
        current.outcomes = shown
        note_for_history(current, by=by, reason="Previewed again: the figures had changed")
        current.save(update_fields=["outcomes"])
        return STALE
    if any(plan.outcome == REFUSED for plan in plans):
        raise ValidationError(HAS_REFUSED_ROWS)
    reason = f"Imported from {current.file_name}"
    for plan in plans:
        if plan.write is not None:
            plan.write(by, reason)
    current.status = ImportStatus.CONFIRMED
    current.confirmed_at = timezone.now()
    note_for_history(current, by=by, reason=reason)
    current.save(update_fields=["status", "confirmed_at"])
    return IMPORTED


# --- Templates to download ---------------------------------------------------------------------------


def template_csv(kind: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(COLUMNS[ImportKind(kind)])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = ImportKind(kind).label[:31]
    sheet.append(COLUMNS[ImportKind(kind)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
