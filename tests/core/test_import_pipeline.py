"""The core's spreadsheet import pipeline and the people bulk upsert both imports write through.

The worker and roster imports are tested end to end in their apps; here the pieces they share:
the people upsert, the template made from a spec, and the header detection of the reader.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from kunqu_jiafu.imports.pipeline import clean_cells, row_errors
from kunqu_jiafu.imports.reading import read_sheet
from kunqu_jiafu.imports.spec import TEXT_FORMAT, Column, ImportSpec
from kunqu_jiafu.imports.template import build_template
from kunqu_jiafu.imports.widgets import ExcelDateWidget, IdNumberWidget, TextWidget, YesNoWidget
from kunqu_jiafu.people.idcard import parse_id_number
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.services import PersonEntry, people_bulk_upsert
from tests.factories import id_number, make_person

SPEC = ImportSpec(
    columns=(
        Column("姓名", "name", TextWidget(max_length=10), required=True, example="李娜"),
        Column("身份证号", "id_number", IdNumberWidget(), required=True, cell_format=TEXT_FORMAT),
        Column("低收入", "is_low_income", YesNoWidget(), choices=("是", "否")),
        Column("日期", "on", ExcelDateWidget()),
    ),
    sheet_title="名单",
    max_rows=50,
    max_bytes=1024 * 1024,
    too_many_rows="too many %(max)s",
    no_rows="no rows",
    example_id_number="",
    example_row="example",
    template_filename="名单.xlsx",
    template_fallback="list.xlsx",
    help_title="How",
    help_rules=lambda: ["第一条", "第二条"],
    read_required=("姓名",),
    aliases={"学员姓名": "姓名"},
    header_scan=3,
)


def _upload(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("list.xlsx", data.getvalue())


# --- people_bulk_upsert --------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_upsert_creates_new_people_and_records_the_known_ones_phone_and_flags():
    known = make_person("王芳", id_number(seq=11))
    new_number = id_number(birth="19900101", seq=21)
    entries = [
        PersonEntry(
            parse_id_number(known.id_number), "王芳", "13900000001", {"is_unemployed": True}
        ),
        PersonEntry(parse_id_number(new_number), "李娜", "", {"is_low_income": True}),
    ]
    with CaptureQueriesContext(connection) as queries:
        result = people_bulk_upsert(entries)
    reads = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1  # the recorded people, by blind index, once for the whole list
    assert (result.created, result.updated) == (1, 1)
    known.refresh_from_db()
    assert (known.name, known.phone, known.is_unemployed) == ("王芳", "13900000001", True)
    created = Person.objects.by_id_number(new_number).get()
    assert (created.name, created.is_low_income, created.birth_date) == (
        "李娜",
        True,
        dt.date(1990, 1, 1),
    )
    assert result.by_number[new_number] == created


@pytest.mark.django_db
def test_bulk_upsert_leaves_an_unchanged_person_alone_and_an_empty_phone_keeps_the_old_one():
    person = make_person("王芳", id_number(seq=13))
    Person.objects.filter(pk=person.pk).update(phone="13900000002")
    before = Person.objects.get(pk=person.pk).updated_at
    result = people_bulk_upsert(
        [PersonEntry(parse_id_number(person.id_number), "王芳", "", {"is_graduate": False})]
    )
    assert (result.created, result.updated) == (0, 0)
    person.refresh_from_db()
    assert person.phone == "13900000002" and person.updated_at == before


@pytest.mark.django_db
def test_bulk_upsert_refuses_a_field_it_does_not_record():
    entry = PersonEntry(parse_id_number(id_number(seq=15)), "王芳", "", {"name": "别名"})
    with pytest.raises(ValueError):
        people_bulk_upsert([entry])
    assert not Person.objects.exists()


# --- the spec's template and reading --------------------------------------------------------------


def test_the_template_is_made_from_the_spec():
    book = load_workbook(io.BytesIO(build_template(SPEC)))
    sheet = book["名单"]
    assert [c.value for c in sheet[1]] == ["姓名", "身份证号", "低收入", "日期"]
    assert sheet["A1"].font.color.rgb.endswith("C00000")  # required: red
    assert not sheet["C1"].font.color.rgb.endswith("C00000")
    assert sheet["A2"].value == "李娜" and sheet["B2"].number_format == "@"
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"是,否"' and str(validation.sqref) == "C2:C51"
    help_rows = [[c.value for c in row] for row in book["说明"].iter_rows()]
    assert help_rows[0] == ["How", None, None]
    assert help_rows[1][0] == "1. 第一条"
    assert ["身份证号", "是", None] in help_rows and ["低收入", "否", None] in help_rows


def test_the_header_row_is_found_below_a_title_and_unknown_columns_are_reported():
    upload = _upload(
        [
            ["2026年第一期名单"],
            ["学员姓名", "身份证号", "备注", "低收入"],
            ["李娜", id_number(seq=17), "无", "是"],
            [],
            ["王芳", "123", None, "也许"],
        ]
    )
    sheet = read_sheet(upload, SPEC)
    assert sheet.header_row == 2
    assert sheet.ignored == ["备注"]
    assert [number for number, _cells in sheet.rows] == [3, 5]
    rows = [clean_cells(SPEC, number, cells) for number, cells in sheet.rows]
    assert rows[0].values["is_low_income"] is True and not rows[0].errors
    assert [(e.row, e.field) for e in row_errors(SPEC, rows)] == [(5, "身份证号"), (5, "低收入")]
