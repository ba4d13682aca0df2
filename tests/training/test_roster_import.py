"""Training roster import: all or nothing, every problem by Excel row and Chinese column."""

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

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.models import Person
from tests import factories
from training import imports as imp
from training import roster_columns as col
from training import services
from training.models import CourseKind, Enrolment

HEADERS = list(col.HEADERS)


def _ids(count: int, birth_year: int = 1980) -> list[str]:
    """Distinct checksum-valid ID numbers (the factory's counter repeats after 500)."""
    return [
        factories.id_number(birth=f"{birth_year + i // 900}0101", seq=i % 900 + 100)
        for i in range(count)
    ]


def _course(actor, provider, **extra):
    data = {
        "name": "2026年第一期家政服务员培训",
        "kind": CourseKind.objects.get(code="pre_job"),
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2026, 3, 20),
        "class_hours": 40,
        "capacity": 600,
        "policy_year": 2026,
    } | extra
    return services.course_create(actor=actor, provider=provider, data=data)


@pytest.fixture
def course(agency_a, org_a):
    return _course(agency_a, org_a)


def _row(**values) -> dict:
    row = {
        col.NAME: "李娜",
        col.ID_NUMBER: factories.id_number(),
        col.PHONE: "13900000001",
        col.HARD_TO_EMPLOY: "否",
        col.UNEMPLOYED: "是",
        col.GRADUATE: "否",
        col.LOW_INCOME: "否",
        col.ATTENDED_HOURS: 40,
        col.COMPLETED: "是",
        col.COMPLETED_ON: dt.date(2026, 3, 20),
        col.EXAM: "合格",
        col.CERTIFICATE_NUMBER: None,
        col.SKILL_LEVEL: None,
        col.CERTIFIED_ON: None,
    }
    row.update(values)
    return row


def _xlsx(rows, headers=None, name="roster.xlsx") -> SimpleUploadedFile:
    headers = HEADERS if headers is None else headers
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
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
                row[h].isoformat() if isinstance(row.get(h), dt.date) else (row.get(h) or "")
                for h in HEADERS
            ]
        )
    return SimpleUploadedFile("roster.csv", text.getvalue().encode(encoding))


def _import(user, course, upload):
    upload.seek(0)
    return imp.roster_import(actor=user, course=course, uploaded_file=upload)


def _errors(result) -> set[tuple[int, str]]:
    return {(e.row, e.field) for e in result.errors}


# --- clean files ---------------------------------------------------------------------------


def test_clean_file_enrols_new_people_with_flags_and_results(agency_a, course):
    numbers = _ids(3)
    rows = [
        _row(**{col.NAME: "李娜", col.ID_NUMBER: numbers[0], col.HARD_TO_EMPLOY: "是"}),
        _row(**{col.NAME: "张伟", col.ID_NUMBER: numbers[1], col.LOW_INCOME: "是"}),
        _row(
            **{
                col.NAME: "王芳",
                col.ID_NUMBER: numbers[2],
                col.CERTIFICATE_NUMBER: "S0001",
                col.SKILL_LEVEL: "四级",
                col.CERTIFIED_ON: dt.date(2026, 4, 1),
            }
        ),
    ]
    result = _import(agency_a, course, _xlsx(rows))

    assert result.ok, result.errors
    assert (result.created, result.updated, result.new_people) == (3, 0, 3)
    enrolments = {e.person.name: e for e in course.enrolments.select_related("person")}
    assert set(enrolments) == {"李娜", "张伟", "王芳"}
    li = enrolments["李娜"]
    assert li.person.id_number == numbers[0]
    assert li.person.is_hard_to_employ and li.person.is_unemployed and not li.person.is_graduate
    assert enrolments["张伟"].person.is_low_income
    assert (li.attended_hours, li.completed, li.completed_on, li.exam) == (
        40,
        True,
        dt.date(2026, 3, 20),
        Enrolment.Exam.PASSED,
    )
    wang = enrolments["王芳"]
    assert (wang.certificate_number, wang.skill_level, wang.certified_on) == (
        "S0001",
        "四级",
        dt.date(2026, 4, 1),
    )
    entry = AuditEntry.objects.get(action="training.roster.imported")
    assert entry.after == {"created": 3, "updated": 0, "new_people": 3}


def test_an_existing_person_is_enrolled_without_a_second_person_record(agency_a, course):
    person = factories.make_person("赵敏")
    result = _import(
        agency_a, course, _xlsx([_row(**{col.NAME: "赵敏", col.ID_NUMBER: person.id_number})])
    )
    assert result.ok and (result.created, result.new_people) == (1, 0)
    assert Person.objects.count() == 1
    assert course.enrolments.get().person_id == person.pk


