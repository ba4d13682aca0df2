"""Every write of the subsidies area: validate, lock, change state, audit, notify, queue."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Worker
from agencies.selectors import agency_users
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.documents.sniff import JPEG, PDF, PNG
from kunqu_jiafu.notifications.services import notify
from kunqu_jiafu.people.crypto import blind_index
from kunqu_jiafu.people.idcard import normalize as normalize_id
from training.models import Enrolment

from . import insured_months, permissions, rules, selectors, workflow
from .exemptions import exemptions_parse, exemptions_retire, exemptions_store, is_exemption_type
from .models import (
    AwardPolicy,
    Claim,
    ClaimAttachment,
    ClaimSubject,
    ClaimType,
    Notice,
    ParameterFlag,
    SpecialFund,
)

ATTACHMENT_TYPES = (PDF, JPEG, PNG)
# Subject keys are "<agency id>:<entry>" in a column of 80 characters.
SUBJECT_MAX_LENGTH = 60
# Money columns hold 14 digits, 2 after the point.
MAX_AMOUNT = Decimal("999999999999.99")
NOTICE_SERIES = {
    Notice.Kind.APPROVAL: ("subsidy-approval", "昆人社家补"),
    Notice.Kind.REJECTION: ("subsidy-rejection", "昆人社家补不"),
}
_PERIOD_RE = {
    ClaimType.PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
    ClaimType.PeriodKind.HALF: re.compile(r"^(\d{4})H[12]$"),
    ClaimType.PeriodKind.QUARTER: re.compile(r"^(\d{4})Q[1-4]$"),
    ClaimType.PeriodKind.MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}
_PERIOD_HINT = {
    ClaimType.PeriodKind.YEAR: "2026",
    ClaimType.PeriodKind.HALF: "2026H1",
    ClaimType.PeriodKind.QUARTER: "2026Q3",
    ClaimType.PeriodKind.MONTH: "2026-03",
}


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def _users(role: str):
    return User.objects.filter(groups__name=role, is_active=True)


def _snapshot(claim: Claim) -> dict[str, Any]:
    return {
        "status": claim.status,
        "period": claim.period,
        "declared": claim.declared,
        "eligible_amount": claim.eligible_amount,
        "approved_amount": claim.approved_amount,
    }


def _check_period(claim_type: ClaimType, period: str) -> str:
    period = str(period or "").strip().upper()
    match = _PERIOD_RE[claim_type.period_kind].match(period)
    if not match:
        raise ValidationError(
            {
                "period": _("The period must look like %(example)s for this claim type.")
                % {"example": _PERIOD_HINT[claim_type.period_kind]}
            }
        )
    if int(match.group(1)) != claim_type.policy_year:
        raise ValidationError(
            {
                "period": _("The period must fall in the policy year %(year)s.")
                % {"year": claim_type.policy_year}
            }
        )
    return period


def _compute(claim_type: ClaimType, declared: dict, period: str) -> rules.Calculation:
    try:
        return rules.calculate(
            claim_type.calculator, declared, claim_type.parameters, period=period
        )
    except rules.DeclaredError as exc:
        raise ValidationError(
            {f"declared.{name}": message for name, message in exc.errors.items()}
        ) from None


def _subject_keys(
    claim_type: ClaimType, agency: Agency, period: str, lines: list[str]
) -> list[tuple[str, str]]:
    """(key, label) for each subsidised subject; a person must be a worker of the agency."""
    kind = claim_type.parameters.get("subject_kind")
    if isinstance(lines, str):  # a textarea's text rather than a list of lines
        lines = lines.splitlines()
    cleaned = [str(line).strip() for line in lines if line and str(line).strip()]
    if not kind:
        return []
    if not cleaned:
        raise ValidationError(
            {"subjects": _("List who or what this claim subsidises, one per line.")}
        )
    too_long = [value for value in cleaned if len(value) > SUBJECT_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "subjects": _("Each entry may have at most %(n)s characters: %(list)s.")
                % {"n": SUBJECT_MAX_LENGTH, "list": "、".join(v[:20] + "…" for v in too_long)}
            }
        )
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"subjects": _("The list names the same entry twice.")})
    if kind != ClaimSubject.Kind.PERSON:
        return [(f"{agency.pk}:{value}", value) for value in cleaned]
    hashes = {blind_index(normalize_id(v)): v for v in cleaned}
    workers = {
        w.person.id_hash: w
        for w in Worker.objects.filter(agency=agency, person__id_hash__in=hashes).select_related(
            "person"
        )
    }
    missing = [value for digest, value in hashes.items() if digest not in workers]
    if missing:
        raise ValidationError(
            {
                "subjects": _("These ID numbers are not workers of the agency: %(list)s.")
                % {"list": "、".join(missing)}
            }
        )
    return [(f"{workers[d].person_id}@{period}", workers[d].person.name) for d in hashes]


def _record_subjects(
    claim_type: ClaimType, agency: Agency, lines: list[str] | str
) -> tuple[list[tuple[str, str]], dict]:
    """Training and certification subsidies: (key, label) of each listed enrolment or
    certificate of the agency's own courses, and the figures the calculator reads (the count
    and, per course, the number listed and the course's standard). A line's first word is its
    enrolment number or certificate number; the rest (name, course) is ignored."""
    kind = claim_type.parameters.get("subject_kind")
    certificates = kind == ClaimSubject.Kind.CERTIFICATE
    if isinstance(lines, str):
        lines = lines.splitlines()
    tokens = [str(line).split()[0] for line in lines if line and str(line).strip()]
    if not tokens:
        raise ValidationError(
            {
                "subjects": _("List the certificate numbers claimed, one per line.")
                if certificates
                else _("List the enrolment numbers of the trainees claimed, one per line.")
            }
        )
    if len(set(tokens)) != len(tokens):
        twice = sorted({t for t in tokens if tokens.count(t) > 1})
        raise ValidationError(
            {"subjects": _("The list names these twice: %(list)s.") % {"list": "、".join(twice)}}
        )
    if not certificates:
        bad = [t for t in tokens if not t.isdecimal() or len(t) > 18]
        if bad:
            raise ValidationError(
                {
                    "subjects": _("Enrolment numbers are whole numbers; not: %(list)s.")
                    % {"list": "、".join(v[:20] for v in bad)}
                }
            )
        found = {
            str(e.pk): e
            for e in Enrolment.objects.filter(
                pk__in=[int(t) for t in tokens], course__provider=agency
            ).select_related("course__kind", "person")
        }
    else:
        found = {
            e.certificate_number: e
            for e in Enrolment.objects.filter(
                certificate_number__in=tokens, course__provider=agency
            ).select_related("course", "person")
        }
    unknown = [t for t in tokens if t not in found]
    if unknown:
        message = (
            _("These certificates are not of your agency's trainees: %(list)s.")
            if certificates
            else _("These enrolments are not of your agency's courses: %(list)s.")
        )
        raise ValidationError({"subjects": message % {"list": "、".join(unknown)}})
    eligible = set(
        selectors.training_records(agency, claim_type)
        .filter(pk__in=[e.pk for e in found.values()])
        .values_list("pk", flat=True)
    )
    refused = [
        selectors.training_record_label(claim_type, found[t])
        for t in tokens
        if found[t].pk not in eligible
    ]
    if refused:
        message = (
            _("These certificates were not obtained with a passed exam in %(year)s: %(list)s.")
            if certificates
            else _("These enrolments are not completed in %(year)s: %(list)s.")
        )
        raise ValidationError(
            {"subjects": message % {"year": claim_type.policy_year, "list": "、".join(refused)}}
        )
    courses: dict[int, dict] = {}
    for t in tokens:
        course = found[t].course
        group = courses.setdefault(
            course.pk,
            {
                "course": course.name,
                "count": 0,
                # Certification is paid at the type's standard; training at the standard
                # the bureau sets for the course's kind.
                "standard": "" if certificates else str(course.kind.subsidy_standard),
            },
        )
        group["count"] += 1
    keys = [(t, selectors.training_record_label(claim_type, found[t])) for t in tokens]
    return keys, {"count": str(len(tokens)), "courses": list(courses.values())}


def _set_subjects(claim: Claim, keys: list[tuple[str, str]]) -> None:
    kind = claim.claim_type.parameters.get("subject_kind")
    claim.subjects.all().delete()
    if not kind:
        return
    count = claim.declared.get("count")
    if count not in (None, "") and int(Decimal(str(count))) != len(keys):
        raise ValidationError(
            {
                "subjects": _("The list has %(n)s entries but the declared number is %(count)s.")
                % {"n": len(keys), "count": count}
            }
        )
    try:
        with transaction.atomic():
            ClaimSubject.objects.bulk_create(
                ClaimSubject(
                    claim=claim, claim_type=claim.claim_type, kind=kind, key=key, label=label[:120]
                )
                for key, label in keys
            )
    except IntegrityError:
        taken = set(
            ClaimSubject.objects.filter(
                claim_type=claim.claim_type, kind=kind, key__in=[k for k, _l in keys], live=True
            )
            .exclude(claim=claim)
            .values_list("label", flat=True)
        )
        raise ValidationError(
            {
                "subjects": _("Already subsidised by another claim of this type: %(list)s.")
                % {"list": "、".join(sorted(taken)) or "—"}
            }
        ) from None


def claim_create(
    *,
    actor: User,
    agency: Agency,
    claim_type: ClaimType,
    period: str,
    declared: dict,
    subjects: list[str] | None = None,
) -> Claim:
    """Save a draft claim with its computed amount; nothing is submitted yet."""
    if (
        not is_agency_user(actor)
        or getattr(getattr(actor, "agency_membership", None), "agency_id", None) != agency.pk
    ):
        raise PermissionDenied(_("Only the agency itself files its claims."))
    if not claim_type.active:
        raise ValidationError({"claim_type": _("This claim type is not open for claims.")})
    period = _check_period(claim_type, period)
    entries = None  # fee exemptions: the listed household services
    if selectors.from_training_records(claim_type):
        keys, declared = _record_subjects(claim_type, agency, subjects or [])
        calculation = _compute(claim_type, declared, period)
    elif is_exemption_type(claim_type):
        entries = exemptions_parse(claim_type, agency, period, subjects or [])
        keys = [(entry.subject_key, entry.label) for entry in entries]
        declared = {"count": str(len(entries))}
        calculation = _compute(claim_type, declared, period)
    elif insured_months.is_insured_months(claim_type):
        keys, declared = insured_months.rows_from_lines(claim_type, agency, period, subjects or [])
        calculation = _compute(claim_type, declared, period)
    else:
        calculation = _compute(claim_type, declared, period)
        keys = _subject_keys(claim_type, agency, period, subjects or [])
    with transaction.atomic():
        claim = Claim(
            agency=agency,
            claim_type=claim_type,
            period=period,
            declared=dict(declared),
            eligible_amount=calculation.amount,
            trace=calculation.trace,
            eligibility_notes=selectors.eligibility_for(agency, claim_type, period=period)
            + calculation.problems,
            created_by=actor,
        )
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:
            raise ValidationError(
                {
                    "period": _(
                        "The agency already has a claim of this type for %(period)s; open that one instead."
                    )
                    % {"period": period}
                }
            ) from None
        _set_subjects(claim, keys)
        if entries is not None:
            exemptions_store(claim, entries)
        audit.log(actor, claim, "subsidies.claim.created", after=_snapshot(claim))
    return claim


def claim_update(
    *, actor: User, claim: Claim, declared: dict, subjects: list[str] | None = None
) -> Claim:
    """Change a draft's figures; ``subjects=None`` keeps the current list of subjects."""
    _require(permissions.can_edit_claim(actor, claim))
    entries = None  # fee exemptions: the listed household services (None: kept)
    if is_exemption_type(claim.claim_type):
        if subjects is not None:
            entries = exemptions_parse(claim.claim_type, claim.agency, claim.period, subjects)
        declared = {"count": str(len(entries))} if entries is not None else dict(claim.declared)
        calculation = _compute(claim.claim_type, declared, claim.period)
        keys = None if entries is None else [(e.subject_key, e.label) for e in entries]
    elif selectors.from_training_records(claim.claim_type):
        # The figures are read again from the records, also when the list is kept.
        if subjects is None:
            subjects = list(claim.subjects.filter(live=True).values_list("key", flat=True))
        keys, declared = _record_subjects(claim.claim_type, claim.agency, subjects)
        calculation = _compute(claim.claim_type, declared, claim.period)
    elif insured_months.is_insured_months(claim.claim_type):
        # The list is the declaration: kept as it is when no new list is given.
        keys, declared = (
            insured_months.rows_again(claim.claim_type, claim.agency, claim.period, claim.declared)
            if subjects is None
            else insured_months.rows_from_lines(
                claim.claim_type, claim.agency, claim.period, subjects
            )
        )
        calculation = _compute(claim.claim_type, declared, claim.period)
    else:
        calculation = _compute(claim.claim_type, declared, claim.period)
        keys = (
            None
            if subjects is None
            else _subject_keys(claim.claim_type, claim.agency, claim.period, subjects)
        )
    with transaction.atomic():
        claim = (
            # of=("self",): lock the claim only, not its type and agency rows that the join
            # would also lock (which serialised every claim of a type and blocked the agency).
            Claim.objects.select_for_update(of=("self",))
            .select_related("claim_type", "agency")
            .get(pk=claim.pk)
        )
        _require(permissions.can_edit_claim(actor, claim))
        before = _snapshot(claim)
        claim.declared = dict(declared)
        claim.eligible_amount = calculation.amount
        claim.trace = calculation.trace
        claim.eligibility_notes = (
            selectors.eligibility_for(claim.agency, claim.claim_type, period=claim.period)
            + calculation.problems
        )
        claim.save()
        if keys is None:
            keys = list(claim.subjects.filter(live=True).values_list("key", "label"))
        _set_subjects(claim, keys)
        if entries is not None:
            exemptions_store(claim, entries)
        audit.log(actor, claim, "subsidies.claim.updated", before=before, after=_snapshot(claim))
    return claim


