"""The training roster's file format (培训花名册): column names, widgets, the template's help.

Shared by the roster import (``training.imports``) and the roster export
(``training.roster_export``), which writes the same columns so a provider can fill in the
exported roster and upload it again. The column names are the file format, so they stay
Chinese. Widgets come from the core's import pipeline (full-width characters, stray spaces,
Excel date serials, text dates); the ones below are the roster's own.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets
from stdnum.cn import ric

from kunqu_jiafu.imports.spec import DATE_FORMAT, TEXT_FORMAT, Column
from kunqu_jiafu.imports.widgets import (
    NO,
    YES,
    ExcelDateWidget,
    IdNumberWidget,
    PhoneWidget,
    TextWidget,
    YesNoWidget,
    cell_text,
)

from .models import Enrolment

__all__ = ["NO", "YES"]  # re-exported for the export

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


_YES_NO = gettext_lazy("是 or 否; empty means 否 for a new trainee and no change otherwise.")
_DATE = gettext_lazy("Date, like 2025-06-30; not in the future.")


def _yes_no(header: str, key: str, width: int, example: str) -> Column:
    return Column(header, key, YesNoWidget(), False, None, width, _YES_NO, example, None, (YES, NO))


COLUMNS: tuple[Column, ...] = (
    Column(NAME, "name", TextWidget(max_length=50), True, None, 10,
           gettext_lazy("The trainee's name as on the ID card."), "李娜"),
    Column(ID_NUMBER, "id_number", IdNumberWidget(), True, None, 22,
           gettext_lazy("18-character resident ID number; enter it as text. A final x is read as X."),
           EXAMPLE_ID_NUMBER, TEXT_FORMAT),
    Column(KEY, "key", KeyWidget(max_length=20), False, None, 14,
           gettext_lazy(
               "Filled in on a roster exported from the system; it stands for the ID number "
               "there. Leave it empty for a new trainee."
           ), None, TEXT_FORMAT),
    Column(PHONE, "phone", PhoneWidget(), False, None, 15,
           gettext_lazy("Mobile or landline number."), "13900000000", TEXT_FORMAT),
    Column(STREET, "street", TextWidget(max_length=50), False, None, 14,
           gettext_lazy("The street or town where the trainee lives, as the bureau names it."),
           "昆北街道"),
    _yes_no(HARD_TO_EMPLOY, "is_hard_to_employ", 13, NO),
    _yes_no(UNEMPLOYED, "is_unemployed", 10, YES),
    _yes_no(GRADUATE, "is_graduate", 11, NO),
    _yes_no(LOW_INCOME, "is_low_income", 9, NO),
    Column(ATTENDED_HOURS, "attended_hours", HoursWidget(), False, None, 10,
           gettext_lazy("Whole hours attended, at most the course's class hours."), 40),
    Column(COMPLETED, "completed", YesNoWidget(), False, None, 10,
           gettext_lazy("是 when the trainee completed the course."), YES, None, (YES, NO)),
    Column(COMPLETED_ON, "completed_on", ExcelDateWidget(), False, None, 12,
           gettext_lazy("Date of completion; empty with 是 means the course's last day."),
           None, DATE_FORMAT),  # no example date, so the example fits any course
    Column(EXAM, "exam", ExamWidget(), False, None, 12, gettext_lazy("合格, 不合格 or 未考核."),
           "合格", None, tuple(EXAM_RESULTS)),
    Column(CERTIFICATE_NUMBER, "certificate_number", CodeWidget(max_length=40), False, None, 22,
           gettext_lazy("Only with exam result 合格; each number once in the whole system."),
           "S000015020300001", TEXT_FORMAT),
    Column(SKILL_LEVEL, "skill_level", TextWidget(max_length=20), False, None, 10,
           gettext_lazy("For example 五级, 四级; needs a certificate number."), "四级"),
    Column(CERTIFIED_ON, "certified_on", ExcelDateWidget(), False, None, 12, _DATE,
           dt.date(2025, 7, 15), DATE_FORMAT),
    Column(COURSE_NAME, "course_name", TextWidget(max_length=100), False, None, 24,
           gettext_lazy("May be left empty; if filled in, it must be the name of this course."),
           None),
    Column(COURSE_START, "course_start", ExcelDateWidget(), False, None, 12,
           gettext_lazy(
               "May be left empty; if filled in, it must be this course's start date."
           ), None, DATE_FORMAT),
)  # fmt: skip
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
