"""Columns of the training roster import (培训花名册导入): names and widgets.

The column names are the file format, so they stay Chinese. Widgets come from the shared
spreadsheet module (full-width characters, stray spaces, Excel date serials, text dates);
the two below are the roster's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from import_export import widgets
from stdnum.cn import ric

from kunqu_jiafu.documents.spreadsheets import (
    ExcelDateWidget,
    IdNumberWidget,
    PhoneWidget,
    TextWidget,
    YesNoWidget,
    cell_text,
)

from .models import Enrolment

NAME = "姓名"
ID_NUMBER = "身份证号"
KEY = "报名编号"
PHONE = "联系电话"
STREET = "所属街道"
HARD_TO_EMPLOY = "就业困难人员"
UNEMPLOYED = "失业人员"
GRADUATE = "高校毕业生"
LOW_INCOME = "低收入"
ATTENDED_HOURS = "出勤学时"
COMPLETED = "是否结业"
COMPLETED_ON = "结业日期"
EXAM = "考核结果"
CERTIFICATE_NUMBER = "证书编号"
SKILL_LEVEL = "鉴定等级"
CERTIFIED_ON = "发证日期"
COURSE_NAME = "培训项目"
COURSE_START = "开班日期"

EXAM_RESULTS = {
    "合格": Enrolment.Exam.PASSED,
    "不合格": Enrolment.Exam.FAILED,
    "未考核": Enrolment.Exam.NONE,
}
_EXAM_ALIASES = {"通过": Enrolment.Exam.PASSED, "未通过": Enrolment.Exam.FAILED}

REQUIRED_HEADERS = (NAME, ID_NUMBER)  # red in the template; 报名编号 may stand for 身份证号
# Other spellings seen in providers' own rosters.
HEADER_ALIASES = {
    "身份证号码": ID_NUMBER,
    "公民身份号码": ID_NUMBER,
    "身份证": ID_NUMBER,
    "学员姓名": NAME,
    "手机号": PHONE,
    "手机号码": PHONE,
    "联系方式": PHONE,
    "电话": PHONE,
    "街道": STREET,
    "街镇": STREET,
    "所属街镇": STREET,
    "所在街道": STREET,
    "培训项目名称": COURSE_NAME,
    "培训班名称": COURSE_NAME,
    "课程名称": COURSE_NAME,
    "开班时间": COURSE_START,
    "开课日期": COURSE_START,
}
HEADER_SCAN_ROWS = 10  # title rows above the header are skipped within the first rows
MAX_ROWS = 10_000
MAX_FILE_BYTES = 20 * 1024 * 1024
DATA_SHEET_TITLE = "培训花名册"
HELP_SHEET_TITLE = "说明"
TEMPLATE_FILENAME = "培训花名册导入模板.xlsx"

# A made-up, checksum-valid number for the template's example row (sequence 000 is never
# issued); a row still carrying it is refused, so the example is never imported by mistake.
_EXAMPLE_BODY = "15020319950101000"
EXAMPLE_ID_NUMBER = _EXAMPLE_BODY + ric.calc_check_digit(_EXAMPLE_BODY + "0")


class HoursWidget(widgets.Widget):
    """A whole number of class hours: 32, 32.0, ３２ or "32 学时"."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        if isinstance(value, bool):
            raise self._error(value)
        if isinstance(value, int | float):
            if not float(value).is_integer():
                raise self._error(value)
            number = int(value)
        else:
            text = cell_text(value).removesuffix("学时").strip()
            if not text:
                return None
            try:
                number = int(float(text))
                if float(text) != number:
                    raise ValueError
            except ValueError:
                raise self._error(value) from None
        if number < 0:
            raise self._error(value)
        return number

    @staticmethod
    def _error(value) -> ValueError:
        return ValueError(
            _("“%(value)s” is not a number of hours; please enter a whole number like 32.")
            % {"value": value}
        )


class ExamWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str | None:
        text = cell_text(value)
        if not text:
            return None
        result = EXAM_RESULTS.get(text) or _EXAM_ALIASES.get(text)
        if result is None:
            raise ValueError(
                _("“%(value)s” is not an exam result; please choose %(choices)s.")
                % {"value": text, "choices": " / ".join(EXAM_RESULTS)}
            )
        return str(result)


class KeyWidget(TextWidget):
    """The enrolment key of an exported roster: no spaces, upper case."""

    def clean(self, value, row=None, **kwargs) -> str:
        return super().clean("".join(cell_text(value).split()).upper())


class CodeWidget(TextWidget):
    """A certificate number: half-width, no spaces at all, upper case."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = "".join(cell_text(value).split()).upper()
        return super().clean(text)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    widget: widgets.Widget


COLUMNS: tuple[Column, ...] = (
    Column(NAME, "name", TextWidget(max_length=50)),
    Column(ID_NUMBER, "id_number", IdNumberWidget()),
    Column(KEY, "key", KeyWidget(max_length=20)),
    Column(PHONE, "phone", PhoneWidget()),
    Column(STREET, "street", TextWidget(max_length=50)),
    Column(HARD_TO_EMPLOY, "is_hard_to_employ", YesNoWidget()),
    Column(UNEMPLOYED, "is_unemployed", YesNoWidget()),
    Column(GRADUATE, "is_graduate", YesNoWidget()),
    Column(LOW_INCOME, "is_low_income", YesNoWidget()),
    Column(ATTENDED_HOURS, "attended_hours", HoursWidget()),
    Column(COMPLETED, "completed", YesNoWidget()),
    Column(COMPLETED_ON, "completed_on", ExcelDateWidget()),
    Column(EXAM, "exam", ExamWidget()),
    Column(CERTIFICATE_NUMBER, "certificate_number", CodeWidget(max_length=40)),
    Column(SKILL_LEVEL, "skill_level", TextWidget(max_length=20)),
    Column(CERTIFIED_ON, "certified_on", ExcelDateWidget()),
    Column(COURSE_NAME, "course_name", TextWidget(max_length=100)),
    Column(COURSE_START, "course_start", ExcelDateWidget()),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
COLUMN_OF: dict[str, str] = {c.key: c.header for c in COLUMNS}
PERSON_FLAGS = ("is_hard_to_employ", "is_unemployed", "is_graduate", "is_low_income")
RECORD_KEYS = (
    "attended_hours",
    "completed",
    "completed_on",
    "exam",
    "certificate_number",
    "skill_level",
    "certified_on",
)
