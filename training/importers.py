"""Training roster import (培训花名册导入): template, preview and the all-or-nothing import.

    build_roster_template() -> bytes
    roster_preview(actor=, course=, uploaded_file=) -> RosterPreview   (reads, writes nothing)
    roster_import(actor=, course=, uploaded_file=) -> RosterResult     (one transaction)

Both steps run the same checks. A person already enrolled in the course is an UPDATE of
their attendance, exam and certificate (a provider re-imports the roster as the course goes
on); an empty cell leaves the recorded value alone. Everything else is a new enrolment, and
a new person where the ID number is not known yet. The writing is a handful of batched
statements whatever the row count: people by blind index in one query, the course's
enrolments in one, certificate numbers in one, then bulk inserts and bulk upserts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Street
from kunqu_jiafu import audit
from kunqu_jiafu.documents.spreadsheets import RowError, file_error, read_sheet
from kunqu_jiafu.people.crypto import blind_index
from kunqu_jiafu.people.idcard import ParsedId, mask, parse_id_number
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.services import name_mismatch_message

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
    HEADERS,
    ID_NUMBER,
    KEY,
    MAX_FILE_BYTES,
    MAX_ROWS,
    NAME,
    PERSON_FLAGS,
    RECORD_KEYS,
    STREET,
)
from .roster_template import build_roster_template

__all__ = [
    "PreviewLine",
    "RosterPreview",
    "RosterResult",
    "RowError",
    "build_roster_template",
    "roster_import",
    "roster_preview",
]

PREVIEW_LINES = 200  # rows shown in the preview table; the counts cover the whole file


@dataclass(frozen=True)
class PreviewLine:
    row: int
    name: str
    id_masked: str
    action: str  # "new", "update" or "error"
    new_person: bool


@dataclass
class RosterPreview:
    ok: bool
    rows: int = 0
    new: int = 0  # new enrolments
    updated: int = 0  # people already enrolled whose records the file updates
    new_people: int = 0
    places_left: int = 0
    errors: list[RowError] = field(default_factory=list)
    lines: list[PreviewLine] = field(default_factory=list)
    header_row: int = 1
    ignored: list[str] = field(default_factory=list)  # header cells of columns not imported


@dataclass
class RosterResult:
    ok: bool
    created: int = 0
    updated: int = 0
    new_people: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Planned:
    row: int
    parsed: ParsedId
    name: str
    phone: str
    flags: dict[str, bool]
    person: Person | None
    enrolment: Enrolment
    is_update: bool
    changed: bool


# --- public interface ----------------------------------------------------------------------


def roster_preview(*, actor, course: Course, uploaded_file) -> RosterPreview:
    """Every problem of the file by row and column, and what the import would do."""
    _require(actor, course)
    sheet = _read(uploaded_file)
    rows = sheet.rows
    plan, errors, places_left = _plan(course, rows, lock=False, actor=actor)
    error_rows = {e.row for e in errors}
    planned = {item.row: item for item in plan}
    lines = []
    for number, _row in rows[:PREVIEW_LINES]:
        item = planned.get(number)
        if item is None:
            lines.append(PreviewLine(number, str(_row.get(NAME) or ""), "", "error", False))
        else:
            lines.append(
                PreviewLine(
                    number,
                    item.name,
                    _mask(item.parsed.number),
                    "error" if number in error_rows else ("update" if item.is_update else "new"),
                    item.person is None,
                )
            )
    return RosterPreview(
        ok=not errors,
        rows=len(rows),
        new=sum(1 for i in plan if not i.is_update),
        updated=sum(1 for i in plan if i.is_update),
        new_people=len({i.parsed.number for i in plan if i.person is None}),
        places_left=places_left,
        errors=errors,
        lines=lines,
        header_row=sheet.header_row,
        ignored=sheet.ignored,
    )


def roster_import(*, actor, course: Course, uploaded_file) -> RosterResult:
    """Enrol and update the file's trainees, all or nothing, in one transaction."""
    _require(actor, course)
    rows = _read(uploaded_file).rows
    with transaction.atomic():
        # The course row is locked until the writes commit: capacity holds against a
        # concurrent enrolment or import.
        course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
        plan, errors, _places = _plan(course, rows, lock=True, actor=actor)
        if errors:
            return RosterResult(ok=False, errors=errors)
        try:
            with transaction.atomic():
                created, updated, new_people = _write(plan, course)
        except IntegrityError:
            raise file_error(
                _(
                    "Some of these people, enrolments or certificate numbers were saved by "
                    "someone else at the same time; please import the file again."
                )
            ) from None
        audit.log(
            actor,
            course,
            "training.roster.imported",
            after={"created": created, "updated": updated, "new_people": new_people},
        )
    return RosterResult(ok=True, created=created, updated=updated, new_people=new_people)


