"""Worker spreadsheet import (从业人员批量导入): ``workers_import`` and ``build_template``.

Columns and widgets live in ``worker_columns`` (a django-import-export Resource), the
template in ``worker_template``. The writing is ours: the library's own ``import_data``
saves row by row (8.5× slower and one query per row, see FIELD-NOTES) and, keyed on the ID
number with ``use_bulk``, reports a failed re-import as updated. So we validate every row
first, then write everything in bulk (a few statements whatever the row count) in one
transaction, or nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.documents.spreadsheets import RowError, file_error
from kunqu_jiafu.documents.spreadsheets import read_rows as read_spreadsheet_rows
from kunqu_jiafu.people.crypto import blind_index
from kunqu_jiafu.people.idcard import ParsedId
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.services import name_mismatch_message

from . import permissions, services
from .models import Agency, Worker
from .worker_columns import (
    DATA_SHEET_TITLE,
    EXAMPLE_ID_NUMBER,
    ID_NUMBER,
    MAX_FILE_BYTES,
    MAX_ROWS,
    NAME,
    REQUIRED_HEADERS,
    WorkerResource,
)
from .worker_template import build_template

__all__ = ["ImportResult", "RowError", "build_template", "workers_import"]


@dataclass
class ImportResult:
    ok: bool
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


# --- reading the file ------------------------------------------------------------------


def read_rows(uploaded_file) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row number, {column: cell}) for every non-empty data row; file problems raise."""
    return read_spreadsheet_rows(
        uploaded_file,
        headers=WorkerResource().headers(),
        required=REQUIRED_HEADERS,
        sheet_title=DATA_SHEET_TITLE,
        max_rows=MAX_ROWS,
        max_bytes=MAX_FILE_BYTES,
        too_many_rows=_(
            "The file has more than %(max)s worker rows; please split it into files of at "
            "most %(max)s rows."
        ),
        no_rows=_("The file contains no worker rows; please fill them in from row 2."),
    )


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
        plan, errors = _plan(resource, agency, rows, actor=actor)
        if errors:
            return ImportResult(ok=False, errors=errors)
        try:
            with transaction.atomic():
                created, updated = _write(plan, agency)
        except IntegrityError:
            raise file_error(
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
    resource: WorkerResource, agency: Agency, rows: list[tuple[int, dict[str, Any]]], *, actor
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
                    row_errors[NAME] = name_mismatch_message(person, actor)
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
