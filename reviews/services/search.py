"""Search across a case's words (issue 16, item 5): instructions, progress updates, reviews, reports'
titles, commentary and the words of their latest generated version, instruments' clauses and evidence
files' names. Ranked, the matching words highlighted (the text is escaped first, then marked), grouped
by case.

Every source's queryset is the person's own (`visible_to`, or `intervention.permissions`' filters), so
a result nobody may see is never fetched, let alone shown. On PostgreSQL each table keeps a `tsvector`
column the database maintains (a stored generated column, GIN-indexed: directions' migration 0010 and
reviews' 0019), matched with `websearch_to_tsquery` and ranked with `ts_rank`; on SQLite, the embedded
default, every word must appear (`icontains`) and the rank is how often the words appear. A fixed
number of queries whatever the data's size: one a source, and one for the cases."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from directions.models import Clause, Instruction
from intervention.models import Intervention
from intervention.permissions import intervention_filter
from reviews.models import EvidenceFile, ProgressUpdate, Report, Review

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
PER_SOURCE = 50  # the best matches of each kind; a search finds what to read, not everything
SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Source:
    kind: str  # as the results page names it
    model: type[Model]
    fields: tuple[str, ...]
    visible: Callable[[Any], QuerySet[Any]]
    case_id: Callable[[Any], int]
    title: Callable[[Any], str]
    url: Callable[[Any], str]


SOURCES = (
    Source(
        "Instruction",
        Instruction,
        ("title", "text"),
        lambda user: Instruction.objects.visible_to(user),
        lambda row: row.intervention_id,
        lambda row: f"Instruction {row.number}: {row.title}",
        lambda row: reverse("instruction_detail", args=[row.intervention_id, row.pk]),
    ),
    Source(
        "Progress update",
        ProgressUpdate,
        ("narrative",),
        lambda user: ProgressUpdate.objects.filter(intervention_filter(user, prefix="intervention__")),
        lambda row: row.intervention_id,
        lambda row: f"Progress update for {row.period_start:%-d %B %Y} to {row.period_end:%-d %B %Y}",
        lambda row: reverse("update_detail", args=[row.intervention_id, row.pk]),
    ),
    Source(
        "Review",
        Review,
        ("summary", "conclusion", "key_developments", "recommendation_detail"),
        lambda user: Review.objects.visible_to(user),
        lambda row: row.intervention_id,
        lambda row: f"{row.get_kind_display()} held on {row.held_on:%-d %B %Y}",
        lambda row: reverse("review_detail", args=[row.pk]),
    ),
    Source(
        "Report",
        Report,
        ("title", "commentary", "text"),
        lambda user: Report.objects.visible_to(user),
        lambda row: row.intervention_id,
        lambda row: row.title,
        lambda row: reverse("report_detail", args=[row.pk]),
    ),
    Source(
        "Clause",
        Clause,
        ("text",),
        lambda user: Clause.objects.visible_to(user).select_related("instrument"),
        lambda row: row.instrument.intervention_id,
        lambda row: f"{row.instrument.title}, paragraph {row.label}",
        lambda row: reverse("instrument_detail", args=[row.instrument.intervention_id, row.instrument_id]),
    ),
    Source(
        "Evidence file",
        EvidenceFile,
        ("original_name",),
        lambda user: EvidenceFile.objects.filter(intervention_filter(user, prefix="intervention__")),
        lambda row: row.intervention_id,
        lambda row: row.original_name,
        lambda row: reverse("evidence_download", args=[row.pk]),
    ),
)


def plain_text(html: str) -> str:
    """A version's HTML as the words a reader sees: tags and entities gone, whitespace single."""
    return " ".join(unescape(strip_tags(html.replace("<", " <"))).split())


def remember_report_text(*, report_id: int, body_html: str) -> None:
    """Keep the newest generated version's words on the report, where its search vector reads them
    (no history row: the version is the record)."""
    Report.objects.filter(pk=report_id).update(  # no history: a derived copy of the version's words
        text=plain_text(body_html)
    )


@dataclass(frozen=True)
class Hit:
    kind: str
    title: SafeString
    snippet: SafeString
    url: str
    rank: float


