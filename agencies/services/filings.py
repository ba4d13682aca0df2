"""Employee-system filings (员工制备案): submission, decisions, the term in force, renewal,
lapse and withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.notifications.services import notify

from .. import permissions, rules, selectors, workflow
from ..models import Agency, EmployeeSystemFiling
from ..selectors import agency_users
from .common import _require, _reviewers

FILING_DECLARATIONS = (
    "signs_customer_contracts",
    "dispatches_workers",
    "pays_wages_directly",
    "trains_continuously",
)


def _filing_to_replace(agency: Agency) -> tuple[EmployeeSystemFiling | None, Any]:
    """(a returned filing to re-file, the filing in force a new one renews), refusing while
    a filing waits or one in force is not yet open for renewal. The agency is locked."""
    existing = (
        EmployeeSystemFiling.objects.select_for_update()
        .filter(
            agency=agency,
            status__in=[
                EmployeeSystemFiling.Status.SUBMITTED,
                EmployeeSystemFiling.Status.FILED,
                EmployeeSystemFiling.Status.RETURNED,
            ],
        )
        .order_by("-submitted_at", "-id")
        .first()
    )
    in_force = None
    if existing is not None and existing.status == EmployeeSystemFiling.Status.FILED:
        # A filing in force may be renewed in its last weeks; the renewal is a new filing.
        in_force, existing = existing, None
        opens = renewal_opens_on(in_force)
        if timezone.localdate() < opens:
            raise ValidationError(
                _("The agency's filing is valid until %(until)s; renewal opens on %(opens)s.")
                % {"until": in_force.valid_until, "opens": opens}
            )
    if existing is not None and existing.status != EmployeeSystemFiling.Status.RETURNED:
        raise ValidationError(
            _("The agency already has a filing that is %(status)s.")
            % {"status": existing.get_status_display()}
        )
    return existing, in_force


def _fill_submission(filing: EmployeeSystemFiling, declarations: dict[str, bool], figures) -> None:
    """The declarations and today's figures on a filing being (re-)submitted."""
    for name, value in declarations.items():
        setattr(filing, name, value)
    filing.status = EmployeeSystemFiling.Status.SUBMITTED
    for name in (
        "total_workers",
        "contracted_workers",
        "insured_workers",
        "qualifying_workers",
        "threshold_workers",
        "threshold_months",
        "meets_threshold",
    ):
        setattr(filing, name, getattr(figures, name))
    filing.submitted_at = timezone.now()
    filing.decided_at = None
    filing.decided_by = None
    filing.decision_reason = ""


def filing_submit(
    *, actor: User, agency: Agency, declarations: dict[str, bool]
) -> EmployeeSystemFiling:
    """File (or re-file after a return) with figures computed from the worker records now."""
    # Only the four declarations are read: a missing one counts as not met, and no other key
    # can reach the filing's fields.
    declarations = {name: bool(declarations.get(name)) for name in FILING_DECLARATIONS}
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        _require(permissions.can_submit_filing(actor, agency))
        figures = selectors.filing_figures_for(agency)
        existing, in_force = _filing_to_replace(agency)
        if not all(declarations.values()):
            raise ValidationError(
                {
                    name: _("An employee-system enterprise must meet this condition.")
                    for name, value in declarations.items()
                    if not value
                }
            )
        filing = existing or EmployeeSystemFiling(agency=agency, renews=in_force)
        action = "resubmitted" if existing else "submitted"
        _fill_submission(filing, declarations, figures)
        try:
            with transaction.atomic():
                filing.save()
        except IntegrityError:
            raise ValidationError(_("The agency already has a live filing.")) from None
        audit.log(
            actor,
            filing,
            f"agencies.filing.{action}",
            after={
                "qualifying_workers": figures.qualifying_workers,
                "meets_threshold": figures.meets_threshold,
            },
        )
        notify(
            _reviewers(),
            _("Employee-system filing to review: %(name)s") % {"name": agency.name},
            "",
            reverse("admin:agencies_employeesystemfiling_change", args=[filing.pk]),
        )
    return filing


