"""`make bench`: the service measured against its budgets, and against itself as the data grow.

    bench/run.py --cases 153 --years 3        the budget run (the default)
    bench/run.py --cases 20 --years 1         a quick look (a few minutes)

Two dials: `--cases` (interventions, one an authority up to 153, then more an authority) and `--years`
(history per case). Each set of dials gets a database of its own, named after DATABASE_URL's with the
dials appended (casework_bench_c153_y3), loaded once and reused (bench/dataset.py marks it). One run:

1. refuse without a PostgreSQL DATABASE_URL (the figures mean nothing on SQLite);
2. for the dials asked for, and for the smaller dials the growth check compares them with (`--years
   1`, and a third of the cases, more than a list's page), run a child process over that dataset's
   database: production settings, migrate, load or reuse the dataset, then time every page in pairs
   with the baseline page (bench/timing.py: ABAB, wall and CPU time, queries);
3. in the child of the asked-for dials only: render each report kind (and a 24-month progress report)
   in a fresh process, run the nightly sweep rolled back, and load gunicorn with 20 clients;
4. compare each page across the datasets (bench/growth.py), check the budgets, print the table, write
   bench/results.json and bench/results.md, and exit 1 if a budget or the growth check fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset, growth, pages, timing  # noqa: E402 - after the path is set
from bench.dataset import Dials  # noqa: E402

# The budgets (issue 20), at --cases 153 --years 3 on a 2-core machine. Pass or fail on CPU time
# (the serving thread's and the database backend's); wall time is reported beside it.
#
# A page's CPU time is judged at the reference machine's speed: its p95 over the baseline page's p95,
# measured in pairs in the same seconds, times the baseline's p95 on the reference machine. CPU time
# alone is not steady enough on these shared cores: with the test suite beside the bench, the same
# baseline page takes 7 to 8 ms of CPU where it takes 5 to 6 ms quiet (its neighbour shares the core's
# caches), so an absolute budget gave a busy machine and a quiet one different verdicts. The reference
# is the machine the budgets were measured on, quiet: its baseline was 5 to 6 ms at p95 in every run of
# the second session (README.md), and about the same on a quiet machine of the same speed since. On
# such a machine the two measures agree; the absolute figure is reported beside the judged one.
REFERENCE_BASELINE_CPU_P95_MS = 5.5
PAGE_P95_MS = 50.0
PAGE_QUERIES = 15
ADMIN_QUERIES = 25
REPORT_SECONDS = 3.0
REPORT_PEAK_MB = 250.0
SWEEP_SECONDS = 10.0
LOAD_ERRORS = 0
LOAD_P95_MS = 300.0
LONG_REPORT_MONTHS = 24

# The smaller case count the growth check compares with fills every list's page (50 rows): with 38
# cases the interventions list and the dashboard showed 38 rows against 153 cases' 50, and the check
# read their page's bound (50 / 38 = 1.32x) as growth with the data.
LONGEST_PAGE = 50
MIN_GROWTH_CASES = LONGEST_PAGE + 1
REQUESTS = 60  # timed pairs per page
RESULTS = ROOT / "bench"
WORK = ROOT / "var" / "bench"

NEEDS_POSTGRES = (
    "make bench needs PostgreSQL: set DATABASE_URL to a database of its own, for example\n"
    "  createdb -h 127.0.0.1 -U postgres casework_bench\n"
    "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_bench make bench\n"
    "It makes a database for each set of dials beside that one (casework_bench_c153_y3, ...), loads the\n"
    "dataset there the first time and reuses it afterwards."
)


def production_environment() -> dict[str, str]:
    """Production settings, less what needs TLS (the bench talks plain HTTP on loopback)."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def say(text: str) -> None:
    print(text, flush=True)


# --- One dataset (a child process, or a test) ------------------------------------------------------


def measured_line(page: dict[str, Any]) -> str:
    return f"  {page['name']}: p95 {page['p95_ms']} ms wall, {page['cpu_p95_ms']} ms CPU, {page['queries']} queries"


