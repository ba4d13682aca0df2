"""List pages and API lists: time and queries at 10 and 1,000 workers, as ratios.

    .venv/bin/python bench/bench_lists.py [--repeat 15]

Runs on a throw-away test database (SQLite in memory by default; ``test_<name>`` on
PostgreSQL when DATABASE_URL points there). The baseline is ``/healthz`` (one query)
served by the same client in the same process; each list is reported as the ratio of its
median time to that baseline, with its query count, at 10 and at 1,000 workers. Not a
test: timings are never asserted (tests assert the query counts are equal instead).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunqu_jiafu.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from kunqu_jiafu.accounts.roles import REVIEWER  # noqa: E402
from tests import factories  # noqa: E402

PAGES = {
    "API /api/workers/ (reviewer)": ("reviewer", "/api/workers/"),
    "API /api/agencies/ (reviewer)": ("reviewer", "/api/agencies/"),
    "admin worker list (reviewer)": ("reviewer", "/admin/agencies/worker/"),
    "admin agency list (reviewer)": ("reviewer", "/admin/agencies/agency/"),
    "portal worker list (agency)": ("agency", "/portal/workers/"),
    "portal dashboard (agency)": ("agency", "/portal/"),
}


def timed(client: Client, url: str, repeat: int) -> tuple[float, int]:
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)  # read now: every request start resets Django's query log
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), count


def grow_to(agency, count: int) -> None:
    from agencies.models import Worker

    have = Worker.objects.filter(agency=agency).count()
    for n in range(have, count):
        number = factories.id_number(birth=f"{1960 + n // 400}0101", seq=n % 400 * 2 + 2)
        person = factories.make_person(f"员工{n:04d}", number)
        factories.make_worker(agency, person=person)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # DEBUG off: otherwise every query is logged and the log's 9,000 cap hides the counts.
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        agency = factories.make_agency("基准家政服务有限公司")
        reviewer = factories.make_user("bench_reviewer", REVIEWER)
        agency_user = factories.make_agency_user("bench_agency", agency)
        clients = {"reviewer": Client(), "agency": Client()}
        clients["reviewer"].force_login(reviewer)
        clients["agency"].force_login(agency_user)
        baseline_client = Client()
        results: dict[str, dict[int, tuple[float, int]]] = {name: {} for name in PAGES}
        baselines = {}
        for size in (10, 1000):
            grow_to(agency, size)
            baselines[size], _ = timed(baseline_client, "/healthz", args.repeat)
            for name, (who, url) in PAGES.items():
                results[name][size] = timed(clients[who], url, args.repeat)
        print(f"database: {connection.vendor}; median of {args.repeat} requests each")
        print(
            f"baseline /healthz: {baselines[10] * 1000:.2f} ms (10), {baselines[1000] * 1000:.2f} ms (1000)"
        )
        print(
            f"{'page':34} {'ratio@10':>9} {'ratio@1000':>11} {'queries@10':>11} {'queries@1000':>13}"
        )
        for name, by_size in results.items():
            (t10, q10), (t1k, q1k) = by_size[10], by_size[1000]
            print(
                f"{name:34} {t10 / baselines[10]:9.1f} {t1k / baselines[1000]:11.1f} "
                f"{q10:11d} {q1k:13d}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