def test_full_width_digits_spaces_and_lower_case_x_are_normalised(agency_a, course):
    number = next(n for n in _ids(40) if n.endswith("X"))
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else "ｘ" for c in number)
    row = _row(
        **{
            col.NAME: "  李  娜 ",
            col.ID_NUMBER: f" {full_width} ",
            col.PHONE: "１３９ ００００ ０００１",
            col.ATTENDED_HOURS: "４０",
            col.COMPLETED: " 是 ",
            col.EXAM: "合格 ",
            col.CERTIFICATE_NUMBER: "ｓ 0002",
        }
    )
    result = _import(agency_a, course, _xlsx([row]))
    assert result.ok, result.errors
    enrolment = course.enrolments.select_related("person").get()
    assert enrolment.person.id_number == number
    assert enrolment.person.name == "李 娜"
    assert enrolment.person.phone == "13900000001"
    assert enrolment.attended_hours == 40
    assert enrolment.certificate_number == "S0002"


@pytest.mark.parametrize(
    "cell",
    [46101, 46101.0, "46101", "2026-03-20", "2026/3/20", "2026.3.20", "2026年3月20日", "20260320"],
)
def test_excel_date_serials_and_text_dates_are_read(agency_a, course, cell):
    result = _import(agency_a, course, _xlsx([_row(**{col.COMPLETED_ON: cell})]))
    assert result.ok, result.errors
    assert course.enrolments.get().completed_on == dt.date(2026, 3, 20)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_in_utf8_and_gbk_is_imported(agency_a, course, encoding):
    result = _import(agency_a, course, _csv([_row(**{col.NAME: "欧阳娜"})], encoding))
    assert result.ok, result.errors
    assert course.enrolments.get().person.name == "欧阳娜"


def test_completed_without_a_date_takes_the_course_end(agency_a, course):
    result = _import(agency_a, course, _xlsx([_row(**{col.COMPLETED_ON: None})]))
    assert result.ok
    assert course.enrolments.get().completed_on == dt.date(2026, 3, 20)


def test_only_name_and_id_columns_are_needed(agency_a, course):
    upload = _xlsx(
        [{col.NAME: "李娜", col.ID_NUMBER: factories.id_number()}], [col.NAME, col.ID_NUMBER]
    )
    result = _import(agency_a, course, upload)
    assert result.ok
    enrolment = course.enrolments.get()
    assert (enrolment.attended_hours, enrolment.completed, enrolment.exam) == (0, False, "none")


# --- bad rows: nothing written, every error by row and column -------------------------------


