"""The claim-type catalogue, the award settings and the parameters awaiting the bureau's
confirmation: kept by bureau staff, every change audited."""

from __future__ import annotations

import copy
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, has_role, is_agency_user

from .. import rules
from ..models import AwardPolicy, ClaimSubject, ClaimType, ParameterFlag
from .base import parse_amount
from .base import require_bureau as _require_staff

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
    _require_staff(actor, _("Only bureau staff keep the claim-type catalogue."))


def _require_rate_setter(actor: User) -> None:
    """Budgets and rates are set by 审批领导, not by 业务经办 who review the claims."""
    if is_agency_user(actor) or not has_role(actor, APPROVER):
        raise PermissionDenied(
            _("Only 审批领导 set claim types and their rates (业务经办 review the claims).")
        )


RATE_FIELDS = ("calculator", "parameters")


def _refuse_direct_rate_change(claim_type: ClaimType, data: dict) -> None:
    """An existing type's rates change only through an approved proposal (changes.py)."""
    moved = [n for n in RATE_FIELDS if n in data and data[n] != getattr(claim_type, n)]
    if moved:
        message = _(
            "The rates of a claim type change by proposal: propose the new value "
            "under “budget and rate changes”; another 审批领导 approves it."
        )
        raise ValidationError({name: message for name in moved})


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
    *,
    actor: User,
    data: dict,
    claim_type: ClaimType | None = None,
    reason: str = "",
    approved_change=None,
) -> ClaimType:
    """Add a claim type (``data`` gives its code and policy year) or change one. The code and
    year of an existing type stay fixed: the next year's type is a copy. An existing type's
    calculator and parameters (its rates) change only by an approved proposal
    (``approved_change``, from changes.setting_change_approve)."""
    _require_rate_setter(actor)
    creating = claim_type is None
    obj = ClaimType() if creating else ClaimType.objects.get(pk=claim_type.pk)
    before = None if creating else _claim_type_snapshot(obj)
    if not creating and approved_change is None:
        _refuse_direct_rate_change(obj, data)
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


AWARD_POLICY_FIELDS = ("awards_per_year", "yearly_total", "basic_pass_counts")


def award_policy_save(
    *, actor: User, year: int, data: dict, policy: AwardPolicy | None = None
) -> AwardPolicy:
    """Enter or change the award settings of a policy year."""
    _require_rate_setter(actor)
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
            total = parse_amount(total, "yearly_total")
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