def claim_attach(*, actor: User, claim: Claim, code: str, upload) -> ClaimAttachment:
    _require(permissions.can_edit_claim(actor, claim))
    codes = {c for c, _label in claim.claim_type.required_attachments} | {"other"}
    if code not in codes:
        raise ValidationError({"code": _("Choose what the attachment is from the list.")})
    with transaction.atomic():
        document = document_store(
            upload, allowed=ATTACHMENT_TYPES, field="file", user=actor, owner=claim, purpose=code
        )
        attachment = ClaimAttachment.objects.create(claim=claim, code=code, document=document)
        audit.log(
            actor,
            claim,
            "subsidies.claim.attached",
            after={"code": code, "file": document.original_name},
        )
    return attachment


def claim_detach(*, actor: User, attachment: ClaimAttachment) -> None:
    _require(permissions.can_edit_claim(actor, attachment.claim))
    with transaction.atomic():
        audit.log(
            actor,
            attachment.claim,
            "subsidies.claim.detached",
            before={"file": str(attachment.document)},
        )
        attachment.delete()


def _missing_attachments(claim: Claim) -> list[str]:
    have = set(claim.attachments.values_list("code", flat=True))
    return [label for code, label in claim.claim_type.required_attachments if code not in have]


def _lock_funds(claim: Claim) -> list[SpecialFund]:
    """The year's general fund and, if there is one, the type's own fund, locked in id order."""
    year = claim.claim_type.policy_year
    funds = list(
        SpecialFund.objects.select_for_update()
        .filter(Q(claim_type__isnull=True) | Q(claim_type=claim.claim_type), year=year)
        .order_by("pk")
    )
    if not any(f.claim_type_id is None for f in funds):
        raise ValidationError(
            _(
                "No special fund is set up for %(year)s; ask the bureau to enter the year's budget first."
            )
            % {"year": year}
        )
    return funds


