"""社会保险补贴: the worker-months a claim lists, checked against the records.

"对备案的员工制家庭服务企业吸纳就业困难人员或高校毕业生就业并缴纳社会保险费的" (the plan): each line names a
worker (ID number), a month of the claim period and the employer contribution actually paid
for that month. A line is accepted only for a worker of the agency whose person record is
就业困难人员 or 高校毕业生 (within the bureau's graduate years), hired and insured by the agency in
that month; any other line is refused with its reason. The accepted lines become the claim's
``declared["rows"]`` (no ID number in them) and one subject per person-month, which the
database subsidises once (ClaimSubject's constraint).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.selectors import worker_records_of_people
from kunqu_jiafu.people.crypto import blind_index
from kunqu_jiafu.people.idcard import normalize as normalize_id
from kunqu_jiafu.people.models import Person

from . import rules
from .models import ClaimSubject, ClaimType

CALCULATOR = "insured_months"
_SPLIT = re.compile(r"[\s,，、;；]+")
_MONTH = re.compile(r"^(\d{4})(?:[-./年]?)(\d{1,2})月?$")


def is_insured_months(claim_type: ClaimType) -> bool:
    return claim_type.calculator == CALCULATOR


def _month(raw: str) -> dt.date | None:
    match = _MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def max_monthly_contribution(claim_type: ClaimType) -> Decimal:
    """The bureau's ceiling on one worker-month's contribution (a typo above it)."""
    raw = (claim_type.parameters or {}).get("max_monthly_contribution")
    return rules.MAX_MONTHLY_CONTRIBUTION if raw in (None, "") else Decimal(str(raw))


def _paid(raw: str, maximum: Decimal) -> tuple[Decimal | None, str]:
    try:
        value = Decimal(raw.replace("元", ""))
    except InvalidOperation:
        return None, _("the amount paid must be a number in yuan, e.g. 856.40")
    if not value.is_finite() or value <= 0:
        return None, _("the amount paid must be more than zero")
    if value != value.quantize(rules.CENT):
        return None, _("the amount paid has at most two decimals")
    if value > maximum:
        return None, _("more than %(max)s yuan for one worker and month; please check it") % {
            "max": f"{maximum.normalize():f}"
        }
    return value, ""


def _fact(person: Person, records, month: dt.date) -> rules.InsuredMonth:
    """The worker record covering the month (else the latest one) as plain facts."""
    last = rules.month_end(month)
    covering = [
        w for w in records if w.hired_on <= last and (w.left_on is None or w.left_on >= month)
    ]
    worker = (covering or records or [None])[0]
    return rules.InsuredMonth(
        month=month,
        hard_to_employ=person.is_hard_to_employ,
        graduate=person.is_graduate,
        graduated_on=person.graduated_on,
        hired_on=worker.hired_on if worker else None,
        left_on=worker.left_on if worker else None,
        insured=bool(worker and worker.social_insurance),
        insured_since=worker.insured_since if worker else None,
    )


def _check(
    claim_type: ClaimType,
    agency: Agency,
    period: str,
    entries: list[tuple[str, Person | None, dt.date | None, Decimal | None, str]],
) -> tuple[list[ClaimSubject], dict]:
    """entries: (where, person, month, paid, format problem). Every problem is collected and
    refused at once; otherwise (the worker-month subjects, unsaved; declared figures)."""
    first, last = rules.period_dates(period)
    years = int(claim_type.parameters.get("graduate_years") or 0)
    records = worker_records_of_people(agency, {p.pk for _w, p, _m, _a, _e in entries if p})
    errors, rows, subjects, seen = [], [], [], set()
    for where, person, month, paid, problem in entries:
        if problem:
            errors.append(f"{where}：{problem}" if where else problem)
            continue
        name = f"{where} {person.name} {month:%Y-%m}".strip()
        if not first <= month <= last:
            errors.append(
                _("%(line)s: the month is not in the claim period %(period)s")
                % {"line": name, "period": period}
            )
            continue
        if (person.pk, month) in seen:
            errors.append(_("%(line)s: listed twice") % {"line": name})
            continue
        seen.add((person.pk, month))
        reasons = rules.insured_month_problems(
            _fact(person, records.get(person.pk, []), month), years
        )
        if reasons:
            errors.append(f"{name}：{'；'.join(reasons)}")
            continue
        rows.append(
            {
                "person_id": person.pk,
                "name": person.name,
                "month": f"{month:%Y-%m}",
                "paid": f"{paid}",
            }
        )
        subjects.append(
            ClaimSubject(
                kind=ClaimSubject.Kind.PERSON,
                person=person,
                month=month,
                label=f"{person.name} {month:%Y-%m}",
            )
        )
    if errors:
        raise ValidationError({"subjects": errors})
    if not rows:
        raise ValidationError({"subjects": _("List the worker-months claimed, one per line.")})
    return subjects, {"rows": rows}


def rows_from_lines(
    claim_type: ClaimType, agency: Agency, period: str, lines: list[str] | str
) -> tuple[list[ClaimSubject], dict]:
    """Lines "ID number  month  employer contribution", e.g. "150203199001011234 2026-07 856.40"."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    numbered = [(n, str(line).strip()) for n, line in enumerate(lines, 1) if str(line).strip()]
    maximum = max_monthly_contribution(claim_type)
    parsed = []
    for n, line in numbered:
        where = _("line %(n)s") % {"n": n}
        parts = [p for p in _SPLIT.split(line) if p]
        if len(parts) != 3:
            problem = _(
                "write “ID number month amount paid”, e.g. 150203199001011234 2026-07 856.40"
            )
            parsed.append((where, "", None, None, problem, ""))
            continue
        month = _month(parts[1])
        paid, problem = _paid(parts[2], maximum)
        if month is None:
            problem = _("the month must look like 2026-07")
        parsed.append((where, parts[0], month, paid, problem, blind_index(normalize_id(parts[0]))))
    people = {
        p.id_hash: p for p in Person.objects.filter(id_hash__in=[h for *_r, h in parsed if h])
    }
    entries = []
    for where, number, month, paid, problem, digest in parsed:
        person = people.get(digest) if digest else None
        if not problem and person is None:
            problem = _("%(id)s is not a worker recorded under this agency") % {"id": number}
        entries.append((where, person, month, paid, problem))
    if not entries:
        raise ValidationError({"subjects": _("List the worker-months claimed, one per line.")})
    return _check(claim_type, agency, period, entries)


def rows_again(claim_type: ClaimType, agency: Agency, period: str, declared: dict):
    """The stored rows checked again against today's records (at submission)."""
    rows = declared.get("rows") if isinstance(declared, dict) else None
    if not isinstance(rows, list) or not rows:
        raise ValidationError({"subjects": _("List the worker-months claimed, one per line.")})
    people = Person.objects.in_bulk([row["person_id"] for row in rows])
    entries = []
    for row in rows:
        person = people.get(row["person_id"])
        month = _month(row["month"])
        problem = (
            ""
            if person
            else _("%(name)s: the person record no longer exists") % {"name": row["name"]}
        )
        entries.append(("", person, month, Decimal(row["paid"]), problem or ""))
    return _check(claim_type, agency, period, entries)
