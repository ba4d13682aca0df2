"""Columns of the worker import (从业人员批量导入): names, widgets and the Resource.

The django-import-export ``WorkerResource`` maps the Chinese columns to model fields and
its widgets turn Excel cells (dates, 是/否, full-width digits) into Python values.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from openpyxl.utils.datetime import from_excel
from stdnum.cn import ric

from kunqu_jiafu.people.idcard import ParsedId, normalize, parse_id_number

from .models import Worker

# The header row of the template. The column names are the file format, so they stay Chinese.
NAME = "姓名"
ID_NUMBER = "身份证号"
PHONE = "联系电话"
JOB = "岗位"
HIRED_ON = "入职日期"
CONTRACT_KIND = "合同类型"
CONTRACT_START = "合同开始日期"
CONTRACT_END = "合同结束日期"
SOCIAL_INSURANCE = "是否参加社保"
INSURED_SINCE = "参保日期"
HEALTH_CHECK_ON = "最近体检日期"
ACCIDENT_INSURANCE_UNTIL = "意外险有效期至"
CERTIFICATES = "培训及证书"
HARD_TO_EMPLOY = "就业困难人员"
GRADUATE = "高校毕业生"

YES, NO = "是", "否"
CONTRACT_KINDS = {"劳动合同": Worker.ContractKind.LABOUR, "服务协议": Worker.ContractKind.SERVICE}

REQUIRED_HEADERS = (NAME, ID_NUMBER, JOB, HIRED_ON, CONTRACT_KIND, CONTRACT_START)
MAX_ROWS = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024
DATA_SHEET_TITLE = "从业人员"
HELP_SHEET_TITLE = "说明"
TEMPLATE_FILENAME = "从业人员导入模板.xlsx"

# A made-up, checksum-valid number for the template's example row (sequence 000 is never
# issued); a row still carrying it is refused, so the example is never imported by mistake.
_EXAMPLE_BODY = "15020319900101000"
EXAMPLE_ID_NUMBER = _EXAMPLE_BODY + ric.calc_check_digit(_EXAMPLE_BODY + "0")


# --- widgets: one Excel cell -> one Python value; ValueError carries the message ---------


def _cell_text(value: Any) -> str:
    """A cell as text: whole floats lose their '.0', full-width characters fold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


class TextWidget(widgets.CharWidget):
    def __init__(self, max_length: int):
        super().__init__(allow_blank=True)
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = " ".join(str(value).split())
        if len(text) > self.max_length:
            raise ValueError(
                _("Too long: at most %(max)s characters are allowed; please shorten it.")
                % {"max": self.max_length}
            )
        return text


class PhoneWidget(widgets.CharWidget):
    _PHONE_RE = re.compile(r"^[\d+\-()]{5,20}$")

    def clean(self, value, row=None, **kwargs) -> str:
        text = re.sub(r"\s+", "", _cell_text(value))
        if text and not self._PHONE_RE.match(text):
            raise ValueError(
                _("“%(value)s” is not a phone number; please enter digits only (5-20).")
                % {"value": text}
            )
        return text


class IdNumberWidget(widgets.Widget):
    """Returns the parsed number; full-width digits and a lower-case x are normalised."""

    def clean(self, value, row=None, **kwargs) -> ParsedId | None:
        if isinstance(value, float):
            # Excel keeps 15 significant digits: an 18-digit number typed into a number
            # cell has already lost its tail.
            raise ValueError(
                _(
                    "Excel stored this ID number as a number and lost its last digits; set the "
                    "column to text format and type the ID number again."
                )
            )
        text = normalize(str(value)) if value is not None else ""
        if not text:
            return None
        try:
            return parse_id_number(text)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None


class ExcelDateWidget(widgets.DateWidget):
    """Excel date cells, serial numbers, 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105."""

    _DATE_RE = re.compile(
        r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    )

    def clean(self, value, row=None, **kwargs) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return self._checked(value.date())
        if isinstance(value, dt.date):
            return self._checked(value)
        if isinstance(value, bool):
            raise self._error(value)
        if isinstance(value, int | float):
            if float(value).is_integer() and 19000101 <= value <= 21001231:
                return self._from_digits(str(int(value)), value)
            if 1 <= value < 2958466:  # an Excel serial day number in a non-date cell
                return self._checked(from_excel(value).date())
            raise self._error(value)
        text = _cell_text(value)
        if not text:
            return None
        if re.fullmatch(r"\d{8}", text):
            return self._from_digits(text, value)
        match = self._DATE_RE.match(text)
        if not match:
            raise self._error(value)
        try:
            return self._checked(dt.date(*(int(part) for part in match.groups())))
        except ValueError:
            raise self._error(value) from None

    def _from_digits(self, digits: str, original) -> dt.date:
        try:
            return self._checked(dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])))
        except ValueError:
            raise self._error(original) from None

    def _checked(self, value: dt.date) -> dt.date:
        if not 1900 <= value.year <= 2100:
            raise self._error(value.isoformat())
        return value

    @staticmethod
    def _error(value) -> ValueError:
        return ValueError(
            _("“%(value)s” is not a date; please enter it like 2024-01-05.") % {"value": value}
        )