def measure_pages(s: pages.Subjects, *, requests: int, only: str | None) -> list[dict[str, Any]]:
    """Every page, in pairs with the baseline; the progress form's POST too."""
    signed_in = pages.clients(s)
    baseline = pages.getter(signed_in["dfe"], "/bench/baseline/")
    results = []
    for name, role, kind, url in pages.pages(s):
        if only and only.lower() not in name.lower():
            continue
        send = pages.getter(signed_in[role], url)
        pairs = timing.measure_pairs(send, baseline, requests=requests)
        results.append({"name": name, "role": role, "kind": kind, "url": url, **pairs.summary()})
        if kind == "export":  # compared per row by the growth check (bench/growth.py)
            results[-1]["rows"] = pages.rows_in(send())
        say(measured_line(results[-1]))
        if name == "Progress form":
            results.append(measure_progress_post(s, signed_in["officer"], url, baseline, requests))
            say(measured_line(results[-1]))
    return results


def measure_progress_post(s: pages.Subjects, client: Any, url: str, baseline: Any, requests: int) -> dict[str, Any]:
    """Log progress for real (committed, as in production), then remove what the bench added so the
    dataset stays as generated."""
    from django.utils import timezone

    from reviews.models import ProgressUpdate

    month_end = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    previous = ProgressUpdate.objects.filter(service_priority=s.priority).order_by("-period_end", "-created_at")[0]
    data = {
        "narrative": "More permanent social workers started this month.",
        "rag": previous.rag,
        "rag_change_reason": "",
        "period_start_0": "1",
        "period_start_1": str(month_end.month),
        "period_start_2": str(month_end.year),
        "period_end_0": str(month_end.day),
        "period_end_1": str(month_end.month),
        "period_end_2": str(month_end.year),
    }
    highest = ProgressUpdate.objects.order_by("-pk").values_list("pk", flat=True)[0]
    try:
        pairs = timing.measure_pairs(lambda: client.post(url, data), baseline, expect=302, requests=requests)
    finally:
        added = list(ProgressUpdate.objects.filter(pk__gt=highest).values_list("pk", flat=True))
        ProgressUpdate.objects.filter(pk__in=added).delete()
        ProgressUpdate.history.filter(id__in=added).delete()
    return {"name": "Progress form POST", "role": "officer", "kind": "page", "url": url, **pairs.summary()}


def measure_dataset(dials: Dials, *, requests: int, only: str | None = None, volume: Any = None) -> dict[str, Any]:
    """Load (or reuse) the dataset of these dials in the current database and time every page."""
    found = dataset.load(dials, say=say, volume=volume)
    subjects = pages.choose_subjects()
    say(f"Pages at {dials.label}:")
    return {
        "label": dials.label,
        "dials": asdict(dials),
        "dataset": found["counts"],
        "loaded_at": found["loaded_at"],
        "machine": dataset.machine(),
        "subjects": {"case": subjects.case.pk, "priority": subjects.priority.pk, "indicator": subjects.indicator.pk},
        "pages": measure_pages(subjects, requests=requests, only=only),
        "_subjects": subjects,
    }


# --- Reports, the sweep and load (the asked-for dials only) ----------------------------------------

REPORT_RUNS = 3  # fresh processes a kind; the median run is reported, as one run is at the machine's mercy


