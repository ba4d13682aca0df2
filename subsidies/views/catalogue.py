"""What the catalogue shows an agency: what each claim type pays (read from its calculator
and parameters, never typed twice), what it needs, and whether the agency may claim it now."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from kunqu_jiafu.web.portal import agency_member
from training import selectors as training_selectors

from .. import rules, selectors
from ..forms import SUBJECT_LABELS
from ..models import Claim, ClaimSubject, ClaimType, ExemptionServiceKind


def _yuan(value) -> str:
    """100000 → "100,000 元"; 12.5 → "12.50 元"."""
    amount = rules.money(Decimal(str(value)))
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return _("%(amount)s yuan") % {"amount": text}


def _percent(rate: Decimal | None) -> str:
    """0.055 → "5.5%"; 1 → "100%" (no trailing zeros on a published rate)."""
    value = (Decimal(rate if rate is not None else 1) * 100).normalize()
    return f"{value:f}%"


def flag_value(claim_type: ClaimType, flag) -> str:
    """A figure waiting for the bureau, as the catalogue prints it: yuan, a percentage or a
    plain number (never the stored 0.24 for a 24% rate)."""
    value = flag.current_value
    if value in (None, ""):
        return "—"
    kind = rules.PARAMETERS.get(claim_type.calculator, {}).get(flag.name, ("text", False))[0]
    try:
        if kind == "money":
            return _yuan(value)
        if kind == "rate":
            return _percent(Decimal(str(value)))
    except (ArithmeticError, ValueError):  # a hand-edited parameter that is not a number
        pass
    return str(value)


def _param(params: dict, name: str) -> Decimal | None:
    raw = params.get(name)
    return None if raw in (None, "") else Decimal(str(raw))


def _interest(params: dict) -> list[str]:
    return [
        _("%(rate)s of the loan interest actually paid in the period")
        % {"rate": _percent(_param(params, "rate"))},
        _("Never more than principal × annual rate × days of the period the loan ran ÷ 365"),
    ]


def _insured_months(params: dict) -> list[str]:
    return [
        _(
            "The employer's social insurance contributions actually paid, per listed worker "
            "and month, for persons with employment difficulties and for college graduates "
            "within %(n)s years of graduation"
        )
        % {"n": params.get("graduate_years", "")}
    ]


def _capped_award(params: dict) -> list[str]:
    return [_("Up to %(cap)s") % {"cap": _yuan(_param(params, "cap") or 0)}]


def _per_head(params: dict) -> list[str]:
    template = {
        ClaimSubject.Kind.ENROLMENT: _("%(amount)s per trainee who completed the course"),
        ClaimSubject.Kind.CERTIFICATE: _("%(amount)s per certificate obtained"),
    }.get(params.get("subject_kind"), _("%(amount)s per person"))
    return [template % {"amount": _yuan(_param(params, "unit_amount") or 0)}]


def _per_enrolment(params: dict) -> list[str]:
    unit = _param(params, "unit_amount")
    if params.get("subject_kind") == ClaimSubject.Kind.CERTIFICATE:
        return [
            _("%(amount)s per certificate of your trainees, from the training records")
            % {"amount": _yuan(unit or 0)}
        ]
    if unit is not None:
        return [
            _(
                "Each course's subsidy standard per trainee who completed it (at most "
                "%(amount)s), from the training records"
            )
            % {"amount": _yuan(unit)}
        ]
    return [
        _(
            "The bureau's standard for the course's kind, per trainee who completed "
            "it, from the training records"
        )
    ]


def _cost_per_head(params: dict) -> list[str]:
    return [
        _("The actual cost, at most %(amount)s per worker checked")
        % {"amount": _yuan(_param(params, "unit_amount") or 0)}
    ]


def _per_exemption(params: dict) -> list[str]:
    lines = [
        _(
            "%(amount)s per exempted household service: a household, day and service kind "
            "is paid once, by any agency"
        )
        % {"amount": _yuan(_param(params, "unit_amount") or 0)}
    ]
    if params.get("per_household_per_year") not in (None, ""):
        lines.append(
            _("At most %(n)s exemptions per household a year")
            % {"n": params["per_household_per_year"]}
        )
    return lines


def _fixed_per_unit(params: dict) -> list[str]:
    return [
        _("%(amount)s per household service order")
        % {"amount": _yuan(_param(params, "unit_amount") or 0)}
    ]


def _rate_of_amount(params: dict) -> list[str]:
    return [
        _("%(rate)s of %(base)s")
        % {
            "rate": _percent(_param(params, "rate")),
            "base": params.get("base_label") or _("the amount paid"),
        }
    ]


def _ui_refund(params: dict) -> list[str]:
    return [
        _("%(rate)s of last year's unemployment-insurance premiums of the enterprise and its staff")
        % {"rate": _percent(_param(params, "rate"))},
        _(
            "Only if the layoff rate is at most %(rate)s, or at most %(small_rate)s for an "
            "enterprise with %(n)s or fewer insured staff at the end of last year"
        )
        % {
            "rate": _percent(_param(params, "max_layoff_rate") or Decimal(0)),
            "small_rate": _percent(_param(params, "small_max_layoff_rate") or Decimal(0)),
            "n": params.get("small_enterprise_max_insured", 30),
        },
    ]


# What each calculator pays, in words, from the type's parameters.
_PAYS = {
    "interest": _interest,
    "insured_months": _insured_months,
    "capped_award": _capped_award,
    "per_head": _per_head,
    "per_enrolment": _per_enrolment,
    "cost_per_head": _cost_per_head,
    "per_exemption": _per_exemption,
    "fixed_per_unit": _fixed_per_unit,
    "rate_of_amount": _rate_of_amount,
    "ui_refund": _ui_refund,
}


def payment_rules(claim_type: ClaimType) -> list[str]:
    """What the type pays, read from its calculator and parameters (never typed twice)."""
    params = claim_type.parameters or {}
    describe = _PAYS.get(claim_type.calculator)
    lines = describe(params) if describe else []
    cap = _param(params, "cap")
    # An award's cap is what it pays ("Up to …"), not a limit said again.
    if cap is not None and claim_type.calculator != "capped_award":
        lines.append(_("At most %(cap)s per claim") % {"cap": _yuan(cap)})
    return lines


def needs(claim_type: ClaimType) -> dict:
    kind = (claim_type.parameters or {}).get("subject_kind")
    figures = [spec.label for spec in rules.CALCULATORS[claim_type.calculator].fields]
    if claim_type.calculator == "per_exemption":
        return {
            "figures": [_("None: the exempted household services you list below")],
            "attachments": [label for _code, label in claim_type.required_attachments],
            "subjects": _("Exempted household services"),
            # The form asks for "the service as the bureau lists it": the list, beside the form.
            # Left lazy: only the form's sidebar reads it, the catalogue makes no query for it.
            "service_kinds": ExemptionServiceKind.objects.filter(active=True).values_list(
                "name", flat=True
            ),
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
                    "needs": needs(claim_type),
                    "problems": rules.eligibility_problems(claim_type.eligibility, facts),
                    "period": period,
                    "existing": live.get((claim_type.pk, period)),
                    "flags": [
                        {"label": f.label, "value": flag_value(claim_type, f)}
                        for f in flags.get(claim_type.pk, [])
                        if not f.confirmed
                    ],
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