@dataclass
class CaseResults:
    intervention: Intervention
    hits: list[Hit] = field(default_factory=list)

    @property
    def rank(self) -> float:
        return max(hit.rank for hit in self.hits)


def words_of(query: str) -> list[str]:
    """The words searched for: letters and digits, at most ten of them."""
    return re.findall(r"\w+", query[:MAX_QUERY_LENGTH].lower())[:MAX_WORDS]


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """Each word, and the words that start like it (PostgreSQL matches 'instructions' for
    'instruction' and 'safeguarding' for 'safeguard'), as whole words from their start."""
    stems = sorted({word if len(word) <= 5 else word[: max(5, len(word) - 3)] for word in words}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(stem) for stem in stems) + r")\w*", re.IGNORECASE)


def highlight(text: str, words: Iterable[str], *, limit: int | None = None) -> SafeString:
    """The text (or, with `limit`, a window of it around the first match) escaped, with the matching
    words in <mark>. Matches are found in the raw text and each piece escaped on its own, so a word can
    never match inside an escaped entity and nothing the person wrote becomes markup."""
    pattern = _pattern(words)
    matches = list(pattern.finditer(text)) if pattern else []
    start, end = 0, len(text)
    if limit is not None and len(text) > limit:
        first = matches[0].start() if matches else 0
        start = max(0, min(first - limit // 3, len(text) - limit))
        end = start + limit
    pieces, at = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces += [escape(text[at : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        at = match.end()
    pieces.append(escape(text[at:end]))
    prefix, suffix = ("… " if start > 0 else ""), (" …" if end < len(text) else "")
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece escaped above


def _matching(source: Source, queryset: QuerySet[Any], query: str, words: list[str]) -> QuerySet[Any]:
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(source.model._meta.db_table)
        tsquery = "websearch_to_tsquery('english', %s)"
        # The table name is the model's own and the query a parameter: nothing typed reaches the SQL.
        rank = RawSQL(f"ts_rank({table}.search_vector, {tsquery})", [query], output_field=FloatField())  # noqa: S611
        matches = RawSQL(f"{table}.search_vector @@ {tsquery}", [query], output_field=BooleanField())  # noqa: S611
        matched: QuerySet[Any] = queryset.annotate(search_rank=rank).filter(matches)
        return matched
    condition = Q()
    for word in words:
        any_field = Q()
        for name in source.fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return queryset.filter(condition)


def search(*, user: Any, query: str) -> list[CaseResults]:
    """What the person may see that matches the query, grouped by case, the best-matching case first."""
    words = words_of(query)
    if not words:
        return []
    query = query[:MAX_QUERY_LENGTH]
    postgres = connection.vendor == "postgresql"
    found: list[tuple[int, Hit]] = []
    for source in SOURCES:
        rows = _matching(source, source.visible(user), query, words)
        rows = rows.order_by("-search_rank", "-pk") if postgres else rows.order_by("-pk")
        for row in rows[:PER_SOURCE]:
            text = "\n".join(str(getattr(row, name) or "") for name in source.fields)
            if postgres:
                rank = float(row.search_rank)
            else:
                pattern = _pattern(words)
                rank = float(len(pattern.findall(text))) if pattern else 0.0
            hit = Hit(
                kind=source.kind,
                title=highlight(source.title(row), words),
                snippet=highlight(" ".join(text.split()), words, limit=SNIPPET_CHARS),
                url=source.url(row),
                rank=rank,
            )
            found.append((source.case_id(row), hit))
    cases = Intervention.objects.visible_to(user).select_related("local_authority").in_bulk({case for case, _ in found})
    grouped: dict[int, CaseResults] = {}
    for case_id, hit in found:
        if case_id in cases:  # every source is already scoped; this is the belt to its braces
            grouped.setdefault(case_id, CaseResults(cases[case_id])).hits.append(hit)
    for results in grouped.values():
        results.hits.sort(key=lambda hit: -hit.rank)
    return sorted(grouped.values(), key=lambda results: (-results.rank, results.intervention.local_authority.name))
