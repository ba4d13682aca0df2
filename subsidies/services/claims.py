"""The agency's side of a claim: the draft (its figures, subjects and attachments) and the
steps the agency takes (submit, resubmit, withdraw)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import is_agency_user
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.documents.sniff import JPEG, PDF, PNG

from .. import insured_months, permissions, rules, selectors
from ..exemptions import exemptions_parse, exemptions_retire, exemptions_store, is_exemption_type
from ..models import Claim, ClaimAttachment, ClaimType
from .base import check_period, compute, require, snapshot
from .subjects import record_subjects, subjects_listed, subjects_set
from .transitions import claim_move

ATTACHMENT_TYPES = (PDF, JPEG, PNG)


def _figures(
    claim_type: ClaimType,
    agency: Agency,
    period: str,
    declared: dict,
    subjects: list[str] | str | None,
    kept: Claim | None = None,
) -> tuple[dict, rules.Calculation, list | None, list | None]:
    """(declared figures, calculation, subjects, fee-exemption entries) of a draft.
    ``subjects=None`` keeps the ``kept`` claim's list (subjects and entries None: unchanged);
    a fee exemption's subjects are made when its entries are stored."""
    listed = entries = None
    if is_exemption_type(claim_type):
        if subjects is None:
            declared = dict(kept.declared)
        else:
            entries = exemptions_parse(claim_type, agency, period, subjects)
            declared = {"count": str(len(entries))}
    elif selectors.from_training_records(claim_type):
        # The figures are read again from the records, also when the list is kept.
        if subjects is None:
            subjects = _kept_lines(kept)
        listed, declared = record_subjects(claim_type, agency, subjects)
    elif insured_months.is_insured_months(claim_type):
        # The list is the declaration: kept as it is when no new list is given.
        listed, declared = (
            insured_months.rows_again(claim_type, agency, period, kept.declared)
            if subjects is None
            else insured_months.rows_from_lines(claim_type, agency, period, subjects)
        )
    else:
        calculation = compute(claim_type, declared, period)
        if subjects is not None:
            listed = subjects_listed(claim_type, agency, period, subjects)
        return declared, calculation, listed, entries
    return declared, compute(claim_type, declared, period), listed, entries


def _kept_lines(claim: Claim) -> list[str]:
    """The enrolment or certificate numbers a claim lists now, to be read again."""
    return [
        selectors.subject_line(s)
        for s in claim.subjects.filter(live=True).select_related("certificate")
    ]


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
    period = check_period(claim_type, period)
    declared, calculation, listed, entries = _figures(
        claim_type, agency, period, declared, subjects or []
    )
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
        if entries is not None:
            listed = exemptions_store(claim, entries)
        subjects_set(claim, listed)
        audit.log(actor, claim, "subsidies.claim.created", after=snapshot(claim))
    return claim


def claim_update(
    *, actor: User, claim: Claim, declared: dict, subjects: list[str] | None = None
) -> Claim:
    """Change a draft's figures; ``subjects=None`` keeps the current list of subjects."""
    require(permissions.can_edit_claim(actor, claim))
    declared, calculation, listed, entries = _figures(
        claim.claim_type, claim.agency, claim.period, declared, subjects, kept=claim
    )
    with transaction.atomic():
        claim = (
            # of=("self",): lock the claim only, not its type and agency rows that the join
            # would also lock (which serialised every claim of a type and blocked the agency).
            Claim.objects.select_for_update(of=("self",))
            .select_related("claim_type", "agency")
            .get(pk=claim.pk)
        )
        require(permissions.can_edit_claim(actor, claim))
        before = snapshot(claim)
        claim.declared = dict(declared)
        claim.eligible_amount = calculation.amount
        claim.trace = calculation.trace
        claim.eligibility_notes = (
            selectors.eligibility_for(claim.agency, claim.claim_type, period=claim.period)
            + calculation.problems
        )
        claim.save()
        if entries is not None:
            listed = exemptions_store(claim, entries)
        subjects_set(claim, listed)  # None: the list is kept
        audit.log(actor, claim, "subsidies.claim.updated", before=before, after=snapshot(claim))
    return claim


def claim_attach(*, actor: User, claim: Claim, code: str, upload) -> ClaimAttachment:
    require(permissions.can_edit_claim(actor, claim))
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
    require(permissions.can_edit_claim(actor, attachment.claim))
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


# --- the agency's steps -----------------------------------------------------------------------


def _submit(claim: Claim, actor: User, now) -> None:
    """Everything is read again at submission: the records may have changed since the draft
    (a trainee's result, a worker who left, insurance that ended)."""
    if selectors.from_training_records(claim.claim_type):
        _subjects, claim.declared = record_subjects(
            claim.claim_type, claim.agency, _kept_lines(claim)
        )
    if insured_months.is_insured_months(claim.claim_type):
        _subjects, claim.declared = insured_months.rows_again(
            claim.claim_type, claim.agency, claim.period, claim.declared
        )
    calculation = compute(claim.claim_type, claim.declared, claim.period)
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


def release_subjects(claim: Claim, actor: User | None = None, now=None) -> None:
    """A claim that will not be paid (withdrawn, rejected, revoked) frees its subjects."""
    claim.subjects.update(live=False)
    exemptions_retire(claim)


def claim_submit(*, actor: User, claim: Claim, reason: str = "") -> Claim:
    return claim_move(actor=actor, claim=claim, action="submit", reason=reason, step=_submit)


def claim_resubmit(*, actor: User, claim: Claim, reason: str = "") -> Claim:
    """A returned claim, corrected, goes to review again."""
    return claim_move(actor=actor, claim=claim, action="resubmit", reason=reason, step=_submit)


def claim_withdraw(*, actor: User, claim: Claim, reason: str = "") -> Claim:
    return claim_move(
        actor=actor, claim=claim, action="withdraw", reason=reason, step=release_subjects
    )
