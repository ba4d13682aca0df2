"""Worker spreadsheet import (从业人员批量导入) and the Excel template it reads.

The django-import-export ``WorkerResource`` maps the Chinese columns to model fields and
its widgets turn Excel cells into Python values (``Resource.import_instance``). The
writing is ours: the library's own ``import_data`` saves row by row (8.5× slower and one
query per row, see FIELD-NOTES) and, keyed on the ID number with ``use_bulk``, reports a
failed re-import as updated. So we validate every row first, then write everything in
bulk (a few statements whatever the row count) in one transaction, or nothing at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.cn import ric

from kunqu_jiafu import audit
from kunqu_jiafu.documents.sniff import LABELS, XLSX, sniff
from kunqu_jiafu.people.crypto import blind_index
from kunqu_jiafu.people.idcard import ParsedId, normalize, parse_id_number
from kunqu_jiafu.people.models import Person

from . import permissions, services
from .models import Agency, Worker

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


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it; the header is row 1
    field: str  # the Chinese column name
    message: str


@dataclass
class ImportResult:
    ok: bool
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


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


# --- reading the file ------------------------------------------------------------------


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _normalise_header(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().strip("*").strip()


def _read_xlsx(uploaded_file) -> list[tuple[Any, ...]]:
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged archive
        raise _file_error(
            _(
                "The Excel file could not be read; it may be damaged. Please save it again as "
                ".xlsx and upload it."
            )
        ) from None
    try:
        sheet = (
            workbook[DATA_SHEET_TITLE]
            if DATA_SHEET_TITLE in workbook.sheetnames
            else workbook.worksheets[0]
        )
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(values)
            if len(rows) > MAX_ROWS + 1 and any(v not in (None, "") for v in values):
                break
        return rows
    except Exception:
        raise _file_error(
            _(
                "The Excel file could not be read; it may be damaged. Please save it again as "
                ".xlsx and upload it."
            )
        ) from None
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[Any, ...]]:
    if b"\x00" in data:
        raise _file_error(_("This file is not a CSV text file; please upload the Excel template."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _file_error(
            _(
                "The CSV file could not be read as text; please save it as CSV (UTF-8) and upload "
                "it again."
            )
        )
    return [tuple(record) for record in csv.reader(io.StringIO(text, newline=""))]


def _file_size(uploaded_file) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is not None:
        return size
    position = uploaded_file.tell()
    uploaded_file.seek(0, io.SEEK_END)
    size = uploaded_file.tell()
    uploaded_file.seek(position)
    return size


def read_rows(uploaded_file) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row number, {column: cell}) for every non-empty data row; file problems raise."""
    if _file_size(uploaded_file) > MAX_FILE_BYTES:
        raise _file_error(
            _("The file is larger than %(size)s MB; please split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    uploaded_file.seek(0)
    kind = sniff(uploaded_file)
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if kind == XLSX:
        table = _read_xlsx(uploaded_file)
    elif kind is None and name.endswith(".csv"):
        uploaded_file.seek(0)
        table = _read_csv(uploaded_file.read())
    else:
        uploaded_file.seek(0)
        if uploaded_file.read(8).startswith(b"\xd0\xcf\x11\xe0"):
            raise _file_error(
                _(
                    "This is an old-format Excel file (.xls); please save it as .xlsx (Excel "
                    "Workbook) and upload it again."
                )
            )
        if kind is None:
            raise _file_error(
                _(
                    "This file is not an Excel workbook (.xlsx) or a CSV file; please download "
                    "the template, fill it in and upload it."
                )
            )
        raise _file_error(
            _(
                "This file is a %(kind)s, not an Excel workbook (.xlsx) or a CSV file; please "
                "download the template, fill it in and upload it."
            )
            % {"kind": LABELS[kind]}
        )

    if not table or not any(v not in (None, "") for v in table[0]):
        raise _file_error(_("The sheet is empty; the first row must be the template's header row."))
    headers = [_normalise_header(v) for v in table[0]]
    positions: dict[str, int] = {}
    known = set(WorkerResource().headers())
    for index, header in enumerate(headers):
        if header in known:
            if header in positions:
                raise _file_error(
                    _(
                        "The column %(column)s appears twice in the header row; please keep only "
                        "one."
                    )
                    % {"column": header}
                )
            positions[header] = index
    missing = [h for h in REQUIRED_HEADERS if h not in positions]
    if missing:
        raise _file_error(
            _(
                "The header row (row 1) is missing these columns: %(columns)s. Please use the "
                "template and keep its header row unchanged."
            )
            % {"columns": "、".join(missing)}
        )

    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(table[1:], start=2):
        if not any(v not in (None, "") and str(v).strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise _file_error(
                _(
                    "The file has more than %(max)s worker rows; please split it into files of at "
                    "most %(max)s rows."
                )
                % {"max": MAX_ROWS}
            )
        rows.append(
            (number, {h: values[i] if i < len(values) else None for h, i in positions.items()})
        )
    if not rows:
        raise _file_error(_("The file contains no worker rows; please fill them in from row 2."))
    return rows


# --- the import ------------------------------------------------------------------------


@dataclass
class _Planned:
    row: int
    person: ParsedId
    name: str
    phone: str
    worker: Worker
    existing_person: Person | None
    is_update: bool
    changed: bool


def workers_import(*, actor, agency: Agency, uploaded_file) -> ImportResult:
    """Create or update the agency's workers from a filled-in template, all or nothing."""
    allowed, reason = permissions.can_manage_workers(actor, agency)
    if not allowed:
        raise PermissionDenied(reason)
    rows = read_rows(uploaded_file)
    resource = WorkerResource()

    with transaction.atomic():
        # One import per agency at a time; the lock is held until the writes commit.
        list(Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk", flat=True))
        plan, errors = _plan(resource, agency, rows)
        if errors:
            return ImportResult(ok=False, errors=errors)
        try:
            with transaction.atomic():
                created, updated = _write(plan, agency)
        except IntegrityError:
            raise _file_error(
                _(
                    "Some of these people or workers were saved by someone else at the same time; "
                    "please import the file again."
                )
            ) from None
        audit.log(
            actor,
            agency,
            "agencies.worker.imported",
            after={"created": created, "updated": updated},
        )
    return ImportResult(ok=True, created=created, updated=updated)


def _plan(
    resource: WorkerResource, agency: Agency, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[list[_Planned], list[RowError]]:
    errors: list[RowError] = []
    person_values = []
    for _number, row in rows:
        values, row_errors = resource.read_person(row)
        person_values.append((values, row_errors))

    # Two queries for the whole file: the people by blind index, their jobs at this agency
    # (locked until the import commits, so no edit made meanwhile is silently overwritten).
    hashes = {
        blind_index(values["id_number"].number)
        for values, _errors in person_values
        if values.get("id_number") is not None
    }
    people = {p.id_hash: p for p in Person.objects.filter(id_hash__in=hashes)}
    workers = {
        w.person_id: w
        for w in Worker.objects.select_for_update().filter(
            agency=agency, left_on__isnull=True, person_id__in=[p.pk for p in people.values()]
        )
    }

    plan: list[_Planned] = []
    seen: dict[str, int] = {}
    for (number, row), (values, row_errors) in zip(rows, person_values, strict=True):
        parsed: ParsedId | None = values.get("id_number")
        name: str = values.get("name") or ""
        if not name and NAME not in row_errors:
            row_errors[NAME] = _("Please fill in %(column)s.") % {"column": NAME}
        if parsed is None and ID_NUMBER not in row_errors:
            row_errors[ID_NUMBER] = _("Please fill in %(column)s.") % {"column": ID_NUMBER}

        person = worker = None
        if parsed is not None:
            if parsed.number == EXAMPLE_ID_NUMBER:
                row_errors[ID_NUMBER] = _(
                    "This is the template's example row; replace it with a real worker or delete "
                    "it."
                )
            elif parsed.number in seen:
                row_errors[ID_NUMBER] = _(
                    "This ID number already appears in row %(row)s; each person may appear only "
                    "once."
                ) % {"row": seen[parsed.number]}
            else:
                seen[parsed.number] = number
            person = people.get(blind_index(parsed.number))
            if person is not None:
                if name and person.name != name and NAME not in row_errors:
                    row_errors[NAME] = _(
                        "This ID number is already registered under the name %(name)s; "
                        "please check the name or the ID number."
                    ) % {"name": person.name}
                worker = workers.get(person.pk)

        is_update = worker is not None
        if worker is None:
            worker = Worker(agency=agency)
        before = [getattr(worker, name) for name in services.WORKER_FIELDS]
        for column, message in resource.read_worker(worker, row).items():
            row_errors.setdefault(column, message)
        changed = before != [getattr(worker, name) for name in services.WORKER_FIELDS]
        _check_worker(resource, worker, row_errors)

        if row_errors:
            errors.extend(
                RowError(number, column, message) for column, message in row_errors.items()
            )
        else:
            plan.append(
                _Planned(
                    number,
                    parsed,
                    name,
                    values.get("phone") or "",
                    worker,
                    person,
                    is_update,
                    changed,
                )
            )
    order = {header: i for i, header in enumerate(resource.headers())}
    errors.sort(key=lambda e: (e.row, order.get(e.field, 99)))
    return plan, errors


_REQUIRED_ATTRIBUTES = ("job", "hired_on", "contract_kind", "contract_start")


def _check_worker(resource: WorkerResource, worker: Worker, row_errors: dict[str, str]) -> None:
    for attribute in _REQUIRED_ATTRIBUTES:
        column = resource.column_of(attribute)
        if getattr(worker, attribute) in (None, "") and column not in row_errors:
            row_errors[column] = _("Please fill in %(column)s.") % {"column": column}
    data = {name: getattr(worker, name) for name in services.WORKER_FIELDS}
    try:
        # The same rules as adding one worker by hand.
        services._validate_worker(data)
    except ValidationError as exc:
        for attribute, messages in exc.message_dict.items():
            column = resource.column_of(attribute)
            row_errors.setdefault(column, " ".join(messages))


def _save_existing(model, objs: list, update_fields: list[str]) -> None:
    """``bulk_update`` for many rows: one INSERT .. ON CONFLICT (id) DO UPDATE per batch.

    Django's ``bulk_update`` builds a CASE expression per field per row: 6 s for 2,000
    workers. Every object here is a complete row just read from the table (locked), so the
    insert half never happens; only ``update_fields`` are written (``created_at`` is kept).
    """
    model.objects.bulk_create(
        objs, update_conflicts=True, unique_fields=["id"], update_fields=update_fields
    )


def _write(plan: list[_Planned], agency: Agency) -> tuple[int, int]:
    new_people: list[Person] = []
    phone_changed: list[Person] = []
    for item in plan:
        if item.existing_person is None:
            person = Person(
                name=item.name,
                phone=item.phone,
                birth_date=item.person.birth_date,
                sex=item.person.sex,
                area_known=item.person.area_known,
            )
            person.set_id_number(item.person.number)
            new_people.append(person)
            item.existing_person = person
        elif item.phone and item.existing_person.phone != item.phone:
            item.existing_person.phone = item.phone
            phone_changed.append(item.existing_person)
    Person.objects.bulk_create(new_people)
    _save_existing(Person, phone_changed, ["phone", "updated_at"])

    new_workers, changed_workers, updated = [], [], 0
    for item in plan:
        if item.is_update:
            updated += 1
            if item.changed:  # an unchanged worker keeps its updated_at
                changed_workers.append(item.worker)
        else:
            item.worker.person = item.existing_person
            item.worker.agency = agency
            new_workers.append(item.worker)
    Worker.objects.bulk_create(new_workers)
    _save_existing(Worker, changed_workers, [*services.WORKER_FIELDS, "updated_at"])
    return len(new_workers), updated


# --- the template ----------------------------------------------------------------------


@dataclass(frozen=True)
class _ColumnHelp:
    width: int
    required: bool
    note: Any  # lazy text
    example: Any


_COLUMN_HELP = {
    NAME: _ColumnHelp(10, True, gettext_lazy("The worker's name as on the ID card."), "王芳"),
    ID_NUMBER: _ColumnHelp(
        22,
        True,
        gettext_lazy("18-character resident ID number; enter it as text. A final x is read as X."),
        EXAMPLE_ID_NUMBER,
    ),
    PHONE: _ColumnHelp(15, False, gettext_lazy("Mobile or landline number."), "13900000000"),
    JOB: _ColumnHelp(
        14, True, gettext_lazy("For example 家政服务员, 养老护理员, 育婴员."), "家政服务员"
    ),
    HIRED_ON: _ColumnHelp(13, True, gettext_lazy("Date, like 2024-01-05."), dt.date(2024, 1, 5)),
    CONTRACT_KIND: _ColumnHelp(
        12,
        True,
        gettext_lazy("Choose 劳动合同 (labour contract) or 服务协议 (service agreement)."),
        "劳动合同",
    ),
    CONTRACT_START: _ColumnHelp(
        14, True, gettext_lazy("Date, like 2024-01-05."), dt.date(2024, 1, 5)
    ),
    CONTRACT_END: _ColumnHelp(
        14,
        False,
        gettext_lazy("Date; leave empty for an open-ended contract. Not before the start."),
        dt.date(2027, 1, 4),
    ),
    SOCIAL_INSURANCE: _ColumnHelp(14, False, gettext_lazy("是 or 否; empty means 否."), YES),
    INSURED_SINCE: _ColumnHelp(
        13, False, gettext_lazy("Required when social insurance is 是."), dt.date(2024, 1, 5)
    ),
    HEALTH_CHECK_ON: _ColumnHelp(
        14,
        False,
        gettext_lazy("Date of the last health check; not in the future."),
        dt.date(2025, 6, 1),
    ),
    ACCIDENT_INSURANCE_UNTIL: _ColumnHelp(
        15, False, gettext_lazy("Last day the accident insurance is valid."), dt.date(2026, 12, 31)
    ),
    CERTIFICATES: _ColumnHelp(
        28,
        False,
        gettext_lazy("Training taken and certificates held, up to 300 characters."),
        "家政服务员（四级）",
    ),
    HARD_TO_EMPLOY: _ColumnHelp(13, False, gettext_lazy("是 or 否; empty means 否."), NO),
    GRADUATE: _ColumnHelp(12, False, gettext_lazy("是 or 否; empty means 否."), NO),
}

_DATE_COLUMNS = {
    HIRED_ON,
    CONTRACT_START,
    CONTRACT_END,
    INSURED_SINCE,
    HEALTH_CHECK_ON,
    ACCIDENT_INSURANCE_UNTIL,
}
_YES_NO_COLUMNS = {SOCIAL_INSURANCE, HARD_TO_EMPLOY, GRADUATE}
_TEXT_COLUMNS = {ID_NUMBER, PHONE}


def build_template() -> bytes:
    """The worker import template: header, one example row, 说明 sheet, drop-down lists."""
    headers = WorkerResource().headers()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET_TITLE
    sheet.append(headers)
    sheet.append([_COLUMN_HELP[h].example for h in headers])
    sheet.freeze_panes = "A2"
    _print_landscape_one_page_wide(sheet)

    required_fill = PatternFill("solid", fgColor="FCE4D6")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    last_row = MAX_ROWS + 1
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        spec = _COLUMN_HELP[header]
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if spec.required else "000000")
        cell.fill = required_fill if spec.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        example = sheet.cell(row=2, column=index)
        example.font = Font(italic=True, color="808080")
        column = sheet.column_dimensions[letter]
        column.width = spec.width
        if header in _DATE_COLUMNS:
            column.number_format = "yyyy-mm-dd"
            example.number_format = "yyyy-mm-dd"
        elif header in _TEXT_COLUMNS:
            column.number_format = "@"
            example.number_format = "@"

    def add_list(options: str, header: str, title: str) -> None:
        letter = get_column_letter(headers.index(header) + 1)
        validation = DataValidation(
            type="list", formula1=f'"{options}"', allow_blank=True, showErrorMessage=True
        )
        validation.errorTitle = title
        validation.error = _("Please choose a value from the list.")
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)

    add_list(",".join(CONTRACT_KINDS), CONTRACT_KIND, CONTRACT_KIND)
    for header in sorted(_YES_NO_COLUMNS, key=headers.index):
        add_list(f"{YES},{NO}", header, header)

    _add_help_sheet(workbook.create_sheet(HELP_SHEET_TITLE), headers)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _print_landscape_one_page_wide(sheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _add_help_sheet(sheet, headers: list[str]) -> None:
    _print_landscape_one_page_wide(sheet)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 80
    sheet.append([_("How to fill in the worker import template")])
    sheet["A1"].font = Font(bold=True, size=14)
    rules = [
        _(
            "Fill in one worker per row on the sheet %(sheet)s, from row 2; keep the header row "
            "unchanged."
        )
        % {"sheet": DATA_SHEET_TITLE},
        _("Row 2 is an example (grey): overwrite it with a real worker or delete it."),
        _("Columns with a red header must be filled in."),
        _("Dates like 2024-01-05; 2024/1/5 and 2024.1.5 are also accepted."),
        _("At most %(max)s workers per file. A CSV file with the same header row is also accepted.")
        % {"max": MAX_ROWS},
        _("A person who is already a current worker of your agency is updated, not added twice."),
        _(
            "If any row has a mistake, nothing is imported: every mistake is listed by row and "
            "column; correct them and upload the file again."
        ),
    ]
    for number, rule in enumerate(rules, start=1):
        sheet.append([f"{number}. {rule}"])
    sheet.append([])
    sheet.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for header in headers:
        spec = _COLUMN_HELP[header]
        sheet.append([header, YES if spec.required else NO, str(spec.note)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.column == 3, vertical="top")