def _parse_amount(value, field: str) -> Decimal:
    try:
        amount = rules.money(Decimal(str(value).replace(",", "").strip()))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount in yuan, e.g. 12000.00.")}) from None
    if not amount.is_finite():  # "NaN" parses and quantizes to NaN; comparing it raises
        raise ValidationError({field: _("Enter an amount in yuan, e.g. 12000.00.")})
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("The amount is too large; please check it.")})
    return amount


def _issue_notice(claim: Claim, kind: str, *, amount: Decimal | None, reason: str) -> Notice:
    from kunqu_jiafu.documents.numbering import format_notice_number, next_number

    series, prefix = NOTICE_SERIES[kind]
    year = timezone.localdate().year
    sequence = next_number(series, year)
    notice = Notice.objects.create(
        claim=claim,
        kind=kind,
        year=year,
        sequence=sequence,
        number=format_notice_number(prefix, year, sequence),
        amount=amount,
        reason=reason,
        issued_on=timezone.localdate(),
    )
    from .tasks import render_notice

    # robust: the decision is committed whatever happens to the PDF; notice_render can redo it.
    transaction.on_commit(lambda: render_notice.delay(notice.pk), robust=True)
    return notice


def _require_still_eligible(claim: Claim, amount: Decimal | None = None) -> None:
    """First review and approval read the eligibility again: a recognition revoked or a
    standing changed since submission stops the claim, with the reason. An award's yearly
    settings are checked under a lock on the year's settings row, so two approvals for one
    agency cannot both slip under its limit."""
    if claim.claim_type.eligibility in rules.AWARD_RULES:
        year = claim.claim_type.policy_year
        AwardPolicy.objects.get_or_create(year=year)
        AwardPolicy.objects.select_for_update().get(year=year)
    problems = selectors.claim_problems(claim, amount)
    if problems:
        raise ValidationError(
            _("The claim no longer meets the conditions: %(why)s") % {"why": "；".join(problems)}
        )


