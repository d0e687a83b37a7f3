"""Tables to take away (issue 16, item 6): the dashboard as filtered, a case's deadlines, its
instructions with their rounds, its indicators with their values, and the national deadlines list,
each as CSV or XLSX.

- A text cell that a spreadsheet would read as a formula (it begins with =, +, -, @, a tab or a carriage
  return) is neutralised: in CSV it gets a leading apostrophe, which spreadsheets show as text; in XLSX
  it is stored as text with Excel's "quote prefix" set, so it shows exactly as written and never runs.
- Dates are dates in XLSX (a date cell, shown as 31 Jan 2024), and ISO dates (2024-01-31) in CSV.
- Each table is built by a function here from querysets the caller has already scoped through
  intervention.permissions: the views pass `visible_to(user)` querysets, never a bare `objects.all()`.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.core.files.base import ContentFile
from django.db import connections
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from intervention.models import PreparedDownload
from intervention.queue import enqueue_after_commit
from reviews.enums import DeadlineStatus

Cell = str | int | float | Decimal | datetime.date | None

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# How long a prepared download is kept after it is ready: long enough to come back for it, short
# enough that copies of case data do not pile up in storage.
DOWNLOAD_KEPT_FOR = datetime.timedelta(days=7)
EXPIRED_DOWNLOAD = "This download has expired: files are kept for 7 days. Ask for it again on your downloads page."
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "d mmm yyyy"


def is_dangerous(value: object) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_STARTS)


def neutralise(value: Cell) -> Cell:
    """The CSV form of a cell: text a spreadsheet would run as a formula gets a leading apostrophe."""
    return f"'{value}" if is_dangerous(value) else value


@dataclass
class Table:
    """A sheet: a title (the XLSX sheet's name), headings and rows of cells. `csv_lines`, where a table
    has them, are its rows already written as CSV (each ending in CRLF, as `as_csv` writes a row): for a
    long table whose cells its builder can write for much less than a cell at a time."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Cell]] = field(default_factory=list)
    csv_lines: Iterable[str] | None = None


def _csv_text(value: Cell) -> str:
    # Plain text first, and by its exact type: most of a long table's cells are, and this is per cell.
    if type(value) is str:
        return f"'{value}" if value.startswith(DANGEROUS_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(neutralise(value))


def _csv_cells(row: Sequence[Cell]) -> list[Cell]:
    """A row as `_csv_text` would write each cell, deciding inline what the csv module already writes
    the same way (None as nothing, a date as its ISO form, a number as `str` does): the national
    deadlines list is thousands of rows, and a call per cell was most of its cost."""
    return [
        (f"'{value}" if value.startswith(DANGEROUS_STARTS) else value)
        if isinstance(value, str)
        else (_csv_text(value) if isinstance(value, datetime.datetime) else value)
        for value in row
    ]


def as_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens names with accents as written."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_text(heading) for heading in table.headings])
    if table.csv_lines is not None:
        out.writelines(table.csv_lines)
    else:
        writer.writerows(map(_csv_cells, table.rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(table: Table) -> bytes:
    """A workbook of one sheet, written as it goes (openpyxl's write-only mode), so a long table does
    not sit in memory twice."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    bold = Font(bold=True)
    heading_cells = []
    for heading in table.headings:
        cell = WriteOnlyCell(sheet, value=str(heading))
        cell.font = bold
        heading_cells.append(cell)
    sheet.append(heading_cells)
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Cell) -> Any:
    if isinstance(value, datetime.datetime):
        value = value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT if not isinstance(value, datetime.datetime) else DATE_FORMAT + " hh:mm"
    elif is_dangerous(value):
        cell.data_type = "s"  # text, not a formula
        cell.quotePrefix = True  # and Excel shows it as typed
    return cell


def render(table: Table, fmt: str) -> bytes:
    return as_xlsx(table) if fmt == "xlsx" else as_csv(table)


def filename(stem: str, fmt: str, *, today: datetime.date) -> str:
    return f"{stem}-{today.isoformat()}.{fmt}"


# --- The tables ----------------------------------------------------------------------------------


DEADLINE_HEADINGS = ("Local authority", "What", "Delivered by", "To", "Due", "Date the rule gives", "Status", "Met on")


def deadlines_table(deadlines: QuerySet[Any], *, today: datetime.date, title: str = "Deadlines") -> Table:
    """Deadlines, one a row: pass a `visible_to(user)` queryset with the due date (`for_list()`). Each
    row is the database's own tuple, the authority and the labels worked out in the query: the national
    list is thousands of rows, and building a model (or even a list) per row cost most of the download."""
    from reviews.models import Deadline

    # A case's deadline belongs to its case's authority; an Ofsted deadline outside any case to its
    # inspection's authority.
    authority = Case(
        When(intervention__isnull=False, then=F("intervention__local_authority__name")),
        default=F("inspection__local_authority__name"),
    )
    # Who delivers it as written on the deadline, else its role's label.
    delivered_by = Case(
        When(~Q(delivered_by=""), then=F("delivered_by")),
        *(
            When(deliverer=value, then=Value(str(label)))
            for value, label in Deadline._meta.get_field("deliverer").flatchoices
        ),
        default=F("deliverer"),
    )
    status = Case(
        When(status=DeadlineStatus.OPEN, effective_due_on__lt=today, then=Value("Overdue")),
        *(When(status=value, then=Value(str(label))) for value, label in DeadlineStatus.choices),
        default=F("status"),
    )
    rows = deadlines.annotate(
        export_authority=authority, export_delivered_by=delivered_by, export_status=status
    ).values_list(
        "export_authority",
        "what",
        "export_delivered_by",
        "recipient",
        "effective_due_on",
        "computed_on",
        "export_status",
        "met_on",
    )

    def csv_lines() -> Iterable[str]:
        # Every line in one text, in the list's order, each cell as `as_csv` writes it from `rows`:
        # PostgreSQL writes them for much less than fetching thousands of rows and writing them here a
        # cell at a time costs (and the CPU of both is the download's).
        line = CsvLine(
            CsvText(authority),
            CsvText(F("what")),
            CsvText(delivered_by),
            CsvText(F("recipient")),
            CsvDate(F("effective_due_on")),
            CsvDate(F("computed_on")),
            CsvText(status),
            CsvDate(F("met_on")),
        )
        # In the list's own order (the model's, if it was given none), as `rows` come.
        order = [
            (F(name[1:]).desc() if name.startswith("-") else F(name).asc()) if isinstance(name, str) else name
            for name in deadlines.query.order_by or Deadline._meta.ordering or ()
        ]
        lines = deadlines.aggregate(lines=StringAgg(line, "\r\n", order_by=order))["lines"]
        if lines:
            yield lines + "\r\n"

    # SQLite has no STRING_AGG: there the CSV is written from `rows`.
    postgresql = connections[deadlines.db].vendor == "postgresql"
    return Table(title=title, headings=DEADLINE_HEADINGS, rows=rows, csv_lines=csv_lines() if postgresql else None)


# What makes the csv module quote a cell (the delimiter, the quote and the line's ending), and what
# makes a row need its cells written out in full (CsvLine: one of those, or a start of DANGEROUS_STARTS
# after the mark that opens each cell), as PostgreSQL regular expressions; "-" first in the bracket,
# where it is itself and not a range.
NEEDS_QUOTES = '[",\r\n]'
CELL_MARK = "\x01"
NEEDS_WRITING_OUT = (
    f"{NEEDS_QUOTES}|{CELL_MARK}[" + "".join(sorted(DANGEROUS_STARTS, key=lambda start: start != "-")) + "]"
)


class CsvText(Func):
    """A text cell as `as_csv` writes it, in PostgreSQL: nothing for NULL; a leading apostrophe on what a
    spreadsheet would run as a formula (DANGEROUS_STARTS); then, as the csv module quotes a cell, in
    double quotes (each one doubled) when it holds a comma, a double quote or a line's end."""

    output_field = TextField()

    def plain_sql(self, compiler: Any) -> tuple[str, list[Any]]:
        """The cell as text, nothing for NULL: all most cells need."""
        sql, params = compiler.compile(self.source_expressions[0])
        return f"COALESCE(({sql})::text, '')", params

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        cell, params = self.plain_sql(compiler)
        starts = ", ".join(["%s"] * len(DANGEROUS_STARTS))
        neutralised = f"((CASE WHEN left({cell}, 1) IN ({starts}) THEN '''' ELSE '' END) || {cell})"
        neutralised_params = [*params, *DANGEROUS_STARTS, *params]
        quoted = f"""'"' || replace({neutralised}, '"', '""') || '"'"""
        # The cell's SQL is written five times: its parameters are given as often, in their places.
        return (
            f"(CASE WHEN {cell} ~ %s THEN {quoted} ELSE {neutralised} END)",
            [*params, NEEDS_QUOTES, *neutralised_params, *neutralised_params],
        )


class CsvDate(Func):
    """A date cell as the csv module writes a date (its ISO form, 2024-01-31), in SQL; nothing for NULL."""

    template = "COALESCE(TO_CHAR(%(expressions)s, 'YYYY-MM-DD'), '')"
    output_field = TextField()


class CsvLine(Func):
    """A row of CsvText and CsvDate cells as `as_csv` writes it, without the line's end. Most rows have
    no cell to quote or neutralise: one test of the row's text cells together finds them, and only the
    others have each text cell written out in full (CsvText)."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        texts: list[str] = []
        text_params: list[Any] = []
        plain: list[str] = []
        plain_params: list[Any] = []
        full: list[str] = []
        full_params: list[Any] = []
        for cell in self.source_expressions:
            sql, params = compiler.compile(cell)
            full.append(sql)
            full_params += params
            if isinstance(cell, CsvText):
                sql, params = cell.plain_sql(compiler)
                texts += ["%s", sql]
                text_params += [CELL_MARK, *params]
            plain.append(sql)
            plain_params += params
        return (
            f"(CASE WHEN CONCAT({', '.join(texts)}) ~ %s"
            f" THEN CONCAT_WS(',', {', '.join(full)}) ELSE CONCAT_WS(',', {', '.join(plain)}) END)",
            [*text_params, NEEDS_WRITING_OUT, *full_params, *plain_params],
        )


INSTRUCTION_HEADINGS = (
    "Instruction",
    "Title",
    "Issued on",
    "Due on",
    "Priority",
    "Status",
    "Round",
    "Response",
    "Response text",
    "Responded at",
)


def instructions_table(instructions: QuerySet[Any]) -> Table:
    """Instructions with their rounds (the council's and the commissioner's responses), one row a
    round, oldest round first; an instruction with no response yet has one row with the round left
    blank. Pass the instructions in the order wanted, scoped through `visible_to(user)` or the case.
    Read as plain values in two queries, not a model instance per instruction and per round: a case's
    instructions and their rounds pile up year by year, and building the models cost most of the
    download's time."""
    from directions.models import Instruction, InstructionResponse

    priorities = dict(Instruction._meta.get_field("priority").flatchoices)
    statuses = dict(Instruction._meta.get_field("status").flatchoices)
    kinds = dict(InstructionResponse._meta.get_field("kind").flatchoices)
    zone = timezone.get_current_timezone()

    def rows() -> Iterable[list[Cell]]:
        rounds: dict[int, list[tuple[str, str, datetime.datetime]]] = {}
        for instruction_id, kind, text, created_at in (
            InstructionResponse.objects.filter(instruction__in=instructions.values("pk"))
            .order_by("instruction_id", "created_at", "pk")
            .values_list("instruction_id", "kind", "text", "created_at")
        ):
            rounds.setdefault(instruction_id, []).append((kind, text, created_at))
        heads = instructions.values_list("pk", "number", "title", "issued_on", "due_on", "priority", "status")
        for pk, number, title, issued_on, due_on, priority, status in heads:
            head: list[Cell] = [
                f"Instruction {number}" if number else "New instruction",  # as Instruction.reference
                title,
                issued_on,
                due_on,
                priorities.get(priority, priority),
                statuses.get(status, status),
            ]
            if pk not in rounds:
                yield [*head, None, "", "", None]
            for round_number, (kind, text, created_at) in enumerate(rounds.get(pk, ()), start=1):
                # As `timezone_naive`, with the zone looked up once.
                responded_at = created_at.astimezone(zone).replace(tzinfo=None)
                yield [*head, round_number, kinds.get(kind, kind), text, responded_at]

    return Table(title="Instructions", headings=INSTRUCTION_HEADINGS, rows=rows())


INDICATOR_HEADINGS = ("Local authority", "Service priority", "Indicator", "Unit", "Target", "Period ending", "Value")


def indicator_values_table(measurements: Iterable[Any]) -> Table:
    """Indicator values, one a row: pass measurements with indicator, priority and authority selected."""

    def rows() -> Iterable[list[Cell]]:
        for measurement in measurements:
            indicator = measurement.indicator
            priority = indicator.service_priority
            yield [
                priority.instrument.intervention.local_authority.name,
                f"{priority.label}. {priority.short_name}",
                indicator.name,
                indicator.get_unit_display(),
                indicator.target,
                measurement.period_end,
                measurement.value,
            ]

    return Table(title="Indicator values", headings=INDICATOR_HEADINGS, rows=rows())


def csv_cells(cells: Sequence[Cell]) -> str:
    """Cells as `as_csv` writes them in a row, without the line's end: to write once the first cells
    that many rows share."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([_csv_text(value) for value in cells])
    return out.getvalue()


def case_indicator_values_table(case: Any) -> Table:
    """A case's indicator values, laid out as `indicator_values_table` lays them out. A case's values
    pile up month by month, so each is read as a plain (indicator, period, value) row beside its
    indicator's cells, read once: not four model instances a row. In CSV, PostgreSQL writes each
    indicator's values as `_csv_text` would (an ISO date and the number with its two places, neither
    needing quotes), a line each, and each line gets the indicator's cells, written once: three years of
    values cost hardly more to download than one."""
    from reviews.models import Indicator, Measurement

    authority = case.local_authority.name
    # In the order of the values' rows: by priority, then indicator.
    indicators = (
        Indicator.objects.filter(service_priority__instrument__intervention=case)
        .select_related("service_priority")
        .order_by("service_priority__position", "position", "pk")
    )
    described: dict[int, list[Cell]] = {
        indicator.pk: [
            authority,
            f"{indicator.service_priority.label}. {indicator.service_priority.short_name}",
            indicator.name,
            indicator.get_unit_display(),
            indicator.target,
        ]
        for indicator in indicators
    }
    measurements = Measurement.objects.filter(indicator__service_priority__instrument__intervention=case)

    def rows() -> Iterable[list[Cell]]:
        values = measurements.order_by(
            "indicator__service_priority__position", "indicator__position", "indicator__pk", "period_end"
        ).values_list("indicator_id", "period_end", "value")
        for indicator_id, period_end, value in values:
            yield [*described[indicator_id], period_end, value]

    def csv_lines() -> Iterable[str]:
        period_and_value = Concat(
            Func(F("period_end"), Value("YYYY-MM-DD"), function="TO_CHAR", output_field=TextField()),
            Value(","),
            Cast("value", TextField()),
            output_field=TextField(),
        )
        lines = dict(
            measurements.order_by()
            .values("indicator_id")
            .annotate(lines=StringAgg(period_and_value, "\r\n", order_by="period_end"))
            .values_list("indicator_id", "lines")
        )
        for pk, cells in described.items():
            if pk in lines:
                lead = csv_cells(cells) + ","
                yield lead + lines[pk].replace("\r\n", "\r\n" + lead) + "\r\n"

    # PostgreSQL writes a numeric column's value with the column's two places, as Python writes the
    # Decimal it reads; SQLite keeps no places (39.00 is 39), so there the CSV is written from `rows`.
    postgresql = connections[measurements.db].vendor == "postgresql"
    return Table(
        title="Indicator values",
        headings=INDICATOR_HEADINGS,
        rows=rows(),
        csv_lines=csv_lines() if postgresql else None,
    )


def timezone_naive(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A moment as London's wall clock, for a spreadsheet (which has no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


# --- Big tables, built by the worker ---------------------------------------------------------------

PROGRESS_EVERY = 500  # rows between progress updates: a write per 500 rows, not per row


def national_measurements(user: Any) -> Any:
    """Every indicator value of every case the user may see (through intervention.permissions)."""
    from intervention.models import Intervention
    from reviews.models import Measurement

    return (
        Measurement.objects.filter(
            indicator__service_priority__instrument__intervention__in=Intervention.objects.visible_to(user).values("pk")
        )
        .select_related("indicator__service_priority__instrument__intervention__local_authority")
        .order_by(
            "indicator__service_priority__instrument__intervention__local_authority__name",
            "indicator__service_priority__position",
            "indicator__position",
            "indicator__pk",
            "period_end",
            "pk",
        )
    )


def request_download(*, kind: str, file_format: str, by: Any) -> PreparedDownload:
    """Record the request and hand the building to the worker, after commit."""
    download = PreparedDownload.objects.create(kind=kind, file_format=file_format, requested_by=by)
    enqueue_after_commit("reviews.prepare_download", download_id=download.pk)
    return download


def prepare_download(*, download_id: int) -> str:
    """Build a requested download with the asker's access as it is now, counting rows as it goes so
    the page can say how far it has got. A failure is kept with its reason; the page offers asking again."""
    download = PreparedDownload.objects.select_related("requested_by").get(pk=download_id)
    if download.status not in (PreparedDownload.Status.WAITING, PreparedDownload.Status.BUILDING):
        return str(download.status)
    queryset = national_measurements(download.requested_by)
    total = queryset.count()
    PreparedDownload.objects.filter(pk=download.pk).update(status=PreparedDownload.Status.BUILDING, rows_total=total)

    def counted(rows: Iterable[Any]) -> Iterable[Any]:
        done = 0
        for done, row in enumerate(rows, start=1):
            if done % PROGRESS_EVERY == 0:
                PreparedDownload.objects.filter(pk=download.pk).update(rows_done=done)
            yield row
        PreparedDownload.objects.filter(pk=download.pk).update(rows_done=done)

    try:
        table = indicator_values_table(counted(queryset.iterator(chunk_size=2000)))
        content = render(table, download.file_format)
        name = filename("indicator-values", download.file_format, today=timezone.localdate())
        download.refresh_from_db()
        download.file.save(name, ContentFile(content), save=False)
        download.filename = name
        download.status = PreparedDownload.Status.READY
        download.finished_at = timezone.now()
        download.expires_at = download.finished_at + DOWNLOAD_KEPT_FOR
        download.save(update_fields=["file", "filename", "status", "finished_at", "expires_at"])
    except Exception as error:  # noqa: BLE001 - any failure is kept on the row for the person and the admin
        PreparedDownload.objects.filter(pk=download.pk).update(
            status=PreparedDownload.Status.FAILED, error=f"{type(error).__name__}: {error}", finished_at=timezone.now()
        )
        return str(PreparedDownload.Status.FAILED)
    return str(PreparedDownload.Status.READY)


def expire_downloads(*, now: datetime.datetime | None = None) -> int:
    """Remove the files of ready downloads past their expiry from storage and mark them expired; a
    request for one then says so (410). Safe to run twice, or in two workers at once: each row is
    claimed with a conditional update before its file is removed. Returns how many expired."""
    now = now or timezone.now()
    expired = 0
    due = PreparedDownload.objects.filter(status=PreparedDownload.Status.READY, expires_at__lte=now)
    for download in due.only("pk", "file"):
        claimed = PreparedDownload.objects.filter(pk=download.pk, status=PreparedDownload.Status.READY).update(
            status=PreparedDownload.Status.EXPIRED
        )
        if not claimed:
            continue
        if download.file.name:
            download.file.storage.delete(download.file.name)
        PreparedDownload.objects.filter(pk=download.pk).update(file="")
        expired += 1
    return expired
