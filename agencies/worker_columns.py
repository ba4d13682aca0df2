"""Columns of the worker import (从业人员批量导入): names, widgets and the Resource.

The django-import-export ``WorkerResource`` maps the Chinese columns to model fields and
its widgets turn Excel cells (dates, 是/否, full-width digits) into Python values.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from stdnum.cn import ric

from kunqu_jiafu.documents.spreadsheets import (  # noqa: F401 (re-exported)
    NO,
    YES,
    ExcelDateWidget,
    IdNumberWidget,
    PhoneWidget,
    TextWidget,
    YesNoWidget,
    cell_text,
)

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


# Widgets live in the shared spreadsheet module; re-exported here for the worker import.
_cell_text = cell_text


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