def render_in_fresh_process(report_id: int, months: int | None = None) -> dict[str, Any]:
    command = [sys.executable, str(ROOT / "bench" / "render_report.py"), str(report_id)]
    if months:
        command += ["--months", str(months)]
    runs: list[dict[str, Any]] = []
    for _ in range(REPORT_RUNS):
        done = subprocess.run(  # noqa: S603 - our own script, our own arguments
            command, capture_output=True, text=True, cwd=ROOT, env=os.environ, timeout=300, check=False
        )
        if done.returncode != 0:
            return {"error": done.stderr.strip()[-2000:]}
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    ordered = sorted(runs, key=lambda run: run["cpu_seconds"])
    return {**ordered[len(ordered) // 2], "runs": [run["cpu_seconds"] for run in runs]}


def measure_reports(s: pages.Subjects) -> list[dict[str, Any]]:
    """Each kind's newest report of the case, and its newest progress report stretched over 24 months,
    rendered (content and PDF) in a fresh process, three times: the median run by CPU time (the
    budget's measure; wall time beside it), peak memory (RSS)."""
    from reviews.models import Report, ReportKind

    wanted: list[tuple[str, str, int | None]] = [(kind.value, str(kind.label), None) for kind in ReportKind]
    wanted.append(
        (ReportKind.PROGRESS.value, f"{ReportKind.PROGRESS.label}, {LONG_REPORT_MONTHS} months", LONG_REPORT_MONTHS)
    )
    results: list[dict[str, Any]] = []
    for kind, label, months in wanted:
        report = Report.objects.filter(intervention=s.case, kind=kind).order_by("-pk").first()
        if report is None:
            results.append({"kind": kind, "label": label, "error": "no report of this kind"})
            continue
        results.append({"kind": kind, "label": label, "months": months, **render_in_fresh_process(report.pk, months)})
        shown = results[-1]
        outcome = shown.get("seconds", shown.get("error"))
        say(f"  {label}: {outcome} s, {shown.get('peak_mb')} MB (runs {shown.get('runs')})")
    return results


def measure_sweep(runs: int = 2) -> dict[str, Any]:
    """The nightly sweep, as beat runs it, rolled back each time so that every run does the same work
    (and no notification is sent)."""
    from django.db import connection, transaction

    from directions.models import ReportingObligation
    from reviews.services import materialise_deadlines, plan_notifications

    seconds, queries, outcome = [], 0, {}
    for run in range(runs):
        with transaction.atomic():
            counter = timing.QueryCounter()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                report = materialise_deadlines()
                notifications = plan_notifications()
                seconds.append(time.perf_counter() - started)
            queries = counter.count
            outcome = {
                "created": report.created,
                "moved": report.moved,
                "cancelled": report.cancelled,
                "failed": len(report.failed),
                "notifications": len(notifications),
            }
            transaction.set_rollback(True)
        say(f"  run {run + 1}: {seconds[-1]:.1f} s, {queries} queries")
    return {
        "obligations": ReportingObligation.objects.count(),
        "seconds": round(max(seconds), 2),
        "runs": [round(value, 2) for value in seconds],
        "queries": queries,
        **outcome,
    }


def measure_load(s: pages.Subjects, seconds: float, concurrency: int) -> dict[str, Any]:
    """gunicorn as deployed, `concurrency` clients for `seconds` over a mix of every page."""
    from django.conf import settings

    from bench import load

    cookies = {}
    for role, client in pages.clients(s).items():
        if settings.SESSION_COOKIE_NAME in client.cookies:
            cookies[role] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    mix = [(role, url) for _, role, _, url in pages.pages(s)]
    with load.gunicorn() as server:
        headers = pages.headers(s, cookies)
        return load.run(server=server, mix=mix, headers=headers, seconds=seconds, concurrency=concurrency)


def child(args: argparse.Namespace) -> int:
    """Measure one dataset (this process's DATABASE_URL) and write what it found to --out."""
    import django

    django.setup()
    from django.core.management import call_command

    import intervention.wsgi  # noqa: F401 - loads the app as a web worker does (and freezes what it loaded)

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    found = measure_dataset(Dials(args.cases, args.years), requests=max(args.requests, 1), only=args.only)
    subjects = found.pop("_subjects")
    out = Path(args.out)

    def keep() -> None:  # after each step, so a later step's failure loses nothing measured
        out.write_text(json.dumps(found, indent=2, default=str) + "\n")

    keep()
    if args.full and not args.skip_reports:
        say("Reports:")
        found["reports"] = measure_reports(subjects)
        keep()
    if args.full and not args.skip_sweep:
        say("Deadline sweep:")
        found["sweep"] = measure_sweep()
        keep()
    if args.full and not args.skip_load:
        say(f"Load: {args.clients} clients for {args.load_seconds:g} s over every page...")
        found["load"] = measure_load(subjects, args.load_seconds, args.clients)
        keep()
    return 0


# --- The whole run ---------------------------------------------------------------------------------


def datasets(args: argparse.Namespace) -> tuple[Dials, list[tuple[str, Dials]]]:
    """The asked-for dials, and the smaller ones the growth check compares them with."""
    asked = Dials(args.cases, args.years)
    smaller = []
    if not args.no_growth:
        if args.years > args.growth_years:
            smaller.append(("years", Dials(args.cases, args.growth_years)))
        # A third of the cases, and more than a list's page, so both datasets fill every page.
        growth_cases = args.growth_cases or max(MIN_GROWTH_CASES, args.cases // 3)
        if args.cases > growth_cases:
            smaller.append(("cases", Dials(growth_cases, args.years)))
    return asked, smaller


def database_for(base_url: str, dials: Dials) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{dials.suffix}"))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            say(f"Creating the database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def run_child(args: argparse.Namespace, dials: Dials, base_url: str, *, full: bool) -> dict[str, Any]:
    url = database_for(base_url, dials)
    ensure_database(url)
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / f"results_{dials.suffix}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--out", str(out)]
    command += ["--cases", str(dials.cases), "--years", str(dials.years), "--requests", str(args.requests)]
    command += ["--clients", str(args.clients), "--load-seconds", str(args.load_seconds)]
    if args.only:
        command += ["--only", args.only]
    if full:
        command += ["--full"] + [
            f"--{flag}" for flag in ("skip-reports", "skip-sweep", "skip-load") if getattr(args, flag.replace("-", "_"))
        ]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=False)  # noqa: S603
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"Measuring {dials.label} failed (exit {done.returncode})")
    return json.loads(out.read_text())


