"""The import pipeline: read, check every row, preview, write everything or nothing.

An app subclasses ``Importer`` with its spec, the model each row becomes (a worker, an
enrolment), and two row handlers: ``prepare`` reads what the whole file needs in a few
queries, ``check_row`` checks one cleaned row (adding errors by column) and returns what to
write. The pipeline does the rest the same way for every import:

* ``run`` reads the file, locks (``lock``), plans every row and, if any row has an error,
  returns the errors by row and column and writes nothing; otherwise it writes in a handful of
  bulk statements inside one transaction (people through ``people_bulk_upsert``) and audits.
* ``preview`` plans without locking or writing and says what ``run`` would do.

The file itself is read in a forked child under a time and a memory limit (``limits``); the
rows it returns are checked and written here, where the database is.

The library's own ``import_data`` saves row by row (one query per row) and, keyed on the ID
number with ``use_bulk``, reports a failed re-import as updated; so we use only its widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.db import bulk_save_existing
from kunqu_jiafu.people.idcard import ParsedId, mask
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.selectors import people_by_id_number
from kunqu_jiafu.people.services import (
    PersonEntry,
    name_mismatch_message,
    people_bulk_upsert,
)

from .limits import Progress, run_limited
from .reading import Sheet, file_error, read_sheet
from .spec import ImportSpec, RowError

PREVIEW_LINES = 200  # rows shown in the preview table; the counts cover the whole file


@dataclass
class Row:
    """One data row: its cells, the cleaned non-empty values by key, its errors by column."""

    number: int  # as Excel shows it
    cells: dict[str, Any]
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    def error(self, column: str, message: str) -> None:
        """Record a problem unless the column already has one (the first says most)."""
        self.errors.setdefault(column, message)


@dataclass
class Planned:
    """What one checked row writes: the person (recorded or to create) and the record."""

    row: int
    entry: PersonEntry
    person: Person | None  # the recorded person; None: created by the write
    record: models.Model
    is_update: bool
    changed: bool


@dataclass
class ImportResult:
    ok: bool
    created: int = 0
    updated: int = 0
    new_people: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class PreviewLine:
    row: int
    name: str
    id_masked: str
    action: str  # "new", "update" or "error"
    new_person: bool


@dataclass
class Preview:
    ok: bool
    rows: int = 0
    new: int = 0  # new records
    updated: int = 0  # records already there that the file updates
    new_people: int = 0
    errors: list[RowError] = field(default_factory=list)
    lines: list[PreviewLine] = field(default_factory=list)
    header_row: int = 1
    ignored: list[str] = field(default_factory=list)  # header cells of columns not imported


def fill_in(column: str) -> str:
    return _("Please fill in %(column)s.") % {"column": column}


def clean_cells(spec: ImportSpec, number: int, cells: dict[str, Any]) -> Row:
    """Every present cell through its column's widget; empty values are left out."""
    row = Row(number, cells, {})
    for column in spec.columns:
        if column.header not in cells:
            continue
        try:
            value = column.widget.clean(cells[column.header])
        except ValueError as exc:
            row.errors[column.header] = str(exc)
            continue
        if value not in (None, ""):
            row.values[column.key] = value
    return row


def row_errors(spec: ImportSpec, rows: list[Row]) -> list[RowError]:
    """Every row's errors, by row and then in the template's column order."""
    order = spec.column_order
    return [
        RowError(row.number, column, message)
        for row in rows
        for column, message in sorted(row.errors.items(), key=lambda e: order.get(e[0], 99))
    ]


