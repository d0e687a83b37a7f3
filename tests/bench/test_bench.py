"""The bench itself, at tiny dials on SQLite: its loader marks the dataset with the dials and what it
holds, a page is measured in pairs with the baseline, the results say so, and the growth check fails
on a page whose queries grow with the years."""

import pytest

from bench import dataset, growth, run
from bench.dataset import Dials
from reviews.demo.national import Volume

pytestmark = pytest.mark.django_db

# A year of each case's history, thinned (one indicator a priority, 40 updates): the loader's shape, fast.
ONE_THIN_YEAR = Volume(
    indicators_per_priority=1, months=12, instructions=8, actions_per_objective=1, progress_updates=40, reviews=2
)


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def measured_page(name: str, *, queries: int, cpu_p95_ms: float, baseline_cpu_p95_ms: float = 2.0) -> dict:
    return {"name": name, "queries": queries, "cpu_p95_ms": cpu_p95_ms, "baseline_cpu_p95_ms": baseline_cpu_p95_ms}


def test_bench_loads_tiny_dials_measures_a_page_and_names_the_dials_in_its_results(bench_urls, tmp_path):
    measured = run.measure_dataset(Dials(cases=2, years=1), requests=3, only="Interventions list", volume=ONE_THIN_YEAR)
    measured.pop("_subjects")
    results = run.combine("2026-12-03T07:00:00+00:00", measured, [])
    table = run.write_results(results, tmp_path)

    marker = dataset.marker()
    assert (marker["cases"], marker["years"], marker["counts"]) == (2, 1, measured["dataset"])
    assert measured["dataset"]["interventions"] == 2
    assert [(page["name"], page["samples"]) for page in measured["pages"]] == [("Interventions list", 3)]
    assert "Dials: --cases 2 --years 1." in table
    assert "2 cases, 1 year: 2 interventions in 2 authorities" in table
    assert '"interventions": 2' in (tmp_path / "results.json").read_text()
    # A rerun with the same dials reuses the dataset; other dials are refused.
    assert dataset.load(Dials(cases=2, years=1), say=lambda text: None) == marker
    with pytest.raises(SystemExit, match="--cases 3 --years 1"):
        dataset.load(Dials(cases=3, years=1), say=lambda text: None)


def test_growth_check_fails_a_page_whose_queries_grow_with_the_years():
    one_year = {"label": "2 cases, 1 year", "pages": [measured_page("Priority", queries=9, cpu_p95_ms=10.0)]}
    three_years = {"label": "2 cases, 3 years", "pages": [measured_page("Priority", queries=27, cpu_p95_ms=10.0)]}

    (check,) = growth.compare(one_year, three_years, dial="years")

    assert (check.queries_before, check.queries_after, check.ok) == (9, 27, False)


def test_growth_check_fails_a_page_whose_cpu_time_grows_beyond_the_limit_but_not_within_it():
    one_year = {"label": "1 year", "pages": [measured_page("Priority", queries=9, cpu_p95_ms=10.0)]}
    slower = {"label": "3 years", "pages": [measured_page("Priority", queries=9, cpu_p95_ms=14.0)]}
    # The same page on a machine twice as busy: the baseline slowed as much as the page.
    busier = {
        "label": "3 years",
        "pages": [measured_page("Priority", queries=9, cpu_p95_ms=20.0, baseline_cpu_p95_ms=4.0)],
    }

    assert [check.ok for check in growth.compare(one_year, slower, dial="years")] == [False]
    assert [check.ok for check in growth.compare(one_year, busier, dial="years")] == [True]


def test_growth_check_ignores_differences_under_the_noise_floor():
    fast = {"label": "1 year", "pages": [measured_page("Baseline-like", queries=2, cpu_p95_ms=2.0)]}
    jittered = {"label": "3 years", "pages": [measured_page("Baseline-like", queries=2, cpu_p95_ms=3.5)]}

    assert [check.ok for check in growth.compare(fast, jittered, dial="years")] == [True]


