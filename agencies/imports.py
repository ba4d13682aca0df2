"""Worker spreadsheet import (从业人员批量导入): its columns and row handlers.

    build_template() -> bytes
    workers_import(actor=, agency=, uploaded_file=) -> ImportResult   (all or nothing)

The reading, the template, the all-or-nothing bulk write and the error list by row and column
are the core's import pipeline (``kunqu_jiafu.imports``); people are created and updated
through ``people_bulk_upsert``. A person who is already a current worker of the agency is
updated, not added twice; the same rules apply as adding one worker by hand.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets
from stdnum.cn import ric

from kunqu_jiafu.imports import jobs
from kunqu_jiafu.imports.models import ImportJob
from kunqu_jiafu.imports.pipeline import Importer, ImportResult, Planned, Row, fill_in
from kunqu_jiafu.imports.spec import DATE_FORMAT, TEXT_FORMAT, Column, ImportSpec, RowError
from kunqu_jiafu.imports.template import build_template as build_spec_template
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
from kunqu_jiafu.people.services import PersonEntry

from . import permissions, services
from .models import Agency, Worker

__all__ = ["ImportResult", "RowError", "build_template", "workers_import"]

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

MAX_ROWS = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024
DATA_SHEET_TITLE = "从业人员"
HELP_SHEET_TITLE = "说明"
TEMPLATE_FILENAME = "从业人员导入模板.xlsx"

# A made-up, checksum-valid number for the template's example row (sequence 000 is never
# issued); a row still carrying it is refused, so the example is never imported by mistake.
_EXAMPLE_BODY = "15020319900101000"
EXAMPLE_ID_NUMBER = _EXAMPLE_BODY + ric.calc_check_digit(_EXAMPLE_BODY + "0")


class ContractKindWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str | None:
        text = cell_text(value)
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


_DATE_NOTE = gettext_lazy("Date, like 2024-01-05.")
_YES_NO_NOTE = gettext_lazy("是 or 否; empty means 否.")


def _date(header, key, note, example, *, required=False, width=13) -> Column:
    return Column(header, key, ExcelDateWidget(), required, None, width, note, example, DATE_FORMAT)


def _yes_no(header, key, example, width) -> Column:
    return Column(
        header, key, YesNoWidget(), False, False, width, _YES_NO_NOTE, example, None, (YES, NO)
    )


# Person columns (name, id_number, phone) go to the person; the others are the worker's
# attributes of the same name.
COLUMNS = (
    Column(NAME, "name", TextWidget(max_length=50), True, "", 10,
           gettext_lazy("The worker's name as on the ID card."), "王芳"),
    Column(ID_NUMBER, "id_number", IdNumberWidget(), True, None, 22,
           gettext_lazy("18-character resident ID number; enter it as text. A final x is read as X."),
           EXAMPLE_ID_NUMBER, TEXT_FORMAT),
    Column(PHONE, "phone", PhoneWidget(), False, "", 15,
           gettext_lazy("Mobile or landline number."), "13900000000", TEXT_FORMAT),
    Column(JOB, "job", TextWidget(max_length=50), True, "", 14,
           gettext_lazy("For example 家政服务员, 养老护理员, 育婴员."), "家政服务员"),
    _date(HIRED_ON, "hired_on", _DATE_NOTE, dt.date(2024, 1, 5), required=True),
    Column(CONTRACT_KIND, "contract_kind", ContractKindWidget(), True, None, 12,
           gettext_lazy("Choose 劳动合同 (labour contract) or 服务协议 (service agreement)."),
           "劳动合同", None, tuple(CONTRACT_KINDS)),
    _date(CONTRACT_START, "contract_start", _DATE_NOTE, dt.date(2024, 1, 5), required=True,
          width=14),
    _date(CONTRACT_END, "contract_end",
          gettext_lazy("Date; leave empty for an open-ended contract. Not before the start."),
          dt.date(2027, 1, 4), width=14),
    _yes_no(SOCIAL_INSURANCE, "social_insurance", YES, 14),
    _date(INSURED_SINCE, "insured_since",
          gettext_lazy("Required when social insurance is 是."), dt.date(2024, 1, 5)),
    _date(HEALTH_CHECK_ON, "health_check_on",
          gettext_lazy("Date of the last health check; not in the future."),
          dt.date(2025, 6, 1), width=14),
    _date(ACCIDENT_INSURANCE_UNTIL, "accident_insurance_until",
          gettext_lazy("Last day the accident insurance is valid."), dt.date(2026, 12, 31),
          width=15),
    Column(CERTIFICATES, "certificates", TextWidget(max_length=300), False, "", 28,
           gettext_lazy("Training taken and certificates held, up to 300 characters."),
           "家政服务员（四级）"),
    _yes_no(HARD_TO_EMPLOY, "is_hard_to_employ", NO, 13),
    _yes_no(GRADUATE, "is_graduate", NO, 12),
)  # fmt: skip
HEADERS = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS = tuple(c.header for c in COLUMNS if c.required)
PERSON_KEYS = ("name", "id_number", "phone")


def _help_rules() -> list[str]:
    return [
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


SPEC = ImportSpec(
    columns=COLUMNS,
    sheet_title=DATA_SHEET_TITLE,
    max_rows=MAX_ROWS,
    max_bytes=MAX_FILE_BYTES,
    too_many_rows=gettext_lazy(
        "The file has more than %(max)s worker rows; please split it into files of at "
        "most %(max)s rows."
    ),
    no_rows=gettext_lazy("The file contains no worker rows; please fill them in from row 2."),
    example_id_number=EXAMPLE_ID_NUMBER,
    example_row=gettext_lazy(
        "This is the template's example row; replace it with a real worker or delete it."
    ),
    template_filename=TEMPLATE_FILENAME,
    template_fallback="worker-import-template.xlsx",
    help_title=gettext_lazy("How to fill in the worker import template"),
    help_rules=_help_rules,
    help_sheet_title=HELP_SHEET_TITLE,
)


def build_template() -> bytes:
    """The worker import template: header, one example row, 说明 sheet, drop-down lists."""
    return build_spec_template(SPEC)


def workers_import(*, actor, agency: Agency, uploaded_file, progress=None) -> ImportResult:
    """Create or update the agency's workers from a filled-in template, all or nothing."""
    return WorkerImport(actor, agency, progress=progress).run(uploaded_file)


