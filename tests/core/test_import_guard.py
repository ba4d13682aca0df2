"""The import guard refuses a hostile spreadsheet before openpyxl or csv parses it.

The files are built tiny in tests/hostile_files.py; each would make the reader pad millions
of rows or columns, or unpack gigabytes. The refusal is a file error naming the problem and
the fix, and the parser is never reached.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from kunqu_jiafu.imports import reading
from kunqu_jiafu.imports.reading import read_sheet
from tests import hostile_files as hostile
from tests.core.test_import_pipeline import SPEC

ROWS = [["姓名", "身份证号"], ["王芳", "x"]]


@pytest.fixture
def parser_spy(monkeypatch):
    """Record whether openpyxl's loader or the CSV reader was reached."""
    calls = []
    real_xlsx, real_csv = reading.load_workbook, reading._read_csv

    def load_workbook(*args, **kwargs):
        calls.append("xlsx")
        return real_xlsx(*args, **kwargs)

    def read_csv(data):
        calls.append("csv")
        return real_csv(data)

    monkeypatch.setattr(reading, "load_workbook", load_workbook)
    monkeypatch.setattr(reading, "_read_csv", read_csv)
    return calls


def _refusal(data: bytes, name: str = "list.xlsx") -> str:
    with pytest.raises(ValidationError) as excinfo:
        read_sheet(hostile.upload(data, name), SPEC)
    return " ".join(excinfo.value.message_dict["file"])


def test_a_declared_range_of_a_million_rows_is_refused_before_parsing(parser_spy):
    message = _refusal(hostile.declared_range(ROWS, "A1:XFD1048576"))

    assert "A1:XFD1048576" in message and "50" in message and "60" in message
    assert parser_spy == []


def test_a_declared_range_of_too_many_columns_is_refused(parser_spy):
    message = _refusal(hostile.declared_range(ROWS, "A1:CZ2"))

    assert "A1:CZ2" in message and parser_spy == []


def test_a_lone_row_far_below_is_refused_without_a_dimension(parser_spy):
    message = _refusal(hostile.far_row(ROWS, 1048576))

    assert "50" in message and parser_spy == []


def test_a_lone_cell_far_to_the_right_is_refused(parser_spy):
    message = _refusal(hostile.far_column(ROWS, "XFD1"))

    assert "XFD" in message and "60" in message and parser_spy == []


def test_a_shared_strings_bomb_is_refused_by_its_ratio(parser_spy):
    data = hostile.shared_strings_bomb(ROWS)

    message = _refusal(data)

    assert len(data) < 20_000
    assert "xl/sharedStrings.xml" in message and "100" in message and parser_spy == []


def test_a_workbook_unpacking_beyond_the_limit_is_refused(parser_spy, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 1
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000

    message = _refusal(hostile.shared_strings_bomb(ROWS, megabytes=2))

    assert "MB" in message and parser_spy == []


def test_a_zip_of_thousands_of_members_is_refused(parser_spy):
    message = _refusal(hostile.many_members(ROWS, 2000))

    assert "500" in message and parser_spy == []


def test_a_member_lying_about_its_size_is_refused_as_damaged(parser_spy):
    message = _refusal(hostile.lying_member(ROWS))

    assert ".xlsx" in message and parser_spy == []


def test_a_zip_without_a_worksheet_is_refused(parser_spy):
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(hostile.workbook_bytes(ROWS))) as old,
        zipfile.ZipFile(out, "w") as new,
    ):
        for info in old.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                new.writestr(info.filename, old.read(info))

    message = _refusal(out.getvalue())

    assert "xl/worksheets/sheet1.xml" in message and parser_spy == []


def test_a_csv_of_too_many_rows_is_refused_before_parsing(parser_spy):
    message = _refusal(hostile.csv_rows(500), "list.csv")

    assert "50" in message and parser_spy == []


def test_a_csv_row_of_too_many_columns_is_refused(parser_spy):
    message = _refusal(hostile.csv_rows(1, line="王芳" + "," * 200), "list.csv")

    assert "201" in message and "60" in message and parser_spy == []


def test_a_csv_cell_longer_than_the_csv_module_takes_is_a_message_not_a_500(parser_spy):
    message = _refusal(hostile.csv_rows(1, line='"' + "长" * 70_000 + '"'), "list.csv")

    assert "CSV" in message and parser_spy == []


def test_a_gbk_csv_within_the_limits_still_reads():
    data = hostile.csv_rows(3).decode().encode("gb18030")

    sheet = read_sheet(hostile.upload(data, "list.csv"), SPEC)

    assert [cells["姓名"] for _n, cells in sheet.rows] == ["王芳"] * 3


def test_a_file_a_little_over_the_row_limit_gets_the_imports_own_message():
    rows = ROWS[:1] + [["王芳", "x"]] * (SPEC.max_rows + 1)

    message = _refusal(hostile.workbook_bytes(rows))

    assert message == "too many 50"


def test_the_limits_are_settings(settings):
    settings.IMPORT_MAX_COLUMNS = 200

    sheet = read_sheet(hostile.upload(hostile.declared_range(ROWS, "A1:CZ2")), SPEC)

    assert [cells["姓名"] for _n, cells in sheet.rows] == ["王芳"]


def test_the_reader_takes_values_never_formulas():
    """A formula cell is read as its cached value (none here), never as its formula text; a
    CSV cell starting with "=" is the text it is."""
    data = hostile.workbook_bytes([["姓名", "身份证号"], ['=WEBSERVICE("http://x")', "x"]])

    sheet = read_sheet(hostile.upload(data), SPEC)
    from_csv = read_sheet(hostile.upload(b"\xe5\xa7\x93\xe5\x90\x8d\n=1+1\n", "l.csv"), SPEC)

    assert [cells["姓名"] for _n, cells in sheet.rows] == [None]
    assert [cells["姓名"] for _n, cells in from_csv.rows] == ["=1+1"]
