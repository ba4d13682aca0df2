"""The claims area of the agency portal: thin views over services, selectors and permissions.

An agency sees the catalogue of claim types (what each pays, what it needs, whether the
agency may claim it now), files a claim with a form made for its type, uploads the
attachments, submits, answers a return and downloads its notices. Another agency's claim
is simply not found (404); bureau staff are sent to the admin, as in the rest of the portal.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import Agency
from agencies.views import agency_member
from kunqu_jiafu.accounts.roles import AGENCY_USER
from kunqu_jiafu.audit import actions as audit_actions
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.web.forms import posted, show_service_errors
from training import selectors as training_selectors

from . import permissions, rules, selectors, services, workflow
from .forms import (
    OTHER_ATTACHMENT,
    AttachmentForm,
    ClaimFilterForm,
    ClaimForm,
    TransitionForm,
    periods_of_year,
)
from .models import Claim, ClaimSubject, ClaimType

CLAIMS_PER_PAGE = 20
# The agency's own buttons, in the order they are offered.
AGENCY_ACTIONS = ("submit", "resubmit", "withdraw")


# --- what a claim type pays and needs ----------------------------------------------------


def _yuan(value) -> str:
    """100000 → "100,000 元"; 12.5 → "12.50 元"."""
    amount = rules.money(Decimal(str(value)))
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{text} 元"


def _percent(rate: Decimal | None) -> str:
    """0.055 → "5.5%"; 1 → "100%" (no trailing zeros on a published rate)."""
    value = (Decimal(rate if rate is not None else 1) * 100).normalize()
    return f"{value:f}%"


def _param(params: dict, name: str) -> Decimal | None:
    raw = params.get(name)
    return None if raw in (None, "") else Decimal(str(raw))


def payment_rules(claim_type: ClaimType) -> list[str]:
    """What the type pays, read from its calculator and parameters (never typed twice)."""
    params = claim_type.parameters or {}
    rate, cap, unit = _param(params, "rate"), _param(params, "cap"), _param(params, "unit_amount")
    kind = params.get("subject_kind")
    lines: list[str] = []
    calculator = claim_type.calculator
    if calculator == "interest":
        lines.append(
            _("%(rate)s of the loan interest actually paid in the period")
            % {"rate": _percent(rate)}
        )
        lines.append(
            _("Never more than principal × annual rate × days of the period the loan ran ÷ 365")
        )
    elif calculator == "insured_months":
        lines.append(
            _(
                "The employer's social insurance contributions actually paid, per listed worker "
                "and month, for persons with employment difficulties and for college graduates "
                "within %(n)s years of graduation"
            )
            % {"n": params.get("graduate_years", "")}
        )
    elif calculator == "capped_award":
        lines.append(_("Up to %(cap)s") % {"cap": _yuan(cap or 0)})
        cap = None
    elif calculator == "per_head":
        template = {
            ClaimSubject.Kind.ENROLMENT: _("%(amount)s per trainee who completed the course"),
            ClaimSubject.Kind.CERTIFICATE: _("%(amount)s per certificate obtained"),
        }.get(kind, _("%(amount)s per person"))
        lines.append(template % {"amount": _yuan(unit or 0)})
    elif calculator == "per_enrolment":
        if kind == ClaimSubject.Kind.CERTIFICATE:
            lines.append(
                _("%(amount)s per certificate of your trainees, from the training records")
                % {"amount": _yuan(unit or 0)}
            )
        elif unit is not None:
            lines.append(
                _(
                    "Each course's subsidy standard per trainee who completed it (at most "
                    "%(amount)s), from the training records"
                )
                % {"amount": _yuan(unit)}
            )
        else:
            lines.append(
                _(
                    "The bureau's standard for the course's kind, per trainee who completed "
                    "it, from the training records"
                )
            )
    elif calculator == "cost_per_head":
        lines.append(
            _("The actual cost, at most %(amount)s per worker checked")
            % {"amount": _yuan(unit or 0)}
        )
    elif calculator == "per_exemption":
        lines.append(
            _(
                "%(amount)s per exempted household service: a household, day and service kind "
                "is paid once, by any agency"
            )
            % {"amount": _yuan(unit or 0)}
        )
        if params.get("per_household_per_year") not in (None, ""):
            lines.append(
                _("At most %(n)s exemptions per household a year")
                % {"n": params["per_household_per_year"]}
            )
    elif calculator == "fixed_per_unit":
        lines.append(_("%(amount)s per household service order") % {"amount": _yuan(unit or 0)})
    elif calculator == "rate_of_amount":
        lines.append(
            _("%(rate)s of %(base)s")
            % {
                "rate": _percent(rate),
                "base": params.get("base_label") or _("the amount paid"),
            }
        )
    elif calculator == "ui_refund":
        lines.append(
            _(
                "%(rate)s of last year's unemployment-insurance premiums of the enterprise and its staff"
            )
            % {"rate": _percent(rate)}
        )
        lines.append(
            _(
                "Only if the layoff rate is at most %(rate)s, or at most %(small_rate)s for an "
                "enterprise with %(n)s or fewer insured staff at the end of last year"
            )
            % {
                "rate": _percent(_param(params, "max_layoff_rate") or Decimal(0)),
                "small_rate": _percent(_param(params, "small_max_layoff_rate") or Decimal(0)),
                "n": params.get("small_enterprise_max_insured", 30),
            }
        )
    if cap is not None:
        lines.append(_("At most %(cap)s per claim") % {"cap": _yuan(cap)})
    return lines


def _needs(claim_type: ClaimType) -> dict:
    from .forms import SUBJECT_LABELS

    kind = (claim_type.parameters or {}).get("subject_kind")
    figures = [spec.label for spec in rules.CALCULATORS[claim_type.calculator].fields]
    if claim_type.calculator == "per_exemption":
        return {
            "figures": [_("None: the exempted household services you list below")],
            "attachments": [label for _code, label in claim_type.required_attachments],
            "subjects": _("Exempted household services"),
        }
    return {
        "figures": figures
        or [
            _("None: the worker-months you list below")
            if claim_type.calculator == "insured_months"
            else _("None: the figures come from your training records")
        ],
        "attachments": [label for _code, label in claim_type.required_attachments],
        "subjects": (
            _("Worker-months claimed")
            if claim_type.calculator == "insured_months"
            else SUBJECT_LABELS.get(kind, "")
            if kind
            else ""
        ),
    }


# --- helpers ------------------------------------------------------------------------------


def _claim_of(request, agency: Agency, pk: int) -> Claim:
    # Scoped by the selector: another agency's claim is simply not found (404).
    return get_object_or_404(selectors.claims_for_user(request.user).filter(agency=agency), pk=pk)


def _messages(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


# --- catalogue ----------------------------------------------------------------------------


def _catalogue_year(request) -> tuple[int, list[int]]:
    """This year's catalogue; another year with open types on request (or when this year's
    has not been entered yet)."""
    years = sorted(
        set(ClaimType.objects.filter(active=True).values_list("policy_year", flat=True)),
        reverse=True,
    )
    today = timezone.localdate().year
    asked = request.GET.get("year", "")
    if asked.isdecimal() and int(asked) in years:
        return int(asked), years
    if today in years or not years:
        return today, years
    earlier = [y for y in years if y < today]
    return (earlier[0] if earlier else years[-1]), years


@agency_member
def catalogue(request, agency: Agency):
    year, years = _catalogue_year(request)
    types = list(selectors.open_claim_types(year))
    # One reading of the agency's facts for the whole page (selectors.eligibility_for reads
    # them once per type).
    facts = selectors.agency_facts(agency, year)
    course_kinds = training_selectors.course_kind_standards()
    award_policy = selectors.award_policy(year)
    live = {
        (c.claim_type_id, c.period): c
        for c in selectors.claims_for_user(request.user).filter(
            agency=agency, claim_type__in=types, status__in=Claim.LIVE
        )
    }
    flags = selectors.parameter_flags(types)
    groups = []
    for group, label in ClaimType.Group.choices:
        cards = []
        for claim_type in (t for t in types if t.group == group):
            period = selectors.current_period(claim_type)
            cards.append(
                {
                    "type": claim_type,
                    "pays": payment_rules(claim_type),
                    "needs": _needs(claim_type),
                    "problems": rules.eligibility_problems(claim_type.eligibility, facts),
                    "period": period,
                    "existing": live.get((claim_type.pk, period)),
                    "flags": flags.get(claim_type.pk, []),
                    "course_kinds": (
                        course_kinds
                        if selectors.from_training_records(claim_type)
                        and claim_type.parameters.get("subject_kind") == ClaimSubject.Kind.ENROLMENT
                        else None
                    ),
                }
            )
        if cards:
            groups.append({"code": group, "label": label, "cards": cards})
    return render(
        request,
        "subsidies/portal/catalogue.html",
        {
            "agency": agency,
            "year": year,
            "other_years": [y for y in years if y != year],
            "groups": groups,
            "headline": selectors.catalogue_headline(types),
            "award_policy": award_policy,
            "open_count": len(types),
            "eligible_count": sum(1 for g in groups for c in g["cards"] if not c["problems"]),
        },
    )


# --- new claim and edit -------------------------------------------------------------------


@agency_member
@require_http_methods(["GET", "POST"])
def claim_new(request, agency: Agency):
    type_id = request.GET.get("type", "")
    if not type_id:
        return redirect("claims:catalogue")
    if not type_id.isdecimal():
        raise Http404
    claim_type = get_object_or_404(ClaimType.objects.filter(active=True), pk=int(type_id))
    form = ClaimForm(
        posted(request),
        claim_type=claim_type,
        initial={"period": selectors.current_period(claim_type)},
        eligible=selectors.unclaimed_training_records(agency, claim_type)
        if selectors.from_training_records(claim_type)
        else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_create(
                actor=request.user,
                agency=agency,
                claim_type=claim_type,
                period=form.cleaned_data["period"],
                declared=form.declared(),
                subjects=form.subjects(),
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("claims:catalogue")
        else:
            messages.success(
                request,
                _(
                    "The draft was saved. Upload the attachments, check the amount, then submit it "
                    "to the bureau."
                ),
            )
            return redirect("claims:detail", claim.pk)
    return render(
        request,
        "subsidies/portal/claim_form.html",
        {
            "agency": agency,
            "claim_type": claim_type,
            "claim": None,
            "form": form,
            "periods": periods_of_year(claim_type),
            "pays": payment_rules(claim_type),
            "needs": _needs(claim_type),
            "problems": selectors.eligibility_for(agency, claim_type),
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def claim_edit(request, agency: Agency, pk: int):
    claim = _claim_of(request, agency, pk)
    allowed, reason = permissions.can_edit_claim(request.user, claim)
    if not allowed:
        messages.error(request, reason)
        return redirect("claims:detail", claim.pk)
    claim_type = claim.claim_type
    kind = (claim_type.parameters or {}).get("subject_kind")
    subjects = list(claim.subjects.filter(live=True))
    # Order and certificate numbers are shown again; ID numbers are not (they are shown
    # masked to agencies), so a list of people is kept unless it is entered anew.
    keep = (
        len(subjects)
        if kind == ClaimSubject.Kind.PERSON or claim_type.calculator == "per_exemption"
        else 0
    )
    initial = {f"declared_{name}": value for name, value in (claim.declared or {}).items()}
    if kind and not keep:
        initial["subjects"] = (
            "\n".join(s.label for s in subjects)
            if selectors.from_training_records(claim_type)
            else "\n".join(_subject_lines(subjects))
        )
    form = ClaimForm(
        posted(request),
        claim_type=claim_type,
        with_period=False,
        keep_subjects=keep,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_update(
                actor=request.user,
                claim=claim,
                declared=form.declared(),
                subjects=form.subjects(),
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("claims:detail", claim.pk)
        else:
            messages.success(request, _("The claim was saved and its amount worked out again."))
            return redirect("claims:detail", claim.pk)
    return render(
        request,
        "subsidies/portal/claim_form.html",
        {
            "agency": agency,
            "claim_type": claim_type,
            "claim": claim,
            "form": form,
            "kept_subjects": subjects if keep else [],
            "pays": payment_rules(claim_type),
            "needs": _needs(claim_type),
            "problems": selectors.eligibility_for(agency, claim_type),
        },
    )


def _subject_lines(subjects: list[ClaimSubject]) -> list[str]:
    """Order, enrolment and certificate numbers as entered (the key is "<agency>:<number>")."""
    return [s.key.split(":", 1)[-1] for s in subjects]


# --- detail -------------------------------------------------------------------------------

TIMELINE_LABELS = {
    "created": gettext_lazy("Draft created"),
    "updated": gettext_lazy("Figures changed"),
    "attached": gettext_lazy("Attachment uploaded"),
    "detached": gettext_lazy("Attachment removed"),
    "submit": gettext_lazy("Submitted to the bureau"),
    "resubmit": gettext_lazy("Corrected and submitted again"),
    "withdraw": gettext_lazy("Withdrawn by the agency"),
    "first_pass": gettext_lazy("First review passed"),
    "return": gettext_lazy("Returned for correction"),
    "reject": gettext_lazy("Not approved"),
    "approve": gettext_lazy("Approved"),
    "pay": gettext_lazy("Payment recorded"),
    "revoke": gettext_lazy("Revoked, money to be recovered"),
}
TIMELINE_TONES = {
    "submit": "info",
    "resubmit": "info",
    "first_pass": "info",
    "approve": "ok",
    "pay": "ok",
    "return": "warn",
    "reject": "bad",
    "revoke": "bad",
    "withdraw": "muted",
}


def _timeline(claim: Claim) -> list[dict]:
    entries = AuditEntry.objects.for_object(claim).order_by("created_at", "id")
    rows = []
    for entry in entries:
        verb = entry.action.rsplit(".", 1)[-1]
        after = entry.after if isinstance(entry.after, dict) else {}
        before = entry.before if isinstance(entry.before, dict) else {}
        detail = ""
        if verb == "attached":
            detail = after.get("file", "")
        elif verb == "detached":
            detail = before.get("file", "")
        elif verb == "approve" and after.get("approved_amount") not in (None, ""):
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
            "subject_label": _needs(claim_type)["subjects"],
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
    return _render_detail(request, agency, _claim_of(request, agency, pk))


@require_POST
@agency_member
def claim_attach(request, agency: Agency, pk: int):
    claim = _claim_of(request, agency, pk)
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
    claim = _claim_of(request, agency, pk)
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
    claim = _claim_of(request, agency, pk)
    if action not in AGENCY_ACTIONS:
        raise Http404
    form = TransitionForm(request.POST, prefix=action if action == "withdraw" else None)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        claim = services.claim_act(actor=request.user, claim=claim, action=action, reason=reason)
    except ValidationError as exc:
        return _render_detail(request, agency, claim, action_errors=_messages(exc))
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


# --- list ---------------------------------------------------------------------------------


@agency_member
def claim_list(request, agency: Agency):
    scoped = selectors.claims_for_user(request.user).filter(agency=agency)
    types = list(
        ClaimType.objects.filter(pk__in=scoped.values("claim_type")).order_by(
            "-policy_year", "sort_order", "code"
        )
    )
    filters = ClaimFilterForm(request.GET, claim_types=types)
    filters.is_valid()
    chosen = {name: filters.cleaned_data.get(name) or "" for name in filters.fields}
    qs = scoped
    if chosen["type"]:
        qs = qs.filter(claim_type_id=chosen["type"])
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    if chosen["status"]:
        qs = qs.filter(status=chosen["status"])
    page = Paginator(qs.order_by("-created_at", "-id"), CLAIMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    others = {k: v for k, v in chosen.items() if v and k != "status"}
    return render(
        request,
        "subsidies/portal/claim_list.html",
        {
            "agency": agency,
            "filters": filters,
            "page": page,
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "chosen": chosen,
            "filtered": any(chosen.values()),
            "all_statuses_url": "?" + urlencode(others),
            "total": sum(counts.values()),
            "status_chips": [
                (value, label, counts[value], "?" + urlencode(others | {"status": value}))
                for value, label in Claim.Status.choices
                if counts.get(value)
            ],
        },
    )
