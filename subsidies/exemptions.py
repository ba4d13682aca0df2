"""居民家庭服务费用减免: the exemptions an agency lists on its fee_exemption claim.

The agency lists one exemption per line, six columns separated by tabs (pasted from a
spreadsheet) or commas: the household head's ID number, the address, the street, the service
date, the service kind (from the bureau's list) and the ID number of the worker who served.
Every line is checked and every problem is reported with its line number; nothing is saved
unless all lines are right. The same household (its head's ID number), day and service kind is
paid once by any agency (a unique constraint on live rows); the number of exemptions a household
may have in a year is the claim type's ``per_household_per_year`` parameter, counted under a
lock on the household."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import selectors as agency_selectors
from agencies.models import Agency, Street, Worker
from agencies.rules import GREEN
from agencies.selectors import worker_status
from kunqu_jiafu.people import crypto
from kunqu_jiafu.people.household import mask_id
from kunqu_jiafu.people.idcard import normalize as normalize_id
from kunqu_jiafu.people.idcard import parse_id_number

from .exemption_models import ExemptionServiceKind, FeeExemption
from .models import Claim, ClaimSubject, ClaimType

CALCULATOR = "per_exemption"
COLUMNS = 6
MAX_LINES = 2000
MAX_ADDRESS = 200
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def is_exemption_type(claim_type: ClaimType) -> bool:
    return claim_type.calculator == CALCULATOR


@dataclass(frozen=True)
class Entry:
    head_id: str
    address: str
    street: Street
    service_date: dt.date
    kind: ExemptionServiceKind
    worker: Worker

    @property
    def head_hash(self) -> str:
        return crypto.blind_index(self.head_id)

    @property
    def household_day_kind(self) -> tuple[str, dt.date, int]:
        return (self.head_hash, self.service_date, self.kind.pk)

    @property
    def label(self) -> str:
        return f"{mask_id(self.head_id)} {self.service_date:%Y-%m-%d} {self.kind.name}"


def _period_bounds(claim_type: ClaimType, period: str) -> tuple[dt.date, dt.date]:
    year = int(period[:4])
    rest = period[4:]
    if rest.startswith("H"):
        first = 1 if rest == "H1" else 7
        last = first + 5
    elif rest.startswith("Q"):
        first = (int(rest[1]) - 1) * 3 + 1
        last = first + 2
    elif rest.startswith("-"):
        first = last = int(rest[1:])
    else:
        first, last = 1, 12
    end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


def _split(line: str) -> list[str]:
    parts = line.split("\t") if "\t" in line else re.split(r"[,，]", line)
    return [part.strip() for part in parts]


def _street(value: str, streets: dict[str, Street]) -> Street | None:
    value = value.strip()
    if value.isdecimal() and len(value) == 3:
        value = "150203" + value
    return streets.get(value)


def _date(value: str) -> dt.date | None:
    match = _DATE_RE.match(value.replace(" ", ""))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Lookups:
    """What every line is checked against: the claim period, today, and the bureau's streets,
    covered service kinds and the agency's workers (by name or code, by ID blind index)."""

    period: str
    first: dt.date
    last: dt.date
    today: dt.date
    streets: dict[str, Street]
    kinds: dict[str, ExemptionServiceKind]
    workers: dict[str, Worker]


def _lookups(claim_type: ClaimType, agency: Agency, period: str) -> _Lookups:
    first, last = _period_bounds(claim_type, period)
    streets: dict[str, Street] = {}
    for street in agency_selectors.active_streets():
        streets[street.name] = street
        streets[street.code] = street
    kinds: dict[str, ExemptionServiceKind] = {}
    for kind in ExemptionServiceKind.objects.filter(active=True):
        kinds[kind.name] = kind
        kinds[kind.code] = kind
    return _Lookups(
        period=period,
        first=first,
        last=last,
        today=timezone.localdate(),
        streets=streets,
        kinds=kinds,
        workers=agency_selectors.agency_workers_by_id_hash(agency),
    )


def _numbered_lines(lines: list[str] | str) -> list[tuple[int, str]]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    numbered = [(n, str(line)) for n, line in enumerate(lines, 1) if line and str(line).strip()]
    if not numbered:
        raise ValidationError(
            {
                "subjects": _(
                    "List the exemptions, one per line: head's ID number, address, street, "
                    "service date, service kind, worker's ID number."
                )
            }
        )
    if len(numbered) > MAX_LINES:
        raise ValidationError(
            {
                "subjects": _("At most %(n)s exemptions fit in one claim; split the list.")
                % {"n": MAX_LINES}
            }
        )
    return numbered