def at_reference_speed(page: dict[str, Any]) -> float:
    """The page's CPU p95 as the reference machine would give it (REFERENCE_BASELINE_CPU_P95_MS says why)."""
    return round(page["cpu_p95_ms"] * REFERENCE_BASELINE_CPU_P95_MS / max(page["baseline_cpu_p95_ms"], 0.01), 1)


def budgets(main: dict[str, Any], checks: list[growth.Growth]) -> list[dict[str, Any]]:
    found = []

    def add(what: str, limit: str, value: str, ok: bool) -> None:
        found.append({"what": what, "limit": limit, "value": value, "ok": ok})

    for page in main["pages"]:
        limit = ADMIN_QUERIES if page["kind"] == "admin" else PAGE_QUERIES
        judged = at_reference_speed(page)
        add(
            f"{page['name']}: p95 CPU at the reference speed",
            f"<= {PAGE_P95_MS:g} ms",
            f"{judged} ms ({page['cpu_p95_ms']} ms here, the baseline {page['baseline_cpu_p95_ms']} ms)",
            judged <= PAGE_P95_MS,
        )
        add(f"{page['name']}: queries", f"<= {limit}", str(page["queries"]), page["queries"] <= limit)
    for check in checks:
        add(
            f"{check.page}: growth with {check.dial} ({check.smaller} → {check.larger})",
            f"<= {growth.GROWTH_LIMIT:g}x{' a row' if check.per_row else ''}, same queries",
            f"{check.growth}x, queries {check.queries_before} → {check.queries_after}",
            check.ok,
        )
    for report in main.get("reports", []):
        seconds, wall, peak = report.get("cpu_seconds"), report.get("seconds"), report.get("peak_mb")
        value = f"{seconds} s CPU ({wall} s wall), {peak} MB" if seconds is not None else report.get("error", "")[:80]
        add(
            f"Report: {report['label']}",
            f"<= {REPORT_SECONDS:g} s, <= {REPORT_PEAK_MB:g} MB",
            value,
            seconds is not None and seconds <= REPORT_SECONDS and peak <= REPORT_PEAK_MB,
        )
    if main.get("sweep"):
        sweep = main["sweep"]
        add(
            "Deadline sweep",
            f"<= {SWEEP_SECONDS:g} s",
            f"{sweep['seconds']} s",
            sweep["seconds"] <= SWEEP_SECONDS and not sweep["failed"],
        )
    if main.get("load"):
        load = main["load"]
        add("Errors under load", f"= {LOAD_ERRORS}", str(load["errors"]), load["errors"] == LOAD_ERRORS)
        # Judged with the cores the service would have to itself (bench/load.py says why); a run that
        # could not read the service's CPU is judged on the wall time measured.
        judged = load.get("p95_all_cores_ms") or load["p95_ms"] or 0
        add(
            "p95 under load, with the service's cores to itself",
            f"<= {LOAD_P95_MS:g} ms",
            f"{judged} ms ({load['p95_ms']} ms measured; left {load.get('left_to_service_share')} of the cores)",
            judged <= LOAD_P95_MS,
        )
    return found


