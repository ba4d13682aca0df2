"""Worker spreadsheet import: all or nothing, errors by Excel row and Chinese column."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from agencies import imports as col
from agencies import imports as imp
from agencies.models import Worker
from agencies.services import WORKER_FIELDS
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.idcard import parse_id_number
from kunqu_jiafu.people.models import Person
from tests import factories

HEADERS = list(col.HEADERS)


def _ids(count: int, birth_year: int = 1980) -> list[str]:
    """Distinct checksum-valid ID numbers (the factory's counter repeats after 500)."""
    return [
        factories.id_number(birth=f"{birth_year + i // 900}0101", seq=i % 900 + 100)
        for i in range(count)
    ]


def _row(**values) -> dict:
    row = {
        col.NAME: "王芳",
        col.ID_NUMBER: factories.id_number(),
        col.PHONE: "13800000001",
        col.JOB: "家政服务员",
        col.HIRED_ON: dt.date(2024, 1, 5),
        col.CONTRACT_KIND: "劳动合同",
        col.CONTRACT_START: dt.date(2024, 1, 5),
        col.CONTRACT_END: dt.date(2026, 1, 4),
        col.SOCIAL_INSURANCE: "是",
        col.INSURED_SINCE: dt.date(2024, 2, 1),
        col.HEALTH_CHECK_ON: dt.date(2025, 3, 1),
        col.ACCIDENT_INSURANCE_UNTIL: dt.date(2026, 12, 31),
        col.CERTIFICATES: "家政服务员（四级）",
        col.HARD_TO_EMPLOY: "否",
        col.GRADUATE: "否",
    }
    row.update(values)
    return row


def _xlsx(rows, headers=None, name="workers.xlsx", blank_rows_before=()) -> SimpleUploadedFile:
    headers = HEADERS if headers is None else headers
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for index, row in enumerate(rows):
        if index in blank_rows_before:
            sheet.append([])
        sheet.append([row.get(h) for h in headers])
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def _csv(rows, encoding: str) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(
            [
                v.isoformat() if isinstance(v, dt.date) else (v or "")
                for v in (row.get(h) for h in HEADERS)
            ]
        )
    return SimpleUploadedFile("workers.csv", text.getvalue().encode(encoding))


def _import(user, agency, upload):
    return imp.workers_import(actor=user, agency=agency, uploaded_file=upload)


def _file_error(excinfo) -> str:
    return " ".join(excinfo.value.message_dict["file"])


# --- creating and updating -----------------------------------------------------------


def test_good_file_creates_people_and_workers(agency_a, org_a):
    rows = [_row(**{col.NAME: name}) for name in ("王芳", "李娜", "张伟")]
    rows[1].update({col.CONTRACT_KIND: "服务协议", col.CONTRACT_END: None, col.GRADUATE: "是"})

    result = _import(agency_a, org_a, _xlsx(rows))

    assert result.ok and result.created == 3 and result.updated == 0 and result.errors == []
    assert Worker.objects.filter(agency=org_a, left_on__isnull=True).count() == 3
    li = Person.objects.by_id_number(rows[1][col.ID_NUMBER]).get()
    assert (li.name, li.phone, li.birth_date) == ("李娜", "13800000001", dt.date(1985, 3, 15))
    worker = Worker.objects.get(agency=org_a, person=li)
    assert worker.contract_kind == Worker.ContractKind.SERVICE
    assert worker.contract_end is None
    assert worker.is_graduate is True and worker.is_hard_to_employ is False
    assert worker.social_insurance is True and worker.insured_since == dt.date(2024, 2, 1)
    assert worker.hired_on == dt.date(2024, 1, 5) and worker.certificates == "家政服务员（四级）"
    entry = AuditEntry.objects.get(action="agencies.worker.imported")
    assert entry.after == {"created": 3, "updated": 0} and entry.actor == agency_a


def test_reimporting_the_same_file_updates_instead_of_duplicating(agency_a, org_a):
    rows = [_row(), _row(**{col.NAME: "李娜"})]
    _import(agency_a, org_a, _xlsx(rows))
    rows[0][col.JOB] = "养老护理员"
    rows[1][col.SOCIAL_INSURANCE] = "否"
    rows[1][col.INSURED_SINCE] = None

    result = _import(agency_a, org_a, _xlsx(rows))

    assert result.ok and (result.created, result.updated) == (0, 2)
    assert Worker.objects.filter(agency=org_a).count() == 2
    assert Person.objects.count() == 2
    first = Worker.objects.get(person=Person.objects.by_id_number(rows[0][col.ID_NUMBER]).get())
    second = Worker.objects.get(person=Person.objects.by_id_number(rows[1][col.ID_NUMBER]).get())
    assert first.job == "养老护理员"
    assert second.social_insurance is False and second.insured_since is None
    assert AuditEntry.objects.filter(action="agencies.worker.imported").count() == 2


def test_reimporting_unchanged_rows_counts_them_updated_but_leaves_them_untouched(agency_a, org_a):
    rows = [_row(), _row()]
    _import(agency_a, org_a, _xlsx(rows))
    stamps = dict(Worker.objects.values_list("pk", "updated_at"))
    rows[1][col.JOB] = "育婴员"

    result = _import(agency_a, org_a, _xlsx(rows))

    assert (result.created, result.updated) == (0, 2)
    after = {w.pk: w for w in Worker.objects.all()}
    changed = next(w for w in after.values() if w.job == "育婴员")
    unchanged = next(w for w in after.values() if w.job == "家政服务员")
    assert unchanged.updated_at == stamps[unchanged.pk]
    assert changed.updated_at > stamps[changed.pk]
    assert changed.created_at < changed.updated_at


def test_person_already_known_elsewhere_becomes_a_worker_without_a_second_person(
    agency_a, org_a, org_b
):
    other = factories.make_worker(org_b, person=factories.make_person("王芳"))
    number = other.person.id_number

    result = _import(
        agency_a, org_a, _xlsx([_row(**{col.ID_NUMBER: number, col.PHONE: "13911112222"})])
    )

    assert result.ok and result.created == 1
    assert Person.objects.count() == 1
    assert Worker.objects.get(agency=org_a).person_id == other.person_id
    other.person.refresh_from_db()
    assert other.person.phone == "13911112222"


def test_former_worker_who_left_is_hired_again_as_a_new_worker(agency_a, org_a):
    old = factories.make_worker(org_a, left_on=dt.date(2024, 6, 30))

    result = _import(agency_a, org_a, _xlsx([_row(**{col.ID_NUMBER: old.person.id_number})]))

    assert result.ok and (result.created, result.updated) == (1, 0)
    assert Worker.objects.filter(agency=org_a, person=old.person).count() == 2


# --- bad rows: nothing written, errors by row and column ---------------------------------


def test_one_bad_row_among_good_ones_writes_nothing_and_names_rows_and_columns(agency_a, org_a):
    people_before, workers_before = Person.objects.count(), Worker.objects.count()
    rows = [_row(**{col.ID_NUMBER: n}) for n in _ids(7)]
    good = rows[1][col.ID_NUMBER]
    rows[1][col.ID_NUMBER] = good[:-1] + ("0" if good[-1] != "0" else "1")  # Excel row 3
    rows[3][col.NAME] = None  # Excel row 5
    rows[5][col.CONTRACT_END] = dt.date(2023, 12, 31)  # Excel row 7, before the start

    result = _import(agency_a, org_a, _xlsx(rows))

    assert not result.ok and (result.created, result.updated) == (0, 0)
    assert [(e.row, e.field) for e in result.errors] == [
        (3, col.ID_NUMBER),
        (5, col.NAME),
        (7, col.CONTRACT_END),
    ]
    assert good[-1] in result.errors[0].message  # names the correct check character
    assert Person.objects.count() == people_before
    assert Worker.objects.count() == workers_before
    assert not AuditEntry.objects.filter(action="agencies.worker.imported").exists()


def test_duplicate_id_number_within_the_file_is_reported_on_the_later_row(agency_a, org_a):
    number = factories.id_number()
    rows = [_row(**{col.ID_NUMBER: number}), _row(**{col.ID_NUMBER: factories.id_number()})]
    rows.append(_row(**{col.ID_NUMBER: number.lower() if number.endswith("X") else " " + number}))

    result = _import(agency_a, org_a, _xlsx(rows))

    assert not result.ok
    assert [(e.row, e.field) for e in result.errors] == [(4, col.ID_NUMBER)]
    assert "2" in result.errors[0].message
    assert Worker.objects.count() == 0 and Person.objects.count() == 0


def test_name_must_match_the_person_already_registered_with_that_id(agency_a, org_a):
    known = factories.make_person("王芳")

    result = _import(
        agency_a, org_a, _xlsx([_row(**{col.ID_NUMBER: known.id_number, col.NAME: "王芬"})])
    )

    assert not result.ok
    assert [(e.row, e.field) for e in result.errors] == [(2, col.NAME)]
    assert "王芳" not in result.errors[0].message  # the agency is not told whose number it is
    assert Worker.objects.count() == 0


def test_required_cells_and_insured_date_are_checked(agency_a, org_a):
    rows = [
        _row(**{col.JOB: None, col.HIRED_ON: None}),
        _row(**{col.CONTRACT_KIND: "临时工", col.INSURED_SINCE: None}),
        _row(**{col.SOCIAL_INSURANCE: "也许", col.HEALTH_CHECK_ON: "去年"}),
    ]

    result = _import(agency_a, org_a, _xlsx(rows))

    assert [(e.row, e.field) for e in result.errors] == [
        (2, col.JOB),
        (2, col.HIRED_ON),
        (3, col.CONTRACT_KIND),
        (3, col.INSURED_SINCE),
        (4, col.SOCIAL_INSURANCE),
        (4, col.HEALTH_CHECK_ON),
    ]
    assert "劳动合同" in result.errors[2].message
    assert Worker.objects.count() == 0


def test_id_number_typed_into_a_number_cell_is_refused_with_the_fix(agency_a, org_a):
    result = _import(agency_a, org_a, _xlsx([_row(**{col.ID_NUMBER: 1.50203198503150e17})]))

    assert [(e.row, e.field) for e in result.errors] == [(2, col.ID_NUMBER)]
    assert "text" in result.errors[0].message or "文本" in result.errors[0].message


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_excel(agency_a, org_a):
    rows = [_row(), _row(**{col.NAME: None})]

    result = _import(agency_a, org_a, _xlsx(rows, blank_rows_before=(1,)))

    assert [(e.row, e.field) for e in result.errors] == [(4, col.NAME)]


# --- cell formats ------------------------------------------------------------------------


def test_dates_from_excel_cells_and_from_strings_are_read_as_dates(agency_a, org_a):
    rows = [
        _row(**{col.HIRED_ON: dt.datetime(2024, 1, 5, 0, 0)}),
        _row(**{col.HIRED_ON: "2024-01-05", col.CONTRACT_START: "2024/1/5"}),
        _row(**{col.HIRED_ON: "2024.1.5", col.CONTRACT_START: " 2024年1月5日 "}),
        _row(**{col.HIRED_ON: "２０２４-０１-０５", col.CONTRACT_START: 20240105}),
    ]

    result = _import(agency_a, org_a, _xlsx(rows))

    assert result.ok, result.errors
    assert set(Worker.objects.values_list("hired_on", flat=True)) == {dt.date(2024, 1, 5)}
    assert set(Worker.objects.values_list("contract_start", flat=True)) == {dt.date(2024, 1, 5)}


def test_full_width_digits_lower_case_x_and_yes_no_variants_are_normalised(agency_a, org_a):
    number = next(n for n in _ids(200) if n.endswith("X"))
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x"
    rows = [
        _row(**{col.ID_NUMBER: full_width, col.SOCIAL_INSURANCE: "Y", col.GRADUATE: 1}),
        _row(**{col.SOCIAL_INSURANCE: "n", col.INSURED_SINCE: None, col.HARD_TO_EMPLOY: "1"}),
        _row(**{col.SOCIAL_INSURANCE: None, col.INSURED_SINCE: None, col.GRADUATE: "0"}),
    ]

    result = _import(agency_a, org_a, _xlsx(rows))

    assert result.ok, result.errors
    first = Worker.objects.get(person=Person.objects.by_id_number(number).get())
    assert first.social_insurance is True and first.is_graduate is True
    second = Worker.objects.get(person=Person.objects.by_id_number(rows[1][col.ID_NUMBER]).get())
    assert second.social_insurance is False and second.is_hard_to_employ is True
    third = Worker.objects.get(person=Person.objects.by_id_number(rows[2][col.ID_NUMBER]).get())
    assert third.social_insurance is False and third.is_graduate is False


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_or_utf8_imports_like_the_workbook(agency_a, org_a, encoding):
    rows = [_row(**{col.NAME: "张伟", col.CONTRACT_START: "2024/1/5"}), _row(**{col.NAME: "李娜"})]

    result = _import(agency_a, org_a, _csv(rows, encoding))

    assert result.ok, result.errors
    assert result.created == 2
    person = Person.objects.by_id_number(rows[0][col.ID_NUMBER]).get()
    assert person.name == "张伟"
    assert Worker.objects.get(person=person).contract_start == dt.date(2024, 1, 5)


# --- file-level problems -------------------------------------------------------------------


def test_text_file_renamed_xlsx_is_rejected_as_a_file_error(agency_a, org_a):
    upload = SimpleUploadedFile("workers.xlsx", "姓名,身份证号\n王芳,1\n".encode())

    with pytest.raises(ValidationError) as excinfo:
        _import(agency_a, org_a, upload)

    assert ".xlsx" in _file_error(excinfo)
    assert Worker.objects.count() == 0


def test_pdf_named_csv_is_rejected_as_a_file_error(agency_a, org_a):
    with pytest.raises(ValidationError) as excinfo:
        _import(agency_a, org_a, SimpleUploadedFile("workers.csv", b"%PDF-1.7\n..."))

    assert "PDF" in _file_error(excinfo)


def test_empty_sheet_is_rejected(agency_a, org_a):
    workbook = Workbook()
    output = io.BytesIO()
    workbook.save(output)

    with pytest.raises(ValidationError) as excinfo:
        _import(agency_a, org_a, SimpleUploadedFile("w.xlsx", output.getvalue()))

    assert "file" in excinfo.value.message_dict


def test_header_only_file_is_rejected(agency_a, org_a):
    with pytest.raises(ValidationError) as excinfo:
        _import(agency_a, org_a, _xlsx([]))

    assert "file" in excinfo.value.message_dict


def test_missing_required_columns_are_named(agency_a, org_a):
    headers = [h for h in HEADERS if h not in (col.JOB, col.HIRED_ON)]

    with pytest.raises(ValidationError) as excinfo:
        _import(agency_a, org_a, _xlsx([_row()], headers=headers))

    message = _file_error(excinfo)
    assert col.JOB in message and col.HIRED_ON in message and col.NAME not in message


def test_more_than_5000_rows_is_rejected_before_anything_is_read_row_by_row(agency_a, org_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for _ in range(col.MAX_ROWS + 1):
        sheet.append(["王芳", "x"])
    output = io.BytesIO()
    workbook.save(output)

    with pytest.raises(ValidationError) as excinfo:
        _import(agency_a, org_a, SimpleUploadedFile("w.xlsx", output.getvalue()))

    assert str(col.MAX_ROWS) in _file_error(excinfo)


# --- permission ----------------------------------------------------------------------------


def test_agency_b_cannot_import_into_org_a(agency_b, org_a):
    with pytest.raises(PermissionDenied):
        _import(agency_b, org_a, _xlsx([_row()]))

    assert Worker.objects.count() == 0 and Person.objects.count() == 0


def test_reviewer_may_import_for_an_agency(reviewer, org_a):
    assert _import(reviewer, org_a, _xlsx([_row()])).created == 1


# --- the template ----------------------------------------------------------------------------


def test_template_is_a_workbook_whose_header_matches_the_importer():
    workbook = load_workbook(io.BytesIO(imp.build_template()))

    sheet = workbook[col.DATA_SHEET_TITLE]
    assert [c.value for c in sheet[1]] == HEADERS
    assert HEADERS[:3] == ["姓名", "身份证号", "联系电话"] and HEADERS[-1] == "高校毕业生"
    assert col.HELP_SHEET_TITLE in workbook.sheetnames
    lists = sorted((str(dv.sqref), dv.formula1) for dv in sheet.data_validations.dataValidation)
    assert lists == [
        ("F2:F5001", '"劳动合同,服务协议"'),
        ("I2:I5001", '"是,否"'),
        ("N2:N5001", '"是,否"'),
        ("O2:O5001", '"是,否"'),
    ]
    assert sheet.column_dimensions["E"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["B"].number_format == "@"
    assert all(sheet.column_dimensions[c].width >= 10 for c in "ABCDEFGHIJKLMNO")
    example_id = sheet["B2"].value
    assert example_id == col.EXAMPLE_ID_NUMBER
    parse_id_number(example_id)  # checksum-valid


def test_filled_in_template_round_trips_through_the_importer(agency_a, org_a):
    workbook = load_workbook(io.BytesIO(imp.build_template()))
    sheet = workbook[col.DATA_SHEET_TITLE]
    rows = [_row(**{col.NAME: "王芳"}), _row(**{col.NAME: "赵敏", col.CONTRACT_END: None})]
    for row_number, row in enumerate(rows, start=2):  # the example row is overwritten
        for column, header in enumerate(HEADERS, start=1):
            sheet.cell(row=row_number, column=column, value=row[header])
    workbook.active = workbook.sheetnames.index(col.HELP_SHEET_TITLE)  # saved on the 说明 tab
    output = io.BytesIO()
    workbook.save(output)

    result = _import(agency_a, org_a, SimpleUploadedFile("从业人员.xlsx", output.getvalue()))

    assert result.ok, result.errors
    assert sorted(Worker.objects.filter(agency=org_a).values_list("person__name", flat=True)) == [
        "王芳",
        "赵敏",
    ]


def test_untouched_template_example_row_is_refused(agency_a, org_a):
    result = _import(agency_a, org_a, SimpleUploadedFile("t.xlsx", imp.build_template()))

    assert [(e.row, e.field) for e in result.errors] == [(2, col.ID_NUMBER)]
    assert Worker.objects.count() == 0


# --- queries -------------------------------------------------------------------------------


def _extra_batches(small: int, large: int) -> int:
    """INSERT/UPDATE batches the database adds between the two sizes (SQLite caps a batch
    at 999 parameters; PostgreSQL needs one statement per kind)."""

    def batches(fields, count):
        size = connection.ops.bulk_batch_size(fields, [None] * count) or count
        return math.ceil(count / size)

    person_fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    worker_fields = [f for f in Worker._meta.concrete_fields if not f.primary_key]
    update_fields = ["pk", "pk", *WORKER_FIELDS, "updated_at"]
    return sum(
        batches(fields, large) - batches(fields, small)
        for fields in (person_fields, worker_fields, update_fields)
    )


def _count(user, agency, rows) -> tuple[int, object]:
    upload = _xlsx(rows)
    with CaptureQueriesContext(connection) as queries:
        result = _import(user, agency, upload)
    assert result.ok, result.errors[:3]
    return len(queries), result


def test_query_count_does_not_grow_with_the_number_of_rows(agency_a, org_a):
    numbers = _ids(211)
    _count(agency_a, org_a, [_row(**{col.ID_NUMBER: numbers[0]})])  # warm caches
    small = [_row(**{col.ID_NUMBER: n}) for n in numbers[1:11]]
    large = [_row(**{col.ID_NUMBER: n}) for n in numbers[11:211]]

    create_small, _r = _count(agency_a, org_a, small)
    create_large, result = _count(agency_a, org_a, large)
    update_small, _r = _count(agency_a, org_a, small)
    update_large, _r = _count(agency_a, org_a, large)

    assert result.created == 200
    allowance = _extra_batches(10, 200)
    assert create_large <= create_small + allowance, (create_small, create_large, allowance)
    assert update_large <= update_small + allowance, (update_small, update_large, allowance)
    if connection.vendor == "postgresql":
        assert (create_large, update_large) == (create_small, update_small)


def test_an_id_number_under_another_name_does_not_tell_the_agency_whose_it_is(
    agency_a, org_a, org_b, reviewer
):
    # Knowing an ID number must not reveal the name behind it: only reviewers and approvers,
    # who see full ID numbers, are told the registered name.
    other = factories.make_worker(org_b, person=factories.make_person("赵秀英"))
    upload = _xlsx([_row(**{col.NAME: "王芳", col.ID_NUMBER: other.person.id_number})])

    result = _import(agency_a, org_a, upload)
    assert not result.ok and [e.field for e in result.errors] == [col.NAME]
    assert "赵秀英" not in result.errors[0].message

    upload.seek(0)
    result = imp.workers_import(actor=reviewer, agency=org_a, uploaded_file=upload)
    assert not result.ok and "赵秀英" in result.errors[0].message
    assert not Worker.objects.filter(agency=org_a).exists()