def test_growth_check_compares_a_download_per_row_of_it():
    def download(rows: int, cpu_p95_ms: float) -> dict:
        return {
            **measured_page("Export: deadlines CSV", queries=4, cpu_p95_ms=cpu_p95_ms),
            "kind": "export",
            "rows": rows,
        }

    small = {"label": "38 cases", "pages": [download(400, 20.0)]}
    # Four times the rows for a little under four times the cost: each row costs no more.
    follows_its_rows = {"label": "153 cases", "pages": [download(1600, 70.0)]}
    # Four times the rows, and each costs more than it did: the data slow every row down.
    each_row_slower = {"label": "153 cases", "pages": [download(1600, 120.0)]}

    (fine,) = growth.compare(small, follows_its_rows, dial="cases")
    (slower,) = growth.compare(small, each_row_slower, dial="cases")

    assert (fine.per_row, fine.rows_before, fine.rows_after, fine.ok) == (True, 400, 1600, True)
    assert (slower.growth, slower.ok) == (1.5, False)
    # A page that is not a download is still compared whole: four times the cost fails.
    page = {"label": "153 cases", "pages": [{**download(1600, 70.0), "kind": "page"}]}
    assert [check.ok for check in growth.compare(small, page, dial="cases")] == [False]


def test_a_downloads_rows_are_its_records_less_the_header_whatever_line_breaks_its_cells_hold():
    from django.http import HttpResponse, StreamingHttpResponse

    from bench import pages

    body = '\ufeffCase,Note\r\nHerefordshire,"Two lines:\nhere"\r\nWorcestershire,One line\r\n'
    assert pages.rows_in(HttpResponse(body.encode())) == 2
    assert pages.rows_in(StreamingHttpResponse(iter([body[:20].encode(), body[20:].encode()]))) == 2


def test_load_is_judged_with_the_cores_the_service_would_have_to_itself():
    def verdict(p95_ms: float, share: float | None) -> bool:
        load = {"errors": 0, "p95_ms": p95_ms, "left_to_service_share": share}
        load["p95_all_cores_ms"] = round(p95_ms * share, 1) if share is not None else None
        (judged,) = [b for b in run.budgets({"pages": [], "load": load}, []) if b["what"].startswith("p95 under")]
        return judged["ok"]

    # A neighbour took half the cores: the service, with them, would have answered in 260 ms.
    assert verdict(520.0, 0.5)
    # The others left the service nearly every core and it was still slow.
    assert not verdict(520.0, 0.95)
    # Where the service's CPU could not be read, the wall time measured is judged.
    assert not verdict(320.0, None)


def test_a_processs_cpu_time_is_read_from_proc_as_the_process_itself_counts_it():
    import os
    import time

    from bench import load

    started = time.process_time()
    while time.process_time() - started < 0.3:
        pass
    own = os.times()
    assert abs(load.process_cpu_seconds(os.getpid()) - (own.user + own.system)) < 0.05
    assert load.process_cpu_seconds(2**22 + 1) == 0.0  # a process that has gone (or never was)


def test_a_page_is_judged_at_the_reference_speed_by_the_baseline_measured_beside_it():
    def verdict(cpu_p95_ms: float, baseline_cpu_p95_ms: float) -> bool:
        page = {**measured_page("Priority", queries=11, cpu_p95_ms=cpu_p95_ms, baseline_cpu_p95_ms=baseline_cpu_p95_ms)}
        (judged,) = [b for b in run.budgets({"pages": [{**page, "kind": "page"}]}, []) if "CPU" in b["what"]]
        return judged["ok"]

    # 64 ms on a busy machine whose baseline took 8 ms is 44 ms on the reference machine (5.5 ms).
    assert verdict(64.0, 8.0)
    # The same 64 ms where the baseline took what it takes on the reference machine is over 50 ms.
    assert not verdict(64.0, 5.5)
    # A faster machine does not excuse a page: 40 ms beside a 4 ms baseline is 55 ms at the reference.
    assert not verdict(40.0, 4.0)


def test_growth_with_cases_compares_with_a_dataset_that_fills_every_lists_page():
    """With fewer cases than a page holds, a national list shows fewer rows than at 153 cases, and the
    check would read the page's bound as growth with the data."""
    from intervention import admin_scoping
    from intervention import views as case_views
    from reviews.views import dashboard, deadlines, reports

    longest_page = max(
        case_views.INTERVENTIONS_PER_PAGE,
        dashboard.PER_PAGE,
        deadlines.PER_PAGE,
        reports.REPORTS_PER_PAGE,
        admin_scoping.ScopedAdmin.list_per_page,
    )
    asked, smaller = run.datasets(run.parser().parse_args(["--cases", "153", "--years", "3"]))

    assert asked == Dials(153, 3)
    assert smaller == [("years", Dials(153, 1)), ("cases", Dials(51, 3))]
    assert longest_page == run.LONGEST_PAGE
    assert all(dials.cases > longest_page for _, dials in smaller)