def test_every_kind_of_bad_row_is_reported_and_nothing_is_written(agency_a, course):
    person = factories.make_person("赵敏")
    other_course = _course(agency_a, course.provider, name="另一期")
    taken = services.enrol(
        actor=agency_a, course=other_course, id_number=factories.id_number(), name="钱红"
    )
    services.enrolment_record(
        actor=agency_a, enrolment=taken, data={"exam": "passed", "certificate_number": "TAKEN1"}
    )
    numbers = _ids(12, 1990)
    bad_check = numbers[0][:-1] + ("0" if numbers[0][-1] != "0" else "1")
    rows = [
        _row(**{col.ID_NUMBER: numbers[1]}),  # row 2: fine
        _row(**{col.ID_NUMBER: bad_check}),  # 3: bad ID
        _row(**{col.NAME: "孙丽", col.ID_NUMBER: person.id_number}),  # 4: name mismatch
        _row(**{col.ID_NUMBER: numbers[1]}),  # 5: duplicate of row 2
        _row(**{col.ID_NUMBER: numbers[2], col.COMPLETED_ON: "2026-02-30"}),  # 6: bad date
        _row(**{col.ID_NUMBER: numbers[3], col.COMPLETED_ON: dt.date(2099, 1, 1)}),  # 7: future
        _row(**{col.ID_NUMBER: numbers[4], col.EXAM: "不合格", col.CERTIFICATE_NUMBER: "C1"}),  # 8
        _row(**{col.ID_NUMBER: numbers[5], col.CERTIFICATE_NUMBER: "TAKEN1"}),  # 9: taken
        _row(**{col.ID_NUMBER: numbers[6], col.CERTIFICATE_NUMBER: "C2"}),  # 10
        _row(**{col.ID_NUMBER: numbers[7], col.CERTIFICATE_NUMBER: "C2"}),  # 11: dup cert
        _row(**{col.ID_NUMBER: numbers[8], col.ATTENDED_HOURS: 41}),  # 12: too many hours
        _row(**{col.ID_NUMBER: numbers[9], col.ATTENDED_HOURS: "很多"}),  # 13: not a number
        _row(**{col.ID_NUMBER: numbers[10], col.EXAM: "优秀"}),  # 14: unknown exam
        _row(**{col.ID_NUMBER: numbers[11], col.COMPLETED: "也许"}),  # 15: not 是/否
        _row(**{col.NAME: None}),  # 16: no name
        _row(**{col.ID_NUMBER: col.EXAMPLE_ID_NUMBER}),  # 17: the template's example
        _row(**{col.ID_NUMBER: 150203198001011234.0}),  # 18: number cell lost digits
    ]
    people_before = Person.objects.count()
    result = _import(agency_a, course, _xlsx(rows))

    assert not result.ok
    assert _errors(result) == {
        (3, col.ID_NUMBER),
        (4, col.NAME),
        (5, col.ID_NUMBER),
        (6, col.COMPLETED_ON),
        (7, col.COMPLETED_ON),
        (8, col.CERTIFICATE_NUMBER),
        (9, col.CERTIFICATE_NUMBER),
        (11, col.CERTIFICATE_NUMBER),
        (12, col.ATTENDED_HOURS),
        (13, col.ATTENDED_HOURS),
        (14, col.EXAM),
        (15, col.COMPLETED),
        (16, col.NAME),
        (17, col.ID_NUMBER),
        (18, col.ID_NUMBER),
    }
    messages = {(e.row, e.field): e.message for e in result.errors}
    assert "2" in messages[(5, col.ID_NUMBER)]  # names the first row
    assert "赵敏" not in messages[(4, col.NAME)]  # the provider is not told whose number it is
    assert "10" in messages[(11, col.CERTIFICATE_NUMBER)]
    assert course.enrolments.count() == 0
    assert Person.objects.count() == people_before
    assert not AuditEntry.objects.filter(action="training.roster.imported").exists()


def test_preview_lists_the_same_errors_and_writes_nothing(agency_a, course):
    numbers = _ids(2)
    upload = _xlsx([_row(**{col.ID_NUMBER: numbers[0]}), _row(**{col.ID_NUMBER: numbers[0]})])
    preview = imp.roster_preview(actor=agency_a, course=course, uploaded_file=upload)
    assert not preview.ok
    assert _errors(preview) == {(3, col.ID_NUMBER)}
    assert [line.action for line in preview.lines] == ["new", "error"]
    assert Person.objects.count() == 0 and course.enrolments.count() == 0


def test_certificate_without_a_passed_exam_is_refused_on_update_too(agency_a, course):
    number = factories.id_number()
    _import(agency_a, course, _xlsx([_row(**{col.ID_NUMBER: number, col.EXAM: "未考核"})]))
    result = _import(
        agency_a,
        course,
        _xlsx([_row(**{col.ID_NUMBER: number, col.EXAM: None, col.CERTIFICATE_NUMBER: "Z9"})]),
    )
    assert _errors(result) == {(2, col.CERTIFICATE_NUMBER)}
    assert course.enrolments.get().certificate_number == ""


def test_file_problems_raise_a_file_error(agency_a, course):
    with pytest.raises(ValidationError) as info:
        _import(agency_a, course, SimpleUploadedFile("roster.xlsx", b"%PDF-1.4 not a sheet"))
    assert "file" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        _import(agency_a, course, _xlsx([_row()], headers=[col.NAME, col.PHONE]))
    assert col.ID_NUMBER in info.value.message_dict["file"][0]


# --- capacity, duplicates and re-import ----------------------------------------------------


def test_capacity_counts_existing_enrolments_and_flags_the_rows_over_it(agency_a, course):
    course = services.course_update(actor=agency_a, course=course, data={"capacity": 3})
    services.enrol(actor=agency_a, course=course, id_number=factories.id_number(), name="钱红")
    numbers = _ids(3)
    result = _import(agency_a, course, _xlsx([_row(**{col.ID_NUMBER: n}) for n in numbers]))
    assert not result.ok
    assert _errors(result) == {(4, col.ID_NUMBER)}
    assert "3" in result.errors[0].message
    assert course.enrolments.count() == 1

    preview = imp.roster_preview(
        actor=agency_a,
        course=course,
        uploaded_file=_xlsx([_row(**{col.ID_NUMBER: n}) for n in numbers[:2]]),
    )
    assert preview.ok and preview.places_left == 2 and preview.new == 2


