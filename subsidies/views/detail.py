"""A claim's page in the portal: its figures, attachments, history and notices, and the
agency's own steps (submit, resubmit, withdraw)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.models import Agency
from kunqu_jiafu.accounts.roles import AGENCY_USER
from kunqu_jiafu.audit import actions as audit_actions
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.web.forms import show_service_errors
from kunqu_jiafu.web.portal import agency_member

from .. import permissions, rules, selectors, services, workflow
from ..forms import OTHER_ATTACHMENT, AttachmentForm, TransitionForm
from ..models import Claim
from .catalogue import needs
from .common import claim_of, error_messages

# The agency's steps, by the word in the URL, in the order they are offered.
AGENCY_VERBS = {
    "submit": services.claim_submit,
    "resubmit": services.claim_resubmit,
    "withdraw": services.claim_withdraw,
}
AGENCY_ACTIONS = tuple(AGENCY_VERBS)

TIMELINE_LABELS = {
    "created": gettext_lazy("Draft created"),
    "updated": gettext_lazy("Figures changed"),
    "attached": gettext_lazy("Attachment uploaded"),
    "detached": gettext_lazy("Attachment removed"),
    "submitted": gettext_lazy("Submitted to the bureau"),
    "resubmitted": gettext_lazy("Corrected and submitted again"),
    "withdrawn": gettext_lazy("Withdrawn by the agency"),
    "first_passed": gettext_lazy("First review passed"),
    "returned": gettext_lazy("Returned for correction"),
    "rejected": gettext_lazy("Not approved"),
    "approved": gettext_lazy("Approved"),
    "paid": gettext_lazy("Payment recorded"),
    "revoked": gettext_lazy("Revoked, money to be recovered"),
}
TIMELINE_TONES = {
    "submitted": "info",
    "resubmitted": "info",
    "first_passed": "info",
    "approved": "ok",
    "paid": "ok",
    "returned": "warn",
    "rejected": "bad",
    "revoked": "bad",
    "withdrawn": "muted",
}


def _timeline(claim: Claim) -> list[dict]:
    entries = AuditEntry.objects.for_object(claim).order_by("created_at", "id")
    rows = []
    for entry in entries:
        verb = audit_actions.current(entry.action).rsplit(".", 1)[-1]
        after = entry.after if isinstance(entry.after, dict) else {}
        before = entry.before if isinstance(entry.before, dict) else {}
        detail = ""
        if verb == "attached":
            detail = after.get("file", "")
        elif verb == "detached":
            detail = before.get("file", "")
        elif verb == "approved" and after.get("approved_amount") not in (None, ""):
            detail = _("Approved amount: %(amount)s") % {
                "amount": rules.yuan(Decimal(str(after["approved_amount"])))
            }
        elif verb in ("created", "updated") and after.get("eligible_amount") not in (None, ""):
            detail = _("Eligible amount: %(amount)s") % {
                "amount": rules.yuan(Decimal(str(after["eligible_amount"])))
            }
        rows.append(
            {
                # A step without a label of its own reads the audit registry's name.
                "label": TIMELINE_LABELS.get(verb) or audit_actions.label(entry.action),
                "tone": TIMELINE_TONES.get(verb, ""),
                "at": entry.created_at,
                "actor": entry.actor_label,
                "reason": entry.reason,
                "detail": detail,
            }
        )
    return rows


def _render_detail(
    request,
    agency: Agency,
    claim: Claim,
    *,
    attach_form: AttachmentForm | None = None,
    action_errors: list[str] | None = None,
):
    user = request.user
    claim_type = claim.claim_type
    editable = permissions.can_edit_claim(user, claim)[0]
    attachments = list(claim.attachments.select_related("document"))
    have = {a.code for a in attachments}
    labels = dict(claim_type.required_attachments) | {
        OTHER_ATTACHMENT: _("Other supporting document")
    }
    required = [
        {"code": code, "label": label, "present": code in have}
        for code, label in claim_type.required_attachments
    ]
    missing = tuple(r["code"] for r in required if not r["present"])
    if attach_form is None and editable:
        attach_form = AttachmentForm(claim_type=claim_type, missing=missing)
    # What still stops the claim being submitted, read now (the facts may have changed).
    problems: list[str] = []
    if editable:
        problems = selectors.eligibility_for(agency, claim_type)
        try:
            problems += rules.calculate(
                claim_type.calculator, claim.declared, claim_type.parameters, period=claim.period
            ).problems
        except rules.DeclaredError:
            problems.append(_("Some declared figures are missing or wrong; edit the claim."))
    actions = [
        t
        for t in workflow.available(claim.status, [AGENCY_USER])
        if t.action in AGENCY_ACTIONS and permissions.can_transition(user, claim, t.action)[0]
    ]
    figures = [
        (spec.label, (claim.declared or {}).get(spec.name, ""), spec.kind)
        for spec in rules.CALCULATORS[claim_type.calculator].fields
    ]
    return render(
        request,
        "subsidies/portal/claim_detail.html",
        {
            "agency": agency,
            "claim": claim,
            "claim_type": claim_type,
            "editable": editable,
            "figures": figures,
            "subjects": list(claim.subjects.order_by("id"))
            if (claim_type.parameters or {}).get("subject_kind")
            else None,
            "subject_label": needs(claim_type)["subjects"],
            "attachments": [(a, labels.get(a.code, a.code)) for a in attachments],
            "required": required,
            "missing": [r["label"] for r in required if not r["present"]],
            "attach_form": attach_form,
            "problems": problems,
            "actions": [a for a in actions if a.action != "withdraw"],
            "can_withdraw": any(a.action == "withdraw" for a in actions),
            "withdraw_form": TransitionForm(prefix="withdraw"),
            "action_errors": action_errors or [],
            "notices": list(selectors.notices_for_user(user).filter(claim=claim)),
            "timeline": _timeline(claim),
        },
    )


@agency_member
def claim_detail(request, agency: Agency, pk: int):
    return _render_detail(request, agency, claim_of(request, agency, pk))


@require_POST
@agency_member
def claim_attach(request, agency: Agency, pk: int):
    claim = claim_of(request, agency, pk)
    form = AttachmentForm(request.POST, request.FILES, claim_type=claim.claim_type)
    if form.is_valid():
        try:
            attachment = services.claim_attach(
                actor=request.user,
                claim=claim,
                code=form.cleaned_data["code"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("claims:detail", claim.pk)
        else:
            messages.success(
                request,
                _("%(file)s was uploaded.") % {"file": attachment.document.original_name},
            )
            return redirect("claims:detail", claim.pk)
    return _render_detail(request, agency, claim, attach_form=form)


@require_POST
@agency_member
def claim_detach(request, agency: Agency, pk: int, attachment_pk: int):
    claim = claim_of(request, agency, pk)
    attachment = get_object_or_404(
        claim.attachments.select_related("document", "claim"), pk=attachment_pk
    )
    try:
        services.claim_detach(actor=request.user, attachment=attachment)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(file)s was removed.") % {"file": attachment.document.original_name}
        )
    return redirect("claims:detail", claim.pk)


@require_POST
@agency_member
def claim_transition(request, agency: Agency, pk: int, action: str):
    claim = claim_of(request, agency, pk)
    if action not in AGENCY_ACTIONS:
        raise Http404
    form = TransitionForm(request.POST, prefix=action if action == "withdraw" else None)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        claim = AGENCY_VERBS[action](actor=request.user, claim=claim, reason=reason)
    except ValidationError as exc:
        return _render_detail(request, agency, claim, action_errors=error_messages(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("claims:detail", claim.pk)
    done = {
        "submit": _("The claim was submitted. The bureau will review it; you will be notified."),
        "resubmit": _("The corrected claim was submitted again."),
        "withdraw": _("The claim was withdrawn."),
    }
    messages.success(request, done[action])
    return redirect("claims:detail", claim.pk)