def _filing_decision(
    actor: User, filing: EmployeeSystemFiling, action: str, reason: str = ""
) -> EmployeeSystemFiling:
    """One decision on a submitted filing, per workflow.py: the check, the new status (an
    approved filing is put in force), one audit entry and one notice to the agency."""
    reason = (reason or "").strip()
    with transaction.atomic():
        filing = (
            EmployeeSystemFiling.objects.select_for_update()
            .select_related("agency")
            .get(pk=filing.pk)
        )
        transition = workflow.check(
            workflow.FILING_TRANSITIONS,
            filing.status,
            action,
            permissions.can_transition_filing(actor, filing, action),
            reason,
        )
        if action == "approve" and not filing.meets_threshold:
            raise ValidationError(
                _(
                    "The filing does not meet the threshold (%(have)s of %(need)s qualifying workers); "
                    "return it for correction or refuse it."
                )
                % {"have": filing.qualifying_workers, "need": filing.threshold_workers}
            )
        before = {"status": filing.status}
        filing.status = transition.target
        filing.decided_at = timezone.now()
        filing.decided_by = actor
        filing.decision_reason = reason
        if transition.target == EmployeeSystemFiling.Status.FILED:
            _put_in_force(filing)
        filing.save()
        audit.log(
            actor,
            filing,
            f"agencies.filing.{action}",
            before=before,
            after={"status": filing.status},
            reason=reason,
        )
        notify(
            agency_users(filing.agency),
            _("Employee-system filing: %(action)s") % {"action": transition.label},
            (_("Reason: %(reason)s") % {"reason": reason}) if reason else "",
            reverse("portal:filing"),
        )
    return filing


def filing_approve(*, actor: User, filing: EmployeeSystemFiling, reason: str = ""):
    """准予备案, only when the figures meet the threshold; the filing's term starts."""
    return _filing_decision(actor, filing, "approve", reason)


def filing_return(*, actor: User, filing: EmployeeSystemFiling, reason: str = ""):
    return _filing_decision(actor, filing, "return", reason)


def filing_refuse(*, actor: User, filing: EmployeeSystemFiling, reason: str = ""):
    return _filing_decision(actor, filing, "refuse", reason)


def filing_resubmit(*, actor: User, filing: EmployeeSystemFiling, reason: str = ""):
    """Re-filing recomputes the figures from today's worker records, so it goes through
    filing_submit (which also locks the agency first, as every submission does)."""
    filing = EmployeeSystemFiling.objects.select_related("agency").get(pk=filing.pk)
    _require(permissions.can_transition_filing(actor, filing, "resubmit"))
    declarations = {name: getattr(filing, name) for name in FILING_DECLARATIONS}
    return filing_submit(actor=actor, agency=filing.agency, declarations=declarations)


def filing_decide(
    *, actor: User, filing: EmployeeSystemFiling, action: str, reason: str = ""
) -> EmployeeSystemFiling:
    """The verb for an action named by the admin's or the API's form."""
    verbs = {
        "approve": filing_approve,
        "return": filing_return,
        "refuse": filing_refuse,
        "resubmit": filing_resubmit,
        "withdraw": filing_withdraw,
    }
    verb = verbs.get(action)
    if verb is None:
        _require(permissions.can_transition_filing(actor, filing, action))  # says why not
        raise PermissionDenied(_("You do not have the role needed for this action."))
    return verb(actor=actor, filing=filing, reason=reason)


def renewal_opens_on(filing: EmployeeSystemFiling) -> dt.date:
    """The first day the agency may file to renew a filing in force."""
    policy = selectors.policy_for_year(filing.valid_until.year)
    return filing.valid_until - dt.timedelta(days=policy.filing_renewal_days)


def _put_in_force(filing: EmployeeSystemFiling) -> None:
    """An approved filing's term: from today, or, renewing one still in force, from the day
    after that one ends (no gap, no overlap); the one renewed becomes 'renewed'."""
    today = timezone.localdate()
    start = today
    previous = (
        EmployeeSystemFiling.objects.select_for_update()
        .filter(agency=filing.agency_id, status=EmployeeSystemFiling.Status.FILED)
        .exclude(pk=filing.pk)
        .first()
    )
    if previous is not None:
        if previous.valid_until >= today:
            start = previous.valid_until + dt.timedelta(days=1)
        previous.status = EmployeeSystemFiling.Status.RENEWED
        previous.save(update_fields=["status"])
        audit.log(
            None,
            previous,
            "agencies.filing.renewed",
            before={"status": EmployeeSystemFiling.Status.FILED},
            after={"status": previous.status, "renewed_by": filing.pk},
        )
    months = selectors.policy_for_year(start.year).filing_valid_months
    filing.filed_on = today
    filing.valid_from, filing.valid_until = rules.filing_term(start, months)


def _figures_snapshot(figures) -> dict[str, int | bool]:
    return {
        "total_workers": figures.total_workers,
        "contracted_workers": figures.contracted_workers,
        "insured_workers": figures.insured_workers,
        "qualifying_workers": figures.qualifying_workers,
        "threshold_workers": figures.threshold_workers,
        "threshold_months": figures.threshold_months,
        "meets_threshold": figures.meets_threshold,
    }


def figures_text(figures: dict) -> str:
    return _(
        "%(qualifying)s qualifying workers (labour contract of at least %(months)s months with "
        "social insurance) of the %(need)s needed; %(total)s active workers, %(insured)s insured."
    ) % {
        "qualifying": figures["qualifying_workers"],
        "months": figures["threshold_months"],
        "need": figures["threshold_workers"],
        "total": figures["total_workers"],
        "insured": figures["insured_workers"],
    }


