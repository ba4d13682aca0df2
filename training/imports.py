"""Training roster import (培训花名册导入): its columns and row handlers.

    build_roster_template() -> bytes
    roster_preview(actor=, course=, uploaded_file=) -> RosterPreview   (reads, writes nothing)
    roster_import(actor=, course=, uploaded_file=) -> ImportResult     (one transaction)

The reading, the template, the preview, the all-or-nothing bulk write and the error list by
row and column are the core's import pipeline (``kunqu_jiafu.imports``); people are created
and updated through ``people_bulk_upsert``. Both steps run the same checks. A person already
enrolled in the course is an UPDATE of their attendance, exam and certificate (a provider
re-imports the roster as the course goes on); an empty cell leaves the recorded value alone.
Everything else is a new enrolment, and a new person where the ID number is not known yet.
The column names are the file format, so they stay Chinese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies import selectors as agency_selectors
from agencies.models import Street
from kunqu_jiafu.imports import jobs
from kunqu_jiafu.imports.models import ImportJob
from kunqu_jiafu.imports.pipeline import (
    Importer,
    ImportResult,
    Planned,
    Preview,
    PreviewLine,
    Row,
    fill_in,
)
from kunqu_jiafu.imports.reading import Sheet, file_error
from kunqu_jiafu.imports.spec import ImportSpec, RowError
from kunqu_jiafu.imports.template import build_template, template_response
from kunqu_jiafu.people.crypto import blind_index
from kunqu_jiafu.people.idcard import ParsedId, parse_id_number
from kunqu_jiafu.people.services import PersonEntry

from . import permissions
from .models import Course, Enrolment
from .roster_columns import (
    CERTIFICATE_NUMBER,
    COLUMN_OF,
    COLUMNS,
    COMPLETED,
    COURSE_NAME,
    COURSE_START,
    DATA_SHEET_TITLE,
    EXAMPLE_ID_NUMBER,
    HEADER_ALIASES,
    HEADER_SCAN_ROWS,
    HELP_SHEET_TITLE,
    ID_NUMBER,
    KEY,
    MAX_FILE_BYTES,
    MAX_ROWS,
    NAME,
    PERSON_FLAGS,
    RECORD_KEYS,
    STREET,
    TEMPLATE_FILENAME,
)

__all__ = [
    "ImportResult",
    "PreviewLine",
    "RosterPreview",
    "RowError",
    "build_roster_template",
    "roster_import",
    "roster_preview",
]


def _help_rules() -> list[str]:
    return [
        _(
            "Fill in one trainee per row on the sheet %(sheet)s, from row 2; keep the header "
            "row unchanged."
        )
        % {"sheet": DATA_SHEET_TITLE},
        _("Row 2 is an example (grey): overwrite it with a real trainee or delete it."),
        _(
            "A roster exported from the system has these same columns: record attendance and "
            "results in it and upload it again. Where it shows a masked ID number, the column "
            "%(key)s identifies the trainee; leave it as it is."
        )
        % {"key": KEY},
        _(
            "Your own roster works too: a title row above the header row is skipped, and "
            "columns the system does not know are listed in the preview and not imported."
        ),
        _("Columns with a red header must be filled in."),
        _("Dates like 2025-06-30; 2025/6/30, 2025.6.30 and 2025年6月30日 are also accepted."),
        _(
            "At most %(max)s trainees per file. A CSV file with the same header row is also "
            "accepted."
        )
        % {"max": MAX_ROWS},
        _(
            "A trainee already enrolled in the course is updated (hours, completion, exam, "
            "certificate), not enrolled twice; an empty cell leaves the recorded value alone."
        ),
        _(
            "Before anything is saved you see a preview: if any row has a mistake, nothing is "
            "imported and every mistake is listed by row and column."
        ),
    ]


SPEC = ImportSpec(
    columns=COLUMNS,
    sheet_title=DATA_SHEET_TITLE,
    max_rows=MAX_ROWS,
    max_bytes=MAX_FILE_BYTES,
    too_many_rows=gettext_lazy(
        "The file has more than %(max)s trainee rows; please split it into files of at "
        "most %(max)s rows."
    ),
    no_rows=gettext_lazy("The file contains no trainee rows; please fill them in from row 2."),
    example_id_number=EXAMPLE_ID_NUMBER,
    example_row=gettext_lazy(
        "This is the template's example row; replace it with a real trainee or delete it."
    ),
    template_filename=TEMPLATE_FILENAME,
    template_fallback="training-roster-template.xlsx",
    help_title=gettext_lazy("How to fill in the training roster template"),
    help_rules=_help_rules,
    help_sheet_title=HELP_SHEET_TITLE,
    help_column_width=14,
    read_required=(NAME,),  # 报名编号 may stand for 身份证号
    aliases=HEADER_ALIASES,
    header_scan=HEADER_SCAN_ROWS,
)


@dataclass
class RosterPreview(Preview):
    places_left: int = 0


def build_roster_template() -> bytes:
    """The roster import template: header, one grey example row, 说明 sheet, drop-downs."""
    return build_template(SPEC)


def roster_template_download():
    """The template as a download (Chinese file name with an ASCII fallback)."""
    return template_response(SPEC)


def roster_preview(*, actor, course: Course, uploaded_file) -> RosterPreview:
    """Every problem of the file by row and column, and what the import would do."""
    importer = RosterImport(actor, course)
    preview = importer.preview(uploaded_file)
    preview.places_left = importer.places_left
    return preview


def roster_import(*, actor, course: Course, uploaded_file) -> ImportResult:
    """Enrol and update the file's trainees, all or nothing, in one transaction."""
    return RosterImport(actor, course).run(uploaded_file)