def start_workers_import(*, actor, agency: Agency, uploaded_file, via_admin: bool = False):
    """Screen the upload now and queue its import job (``kunqu_jiafu.imports.jobs``); the
    job's page shows the progress, then the outcome. Refused uploads raise at once."""
    allowed, reason = permissions.can_import_workers(actor, agency)
    if not allowed:
        raise PermissionDenied(reason)
    return jobs.start_job(
        actor=actor,
        kind=ImportJob.Kind.WORKERS,
        spec=SPEC,
        agency=agency,
        uploaded_file=uploaded_file,
        via_admin=via_admin,
    )


def run_worker_job(job: ImportJob, uploaded_file, progress) -> tuple[str, dict]:
    """The import task's work for a worker file: the whole import, all or nothing."""
    result = workers_import(
        actor=job.created_by, agency=job.agency, uploaded_file=uploaded_file, progress=progress
    )
    status = ImportJob.Status.DONE if result.ok else ImportJob.Status.REFUSED
    return status, jobs.outcome_of(result)


_REQUIRED_ATTRIBUTES = ("job", "hired_on", "contract_kind", "contract_start")


class WorkerImport(Importer):
    spec = SPEC
    model = Worker
    update_fields = (*services.WORKER_FIELDS, "updated_at")
    audit_action = "agencies.worker.imported"
    conflict_message = gettext_lazy(
        "Some of these people or workers were saved by someone else at the same time; "
        "please import the file again."
    )

    def __init__(self, actor, agency: Agency, *, progress=None) -> None:
        super().__init__(actor, progress=progress)
        self.agency = agency

    def check_permission(self) -> None:
        allowed, reason = permissions.can_import_workers(self.actor, self.agency)
        if not allowed:
            raise PermissionDenied(reason)

    def lock(self) -> None:
        # One import per agency at a time; the lock is held until the writes commit.
        list(
            Agency.objects.select_for_update()
            .filter(pk=self.agency.pk)
            .values_list("pk", flat=True)
        )

    def audit_target(self) -> Agency:
        return self.agency

    def prepare(self, rows: list[Row], *, lock: bool) -> None:
        # Two queries for the whole file: the people by blind index, their jobs at this agency
        # (locked until the import commits, so no edit made meanwhile is silently overwritten).
        self.people = self.recorded_people(rows)
        workers = Worker.objects.filter(
            agency=self.agency,
            left_on__isnull=True,
            person_id__in=[p.pk for p in self.people.values()],
        )
        if lock:
            workers = workers.select_for_update()
        self.workers = {w.person_id: w for w in workers}

    def check_row(self, row: Row) -> Planned | None:
        parsed = row.values.get("id_number")
        name = row.values.get("name", "")
        if not name and NAME not in row.errors:
            row.errors[NAME] = fill_in(NAME)
        if parsed is None and ID_NUMBER not in row.errors:
            row.errors[ID_NUMBER] = fill_in(ID_NUMBER)
        person = worker = None
        if parsed is not None:
            self.check_identity(row, parsed)
            person = self.people.get(parsed.number)
            if person is not None:
                self.check_name(row, person, name)
                worker = self.workers.get(person.pk)
        is_update = worker is not None
        worker = worker if worker is not None else Worker(agency=self.agency)
        before = [getattr(worker, key) for key in services.WORKER_FIELDS]
        for column in COLUMNS:
            if column.key in PERSON_KEYS or column.header in row.errors:
                continue
            if column.header in row.cells:
                setattr(worker, column.key, row.values.get(column.key, column.empty))
        changed = before != [getattr(worker, key) for key in services.WORKER_FIELDS]
        self._check_worker(worker, row)
        if row.errors:
            return None
        entry = PersonEntry(parsed, name, row.values.get("phone", ""))
        return Planned(row.number, entry, person, worker, is_update, changed)

    def _check_worker(self, worker: Worker, row: Row) -> None:
        for key in _REQUIRED_ATTRIBUTES:
            column = SPEC.header_of(key)
            if getattr(worker, key) in (None, "") and column not in row.errors:
                row.errors[column] = fill_in(column)
        data = {key: getattr(worker, key) for key in services.WORKER_FIELDS}
        try:
            # The same rules as adding one worker by hand.
            services._validate_worker(data)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                row.error(SPEC.header_of(key), " ".join(messages))