def claim_transition(
    *,
    actor: User,
    claim: Claim,
    action: str,
    reason: str = "",
    approved_amount=None,
    paid_on: dt.date | None = None,
    bank_reference: str = "",
) -> Claim:
    """Move a claim along workflow.TRANSITIONS; money and notices move with it."""
    reason = (reason or "").strip()
    with transaction.atomic():
        claim = (
            # of=("self",): lock the claim only, not its type and agency rows that the join
            # would also lock (which serialised every claim of a type and blocked the agency).
            Claim.objects.select_for_update(of=("self",))
            .select_related("claim_type", "agency")
            .get(pk=claim.pk)
        )
        _require(permissions.can_transition(actor, claim, action))
        transition = workflow.find(claim.status, action)
        if transition.needs_reason and not reason:
            raise ValidationError(
                {
                    "reason": _("Please give the reason for “%(action)s”.")
                    % {"action": transition.label}
                }
            )
        before = _snapshot(claim)
        now = timezone.now()
        link = reverse("claims:detail", args=[claim.pk])
        admin_link = reverse("admin:subsidies_claim_change", args=[claim.pk])

        if action in ("submit", "resubmit"):
            if selectors.from_training_records(claim.claim_type):
                # The records may have changed since the draft: list and figures read again.
                _keys, claim.declared = _record_subjects(
                    claim.claim_type,
                    claim.agency,
                    list(claim.subjects.filter(live=True).values_list("key", flat=True)),
                )
            if insured_months.is_insured_months(claim.claim_type):
                # The records may have changed since the draft (a worker left, insurance
                # ended): every worker-month is checked again.
                _keys, claim.declared = insured_months.rows_again(
                    claim.claim_type, claim.agency, claim.period, claim.declared
                )
            calculation = _compute(claim.claim_type, claim.declared, claim.period)
            problems = selectors.claim_problems(claim, calculation.amount) + calculation.problems
            if problems:
                raise ValidationError(
                    _("The claim cannot be submitted: %(why)s") % {"why": "；".join(problems)}
                )
            missing = _missing_attachments(claim)
            if missing:
                raise ValidationError(
                    {"attachments": _("Please upload: %(list)s.") % {"list": "、".join(missing)}}
                )
            claim.eligible_amount, claim.trace = calculation.amount, calculation.trace
            claim.eligibility_notes = []
            claim.submitted_at = now
            notify(
                _users(REVIEWER),
                _("Subsidy claim to review: %(claim)s") % {"claim": claim},
                "",
                admin_link,
            )
        elif action == "first_pass":
            _require_still_eligible(claim)
            claim.first_reviewed_by, claim.first_reviewed_at = actor, now
            notify(
                _users(APPROVER),
                _("Subsidy claim to approve: %(claim)s") % {"claim": claim},
                reason,
                admin_link,
            )
        elif action == "approve":
            amount = (
                claim.eligible_amount
                if approved_amount in (None, "")
                else _parse_amount(approved_amount, "approved_amount")
            )
            if amount > claim.eligible_amount:
                raise ValidationError(
                    {
                        "approved_amount": _(
                            "The approved amount cannot exceed the eligible amount %(amount)s yuan."
                        )
                        % {"amount": claim.eligible_amount}
                    }
                )
            if amount <= 0:
                raise ValidationError(
                    {
                        "approved_amount": _(
                            "Nothing to approve: the amount is zero. Reject the claim instead."
                        )
                    }
                )
            _require_still_eligible(claim, amount)
            for fund in _lock_funds(claim):
                if fund.remaining < amount:
                    raise ValidationError(
                        {
                            "approved_amount": _(
                                "%(fund)s has only %(left)s yuan left; %(amount)s yuan cannot be approved."
                            )
                            % {"fund": fund, "left": fund.remaining, "amount": amount}
                        }
                    )
                SpecialFund.objects.filter(pk=fund.pk).update(committed=F("committed") + amount)
                if fund.claim_type_id is None:
                    claim.fund = fund
            claim.approved_amount = amount
            claim.decided_by, claim.decided_at = actor, now
            _issue_notice(claim, Notice.Kind.APPROVAL, amount=amount, reason=reason)
            notify(
                agency_users(claim.agency),
                _("Subsidy claim approved: %(claim)s") % {"claim": claim},
                _("Approved amount: %(amount)s yuan.") % {"amount": amount},
                link,
            )
        elif action == "reject":
            claim.decided_by, claim.decided_at = actor, now
            claim.subjects.update(live=False)
            exemptions_retire(claim)
            _issue_notice(claim, Notice.Kind.REJECTION, amount=None, reason=reason)
            notify(
                agency_users(claim.agency),
                _("Subsidy claim not approved: %(claim)s") % {"claim": claim},
                reason,
                link,
            )
        elif action == "return":
            notify(
                agency_users(claim.agency),
                _("Subsidy claim returned for correction: %(claim)s") % {"claim": claim},
                reason,
                link,
            )
        elif action == "pay":
            if paid_on is None:
                raise ValidationError({"paid_on": _("Enter the payment date.")})
            if paid_on > timezone.localdate():
                raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
            if not (bank_reference or "").strip():
                raise ValidationError({"bank_reference": _("Enter the bank transfer reference.")})
            if len(bank_reference.strip()) > Claim._meta.get_field("bank_reference").max_length:
                raise ValidationError(
                    {
                        "bank_reference": _("The bank reference may have at most %(n)s characters.")
                        % {"n": Claim._meta.get_field("bank_reference").max_length}
                    }
                )
            claim.paid_on, claim.bank_reference = paid_on, bank_reference.strip()
            notify(
                agency_users(claim.agency),
                _("Subsidy paid: %(claim)s") % {"claim": claim},
                _("%(amount)s yuan paid on %(date)s.")
                % {"amount": claim.approved_amount, "date": paid_on},
                link,
            )
        elif action == "revoke":
            claim.subjects.update(live=False)
            exemptions_retire(claim)
            if claim.status == Claim.Status.PAID:
                claim.recovery_amount = claim.approved_amount
            elif claim.fund_id:
                # Approved but not yet paid: the money goes back to the fund.
                for fund in _lock_funds(claim):
                    SpecialFund.objects.filter(pk=fund.pk).update(
                        committed=F("committed") - claim.approved_amount
                    )
            notify(
                agency_users(claim.agency),
                _("Subsidy claim revoked: %(claim)s") % {"claim": claim},
                reason,
                link,
            )
        elif action == "withdraw":
            claim.subjects.update(live=False)
            exemptions_retire(claim)

        claim.status = transition.target
        claim.last_reason = reason
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:
            raise ValidationError(
                _("Another live claim of this type and period exists; this one cannot be reopened.")
            ) from None
        audit.log(
            actor,
            claim,
            f"subsidies.claim.{action}",
            before=before,
            after=_snapshot(claim),
            reason=reason,
        )
    return claim