class YesNoWidget(widgets.BooleanWidget):
    TRUE_TEXT = {"是", "Y", "YES", "1", "TRUE", "√", "有"}
    FALSE_TEXT = {"否", "N", "NO", "0", "FALSE", "×", "无"}

    def clean(self, value, row=None, **kwargs) -> bool | None:
        if isinstance(value, bool):
            return value
        text = _cell_text(value).upper()
        if not text:
            return None
        if text in self.TRUE_TEXT:
            return True
        if text in self.FALSE_TEXT:
            return False
        raise ValueError(
            _("“%(value)s” is not understood; please enter %(yes)s or %(no)s.")
            % {"value": value, "yes": YES, "no": NO}
        )


class ContractKindWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str | None:
        text = _cell_text(value)
        if not text:
            return None
        kind = CONTRACT_KINDS.get(text) or (
            text.lower() if text.lower() in Worker.ContractKind.values else None
        )
        if kind is None:
            raise ValueError(
                _("“%(value)s” is not a contract kind; please choose %(choices)s.")
                % {"value": text, "choices": " / ".join(CONTRACT_KINDS)}
            )
        return str(kind)


# --- the resource: which column goes where -------------------------------------------


class WorkerResource(resources.ModelResource):
    """Columns of the worker template. Person columns have no attribute on Worker: the
    importer reads them with ``read_person``; ``import_instance`` fills the rest."""

    name = fields.Field(column_name=NAME, widget=TextWidget(max_length=50), readonly=True)
    id_number = fields.Field(column_name=ID_NUMBER, widget=IdNumberWidget(), readonly=True)
    phone = fields.Field(column_name=PHONE, widget=PhoneWidget(), readonly=True)
    job = fields.Field(attribute="job", column_name=JOB, widget=TextWidget(max_length=50))
    hired_on = fields.Field(attribute="hired_on", column_name=HIRED_ON, widget=ExcelDateWidget())
    contract_kind = fields.Field(
        attribute="contract_kind", column_name=CONTRACT_KIND, widget=ContractKindWidget()
    )
    contract_start = fields.Field(
        attribute="contract_start", column_name=CONTRACT_START, widget=ExcelDateWidget()
    )
    contract_end = fields.Field(
        attribute="contract_end", column_name=CONTRACT_END, widget=ExcelDateWidget()
    )
    social_insurance = fields.Field(
        attribute="social_insurance",
        column_name=SOCIAL_INSURANCE,
        widget=YesNoWidget(),
        default=False,
    )
    insured_since = fields.Field(
        attribute="insured_since", column_name=INSURED_SINCE, widget=ExcelDateWidget()
    )
    health_check_on = fields.Field(
        attribute="health_check_on", column_name=HEALTH_CHECK_ON, widget=ExcelDateWidget()
    )
    accident_insurance_until = fields.Field(
        attribute="accident_insurance_until",
        column_name=ACCIDENT_INSURANCE_UNTIL,
        widget=ExcelDateWidget(),
    )
    certificates = fields.Field(
        attribute="certificates", column_name=CERTIFICATES, widget=TextWidget(max_length=300)
    )
    is_hard_to_employ = fields.Field(
        attribute="is_hard_to_employ",
        column_name=HARD_TO_EMPLOY,
        widget=YesNoWidget(),
        default=False,
    )
    is_graduate = fields.Field(
        attribute="is_graduate", column_name=GRADUATE, widget=YesNoWidget(), default=False
    )

    PERSON_FIELDS = ("name", "id_number", "phone")

    class Meta:
        model = Worker
        fields = (
            "name", "id_number", "phone", "job", "hired_on", "contract_kind", "contract_start",
            "contract_end", "social_insurance", "insured_since", "health_check_on",
            "accident_insurance_until", "certificates", "is_hard_to_employ", "is_graduate",
        )  # fmt: skip
        import_order = fields

    def headers(self) -> list[str]:
        return [f.column_name for f in self.get_import_fields()]

    def column_of(self, attribute: str) -> str:
        return self.fields[attribute].column_name

    def read_person(self, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in self.PERSON_FIELDS:
            column = self.fields[name].column_name
            if column not in row:
                continue
            try:
                values[name] = self.fields[name].clean(row)
            except ValueError as exc:
                errors[column] = str(exc)
        return values, errors

    def read_worker(self, instance: Worker, row: dict[str, Any]) -> dict[str, str]:
        """Set the worker's fields from the row; errors keyed by column name."""
        try:
            self.import_instance(instance, row)
        except ValidationError as exc:
            return {
                self.fields[attribute].column_name: " ".join(messages)
                for attribute, messages in exc.message_dict.items()
            }
        return {}