def start_roster_check(*, actor, course: Course, uploaded_file, via_admin: bool = False):
    """Screen the upload now and queue the job that checks it (the preview); the job's page
    shows the progress, then every problem or the confirm button, which queues the write."""
    allowed, reason = permissions.can_manage_course(actor, course)
    if not allowed:
        raise PermissionDenied(reason)
    return jobs.start_job(
        actor=actor,
        kind=ImportJob.Kind.ROSTER,
        spec=SPEC,
        agency=course.provider,
        uploaded_file=uploaded_file,
        step=ImportJob.Step.CHECK,
        target_id=course.pk,
        via_admin=via_admin,
    )


def run_roster_job(job: ImportJob, uploaded_file, progress) -> tuple[str, dict]:
    """The import task's work for a roster: the check (preview), or the write once confirmed;
    the write checks every row again under the course lock, all or nothing."""
    course = Course.objects.select_related("provider").filter(pk=job.target_id).first()
    if course is None:
        raise PermissionDenied(_("The course of this import no longer exists."))
    importer = RosterImport(job.created_by, course, progress=progress)
    if job.step == ImportJob.Step.CHECK:
        preview = importer.preview(uploaded_file)
        preview.places_left = importer.places_left
        status = ImportJob.Status.CHECKED if preview.ok else ImportJob.Status.REFUSED
        return status, jobs.outcome_of(preview)
    result = importer.run(uploaded_file)
    return (ImportJob.Status.DONE if result.ok else ImportJob.Status.REFUSED), jobs.outcome_of(
        result
    )