def notice_render(notice_id: int) -> Notice:
    """Render (or re-render) a notice's PDF. Idempotent: the number never changes."""
    from kunqu_jiafu.documents.money import amount_in_capitals, format_yuan
    from kunqu_jiafu.documents.pdf import render_pdf
    from kunqu_jiafu.documents.verification import pdf_context, verification_for

    notice = Notice.objects.select_related(
        "claim",
        "claim__agency",
        "claim__claim_type",
        "claim__first_reviewed_by",
        "claim__decided_by",
    ).get(pk=notice_id)
    template = f"subsidies/notice_{notice.kind}.html"
    context = {
        "title": notice.get_kind_display(),
        "notice_number": notice.number,
        "addressee": notice.claim.agency.name,
        "issue_date": notice.issued_on,
        "notice": notice,
        "claim": notice.claim,
        "agency": notice.claim.agency,
        "amount_figures": format_yuan(notice.amount) if notice.amount is not None else "",
        "amount_capitals": amount_in_capitals(notice.amount) if notice.amount is not None else "",
    }
    verification = verification_for(
        notice,
        kind=str(notice.get_kind_display()),
        number=notice.number,
        agency=notice.claim.agency.name,
        amount=notice.amount,
        issued_on=notice.issued_on,
    )
    context.update(pdf_context(verification))
    pdf = render_pdf(template, context)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        upload = ContentFile(pdf, name=f"{notice.number}.pdf")
        document = document_store(
            upload, allowed=(PDF,), field="file", owner=notice.claim, purpose=notice.kind
        )
        notice.document = document
        notice.rendered_at = timezone.now()
        notice.save(update_fields=["document", "rendered_at"])
    return notice