def filing_withdraw(
    *, actor: User | None, filing: EmployeeSystemFiling, reason: str = ""
) -> EmployeeSystemFiling:
    """Withdraw a filing in force: from today the agency is no longer an employee-system
    enterprise. The nightly check does this (actor None) when the figures fall below the
    threshold; bureau staff may do it with a reason. The agency is told the figures."""
    with transaction.atomic():
        filing = (
            EmployeeSystemFiling.objects.select_for_update()
            .select_related("agency")
            .get(pk=filing.pk)
        )
        if actor is not None:
            _require(permissions.can_transition_filing(actor, filing, "withdraw"))
        if filing.status != EmployeeSystemFiling.Status.FILED:
            raise ValidationError(
                _("This action is not possible while the filing is %(status)s.")
                % {"status": filing.get_status_display()}
            )
        reason = (reason or "").strip()
        if actor is not None and not reason:
            raise ValidationError({"reason": _("Please give the reason for the withdrawal.")})
        today = timezone.localdate()
        figures = _figures_snapshot(selectors.filing_figures_for(filing.agency))
        text = _("Figures on %(date)s: %(figures)s") % {
            "date": today.isoformat(),
            "figures": figures_text(figures),
        }
        filing.status = EmployeeSystemFiling.Status.WITHDRAWN
        filing.ended_on = today
        filing.end_figures = figures
        filing.end_reason = "\n".join(part for part in (reason, text) if part)
        filing.save(update_fields=["status", "ended_on", "end_figures", "end_reason"])
        # A renewed filing whose term still runs ends with it.
        EmployeeSystemFiling.objects.filter(
            agency=filing.agency,
            status=EmployeeSystemFiling.Status.RENEWED,
            valid_until__gte=today,
            ended_on__isnull=True,
        ).update(ended_on=today)
        audit.log(
            actor,
            filing,
            "agencies.filing.withdraw",
            before={"status": EmployeeSystemFiling.Status.FILED},
            after={"status": filing.status, "figures": figures},
            reason=reason,
        )
        notify(
            agency_users(filing.agency),
            _("Employee-system filing withdrawn"),
            _(
                "From %(date)s %(name)s is no longer a filed employee-system enterprise and "
                "cannot claim the employee-system benefits."
            )
            % {"date": today.isoformat(), "name": filing.agency.name}
            + "\n"
            + filing.end_reason,
            reverse("portal:filing"),
        )
    return filing


def filing_lapse(*, filing: EmployeeSystemFiling) -> EmployeeSystemFiling:
    """A filing whose term has ended without renewal lapses (the nightly check)."""
    with transaction.atomic():
        filing = (
            EmployeeSystemFiling.objects.select_for_update()
            .select_related("agency")
            .get(pk=filing.pk)
        )
        today = timezone.localdate()
        if filing.status != EmployeeSystemFiling.Status.FILED or filing.valid_until >= today:
            return filing  # renewed, withdrawn or still valid meanwhile: nothing to do
        filing.status = EmployeeSystemFiling.Status.LAPSED
        filing.ended_on = filing.valid_until + dt.timedelta(days=1)
        filing.end_reason = _("The term ended on %(date)s and the filing was not renewed.") % {
            "date": filing.valid_until.isoformat()
        }
        filing.save(update_fields=["status", "ended_on", "end_reason"])
        audit.log(
            None,
            filing,
            "agencies.filing.lapsed",
            before={"status": EmployeeSystemFiling.Status.FILED},
            after={"status": filing.status},
        )
        notify(
            agency_users(filing.agency),
            _("Employee-system filing lapsed"),
            filing.end_reason
            + "\n"
            + _("File again on the filing page to receive the employee-system benefits."),
            reverse("portal:filing"),
        )
    return filing


def filings_check() -> dict[str, int]:
    """The nightly check (celery beat, or ``manage.py check_filings``): filings past their
    term lapse; filings in force whose worker figures no longer meet the threshold are
    withdrawn with the figures. Each filing is handled in its own transaction."""
    today = timezone.localdate()
    done = {"lapsed": 0, "withdrawn": 0, "checked": 0}
    filed = EmployeeSystemFiling.objects.filter(status=EmployeeSystemFiling.Status.FILED)
    for filing in filed.filter(valid_until__lt=today).order_by("pk"):
        if filing_lapse(filing=filing).status == EmployeeSystemFiling.Status.LAPSED:
            done["lapsed"] += 1
    policy = selectors.policy_for_year(today.year)
    for filing in filed.filter(valid_until__gte=today).select_related("agency").order_by("pk"):
        done["checked"] += 1
        if not selectors.filing_figures_for(filing.agency, policy).meets_threshold:
            try:
                filing_withdraw(actor=None, filing=filing)
            except ValidationError:
                continue  # changed meanwhile (renewed or withdrawn by staff)
            done["withdrawn"] += 1
    return done