class Importer:
    """One import of one file by one person; subclasses bring the spec and row handlers."""

    spec: ClassVar[ImportSpec]
    model: ClassVar[type[models.Model]]  # what each row becomes
    update_fields: ClassVar[tuple[str, ...]]  # written on a changed record
    audit_action: ClassVar[str]
    conflict_message: ClassVar[Any]  # lazy text: a concurrent save broke a unique rule
    preview_class: ClassVar[type[Preview]] = Preview

    def __init__(self, actor, *, progress: Progress | None = None) -> None:
        self.actor = actor
        self.progress = progress  # hears (rows read, rows declared) while the file is read
        self._seen_ids: dict[str, int] = {}

    # --- what subclasses provide ------------------------------------------------------------

    def check_permission(self) -> None:
        raise NotImplementedError

    def lock(self) -> None:
        """Lock what keeps two imports (or an import and an edit) apart, until commit."""

    def prepare(self, rows: list[Row], *, lock: bool) -> None:
        """Read what the whole file needs, in a few queries."""

    def check_row(self, row: Row) -> Planned | None:
        raise NotImplementedError

    def audit_target(self) -> models.Model:
        raise NotImplementedError

    def audit_after(self, result: ImportResult) -> dict[str, Any]:
        return {"created": result.created, "updated": result.updated}

    # --- the pipeline -----------------------------------------------------------------------

    def read(self, uploaded_file) -> Sheet:
        """The file's rows, read in a child process under the time and memory limits."""
        spec = self.spec
        return run_limited(lambda report: read_sheet(uploaded_file, spec, report), self.progress)

    def clean(self, number: int, cells: dict[str, Any]) -> Row:
        return clean_cells(self.spec, number, cells)

    def plan(self, sheet: Sheet, *, lock: bool) -> tuple[list[Planned], list[RowError]]:
        self._seen_ids = {}
        rows = [self.clean(number, cells) for number, cells in sheet.rows]
        self.prepare(rows, lock=lock)
        plan = [item for row in rows if (item := self.check_row(row)) is not None]
        return plan, row_errors(self.spec, rows)

    def run(self, uploaded_file) -> ImportResult:
        """Write the whole file, or nothing and every error by row and column."""
        self.check_permission()
        sheet = self.read(uploaded_file)
        with transaction.atomic():
            self.lock()
            plan, errors = self.plan(sheet, lock=True)
            if errors:
                return ImportResult(ok=False, errors=errors)
            try:
                with transaction.atomic():
                    result = self.write(plan)
            except IntegrityError:
                raise file_error(str(self.conflict_message)) from None
            audit.log(
                self.actor, self.audit_target(), self.audit_action, after=self.audit_after(result)
            )
        return result

    def preview(self, uploaded_file) -> Preview:
        """What ``run`` would do with the file, row by row; writes nothing."""
        self.check_permission()
        sheet = self.read(uploaded_file)
        plan, errors = self.plan(sheet, lock=False)
        preview = self.preview_class(ok=not errors)
        preview.rows = len(sheet.rows)
        preview.new = sum(1 for item in plan if not item.is_update)
        preview.updated = sum(1 for item in plan if item.is_update)
        preview.new_people = len({i.entry.parsed.number for i in plan if i.person is None})
        preview.errors = errors
        preview.lines = self._preview_lines(sheet, plan, {e.row for e in errors})
        preview.header_row = sheet.header_row
        preview.ignored = sheet.ignored
        return preview

    def _preview_lines(self, sheet: Sheet, plan: list[Planned], error_rows: set[int]):
        planned = {item.row: item for item in plan}
        name_header = self.spec.header_of("name")
        lines = []
        for number, cells in sheet.rows[:PREVIEW_LINES]:
            item = planned.get(number)
            if item is None:
                lines.append(
                    PreviewLine(number, str(cells.get(name_header) or ""), "", "error", False)
                )
                continue
            action = "error" if number in error_rows else ("update" if item.is_update else "new")
            lines.append(
                PreviewLine(
                    number,
                    item.entry.name,
                    mask(item.entry.parsed.number),
                    action,
                    item.person is None,
                )
            )
        return lines

    def write(self, plan: list[Planned]) -> ImportResult:
        """People through one bulk upsert, then new records in bulk and changed ones."""
        known = {i.entry.parsed.number: i.person for i in plan if i.person is not None}
        people = people_bulk_upsert([item.entry for item in plan], known=known)
        new, changed = [], []
        for item in plan:
            if not item.is_update:
                item.record.person = people.by_number[item.entry.parsed.number]
                new.append(item.record)
            elif item.changed:  # an unchanged record keeps its updated_at
                changed.append(item.record)
        self.model.objects.bulk_create(new)
        bulk_save_existing(self.model, changed, self.update_fields)
        return ImportResult(
            ok=True,
            created=len(new),
            updated=sum(1 for item in plan if item.is_update),
            new_people=people.created,
        )

    # --- checks every import shares ---------------------------------------------------------

    def recorded_people(self, rows: list[Row]) -> dict[str, Person]:
        """The recorded people among the file's ID numbers: one query."""
        return people_by_id_number(
            row.values["id_number"].number for row in rows if "id_number" in row.values
        )

    def check_identity(self, row: Row, parsed: ParsedId) -> bool:
        """The example row and a person twice in the file are refused; True for a repeat."""
        id_header = self.spec.header_of("id_number")
        if parsed.number == self.spec.example_id_number:
            row.errors[id_header] = str(self.spec.example_row)
        elif parsed.number in self._seen_ids:
            row.errors[id_header] = _(
                "This ID number already appears in row %(row)s; each person may appear only once."
            ) % {"row": self._seen_ids[parsed.number]}
            return True
        else:
            self._seen_ids[parsed.number] = row.number
        return False

    def check_name(self, row: Row, person: Person, name: str) -> None:
        """A recorded person keeps their name: a different one is a mistake in the file."""
        name_header = self.spec.header_of("name")
        if name and person.name != name and name_header not in row.errors:
            row.errors[name_header] = name_mismatch_message(person, self.actor)