def _committed_for_type(claim_type: ClaimType) -> Decimal:
    """What the type's claims have drawn: approved, paid, and paid-then-revoked (money paid
    out stays spent until it is recovered)."""
    drawn = Claim.objects.filter(claim_type=claim_type, fund__isnull=False).filter(
        Q(status__in=[Claim.Status.APPROVED, Claim.Status.PAID])
        | Q(status=Claim.Status.REVOKED, paid_on__isnull=False)
    )
    return drawn.aggregate(total=Sum("approved_amount"))["total"] or Decimal("0.00")


def fund_set(
    *, actor: User, year: int, amount, claim_type: ClaimType | None = None, note: str = ""
) -> SpecialFund:
    """Enter or change a year's special fund; it can never drop below what is approved."""
    if is_agency_user(actor) or not has_role(actor, REVIEWER, APPROVER):
        raise PermissionDenied(_("Only bureau staff manage the special fund."))
    amount = _parse_amount(amount, "amount")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the fund's year, e.g. 2026.")})
    if claim_type is not None and claim_type.policy_year != year:
        raise ValidationError(
            {
                "claim_type": _("%(type)s belongs to the policy year %(type_year)s, not %(year)s.")
                % {"type": claim_type, "type_year": claim_type.policy_year, "year": year}
            }
        )
    with transaction.atomic():
        fund = (
            SpecialFund.objects.select_for_update().filter(year=year, claim_type=claim_type).first()
        )
        before = None
        if fund is None:
            fund = SpecialFund(year=year, claim_type=claim_type, amount=amount, note=note)
            if claim_type is not None:
                # A type's own fund set up mid-year carries what was already approved for the
                # type, so the cap holds and a later revocation gives back only what it took.
                fund.committed = _committed_for_type(claim_type)
        else:
            before = {"amount": fund.amount}
        if amount < fund.committed:
            raise ValidationError(
                {
                    "amount": _(
                        "%(committed)s yuan is already approved from this fund; the budget cannot be lower."
                    )
                    % {"committed": fund.committed}
                }
            )
        fund.amount, fund.note = amount, note
        try:
            with transaction.atomic():
                fund.save()
        except IntegrityError:
            # The same fund was created a moment ago by someone else.
            raise ValidationError(
                {"amount": _("The fund was changed by someone else just now; please try again.")}
            ) from None
        audit.log(
            actor, fund, "subsidies.fund.set", before=before, after={"amount": amount}, reason=note
        )
    return fund


# --- the catalogue and notices, kept by bureau staff -----------------------------------------

CLAIM_TYPE_FIELDS = (
    "name",
    "group",
    "calculator",
    "parameters",
    "eligibility",
    "required_attachments",
    "period_kind",
    "description",
    "active",
    "sort_order",
)
_SLUG = re.compile(r"^[a-z0-9_]{1,40}$")


def _require_bureau(actor: User) -> None:
    if is_agency_user(actor) or not has_role(actor, REVIEWER, APPROVER):
        raise PermissionDenied(_("Only bureau staff keep the claim-type catalogue."))


