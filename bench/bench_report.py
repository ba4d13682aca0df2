"""The annual statistical report at district and city scale: its figures against hand-written
SQL, its query counts, and a whole run (PDF and XLSX).

    .venv/bin/python bench/bench_report.py [--scale 1] [--repeat 5] [--no-run]

Runs on a throw-away test database (``test_<name>`` on PostgreSQL when DATABASE_URL points
there; SQLite in memory otherwise, where the hand-written SQL's FILTER clauses need SQLite
3.30+). Data is generated in bulk (``report_data``, setup, not timed): the district scale
(1/10 of the city), measured, then nine times as much again on top, the city scale, about
2,000 agencies, 100,000 workers, 100,000 enrolments, 50,000 vouchers, 50,000 claims and
2,000 survey returns at ``--scale 1`` (``--scale 0.1`` for a quick run: a tenth of each).

At each scale, in the same process:

- baseline: ``report_sql.headline(year)``, the headline figures (agencies registered and new,
  people trained, vouchers issued/redeemed/verified/reimbursed and their value, claims and
  amounts claimed/approved/paid by claim type, survey returns and each indicator's total) for
  the year and the year before, in six hand-written queries;
- ``reporting.registry.report_for_year(year)``: every registered section, each computed for
  the year and the year before; first checked to give the same headline figures as the
  baseline, then timed against it, alternating, median of ``--repeat``;
- each section alone (``section_for_year``), to show where the time goes;
- at city scale, ``reports.services.run_generate`` once: the sections, the PDF with its
  charts and the XLSX, written to a temporary MEDIA_ROOT.

Not a test: timings are never asserted (tests assert the query counts are equal instead).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunqu_jiafu.settings")

import django  # noqa: E402

django.setup()

import report_data  # noqa: E402
import report_sql  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import translation  # noqa: E402

YEAR = report_data.YEAR
CITY_AGENCIES = 2000
# Headline figures printed at each scale (the year's values).
SHOWN = (
    "agencies.holding",
    "agencies.new",
    "training.people",
    "training.enrolments",
    "vouchers.issued",
    "vouchers.reimbursed_amount",
    "subsidies.claims",
    "subsidies.paid_amount",
    "survey.accepted",
    "survey.revenue",
)


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def alternating(calls: dict, repeat: int) -> dict[str, float]:
    """Median seconds of each call, the calls taking turns so drift hits them alike."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def report_figures(computed) -> dict:
    """``{figure key: (value, previous)}`` of the report, and the claims-by-type table under
    the baseline's keys."""
    from subsidies.models import ClaimType

    out = {}
    codes = dict(ClaimType.objects.filter(policy_year=YEAR).values_list("name", "code"))
    for section in computed:
        for figure in section.data.figures:
            out[figure.key] = (figure.value, figure.previous)
        for table in section.data.tables:
            if table.key != "subsidies.by_type":
                continue
            for name, n, claimed, approved, paid in table.rows:
                prefix = f"subsidies.by_type.{codes[name]}"
                out[f"{prefix}.claims"] = (n, None)
                out[f"{prefix}.claimed_amount"] = (claimed, None)
                out[f"{prefix}.approved_amount"] = (approved, None)
                out[f"{prefix}.paid_amount"] = (paid, None)
    return out


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = Decimal(str(a)), Decimal(str(b))  # SQLite's raw sums are floats
    whole = a == a.to_integral_value() and b == b.to_integral_value()
    return abs(a - b) <= (0 if whole else Decimal("0.01"))


def compare(hand: dict, report: dict) -> tuple[int, list[str]]:
    """How many headline figures were compared, and those where the report and the
    hand-written SQL disagree (for the year, and the year before where the SQL has it)."""
    problems, checked = [], 0
    for key, (value, previous) in sorted(hand.items()):
        if key not in report:
            if key.startswith("subsidies.by_type.") and key.endswith((".approved", ".paid")):
                continue  # counts by type: the report's table shows amounts only
            problems.append(f"{key}: not in the report")
            continue
        checked += 1
        got, got_previous = report[key]
        if not _same(value, got):
            problems.append(f"{key}: report {got}, hand-written SQL {value}")
        if previous is not None and not _same(previous, got_previous):
            problems.append(f"{key} (year before): report {got_previous}, SQL {previous}")
    return checked, problems


def measure(repeat: int) -> dict:
    from kunqu_jiafu.reporting.registry import report_for_year, section_for_year, sections

    def hand():
        return report_sql.headline(YEAR)

    def report():
        return report_for_year(YEAR)

    figures = hand()
    checked, problems = compare(figures, report_figures(report()))
    for problem in problems:
        print(f"  MISMATCH {problem}")
    print("  " + "; ".join(f"{key} {figures[key][0]}" for key in SHOWN))
    out = {
        "checked": checked,
        "problems": len(problems),
        "q_hand": queries_of(hand),
        "q_report": queries_of(report),
        **alternating({"t_hand": hand, "t_report": report}, repeat),
        "sections": {},
    }
    for section in sections.all():

        def one(section=section):
            return section_for_year(section, YEAR)

        out["sections"][section.key] = (
            alternating({"t": one}, repeat)["t"],
            queries_of(one),
        )
    return out