def _household(raw_head: str, address: str, problems: list[str]) -> str:
    """The head's normalised ID number ("" when wrong); the address is checked too."""
    head = ""
    try:
        head = parse_id_number(raw_head).number
    except ValidationError as exc:
        problems.append(_("household head's ID number: %(error)s") % {"error": exc.messages[0]})
    if not address:
        problems.append(_("enter the household's address"))
    elif len(address) > MAX_ADDRESS:
        problems.append(_("the address may have at most %(n)s characters") % {"n": MAX_ADDRESS})
    return head


def _service_day(raw_date: str, seen: _Lookups, problems: list[str]) -> dt.date | None:
    day = _date(raw_date)
    if day is None:
        problems.append(
            _("service date “%(value)s” is not a date; write it as 2026-03-05")
            % {"value": raw_date[:20]}
        )
    elif not (seen.first <= day <= seen.last):
        problems.append(
            _("the service date %(date)s is outside the claim period %(period)s")
            % {"date": f"{day:%Y-%m-%d}", "period": seen.period}
        )
    elif day > seen.today:
        problems.append(_("the service date cannot be in the future"))
    return day


def _service_kind(raw_kind: str, seen: _Lookups, problems: list[str]):
    kind = seen.kinds.get(raw_kind)
    if kind is None:
        problems.append(
            _("service kind “%(value)s” is not on the bureau's list of covered services (%(list)s)")
            % {
                "value": raw_kind[:20],
                "list": "、".join(sorted({k.name for k in seen.kinds.values()})),
            }
        )
    return kind


def _serving_worker(raw_worker: str, day, seen: _Lookups, problems: list[str]):
    """The agency's worker who served, in its employ and with green status on the day."""
    worker = seen.workers.get(crypto.blind_index(normalize_id(raw_worker)))
    if worker is None:
        problems.append(_("the worker's ID number is not of a worker of your agency (column 6)"))
    elif day is not None:
        if worker.left_on and worker.left_on < day:
            problems.append(
                _("%(name)s left your agency before the service date")
                % {"name": worker.person.name}
            )
        else:
            status = worker_status(worker, today=min(day, seen.today))
            if status.colour != GREEN:
                problems.append(
                    _(
                        "%(name)s's home-service status is %(status)s (%(reasons)s); only "
                        "workers with green status may serve an exempted household"
                    )
                    % {
                        "name": worker.person.name,
                        "status": status.label,
                        "reasons": "、".join(status.reasons),
                    }
                )
    return worker


def _line_entry(n: int, line: str, seen: _Lookups) -> tuple[Entry | None, str]:
    """One listed line: its entry, or None and the message naming the line's problems."""
    parts = _split(line)
    if len(parts) != COLUMNS:
        return None, _(
            "Line %(line)s has %(found)s columns; six are needed: head's ID number, "
            "address, street, service date, service kind, worker's ID number."
        ) % {"line": n, "found": len(parts)}
    raw_head, address, raw_street, raw_date, raw_kind, raw_worker = parts
    problems: list[str] = []
    head = _household(raw_head, address, problems)
    street = _street(raw_street, seen.streets)
    if street is None:
        problems.append(
            _("street “%(value)s” is not a street or town of the district; write its name")
            % {"value": raw_street[:20]}
        )
    day = _service_day(raw_date, seen, problems)
    kind = _service_kind(raw_kind, seen, problems)
    worker = _serving_worker(raw_worker, day, seen, problems)
    if problems:
        return None, _("Line %(line)s: %(problems)s.") % {
            "line": n,
            "problems": "；".join(problems),
        }
    return Entry(head, address, street, day, kind, worker), ""


def exemptions_parse(
    claim_type: ClaimType, agency: Agency, period: str, lines: list[str] | str
) -> list[Entry]:
    """Every listed exemption, checked; a ValidationError under ``subjects`` lists every
    problem with its line number."""
    numbered = _numbered_lines(lines)
    seen = _lookups(claim_type, agency, period)
    errors: list[str] = []
    entries: list[tuple[int, Entry]] = []
    for n, line in numbered:
        entry, error = _line_entry(n, line, seen)
        if entry is None:
            errors.append(error)
        else:
            entries.append((n, entry))
    twice = Counter(entry.household_day_kind for _n, entry in entries)
    for n, entry in entries:
        if twice[entry.household_day_kind] > 1:
            errors.append(
                _("Line %(line)s: the same household, day and service kind is listed twice.")
                % {"line": n}
            )
    if errors:
        raise ValidationError({"subjects": errors})
    return [entry for _n, entry in entries]