# --- reading and checking ----------------------------------------------------------------


def _require(actor, course: Course) -> None:
    allowed, reason = permissions.can_manage_course(actor, course)
    if not allowed:
        raise PermissionDenied(reason)


def _read(uploaded_file):
    sheet = read_sheet(
        uploaded_file,
        headers=HEADERS,
        required=(NAME,),
        aliases=HEADER_ALIASES,
        header_scan=HEADER_SCAN_ROWS,
        sheet_title=DATA_SHEET_TITLE,
        max_rows=MAX_ROWS,
        max_bytes=MAX_FILE_BYTES,
        too_many_rows=_(
            "The file has more than %(max)s trainee rows; please split it into files of at "
            "most %(max)s rows."
        ),
        no_rows=_("The file contains no trainee rows; please fill them in from row 2."),
    )
    present = sheet.rows[0][1].keys()
    if ID_NUMBER not in present and KEY not in present:
        raise file_error(
            _(
                "The header row (row %(row)s) has neither %(id)s nor %(key)s; please add the "
                "column %(id)s, or upload the roster exported from the system, which has %(key)s."
            )
            % {"row": sheet.header_row, "id": ID_NUMBER, "key": KEY}
        )
    return sheet


def _mask(number: str) -> str:
    return mask(number)


def _clean(row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each present, non-empty cell through its widget; errors keyed by column."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for column in COLUMNS:
        if column.header not in row:
            continue
        if column.key == "id_number" and "*" in str(row[column.header] or ""):
            # A masked number from an exported roster: the enrolment key stands for it.
            if not str(row.get(KEY) or "").strip():
                errors[column.header] = _(
                    "This ID number is masked; enter the full number, or keep the column "
                    "%(key)s of the roster exported from the system."
                ) % {"key": KEY}
            continue
        try:
            value = column.widget.clean(row[column.header])
        except ValueError as exc:
            errors[column.header] = str(exc)
            continue
        if value not in (None, ""):
            values[column.key] = value
    return values, errors


def _plan(
    course: Course, rows: list[tuple[int, dict[str, Any]]], *, lock: bool, actor
) -> tuple[list[_Planned], list[RowError], int]:
    cleaned = [_clean(row) for _number, row in rows]

    # Three queries for the whole file.
    hashes = {blind_index(v["id_number"].number) for v, _e in cleaned if "id_number" in v}
    people = {p.id_hash: p for p in Person.objects.filter(id_hash__in=hashes)}
    enrolments_qs = Enrolment.objects.filter(course=course).select_related("person")
    if lock:
        enrolments_qs = enrolments_qs.select_for_update(of=("self",))
    enrolments = {e.person_id: e for e in enrolments_qs}
    by_key = {e.key: e for e in enrolments.values()}
    streets = _streets() if any("street" in v for v, _e in cleaned) else {}
    certificates = {v["certificate_number"] for v, _e in cleaned if "certificate_number" in v}
    certificate_holder = dict(
        Enrolment.objects.filter(certificate_number__in=certificates).values_list(
            "certificate_number", "pk"
        )
    )

    today = timezone.localdate()
    places_left = max(course.capacity - len(enrolments), 0)
    new_rows = 0
    seen_ids: dict[str, int] = {}
    seen_certificates: dict[str, int] = {}
    errors: list[RowError] = []
    plan: list[_Planned] = []

    for (number, _row), (values, row_errors) in zip(rows, cleaned, strict=True):
        parsed: ParsedId | None = values.get("id_number")
        name: str = values.get("name", "")
        if not name and NAME not in row_errors:
            row_errors[NAME] = _("Please fill in %(column)s.") % {"column": NAME}
        keyed = by_key.get(values["key"]) if "key" in values else None
        if "key" in values and KEY not in row_errors:
            if keyed is None:
                row_errors[KEY] = _(
                    "No trainee of this course has the %(key)s “%(value)s”; keep the number as "
                    "the exported roster has it, or clear it and enter the full ID number."
                ) % {"key": KEY, "value": values["key"]}
            elif parsed is not None and keyed.person.id_hash != blind_index(parsed.number):
                row_errors[ID_NUMBER] = _(
                    "The ID number and the %(key)s belong to different trainees; please check "
                    "the row against the exported roster."
                ) % {"key": KEY}
            elif parsed is None:
                try:
                    parsed = parse_id_number(keyed.person.id_number)
                except ValidationError:  # a record kept before today's checks
                    row_errors[KEY] = _(
                        "The ID number on record for this trainee needs checking by the bureau; "
                        "enter the full ID number in %(column)s."
                    ) % {"column": ID_NUMBER}
        if parsed is None and ID_NUMBER not in row_errors and KEY not in row_errors:
            row_errors[ID_NUMBER] = _("Please fill in %(column)s.") % {"column": ID_NUMBER}
        _check_course(course, values, row_errors)
        street = None
        if "street" in values:
            street = streets.get(_street_key(values["street"]))
            if street is None:
                row_errors[STREET] = _(
                    "“%(value)s” is not a street or town of the district; please write it as "
                    "the bureau names it, for example %(example)s."
                ) % {"value": values["street"], "example": "昆北街道"}

        person = existing = None
        duplicate = False
        if parsed is not None:
            if parsed.number == EXAMPLE_ID_NUMBER:
                row_errors[ID_NUMBER] = _(
                    "This is the template's example row; replace it with a real trainee or "
                    "delete it."
                )
            elif parsed.number in seen_ids:
                row_errors[ID_NUMBER] = _(
                    "This ID number already appears in row %(row)s; each person may appear only "
                    "once."
                ) % {"row": seen_ids[parsed.number]}
                duplicate = True
            else:
                seen_ids[parsed.number] = number
            person = people.get(blind_index(parsed.number))
            if person is None and keyed is not None:
                person = keyed.person
            if person is not None:
                if name and person.name != name and NAME not in row_errors:
                    row_errors[NAME] = name_mismatch_message(person, actor)
                existing = enrolments.get(person.pk)
            if existing is None and not duplicate:
                new_rows += 1
                if new_rows > places_left:
                    row_errors.setdefault(
                        ID_NUMBER,
                        _(
                            "The course is full: %(capacity)s places, %(enrolled)s already "
                            "enrolled and %(left)s left; this row is one too many. Raise the "
                            "capacity or move the extra trainees to another course."
                        )
                        % {
                            "capacity": course.capacity,
                            "enrolled": len(enrolments),
                            "left": places_left,
                        },
                    )

        enrolment = existing if existing is not None else Enrolment(course=course)
        before = [getattr(enrolment, key) for key in (*RECORD_KEYS, "street_id")]
        record = {key: getattr(enrolment, key) for key in RECORD_KEYS} | {
            key: values[key] for key in RECORD_KEYS if key in values
        }
        _check_record(course, record, values, row_errors, today)
        certificate = record["certificate_number"]
        if "certificate_number" in values and CERTIFICATE_NUMBER not in row_errors:
            holder = certificate_holder.get(certificate)
            if certificate in seen_certificates:
                row_errors[CERTIFICATE_NUMBER] = _(
                    "This certificate number already appears in row %(row)s; each certificate "
                    "number is unique."
                ) % {"row": seen_certificates[certificate]}
            elif holder is not None and holder != enrolment.pk:
                row_errors[CERTIFICATE_NUMBER] = _(
                    "This certificate number is already recorded for another trainee; please "
                    "check it."
                )
            else:
                seen_certificates[certificate] = number

        if row_errors:
            order = {header: i for i, header in enumerate(HEADERS)}
            errors.extend(
                RowError(number, column, message)
                for column, message in sorted(
                    row_errors.items(), key=lambda item: order.get(item[0], 99)
                )
            )
        if parsed is None or duplicate:
            continue
        for key, value in record.items():
            setattr(enrolment, key, value)
        if street is not None:
            enrolment.street = street
        plan.append(
            _Planned(
                row=number,
                parsed=parsed,
                name=name,
                phone=values.get("phone", ""),
                flags={key: values[key] for key in PERSON_FLAGS if key in values},
                person=person,
                enrolment=enrolment,
                is_update=existing is not None,
                changed=before != [getattr(enrolment, key) for key in (*RECORD_KEYS, "street_id")],
            )
        )
    return plan, errors, places_left


def _street_key(name: str) -> str:
    return "".join(name.split()).removesuffix("街道办事处").removesuffix("街道")


def _streets() -> dict[str, Street]:
    """The district's streets and towns by name, also without 街道 (providers write 昆北)."""
    found: dict[str, Street] = {}
    for street in Street.objects.filter(active=True):
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


# --- writing ---------------------------------------------------------------------------------


def _save_existing(model, objs: list, update_fields: list[str]) -> None:
    """Many updates as INSERT .. ON CONFLICT (id) DO UPDATE (as the worker import does):
    ``bulk_update``'s CASE expressions are slow; every object is a complete row just read."""
    if objs:
        model.objects.bulk_create(
            objs, update_conflicts=True, unique_fields=["id"], update_fields=update_fields
        )


def _write(plan: list[_Planned], course: Course) -> tuple[int, int, int]:
    new_people: list[Person] = []
    changed_people: dict[int, Person] = {}
    changed_person_fields: set[str] = set()
    for item in plan:
        if item.person is None:
            person = Person(
                name=item.name,
                phone=item.phone,
                birth_date=item.parsed.birth_date,
                sex=item.parsed.sex,
                area_known=item.parsed.area_known,
                **item.flags,
            )
            person.set_id_number(item.parsed.number)
            new_people.append(person)
            item.person = person
            continue
        person = item.person
        updates = dict(item.flags)
        if item.phone:
            updates["phone"] = item.phone
        for key, value in updates.items():
            if getattr(person, key) != value:
                setattr(person, key, value)
                changed_people[person.pk] = person
                changed_person_fields.add(key)
    Person.objects.bulk_create(new_people)
    if changed_people:
        person_fields = sorted(changed_person_fields)
        for person in changed_people.values():
            person.updated_at = timezone.now()
        _save_existing(Person, list(changed_people.values()), [*person_fields, "updated_at"])

    new_enrolments, changed_enrolments, updated = [], [], 0
    for item in plan:
        if item.is_update:
            updated += 1
            if item.changed:
                changed_enrolments.append(item.enrolment)
        else:
            item.enrolment.person = item.person
            item.enrolment.course = course
            new_enrolments.append(item.enrolment)
    Enrolment.objects.bulk_create(new_enrolments)
    _save_existing(Enrolment, changed_enrolments, [*RECORD_KEYS, "street"])
    return len(new_enrolments), updated, len(new_people)