class RosterImport(Importer):
    spec = SPEC
    model = Enrolment
    update_fields = (*RECORD_KEYS, "street")
    audit_action = "training.roster.imported"
    preview_class = RosterPreview
    conflict_message = gettext_lazy(
        "Some of these people, enrolments or certificate numbers were saved by someone else at "
        "the same time; please import the file again."
    )

    def __init__(self, actor, course: Course, *, progress=None) -> None:
        super().__init__(actor, progress=progress)
        self.course = course
        self.places_left = 0

    def check_permission(self) -> None:
        allowed, reason = permissions.can_manage_course(self.actor, self.course)
        if not allowed:
            raise PermissionDenied(reason)

    def lock(self) -> None:
        # The course row is locked until the writes commit: capacity holds against a
        # concurrent enrolment or import.
        self.course = Course.objects.select_for_update(of=("self",)).get(pk=self.course.pk)

    def audit_target(self) -> Course:
        return self.course

    def audit_after(self, result: ImportResult) -> dict[str, Any]:
        return super().audit_after(result) | {"new_people": result.new_people}

    def read(self, uploaded_file) -> Sheet:
        sheet = super().read(uploaded_file)
        present = sheet.rows[0][1].keys()
        if ID_NUMBER not in present and KEY not in present:
            raise file_error(
                _(
                    "The header row (row %(row)s) has neither %(id)s nor %(key)s; please add the "
                    "column %(id)s, or upload the roster exported from the system, which has "
                    "%(key)s."
                )
                % {"row": sheet.header_row, "id": ID_NUMBER, "key": KEY}
            )
        return sheet

    def clean(self, number: int, cells: dict[str, Any]) -> Row:
        if "*" not in str(cells.get(ID_NUMBER) or ""):
            return super().clean(number, cells)
        # A masked number from an exported roster: the enrolment key stands for it.
        row = super().clean(number, {h: v for h, v in cells.items() if h != ID_NUMBER})
        row.cells = cells
        if not str(cells.get(KEY) or "").strip():
            row.errors[ID_NUMBER] = _(
                "This ID number is masked; enter the full number, or keep the column %(key)s of "
                "the roster exported from the system."
            ) % {"key": KEY}
        return row

    def prepare(self, rows: list[Row], *, lock: bool) -> None:
        """Four queries for the whole file: people, the course's enrolments, streets,
        certificate numbers."""
        self.people = self.recorded_people(rows)
        enrolments = Enrolment.objects.filter(course=self.course).select_related("person")
        if lock:
            enrolments = enrolments.select_for_update(of=("self",))
        self.enrolments = {e.person_id: e for e in enrolments}
        self.by_key = {e.key: e for e in self.enrolments.values()}
        self.streets = _streets() if any("street" in row.values for row in rows) else {}
        numbers = {
            row.values["certificate_number"] for row in rows if "certificate_number" in row.values
        }
        self.certificate_holder = dict(
            Enrolment.objects.filter(certificate_number__in=numbers).values_list(
                "certificate_number", "pk"
            )
        )
        self.today = timezone.localdate()
        self.places_left = max(self.course.capacity - len(self.enrolments), 0)
        self.new_rows = 0
        self.seen_certificates: dict[str, int] = {}

    def check_row(self, row: Row) -> Planned | None:
        values = row.values
        name: str = values.get("name", "")
        if not name and NAME not in row.errors:
            row.errors[NAME] = fill_in(NAME)
        keyed, parsed = self._check_key(row, values.get("id_number"))
        if parsed is None and ID_NUMBER not in row.errors and KEY not in row.errors:
            row.errors[ID_NUMBER] = fill_in(ID_NUMBER)
        _check_course(self.course, values, row.errors)
        street = self._street(row)
        person = existing = None
        duplicate = False
        if parsed is not None:
            duplicate = self.check_identity(row, parsed)
            person = self.people.get(parsed.number)
            if person is None and keyed is not None:
                person = keyed.person
            if person is not None:
                self.check_name(row, person, name)
                existing = self.enrolments.get(person.pk)
            if existing is None and not duplicate:
                self._count_new(row)
        enrolment = existing if existing is not None else Enrolment(course=self.course)
        before = [getattr(enrolment, key) for key in (*RECORD_KEYS, "street_id")]
        record = {key: getattr(enrolment, key) for key in RECORD_KEYS} | {
            key: values[key] for key in RECORD_KEYS if key in values
        }
        _check_record(self.course, record, values, row.errors, self.today)
        self._check_certificate(row, record["certificate_number"], enrolment)
        if parsed is None or duplicate:
            return None
        for key, value in record.items():
            setattr(enrolment, key, value)
        if street is not None:
            enrolment.street = street
        facts = {key: values[key] for key in PERSON_FLAGS if key in values}
        return Planned(
            row=row.number,
            entry=PersonEntry(parsed, name, values.get("phone", ""), facts),
            person=person,
            record=enrolment,
            is_update=existing is not None,
            changed=before != [getattr(enrolment, key) for key in (*RECORD_KEYS, "street_id")],
        )

    def _check_key(
        self, row: Row, parsed: ParsedId | None
    ) -> tuple[Enrolment | None, ParsedId | None]:
        """The enrolment an exported roster's 报名编号 names, and the ID number it stands for."""
        if "key" not in row.values:
            return None, parsed
        keyed = self.by_key.get(row.values["key"])
        if KEY in row.errors:
            return keyed, parsed
        if keyed is None:
            row.errors[KEY] = _(
                "No trainee of this course has the %(key)s “%(value)s”; keep the number as "
                "the exported roster has it, or clear it and enter the full ID number."
            ) % {"key": KEY, "value": row.values["key"]}
        elif parsed is not None and keyed.person.id_hash != blind_index(parsed.number):
            row.errors[ID_NUMBER] = _(
                "The ID number and the %(key)s belong to different trainees; please check "
                "the row against the exported roster."
            ) % {"key": KEY}
        elif parsed is None:
            try:
                parsed = parse_id_number(keyed.person.id_number)
            except ValidationError:  # a record kept before today's checks
                row.errors[KEY] = _(
                    "The ID number on record for this trainee needs checking by the bureau; "
                    "enter the full ID number in %(column)s."
                ) % {"column": ID_NUMBER}
        return keyed, parsed

    def _street(self, row: Row) -> Street | None:
        if "street" not in row.values:
            return None
        street = self.streets.get(_street_key(row.values["street"]))
        if street is None:
            row.errors[STREET] = _(
                "“%(value)s” is not a street or town of the district; please write it as "
                "the bureau names it, for example %(example)s."
            ) % {"value": row.values["street"], "example": "昆北街道"}
        return street

    def _count_new(self, row: Row) -> None:
        """A new enrolment takes a place; the row past the last place is refused."""
        self.new_rows += 1
        if self.new_rows > self.places_left:
            row.error(
                ID_NUMBER,
                _(
                    "The course is full: %(capacity)s places, %(enrolled)s already "
                    "enrolled and %(left)s left; this row is one too many. Raise the "
                    "capacity or move the extra trainees to another course."
                )
                % {
                    "capacity": self.course.capacity,
                    "enrolled": len(self.enrolments),
                    "left": self.places_left,
                },
            )

    def _check_certificate(self, row: Row, certificate: str, enrolment: Enrolment) -> None:
        """Each certificate number once in the file and once in the whole system."""
        if "certificate_number" not in row.values or CERTIFICATE_NUMBER in row.errors:
            return
        holder = self.certificate_holder.get(certificate)
        if certificate in self.seen_certificates:
            row.errors[CERTIFICATE_NUMBER] = _(
                "This certificate number already appears in row %(row)s; each certificate "
                "number is unique."
            ) % {"row": self.seen_certificates[certificate]}
        elif holder is not None and holder != enrolment.pk:
            row.errors[CERTIFICATE_NUMBER] = _(
                "This certificate number is already recorded for another trainee; please check it."
            )
        else:
            self.seen_certificates[certificate] = row.number