def _lock_households(hashes: list[str]) -> None:
    """Serialise writers of the same households (the yearly count is read, then written). On
    PostgreSQL a transaction-level advisory lock per household, taken in a fixed order; SQLite
    lets one writer in at a time anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for digest in sorted(set(hashes)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(digest)])


def _lock_id(digest: str) -> int:
    # A signed 64-bit key from the blind index, apart from other advisory-lock users by a tag.
    value = int(digest[:15], 16) ^ 0x5EE0000000000000
    return value - (1 << 63) if value >= 1 << 63 else value


def exemptions_store(claim: Claim, entries: list[Entry]) -> list[ClaimSubject]:
    """Replace the claim's exemptions (inside the caller's transaction) and give the claim's
    subjects naming them (unsaved). Refused, with the lines named, when a household would pass
    its yearly number or the household, day and kind is already claimed."""
    hashes = [entry.head_hash for entry in entries]
    _lock_households(hashes)
    FeeExemption.objects.filter(claim=claim).delete()
    limit = (claim.claim_type.parameters or {}).get("per_household_per_year")
    if limit not in (None, ""):
        limit = int(limit)
        wanted = Counter((entry.head_hash, entry.service_date.year) for entry in entries)
        over = []
        for (digest, year), count in sorted(wanted.items()):
            already = FeeExemption.objects.filter(
                head_id_hash=digest, service_date__year=year, live=True
            ).count()
            if already + count > limit:
                head = next(e.head_id for e in entries if e.head_hash == digest)
                over.append(
                    _(
                        "household %(head)s would have %(total)s exemptions in %(year)s; at most "
                        "%(limit)s a year (already claimed: %(already)s)"
                    )
                    % {
                        "head": mask_id(head),
                        "total": already + count,
                        "year": year,
                        "limit": limit,
                        "already": already,
                    }
                )
        if over:
            raise ValidationError(
                {"subjects": [_("Too many exemptions: %(list)s.") % {"list": "；".join(over)}]}
            )
    rows = [
        FeeExemption(
            claim=claim,
            head_id_encrypted=crypto.encrypt(entry.head_id),
            head_id_hash=entry.head_hash,
            address_encrypted=crypto.encrypt(entry.address),
            street=entry.street,
            service_date=entry.service_date,
            service_kind=entry.kind,
            worker=entry.worker,
        )
        for entry in entries
    ]
    try:
        with transaction.atomic():
            FeeExemption.objects.bulk_create(rows)
    except IntegrityError:
        raise _claimed_already(claim, entries) from None
    return [
        ClaimSubject(kind=ClaimSubject.Kind.ORDER, fee_exemption=row, label=entry.label)
        for row, entry in zip(rows, entries, strict=True)
    ]


def _claimed_already(claim: Claim, entries: list[Entry]) -> ValidationError:
    """The household services another live claim already has, named to the agency."""
    taken = Q()
    for entry in entries:
        taken |= Q(
            head_id_hash=entry.head_hash,
            service_date=entry.service_date,
            service_kind=entry.kind,
        )
    claimed = {
        (row.head_id_hash, row.service_date, row.service_kind_id): row.claim.claim_type_id
        for row in FeeExemption.objects.filter(taken, live=True)
        .exclude(claim=claim)
        .select_related("claim")
    }
    same_type = sorted(
        entry.label
        for entry in entries
        if claimed.get(entry.household_day_kind) == claim.claim_type_id
    )
    if same_type:
        # Named as for any subject another claim of the type already subsidises.
        return ValidationError(
            {
                "subjects": _("Already subsidised by another claim of this type: %(list)s.")
                % {"list": "、".join(same_type)}
            }
        )
    labels = [entry.label for entry in entries if entry.household_day_kind in claimed]
    return ValidationError(
        {
            "subjects": _(
                "Already claimed (by your agency or another): %(list)s. The same household, "
                "day and service kind is exempted once."
            )
            % {"list": "、".join(labels) or "—"}
        }
    )


def exemptions_retire(claim: Claim) -> None:
    """A claim that no longer counts (rejected, withdrawn, revoked) frees its exemptions."""
    FeeExemption.objects.filter(claim=claim).update(live=False)