def _parameter_errors(calculator: str, params) -> list[str]:
    """What is wrong with a type's parameters for its calculator (rules.PARAMETERS)."""
    if not isinstance(params, dict):
        return [_('The parameters must be a JSON object, e.g. {"cap": "100000.00"}.')]
    spec = rules.PARAMETERS.get(calculator, {})
    errors = []
    for name, (kind, required) in spec.items():
        raw = params.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                errors.append(
                    _("The parameter “%(name)s” is required for this calculator.") % {"name": name}
                )
            continue
        if kind == "text":
            if not isinstance(raw, str):
                errors.append(_("The parameter “%(name)s” must be text.") % {"name": name})
            continue
        try:
            value = None if isinstance(raw, bool) else Decimal(str(raw).strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            errors.append(
                _("The parameter “%(name)s” must be a number of zero or more, not %(value)s.")
                % {"name": name, "value": raw}
            )
        elif kind == "rate" and value > 1:
            errors.append(
                _("The parameter “%(name)s” is a rate from 0 to 1 (1 means 100%%), not %(value)s.")
                % {"name": name, "value": raw}
            )
        elif kind == "money" and value != value.quantize(rules.CENT):
            errors.append(
                _("The parameter “%(name)s” is an amount in yuan with at most two decimals.")
                % {"name": name}
            )
        elif kind == "count" and value != value.to_integral_value():
            errors.append(_("The parameter “%(name)s” must be a whole number.") % {"name": name})
    unknown = [name for name in params if name not in spec and name != "subject_kind"]
    if unknown:
        errors.append(
            _("Unknown parameter(s) %(unknown)s; this calculator reads: %(known)s.")
            % {
                "unknown": "、".join(f"“{name}”" for name in unknown),
                "known": "、".join([*spec, "subject_kind"]),
            }
        )
    subject_kind = params.get("subject_kind")
    if calculator == "per_enrolment" and subject_kind not in (
        ClaimSubject.Kind.ENROLMENT,
        ClaimSubject.Kind.CERTIFICATE,
    ):
        errors.append(
            _("This calculator reads training records: “subject_kind” must be %(kinds)s.")
            % {"kinds": "enrolment、certificate"}
        )
    elif subject_kind not in (None, "") and subject_kind not in ClaimSubject.Kind.values:
        errors.append(
            _("“subject_kind” must be one of %(kinds)s.")
            % {"kinds": "、".join(ClaimSubject.Kind.values)}
        )
    return errors


def _attachment_errors(value) -> list[str]:
    if not isinstance(value, list):
        return [_("Required attachments must be a list of [code, name] pairs.")]
    errors, seen = [], set()
    for n, pair in enumerate(value, 1):
        if not (
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and all(isinstance(part, str) for part in pair)
        ):
            errors.append(_("Attachment %(n)s: give a code and a name.") % {"n": n})
            continue
        code, label = pair[0].strip(), pair[1].strip()
        if not _SLUG.match(code):
            errors.append(
                _(
                    "Attachment %(n)s: the code “%(code)s” may use only lower-case letters, "
                    "digits and underscores."
                )
                % {"n": n, "code": code}
            )
        if not label:
            errors.append(_("Attachment %(n)s: the name is missing.") % {"n": n})
        if code in seen:
            errors.append(
                _("Attachment %(n)s: the code “%(code)s” is listed twice.") % {"n": n, "code": code}
            )
        seen.add(code)
    return errors


def _claim_type_snapshot(claim_type: ClaimType) -> dict[str, Any]:
    return {name: getattr(claim_type, name) for name in ("code", "policy_year", *CLAIM_TYPE_FIELDS)}


def claim_type_save(
    *, actor: User, data: dict, claim_type: ClaimType | None = None, reason: str = ""
) -> ClaimType:
    """Add a claim type (``data`` gives its code and policy year) or change one. The code and
    year of an existing type stay fixed: the next year's type is a copy."""
    _require_bureau(actor)
    creating = claim_type is None
    obj = ClaimType() if creating else ClaimType.objects.get(pk=claim_type.pk)
    before = None if creating else _claim_type_snapshot(obj)
    for name in (*CLAIM_TYPE_FIELDS, *(("code", "policy_year") if creating else ())):
        if name in data:
            setattr(obj, name, data[name])
    obj.name = (obj.name or "").strip()
    errors: dict[str, list[str]] = {}
    if creating and not _SLUG.match(obj.code or ""):
        errors["code"] = [_("Use lower-case letters, digits and underscores for the code.")]
    if creating and not (isinstance(obj.policy_year, int) and 2000 <= obj.policy_year <= 2100):
        errors["policy_year"] = [_("Enter the policy year, e.g. 2026.")]
    if not obj.name:
        errors["name"] = [_("Enter the name of the claim type.")]
    if obj.group not in ClaimType.Group.values:
        errors["group"] = [_("Choose a policy group from the list.")]
    if obj.period_kind not in ClaimType.PeriodKind.values:
        errors["period_kind"] = [_("Choose a claim period from the list.")]
    if obj.calculator not in rules.CALCULATORS:
        errors["calculator"] = [_("Choose a calculator from the list.")]
    else:
        problems = _parameter_errors(obj.calculator, obj.parameters)
        if problems:
            errors["parameters"] = problems
    if obj.eligibility not in rules.ELIGIBILITY:
        errors["eligibility"] = [_("Choose an eligibility rule from the list.")]
    problems = _attachment_errors(obj.required_attachments)
    if problems:
        errors["required_attachments"] = problems
    if errors:
        raise ValidationError(errors)
    obj.required_attachments = [
        [code.strip(), label.strip()] for code, label in obj.required_attachments
    ]
    with transaction.atomic():
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            raise ValidationError(
                {
                    "code": _(
                        "The catalogue of %(year)s already has a type with the code %(code)s."
                    )
                    % {"year": obj.policy_year, "code": obj.code}
                }
            ) from None
        audit.log(
            actor,
            obj,
            f"subsidies.claimtype.{'created' if creating else 'updated'}",
            before=before,
            after=_claim_type_snapshot(obj),
            reason=reason,
        )
    return obj


def claim_type_copy(*, actor: User, claim_type: ClaimType, year: int | None = None) -> ClaimType:
    """The same claim type for another policy year (by default the next one)."""
    import copy

    year = year or claim_type.policy_year + 1
    if ClaimType.objects.filter(code=claim_type.code, policy_year=year).exists():
        raise ValidationError(
            {
                "policy_year": _("%(name)s already exists in the catalogue of %(year)s.")
                % {"name": claim_type.name, "year": year}
            }
        )
    data = {name: copy.deepcopy(getattr(claim_type, name)) for name in CLAIM_TYPE_FIELDS}
    data.update(code=claim_type.code, policy_year=year)
    with transaction.atomic():
        made = claim_type_save(
            actor=actor,
            data=data,
            reason=_("Copied from %(type)s.") % {"type": claim_type},
        )
        # A figure the bureau had to confirm is to be confirmed again for the new year.
        ParameterFlag.objects.bulk_create(
            ParameterFlag(claim_type=made, name=flag.name, note=flag.note)
            for flag in claim_type.parameter_flags.all()
        )
    return made


def notice_regenerate(*, actor: User, notice: Notice) -> None:
    """Queue a fresh PDF of a notice; its number and contents stay as issued."""
    _require_bureau(actor)
    from .tasks import render_notice

    with transaction.atomic():
        audit.log(
            actor,
            notice.claim,
            "subsidies.notice.regenerate",
            after={"notice": notice.number},
        )
        notice_id = notice.pk
        transaction.on_commit(lambda: render_notice.delay(notice_id))


# --- award settings and the parameters awaiting the bureau's confirmation --------------------

AWARD_POLICY_FIELDS = ("awards_per_year", "yearly_total", "basic_pass_counts")


def award_policy_save(
    *, actor: User, year: int, data: dict, policy: AwardPolicy | None = None
) -> AwardPolicy:
    """Enter or change the award settings of a policy year."""
    _require_bureau(actor)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the policy year, e.g. 2026.")})
    errors: dict[str, str] = {}
    if data.get("awards_per_year", AwardPolicy.Limit.EACH_KIND) not in AwardPolicy.Limit.values:
        errors["awards_per_year"] = _("Choose how many awards an agency may receive a year.")
    total = data.get("yearly_total")
    if total in ("", None):
        total = None
    else:
        try:
            total = _parse_amount(total, "yearly_total")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = (
            AwardPolicy.objects.select_for_update().filter(pk=policy.pk).first()
            if policy is not None and policy.pk
            else AwardPolicy.objects.select_for_update().filter(year=year).first()
        )
        obj = existing or AwardPolicy(year=year)
        before = {f: getattr(obj, f) for f in AWARD_POLICY_FIELDS} if existing else None
        obj.awards_per_year = data.get("awards_per_year", obj.awards_per_year)
        obj.yearly_total = total
        obj.basic_pass_counts = bool(data.get("basic_pass_counts", obj.basic_pass_counts))
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            raise ValidationError(
                {"year": _("The award settings of %(year)s already exist.") % {"year": year}}
            ) from None
        audit.log(
            actor,
            obj,
            f"subsidies.awardpolicy.{'updated' if existing else 'created'}",
            before=before,
            after={f: getattr(obj, f) for f in AWARD_POLICY_FIELDS},
        )
    return obj


def parameter_flag(
    *, actor: User, claim_type: ClaimType, name: str, note: str = ""
) -> ParameterFlag:
    """Mark a parameter of a claim type as a figure the bureau still has to confirm."""
    _require_bureau(actor)
    name = (name or "").strip()
    if name not in (claim_type.parameters or {}):
        raise ValidationError(
            {
                "name": _("%(type)s has no parameter “%(name)s”; it has: %(known)s.")
                % {
                    "type": claim_type,
                    "name": name,
                    "known": "、".join(claim_type.parameters or {}) or "—",
                }
            }
        )
    with transaction.atomic():
        flag, created = ParameterFlag.objects.get_or_create(
            claim_type=claim_type, name=name, defaults={"note": note}
        )
        if not created:
            raise ValidationError({"name": _("This parameter is already marked for confirmation.")})
        audit.log(
            actor,
            claim_type,
            "subsidies.parameter.flagged",
            after={"parameter": name, "value": flag.current_value},
            reason=note,
        )
    return flag


def parameter_confirm(*, actor: User, flag: ParameterFlag) -> ParameterFlag:
    """A bureau user confirms the value the parameter has now (who and when are kept)."""
    _require_bureau(actor)
    with transaction.atomic():
        flag = (
            ParameterFlag.objects.select_for_update().select_related("claim_type").get(pk=flag.pk)
        )
        value = flag.current_value
        if value in (None, ""):
            raise ValidationError(
                _("“%(name)s” has no value in %(type)s; enter it before confirming it.")
                % {"name": flag.name, "type": flag.claim_type}
            )
        before = {"value": flag.confirmed_value, "confirmed_at": flag.confirmed_at}
        flag.confirmed_value = value
        flag.confirmed_by = actor
        flag.confirmed_at = timezone.now()
        flag.save(update_fields=["confirmed_value", "confirmed_by", "confirmed_at"])
        audit.log(
            actor,
            flag.claim_type,
            "subsidies.parameter.confirmed",
            before=before,
            after={"parameter": flag.name, "value": value},
        )
    return flag