def _street_key(name: str) -> str:
    return "".join(name.split()).removesuffix("街道办事处").removesuffix("街道")


def _streets() -> dict[str, Street]:
    """The district's streets and towns by name, also without 街道 (providers write 昆北)."""
    found: dict[str, Street] = {}
    for street in agency_selectors.street_choices():
        found[_street_key(street.name)] = street
    return found


def _check_course(course: Course, values: dict[str, Any], row_errors: dict[str, str]) -> None:
    """A roster kept by a provider names its course on every row: it must be this course."""
    if "course_name" in values and "".join(values["course_name"].split()) != "".join(
        course.name.split()
    ):
        row_errors[COURSE_NAME] = _(
            "This row is for the course “%(other)s”, but the file is being imported into "
            "“%(course)s”; import that row into its own course or correct the name."
        ) % {"other": values["course_name"], "course": course.name}
    if "course_start" in values and values["course_start"] != course.starts_on:
        row_errors[COURSE_START] = _(
            "This row is for a class starting on %(other)s, but this course starts on "
            "%(start)s; import that row into its own course or correct the date."
        ) % {"other": values["course_start"].isoformat(), "start": course.starts_on.isoformat()}


def _check_record(
    course: Course,
    record: dict[str, Any],
    values: dict[str, Any],
    row_errors: dict[str, str],
    today: dt.date,
) -> None:
    """The rules of ``services.enrolment_record``, on the merged record, by column."""

    def error(key: str, message: str) -> None:
        row_errors.setdefault(COLUMN_OF[key], message)

    hours = record["attended_hours"]
    if hours and hours > course.class_hours:
        error(
            "attended_hours",
            _("More hours than the course has (%(h)s); please check the hours attended.")
            % {"h": course.class_hours},
        )
    if values.get("completed") is False and "completed_on" in values:
        error(
            "completed_on",
            _("A completion date needs %(column)s = 是; set it to 是 or clear the date.")
            % {"column": COMPLETED},
        )
    if "completed_on" in values and "completed" not in values:
        record["completed"] = True  # a completion date says the trainee completed
    if record["completed"] and not record["completed_on"]:
        record["completed_on"] = min(today, course.ends_on)
    if not record["completed"]:
        record["completed_on"] = None
    completed_on = record["completed_on"]
    if completed_on and completed_on > today:
        error("completed_on", _("The completion date cannot be in the future."))
    elif completed_on and completed_on < course.starts_on:
        error(
            "completed_on",
            _("The completion date is before the course starts (%(start)s).")
            % {"start": course.starts_on.isoformat()},
        )
    if record["certificate_number"] and record["exam"] != Enrolment.Exam.PASSED:
        error(
            "certificate_number",
            _("A certificate needs a passed exam; set the exam result to 合格 or clear it."),
        )
    certified_on = record["certified_on"]
    if certified_on and not record["certificate_number"]:
        error(
            "certified_on",
            _("An issue date needs a certificate number; fill in %(column)s.")
            % {"column": CERTIFICATE_NUMBER},
        )
    elif certified_on and certified_on > today:
        error("certified_on", _("The certificate's issue date cannot be in the future."))
    if record["skill_level"] and not record["certificate_number"]:
        error(
            "skill_level",
            _("An appraisal level needs a certificate number; fill in %(column)s.")
            % {"column": CERTIFICATE_NUMBER},
        )