def test_already_enrolled_person_is_updated_not_enrolled_twice(agency_a, course):
    number = factories.id_number()
    services.enrol(actor=agency_a, course=course, id_number=number, name="李娜")
    row = _row(**{col.ID_NUMBER: number, col.ATTENDED_HOURS: 36, col.CERTIFICATE_NUMBER: "U1"})

    preview = imp.roster_preview(actor=agency_a, course=course, uploaded_file=_xlsx([row]))
    assert (preview.new, preview.updated, preview.lines[0].action) == (0, 1, "update")
    result = _import(agency_a, course, _xlsx([row]))

    assert result.ok and (result.created, result.updated) == (0, 1)
    enrolment = course.enrolments.get()
    assert (enrolment.attended_hours, enrolment.certificate_number) == (36, "U1")
    assert enrolment.completed and enrolment.exam == Enrolment.Exam.PASSED


def test_reimporting_the_same_file_changes_nothing_and_enrols_no_one_twice(agency_a, course):
    numbers = _ids(5)
    rows = [
        _row(**{col.ID_NUMBER: n, col.CERTIFICATE_NUMBER: f"R{i}"}) for i, n in enumerate(numbers)
    ]
    first = _import(agency_a, course, _xlsx(rows))
    snapshot = list(course.enrolments.order_by("pk").values())
    again = _import(agency_a, course, _xlsx(rows))

    assert first.ok and again.ok
    assert (again.created, again.updated, again.new_people) == (0, 5, 0)
    assert list(course.enrolments.order_by("pk").values()) == snapshot
    assert Person.objects.count() == 5


def test_reimport_with_empty_cells_keeps_recorded_values(agency_a, course):
    number = factories.id_number()
    _import(
        agency_a, course, _xlsx([_row(**{col.ID_NUMBER: number, col.CERTIFICATE_NUMBER: "K1"})])
    )
    sparse = {col.NAME: "李娜", col.ID_NUMBER: number, col.ATTENDED_HOURS: 38}
    result = _import(agency_a, course, _xlsx([sparse]))
    assert result.ok
    enrolment = course.enrolments.get()
    assert (enrolment.attended_hours, enrolment.certificate_number, enrolment.completed) == (
        38,
        "K1",
        True,
    )


def test_reimport_updates_flags_and_phone_of_existing_people(agency_a, course):
    number = factories.id_number()
    _import(agency_a, course, _xlsx([_row(**{col.ID_NUMBER: number})]))
    _import(
        agency_a,
        course,
        _xlsx([_row(**{col.ID_NUMBER: number, col.GRADUATE: "是", col.PHONE: "13700000000"})]),
    )
    person = Person.objects.get()
    assert person.is_graduate and person.phone == "13700000000"


# --- permissions ------------------------------------------------------------------------------


def test_agency_b_cannot_import_into_agency_a_course(agency_b, course):
    with pytest.raises(PermissionDenied):
        _import(agency_b, course, _xlsx([_row()]))
    with pytest.raises(PermissionDenied):
        imp.roster_preview(actor=agency_b, course=course, uploaded_file=_xlsx([_row()]))
    assert course.enrolments.count() == 0


def test_official_cannot_import(official, course):
    with pytest.raises(PermissionDenied):
        _import(official, course, _xlsx([_row()]))
    assert course.enrolments.count() == 0


def test_reviewer_can_import_into_any_course(reviewer, course):
    result = _import(reviewer, course, _xlsx([_row()]))
    assert result.ok and course.enrolments.count() == 1


# --- queries ------------------------------------------------------------------------------------


def _extra_batches(small: int, large: int) -> int:
    """INSERT/UPSERT batches the database adds between the two sizes (SQLite caps a batch at
    999 parameters; PostgreSQL needs one statement per kind)."""

    def batches(fields, count):
        size = connection.ops.bulk_batch_size(fields, [None] * count) or count
        return math.ceil(count / size)

    person_fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    enrolment_fields = [f for f in Enrolment._meta.concrete_fields if not f.primary_key]
    return sum(
        batches(fields, large) - batches(fields, small)
        for fields in (person_fields, enrolment_fields, enrolment_fields)
    )


def _count(user, course, rows) -> tuple[int, object]:
    upload = _xlsx(rows)
    with CaptureQueriesContext(connection) as queries:
        result = _import(user, course, upload)
    assert result.ok, result.errors[:3]
    return len(queries), result