def rows_shown(check: dict[str, Any]) -> str:
    return f" ({check['rows_before']:,} → {check['rows_after']:,} rows)" if check.get("per_row") else ""


def dataset_line(measured: dict[str, Any]) -> str:
    d = measured["dataset"]
    return (
        f"{measured['label']}: {d['interventions']} interventions in {d['authorities']} authorities, "
        f"{d['instructions']:,} instructions, {d['progress_updates']:,} progress updates, {d['measurements']:,} "
        f"measurements, {d['reviews']:,} reviews, {d['deadlines']:,} deadlines, {d['reports']:,} reports."
    )


def markdown(results: dict[str, Any]) -> str:
    main, machine = results["main"], results["main"]["machine"]
    first = main["pages"][0] if main["pages"] else {}
    lines = [
        f"Dials: --cases {main['dials']['cases']} --years {main['dials']['years']}. "
        f"{machine['cores']} cores ({machine['cpu']}), {machine['database']}, load average "
        f"{' '.join(str(v) for v in machine['load_average'])} at the start, {results['started_at'][:16]}; "
        f"ten million additions in a Python loop took {machine.get('python_loop_seconds', '-')} s of CPU "
        "(the machine's speed, to compare runs on different machines).",
        "",
        *(f"- {dataset_line(measured)}" for measured in [main, *results["smaller"]]),
        "",
        f"Pages at {main['label']} ({first.get('samples', 0)} pairs with the baseline each, pass or fail on "
        f"CPU time; the baseline's p95 {first.get('baseline_p95_ms', '-')} ms wall, "
        f"{first.get('baseline_cpu_p95_ms', '-')} ms CPU):",
        "",
        "| page | signed in as | queries | median ms | p95 ms | CPU p95 ms | CPU / baseline (median pair) "
        f"| CPU p95 at the reference speed (baseline {REFERENCE_BASELINE_CPU_P95_MS:g} ms) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in main["pages"]:
        lines.append(
            f"| {page['name']} | {page['role']} | {page['queries']} | {page['median_ms']} | {page['p95_ms']} | "
            f"{page['cpu_p95_ms']} | {page['cpu_ratio_median']} | {at_reference_speed(page)} |"
        )
    if results["growth"]:
        lines += [
            "",
            "Growth (CPU p95 over the baseline's, larger dataset ÷ smaller; queries must not change; a download"
            " per row of it, its rows in brackets):",
            "",
            "| page | dial | queries | CPU p95 ms | growth | ok |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        ]
        for check in results["growth"]:
            lines.append(
                f"| {check['page']} | {check['dial']}: {check['smaller']} → {check['larger']} | "
                f"{check['queries_before']} → {check['queries_after']} | {check['cpu_p95_before']} → "
                f"{check['cpu_p95_after']}{rows_shown(check)} | {check['growth']}x | {'yes' if check['ok'] else 'NO'} |"
            )
    if main.get("reports"):
        lines += [
            "",
            "| report | content s | PDF s | total s | CPU s | pages | charts | queries | peak memory MB |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for report in main["reports"]:
            if "error" in report:
                lines.append(f"| {report['label']} | failed: {report['error'][-80:]} | | | | | | | |")
            else:
                lines.append(
                    f"| {report['label']} | {report['content_seconds']} | {report['pdf_seconds']} | "
                    f"{report['seconds']} | {report['cpu_seconds']} | {report['pages']} | {report['charts']} | "
                    f"{report['queries']} | "
                    f"{report['peak_mb']} |"
                )
    if main.get("sweep"):
        sweep = main["sweep"]
        lines += [
            "",
            f"Deadline sweep over {sweep['obligations']} obligations: {sweep['seconds']} s, {sweep['queries']} queries "
            f"({sweep['created']} deadlines created, {sweep['notifications']} notifications decided).",
        ]
    if main.get("load"):
        load = main["load"]
        lines += [
            "",
            f"Under load (gunicorn, {load.get('workers')} workers, {load['concurrency']} clients for "
            f"{load['seconds']} s on loopback, every page in turn): {load['requests']} requests, "
            f"{load['rps']} requests a second, median {load['median_ms']} ms, p95 {load['p95_ms']} ms, "
            f"{load['errors']} errors. The service (its workers and their database backends) used "
            f"{load.get('service_cpu_share')} of the machine's cores, the clients {load.get('clients_cpu_share')}, and "
            "everything but the service left it "
            f"{load.get('left_to_service_share')}; with the machine to itself its p95 would be "
            f"{load.get('p95_all_cores_ms')} ms.",
        ]
    missed = [b for b in results["budgets"] if not b["ok"]]
    lines += [
        "",
        "Budgets: "
        + (
            "all met."
            if not missed
            else "missed: " + "; ".join(f"{b['what']} {b['value']} (budget {b['limit']})" for b in missed)
        ),
    ]
    return "\n".join(lines) + "\n"


def write_results(results: dict[str, Any], folder: Path = RESULTS) -> str:
    table = markdown(results)
    (folder / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (folder / "results.md").write_text(table)
    return table


def combine(started_at: str, main: dict[str, Any], smaller: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    checks = [check for dial, measured in smaller for check in growth.compare(measured, main, dial=dial)]
    found = budgets(main, checks)
    return {
        "started_at": started_at,
        "main": main,
        "smaller": [measured for _, measured in smaller],
        "growth": [asdict(check) for check in checks],
        "budgets": found,
        "ok": all(b["ok"] for b in found),
    }


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--cases", type=int, default=153, help="interventions (153 is one in every authority)")
    p.add_argument("--years", type=int, default=3, help="years of history in each case")
    p.add_argument("--growth-years", type=int, default=1, help="the shallower history the growth check compares with")
    p.add_argument(
        "--growth-cases",
        type=int,
        default=0,
        help="the smaller case count it compares with (a third, over a page of 50)",
    )
    p.add_argument("--no-growth", action="store_true", help="measure the asked-for dials only")
    p.add_argument("--requests", type=int, default=REQUESTS, help="timed pairs (baseline, page) per page")
    p.add_argument("--only", help="measure only the pages whose name contains this")
    p.add_argument("--skip-reports", action="store_true")
    p.add_argument("--skip-sweep", action="store_true")
    p.add_argument("--skip-load", action="store_true")
    p.add_argument("--load-seconds", type=float, default=30.0)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.cases < 1 or args.years < 1:
        raise SystemExit("--cases and --years must be at least 1")
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print(NEEDS_POSTGRES, file=sys.stderr)
        return 2
    os.environ.update(production_environment())
    if args.child:
        return child(args)

    started_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    asked, smaller_dials = datasets(args)
    smaller = [(dial, run_child(args, dials, base_url, full=False)) for dial, dials in smaller_dials]
    main_results = run_child(args, asked, base_url, full=True)
    results = combine(started_at, main_results, smaller)
    table = write_results(results)
    say("")
    say(table)
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