def slowest(n: int) -> None:
    """The ``n`` slowest queries of one ``report_for_year`` (where the time goes)."""
    from kunqu_jiafu.reporting.registry import report_for_year

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        report_for_year(YEAR)
        total = time.perf_counter() - start
    in_sql = sum(float(q["time"]) for q in queries.captured_queries)
    print(f"  report_for_year: {total * 1000:.0f} ms, of which {in_sql * 1000:.0f} ms in SQL")
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:n]:
        print(f"  {float(q['time']) * 1000:7.0f} ms  {q['sql'][:160]}")


def whole_run(official) -> tuple[float, int, int, int]:
    """``run_generate`` of the year: seconds, queries, PDF bytes, XLSX bytes."""
    from reports.models import ReportRun
    from reports.services import run_generate

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        run = ReportRun.objects.create(year=YEAR, requested_by=official)
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            done = run_generate(run.pk)
        seconds = time.perf_counter() - start
        assert done.status == ReportRun.Status.DONE, done.error
        return seconds, len(queries), done.pdf_size, done.xlsx_size


def print_tables(sizes: dict, results: dict, runs: dict) -> None:
    print("\n| scale | agencies | workers | enrolments | vouchers | claims | survey returns |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for scale, c in sizes.items():
        print(
            f"| {scale} | {c['agencies']:,} | {c['workers']:,} | {c['enrolments']:,} | "
            f"{c['vouchers']:,} | {c['claims']:,} | {c['survey returns']:,} |"
        )
    print(
        "\n| scale | hand-written SQL | report_for_year | ratio | queries (SQL) | queries (report) "
        "| figures checked | mismatches |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for scale, r in results.items():
        print(
            f"| {scale} | {r['t_hand'] * 1000:.0f} ms | {r['t_report'] * 1000:.0f} ms | "
            f"**{r['t_report'] / r['t_hand']:.2f}×** | {r['q_hand']} | {r['q_report']} | "
            f"{r['checked']} | {r['problems']} |"
        )
    scales = list(results)
    print("\n| section | " + " | ".join(f"{s} ms | {s} queries" for s in scales) + " |")
    print("| --- |" + " --- | --- |" * len(scales))
    for key in results[scales[0]]["sections"]:
        cells = []
        for s in scales:
            seconds, queries = results[s]["sections"][key]
            cells += [f"{seconds * 1000:.0f}", str(queries)]
        print(f"| {key} | " + " | ".join(cells) + " |")
    print()
    for name, (seconds, queries, pdf, xlsx) in runs.items():
        print(
            f"run_generate at city scale ({name}): {seconds:.1f} s, {queries} queries, "
            f"PDF {pdf / 1024:.0f} KiB, XLSX {xlsx / 1024:.0f} KiB"
        )


def bench(args) -> None:
    from kunqu_jiafu.accounts.roles import OFFICIAL
    from tests import factories

    city = max(2, round(CITY_AGENCIES * args.scale))
    district = max(1, city // 10)
    started = time.perf_counter()
    world = report_data.make_world(vouchers_cap=report_data.VOUCHERS * city)
    sizes, results = {}, {}
    sizes["district"] = report_data.add_agencies(world, district)
    print(f"district data: {sizes['district']} ({time.perf_counter() - started:.0f} s)")
    results["district"] = measure(args.repeat)
    started = time.perf_counter()
    sizes["city"] = report_data.add_agencies(world, city - district)
    print(f"city data: {sizes['city']} ({time.perf_counter() - started:.0f} s)")
    results["city"] = measure(args.repeat)
    slowest(args.slowest)
    if connection.vendor == "postgresql":
        # PostgreSQL compiles a query whose estimated cost passes jit_above_cost (100,000 by
        # default) before running it: a quarter of a second, whatever the rows.
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        print("city, jit = off:")
        results["city, jit off"] = measure(args.repeat)
        slowest(args.slowest)
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
    runs = {}
    if not args.no_run:
        official = factories.make_user("bench_report_official", OFFICIAL)
        runs["default"] = whole_run(official)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            runs["jit off"] = whole_run(official)
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
    print(f"\ndatabase: {connection.vendor}; year {YEAR}; median of {args.repeat}, alternating")
    print_tables(sizes, results, runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1: city of 2,000 agencies")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=8, help="slowest queries to show")
    parser.add_argument("--no-run", action="store_true", help="skip the PDF and XLSX run")
    parser.add_argument("--keepdb", action="store_true", help="reuse the migrated test database")
    args = parser.parse_args()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    logging.getLogger("celery").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at")
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb)
    translation.activate(settings.LANGUAGE_CODE)
    try:
        if args.keepdb:  # a reused database keeps nothing of this run
            with transaction.atomic():
                bench(args)
                transaction.set_rollback(True)
        else:
            bench(args)
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