def test_query_count_does_not_grow_with_the_number_of_rows(agency_a, org_a):
    small_course = _course(agency_a, org_a, name="小班")
    large_course = _course(agency_a, org_a, name="大班")
    numbers = _ids(511)
    _count(agency_a, small_course, [_row(**{col.ID_NUMBER: numbers[0]})])  # warm caches
    small = [_row(**{col.ID_NUMBER: n, col.CERTIFICATE_NUMBER: f"Q{n}"}) for n in numbers[1:11]]
    large = [_row(**{col.ID_NUMBER: n, col.CERTIFICATE_NUMBER: f"Q{n}"}) for n in numbers[11:511]]

    create_small, _r = _count(agency_a, small_course, small)
    create_large, result = _count(agency_a, large_course, large)
    changed_small = [r | {col.ATTENDED_HOURS: 30} for r in small]
    changed_large = [r | {col.ATTENDED_HOURS: 30} for r in large]
    update_small, _r = _count(agency_a, small_course, changed_small)
    update_large, updated = _count(agency_a, large_course, changed_large)

    assert result.created == 500 and updated.updated == 500
    assert set(large_course.enrolments.values_list("attended_hours", flat=True)) == {30}
    allowance = _extra_batches(10, 500)
    assert create_large <= create_small + allowance, (create_small, create_large, allowance)
    assert update_large <= update_small + allowance, (update_small, update_large, allowance)
    if connection.vendor == "postgresql":
        assert (create_large, update_large) == (create_small, update_small)


# --- template --------------------------------------------------------------------------------


def test_template_has_the_chinese_headers_and_round_trips(agency_a, course):
    data = imp.build_roster_template()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[col.DATA_SHEET_TITLE]
    headers = [c.value for c in sheet[1]]
    assert headers == [
        "姓名", "身份证号", "报名编号", "联系电话", "所属街道", "就业困难人员", "失业人员",
        "高校毕业生", "低收入", "出勤学时", "是否结业", "结业日期", "考核结果", "证书编号",
        "鉴定等级", "发证日期", "培训项目", "开班日期",
    ]  # fmt: skip
    assert col.HELP_SHEET_TITLE in workbook.sheetnames

    # Untouched, the example row is refused; filled in over it, the template imports.
    untouched = imp.roster_preview(
        actor=agency_a, course=course, uploaded_file=SimpleUploadedFile("t.xlsx", data)
    )
    assert _errors(untouched) == {(2, col.ID_NUMBER)}
    number = factories.id_number()
    sheet.cell(row=2, column=2, value=number)
    output = io.BytesIO()
    workbook.save(output)
    result = _import(agency_a, course, SimpleUploadedFile("t.xlsx", output.getvalue()))
    assert result.ok, result.errors
    enrolment = course.enrolments.select_related("person").get()
    assert enrolment.person.id_number == number
    assert enrolment.certificate_number == "S000015020300001"
    assert enrolment.street.name == "昆北街道"  # the example's street


# --- concurrency (PostgreSQL) -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (row locks and concurrent transactions)",
)
def test_two_simultaneous_imports_never_overfill_the_course(transactional_db, monkeypatch):
    from tests.concurrency import outcomes, run_together, slowed

    org = factories.make_agency("并发培训学校")
    user = factories.make_agency_user("concurrent", org)
    course = _course(user, org, capacity=3)
    slowed(monkeypatch, imp.RosterImport, "plan")  # both read the course before either writes
    files = [
        _xlsx([_row(**{col.ID_NUMBER: n}) for n in _ids(3, year)]).read() for year in (1970, 1975)
    ]

    def load(data):
        return lambda: imp.roster_import(
            actor=user, course=course, uploaded_file=SimpleUploadedFile("r.xlsx", data)
        )

    oks, errors = outcomes(run_together(*(load(d) for d in files)))
    assert not errors
    assert sorted(r.ok for r in oks) == [False, True]
    loser = next(r for r in oks if not r.ok)
    assert {e.field for e in loser.errors} == {col.ID_NUMBER}
    assert course.enrolments.count() == 3


def test_an_id_number_under_another_name_does_not_tell_the_provider_whose_it_is(
    agency_a, course, reviewer
):
    # Knowing an ID number must not reveal the name behind it: only reviewers and approvers,
    # who see full ID numbers, are told the registered name.
    stranger = factories.make_person("赵秀英")
    upload = _xlsx([_row(**{col.NAME: "李娜", col.ID_NUMBER: stranger.id_number})])

    result = _import(agency_a, course, upload)
    assert not result.ok and "赵秀英" not in " ".join(e.message for e in result.errors)

    upload.seek(0)
    result = _import(reviewer, course, upload)
    assert not result.ok and "赵秀英" in " ".join(e.message for e in result.errors)
    assert not course.enrolments.exists()
