"""DfE's dashboard (issue 16): every case a person may see, one row each, filtered and sorted from
the query string, with the stage and RAG counts now and a year ago, and the same rows as CSV or XLSX.
Thin: reviews.services.dashboard builds the rows, reviews.forms.dashboard filters them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reviews import charts
from reviews.forms.dashboard import SORTS, DashboardFilter
from reviews.services import dashboard, exports
from reviews.views.exports import download

PER_PAGE = 50

# The sortable columns, in the table's order: (query-string name, heading).
SORTABLE = {
    "authority": "Local authority",
    "stage": "Stage",
    "overdue": "Overdue deadlines",
    "oldest_overdue": "Oldest overdue",
    "next_due": "Next deadline",
    "awaiting": "Awaiting the commissioner",
    "review": "Latest review",
    "report": "Latest report to the Minister",
}


def _filtered(request: HttpRequest) -> DashboardFilter:
    today = timezone.localdate()
    return DashboardFilter(
        request.GET, queryset=dashboard.dashboard_cases(request.user), user=request.user, today=today
    )


def _sort_headers(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """Each sortable column's link (the other direction when it is the current sort) and aria-sort."""
    headers = {}
    for name, label in SORTABLE.items():
        assert name in SORTS
        query = request.GET.copy()
        query.pop("page", None)
        if current == name:
            query["sort"], state = f"-{name}", "ascending"
        elif current == f"-{name}":
            query["sort"], state = name, "descending"
        else:
            query["sort"], state = name, "none"
        headers[name] = {"label": label, "url": "?" + query.urlencode(), "aria_sort": state}
    return headers


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    filtered = _filtered(request)
    # Paged by id: the filters and sort are worked out for every case, the columns only for the page's.
    page = Paginator(filtered.case_ids(), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [dashboard.page_row(case) for case in dashboard.dashboard_rows(request.user, list(page), today=today)]
    now, then = dashboard.counts_now_and_then(request.user, today=today, then=dashboard.a_year_before(today))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "reviews/dashboard/dashboard.html",
        {
            "filter": filtered,
            "form": filtered.form,
            "page": page,
            "rows": rows,
            "headers": _sort_headers(request, filtered.current_sort),
            "now": now,
            "then": then,
            "stage_rows": [(stage, now.stages[stage], then.stages[stage]) for stage in now.stages],
            "rag_rows": [(rag, now.rags[rag], then.rags[rag]) for rag in now.rags],
            "stage_chart": charts.paired_bar_chart(
                title="Open cases by stage, now and a year ago",
                rows=[(stage.label, now.stages[stage], then.stages[stage]) for stage in now.stages],
                chart_id="stage-chart",
            ),
            "rag_chart": charts.paired_bar_chart(
                title="Service priorities by latest rating, now and a year ago",
                rows=[(dashboard.RAG_LABELS[rag], now.rags[rag], then.rags[rag]) for rag in now.rags],
                chart_id="rag-chart",
            ),
            "export_query": export_query.urlencode(),
            "selected": _selected_filters(request, filtered),
            # Listed once here: the template's loop over the field's lazy choices would count the
            # people and then list them (two queries).
            "commissioner_choices": filtered.commissioner_choices(),
        },
    )


def _selected_filters(request: HttpRequest, filtered: DashboardFilter) -> list[dict[str, str]]:
    """The MOJ filter pattern's "Selected filters": each applied filter, with a link that removes it."""
    filtered.form.is_valid()  # a filter with nonsense in it is left out; the others still apply
    selected = []
    for name, value in getattr(filtered.form, "cleaned_data", {}).items():
        if name in ("sort", "status") or value in (None, "", False):
            continue
        field = filtered.form.fields[name]
        if value is True:
            text = str(field.label)
        elif hasattr(field, "choices"):
            choices = {str(key): str(label) for key, label in field.choices}
            text = f"{field.label}: {choices.get(str(getattr(value, 'pk', value)), value)}"
        else:
            text = f"{field.label}: {value}"
        query = request.GET.copy()
        query.pop(name, None)
        query.pop("page", None)
        selected.append({"text": text, "url": "?" + query.urlencode()})
    return selected


@login_required
@require_GET
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's rows as filtered and sorted, every page of them."""
    if fmt not in exports.FORMATS:
        raise Http404
    case_ids = _filtered(request).case_ids()
    table = dashboard.dashboard_table(dashboard.dashboard_rows(request.user, case_ids, today=timezone.localdate()))
    return download(table, fmt, stem="dashboard")
