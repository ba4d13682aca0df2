"""Worker import: time and queries against a plain openpyxl read + validation baseline.

    .venv/bin/python bench/bench_worker_import.py [--rows 2000] [--repeat 3]

Runs on a throw-away test database (SQLite in memory by default; ``test_<name>`` on
PostgreSQL when DATABASE_URL points there), created and dropped by this script. Prints
the median time of each step, its ratio to the baseline measured in the same process,
and the number of queries. Not a test: timings are never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunqu_jiafu.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from agencies import imports as columns  # noqa: E402
from agencies import imports as imp  # noqa: E402
from kunqu_jiafu.people.idcard import parse_id_number  # noqa: E402
from tests import factories  # noqa: E402


def make_file(rows: int, birth_year: int, job: str = "家政服务员") -> bytes:
    """A filled-in template: Excel date cells, 是/否 text, distinct valid ID numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = columns.DATA_SHEET_TITLE
    headers = list(columns.HEADERS)
    sheet.append(headers)
    for i in range(rows):
        number = factories.id_number(birth=f"{birth_year + i // 900}0101", seq=i % 900 + 100)
        insured = i % 3 != 0
        sheet.append(
            [
                f"员工{i:04d}",
                number,
                f"139{i:08d}",
                job,
                dt.datetime(2024, 1, 5),
                "劳动合同" if i % 2 else "服务协议",
                dt.datetime(2024, 1, 5),
                dt.datetime(2026, 1, 4) if i % 4 else None,
                "是" if insured else "否",
                dt.datetime(2024, 2, 1) if insured else None,
                dt.datetime(2025, 3, 1),
                dt.datetime(2026, 12, 31),
                "家政服务员（四级）",
                "否",
                "是" if i % 10 == 0 else "否",
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def baseline(data: bytes) -> int:
    """The least an importer must do: read the cells and check each row, no database."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = workbook.active.iter_rows(values_only=True)
    col = {h: i for i, h in enumerate(next(rows))}
    kinds = {"劳动合同": "labour", "服务协议": "service"}
    yes_no = {"是": True, "否": False}

    def day(value):
        return value.date() if isinstance(value, dt.datetime) else value

    seen, valid = set(), 0
    for row in rows:
        parsed = parse_id_number(str(row[col[columns.ID_NUMBER]]))
        name = str(row[col[columns.NAME]] or "").strip()
        start, end = day(row[col[columns.CONTRACT_START]]), day(row[col[columns.CONTRACT_END]])
        insured = yes_no[row[col[columns.SOCIAL_INSURANCE]]]
        ok = (
            bool(name)
            and parsed.number not in seen
            and row[col[columns.JOB]]
            and day(row[col[columns.HIRED_ON]]) is not None
            and kinds.get(row[col[columns.CONTRACT_KIND]])
            and start is not None
            and (end is None or end >= start)
            and (not insured or day(row[col[columns.INSURED_SINCE]]) is not None)
        )
        for header in (columns.HEALTH_CHECK_ON, columns.ACCIDENT_INSURANCE_UNTIL):
            day(row[col[header]])
        for header in (columns.HARD_TO_EMPLOY, columns.GRADUATE):
            yes_no[row[col[header]]]
        seen.add(parsed.number)
        valid += bool(ok)
    workbook.close()
    return valid


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run(rows: int, repeat: int) -> None:
    connection.queries_log = type(connection.queries_log)(maxlen=100_000)
    files = [make_file(rows, 1960 + 5 * r) for r in range(repeat)]
    changed = [make_file(rows, 1960 + 5 * r, job="养老护理员") for r in range(repeat)]
    baseline(files[0])  # warm up: module loads and stdnum's tables are not the file's cost
    base_times = []
    for data in files:
        seconds, valid = timed(lambda data=data: baseline(data))
        assert valid == rows, valid
        base_times.append(seconds)

    steps = {
        "import, all rows new          ": ([], []),
        "re-import, same file          ": ([], []),
        "re-import, every row changed  ": ([], []),
    }
    for r, data in enumerate(files):
        agency = factories.make_agency(f"基准家政{r}")
        user = factories.make_agency_user(f"bench{r}", agency)
        for (times, counts), content, expect in zip(
            steps.values(), (data, data, changed[r]), ("created", "updated", "updated"), strict=True
        ):
            upload = SimpleUploadedFile("workers.xlsx", content)
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                seconds, result = timed(
                    lambda u=upload, a=agency, usr=user: imp.workers_import(
                        actor=usr, agency=a, uploaded_file=u
                    )
                )
            assert result.ok and getattr(result, expect) == rows, (result.errors[:3], result)
            times.append(seconds)
            counts.append(len(queries))

    base = statistics.median(base_times)
    print(f"worker import, {rows} rows, {repeat} runs each, database {connection.vendor}")
    print(f"  baseline (openpyxl read + validation): {base:.3f} s")
    for label, (times, counts) in steps.items():
        median = statistics.median(times)
        print(
            f"  {label}: {median:.3f} s  ratio {median / base:.2f}x  "
            f"queries {min(counts)}-{max(counts)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
