"""Training roster import: time and queries against openpyxl read + bulk_create, no checks.

    .venv/bin/python bench/bench_roster_import.py [--rows 10000] [--repeat 3]

Runs on a throw-away test database (SQLite in memory by default; ``test_<name>`` on
PostgreSQL when DATABASE_URL points there), created and dropped by this script. The baseline,
measured in the same process on a file of the same shape, reads the cells with openpyxl and
writes new people (ID number encrypted and hashed, as any Person must be) and their
enrolments with ``bulk_create``, validating nothing. The import reads the same kind of file,
checks every cell, row and rule, and writes in one transaction. Not a test: timings are
never asserted.
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
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from kunqu_jiafu.people.models import Person  # noqa: E402
from tests import factories  # noqa: E402
from training import imports as imp  # noqa: E402
from training import roster_columns as columns  # noqa: E402
from training import services  # noqa: E402
from training.models import Course, CourseKind, Enrolment  # noqa: E402


def make_file(rows: int, birth_year: int, hours: int = 40) -> bytes:
    """A filled-in template: Excel date cells, 是/否 text, distinct valid ID numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = columns.DATA_SHEET_TITLE
    sheet.append(list(columns.HEADERS))
    for i in range(rows):
        number = factories.id_number(birth=f"{birth_year + i // 900}0101", seq=i % 900 + 100)
        passed = i % 4 != 0
        values = {
            columns.NAME: f"学员{i:05d}",
            columns.ID_NUMBER: number,
            columns.PHONE: f"139{i:08d}",
            columns.HARD_TO_EMPLOY: "是" if i % 7 == 0 else "否",
            columns.UNEMPLOYED: "是" if i % 3 == 0 else "否",
            columns.GRADUATE: "是" if i % 10 == 0 else "否",
            columns.LOW_INCOME: "否",
            columns.ATTENDED_HOURS: hours,
            columns.COMPLETED: "是",
            columns.COMPLETED_ON: dt.datetime(2026, 3, 20),
            columns.EXAM: "合格" if passed else "不合格",
            columns.CERTIFICATE_NUMBER: f"C{birth_year}{i:06d}" if passed else None,
            columns.SKILL_LEVEL: "四级" if passed else None,
            columns.CERTIFIED_ON: dt.datetime(2026, 4, 1) if passed else None,
        }
        # By header, so the file follows the template's column order whatever it becomes.
        sheet.append([values.get(header) for header in columns.HEADERS])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _course(user, provider, name: str, capacity: int) -> Course:
    return services.course_create(
        actor=user,
        provider=provider,
        data={
            "name": name,
            "kind": CourseKind.objects.get(code="pre_job"),
            "starts_on": dt.date(2026, 3, 1),
            "ends_on": dt.date(2026, 3, 20),
            "class_hours": 40,
            "capacity": capacity,
            "policy_year": 2026,
        },
    )


def baseline(data: bytes, course: Course) -> int:
    """The least an importer must do: read the cells, build the rows, bulk_create them."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = workbook.active.iter_rows(values_only=True)
    col = {h: i for i, h in enumerate(next(rows))}
    yes = "是"

    def day(value):
        return value.date() if isinstance(value, dt.datetime) else value

    people, enrolments = [], []
    for row in rows:
        number = str(row[col[columns.ID_NUMBER]])
        person = Person(
            name=row[col[columns.NAME]],
            phone=row[col[columns.PHONE]] or "",
            is_hard_to_employ=row[col[columns.HARD_TO_EMPLOY]] == yes,
            is_unemployed=row[col[columns.UNEMPLOYED]] == yes,
            is_graduate=row[col[columns.GRADUATE]] == yes,
            is_low_income=row[col[columns.LOW_INCOME]] == yes,
        )
        person.set_id_number(number)
        people.append(person)
        enrolments.append(
            Enrolment(
                course=course,
                person=person,
                attended_hours=row[col[columns.ATTENDED_HOURS]],
                completed=row[col[columns.COMPLETED]] == yes,
                completed_on=day(row[col[columns.COMPLETED_ON]]),
                exam="passed" if row[col[columns.EXAM]] == "合格" else "failed",
                certificate_number=row[col[columns.CERTIFICATE_NUMBER]] or "",
                skill_level=row[col[columns.SKILL_LEVEL]] or "",
                certified_on=day(row[col[columns.CERTIFIED_ON]]),
            )
        )
    workbook.close()
    with transaction.atomic():
        Person.objects.bulk_create(people)
        Enrolment.objects.bulk_create(enrolments)
    return len(enrolments)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run(rows: int, repeat: int) -> None:
    connection.queries_log = type(connection.queries_log)(maxlen=1_000_000)
    agency = factories.make_agency("基准培训学校")
    user = factories.make_agency_user("bench", agency)
    # Distinct birth years per file: every run creates new people (the import's hardest case).
    years = iter(range(1920, 2030, rows // 900 + 1))
    base_files = [make_file(rows, next(years)) for _r in range(repeat + 1)]
    import_files = [make_file(rows, next(years)) for _r in range(repeat)]

    baseline(base_files[0], _course(user, agency, "warm-up", rows))  # module loads, caches
    base_times, steps = [], {"import, all rows new        ": ([], []), "re-import, same file        ": ([], []), "re-import, hours changed    ": ([], [])}  # fmt: skip
    for r in range(repeat):
        course = _course(user, agency, f"基线{r}", rows)
        seconds, written = timed(lambda c=course, d=base_files[r + 1]: baseline(d, c))
        assert written == rows
        base_times.append(seconds)

        course = _course(user, agency, f"导入{r}", rows)
        data = import_files[r]
        wb = load_workbook(io.BytesIO(data))
        hours = list(columns.HEADERS).index(columns.ATTENDED_HOURS) + 1
        for (cell,) in wb.active.iter_rows(min_row=2, min_col=hours, max_col=hours):
            cell.value = 36
        out = io.BytesIO()
        wb.save(out)
        changed = out.getvalue()
        for (times, counts), content, expect in zip(
            steps.values(), (data, data, changed), ("created", "updated", "updated"), strict=True
        ):
            upload = SimpleUploadedFile("roster.xlsx", content)
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                seconds, result = timed(
                    lambda u=upload, c=course: imp.roster_import(
                        actor=user, course=c, uploaded_file=u
                    )
                )
            assert result.ok and getattr(result, expect) == rows, (result.errors[:3], result)
            times.append(seconds)
            counts.append(len(queries))
        assert set(course.enrolments.values_list("attended_hours", flat=True)) == {36}

    base = statistics.median(base_times)
    print(f"roster import, {rows} rows, {repeat} runs each, database {connection.vendor}")
    print(f"  baseline (openpyxl read + bulk_create, no checks): {base:.3f} s")
    for label, (times, counts) in steps.items():
        median = statistics.median(times)
        print(
            f"  {label}: {median:.3f} s  ratio {median / base:.2f}x  "
            f"queries {min(counts)}-{max(counts)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
