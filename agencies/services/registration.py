"""An agency's record: applying, registering and the other status changes, its details,
alliance membership and enterprise size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, REVIEWER, has_role, is_agency_user
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.documents.sniff import JPEG, PDF, PNG
from kunqu_jiafu.notifications.services import notify
from kunqu_jiafu.people.phone import is_phone, normalize_phone, phone_message, phone_or_error

from .. import permissions, selectors, workflow
from ..models import Agency, AgencyMembership
from ..selectors import agency_users
from ..uscc import check_uscc, expected_check_character
from .common import _require, _reviewers

LICENSE_TYPES = (PDF, JPEG, PNG)
AGENCY_FIELDS = (
    "name",
    "uscc",
    "legal_representative",
    "contact_name",
    "phone",
    "address",
    "street",
    "founded_on",
    "employee_count",
)


def _snapshot(agency: Agency) -> dict[str, Any]:
    return {
        "name": agency.name,
        "uscc": agency.uscc,
        "status": agency.status,
        "legal_representative": agency.legal_representative,
        "contact_name": agency.contact_name,
        "phone": agency.phone,
        "address": agency.address,
        "street": agency.street_id,
        "employee_count": agency.employee_count,
        "alliance_member": agency.alliance_member,
    }


def _clean_uscc(value: str, *, actor, override_reason: str, exclude_pk: int | None) -> str:
    try:
        code, checksum_ok = check_uscc(value)
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.messages}) from None
    if not checksum_ok:
        if not has_role(actor, REVIEWER, APPROVER) or is_agency_user(actor):
            raise ValidationError(
                {
                    "uscc": _(
                        "The credit code's check character is wrong (it should be %(expected)s). "
                        "Please copy the code from the business licence again; if the licence "
                        "really shows this code, bureau staff can accept it."
                    )
                    % {"expected": expected_check_character(code)}
                }
            )
        if not override_reason.strip():
            raise ValidationError(
                {
                    "uscc_override_reason": _(
                        "The credit code fails the check character; record why it is accepted."
                    )
                }
            )
    duplicate = Agency.objects.filter(uscc=code)
    if exclude_pk:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "uscc": _(
                    "An agency with this credit code is already in the system; each agency registers once."
                )
            }
        )
    return code


def _validate_agency_data(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    # Empty required values are reported on their field, never left to a database error
    # (which the callers would misreport as a duplicate credit code).
    for name in AGENCY_FIELDS:
        value = data.get(name, "-")
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = _("This field is required.")
    founded = data.get("founded_on")
    if founded and founded > timezone.localdate():
        errors["founded_on"] = _("The founding date cannot be in the future.")
    count = data.get("employee_count")
    if isinstance(count, int) and count < 0:
        errors["employee_count"] = _("The number of employees cannot be negative.")
    if data.get("phone") and "phone" not in errors:
        # One rule for every phone number; the stored form is the normalised one.
        if is_phone(data["phone"]):
            data["phone"] = normalize_phone(data["phone"])
        else:
            errors["phone"] = phone_message()
    if errors:
        raise ValidationError(errors)


def applicant_signup(
    *, username: str, password: str, full_name: str, phone: str, email: str
) -> User:
    """A visitor creates the account they will apply with (validated by the signup form)."""
    phone = phone_or_error(phone)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("This username is taken; please choose another.")})
        user = User.objects.create_user(
            username=username, password=password, full_name=full_name, phone=phone, email=email
        )
        audit.log(
            user,
            user,
            "accounts.user.signed_up",
            after={"username": username, "full_name": full_name},
        )
    return user


def agency_apply(*, user: User, data: dict[str, Any], formats, license_file=None) -> Agency:
    """An applicant signs up their agency; it waits for a reviewer."""
    if getattr(user, "agency_membership", None) is not None:
        raise ValidationError(_("Your account already belongs to an agency."))
    # Report every problem at once, not one per submission.
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: _validate_agency_data(data),
        lambda: _clean_uscc(data["uscc"], actor=user, override_reason="", exclude_pk=None),
    ):
        try:
            check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        uscc = _clean_uscc(data["uscc"], actor=user, override_reason="", exclude_pk=None)
        agency = Agency(**{f: data[f] for f in AGENCY_FIELDS if f != "uscc"}, uscc=uscc)
        try:
            with transaction.atomic():
                agency.save()
        except IntegrityError:
            raise ValidationError(
                {
                    "uscc": _(
                        "An agency with this credit code is already in the system; each agency registers once."
                    )
                }
            ) from None
        agency.formats.set(formats)
        if license_file is not None:
            document = document_store(
                license_file,
                allowed=LICENSE_TYPES,
                field="license",
                user=user,
                owner=agency,
                purpose="营业执照",
            )
            agency.license = document
            agency.save(update_fields=["license"])
        AgencyMembership.objects.create(user=user, agency=agency)
        user.groups.add(Group.objects.get(name=AGENCY_USER))
        user.__dict__.pop("_role_names", None)
        audit.log(user, agency, "agencies.agency.applied", after=_snapshot(agency))
        notify(
            _reviewers(),
            _("New agency registration to review: %(name)s") % {"name": agency.name},
            _("%(name)s (credit code %(uscc)s) applied for registration.")
            % {"name": agency.name, "uscc": uscc},
            reverse("admin:agencies_agency_change", args=[agency.pk]),
        )
    return agency


def agency_update(
    *,
    actor: User,
    agency: Agency,
    data: dict[str, Any],
    formats=None,
    license_file=None,
    override_reason: str = "",
) -> Agency:
    """Change an agency's details. Agency users may change only what its status allows."""
    _require(permissions.can_edit_agency(actor, agency))
    staff = has_role(actor, REVIEWER, APPROVER) and not is_agency_user(actor)
    allowed = (
        set(AGENCY_FIELDS) | {"formats"}
        if staff
        else set(workflow.AGENCY_EDITABLE_FIELDS[agency.status])
    )
    changed = {
        k for k, v in data.items() if getattr(agency, k if k != "street" else "street", None) != v
    }
    if formats is not None and {f.pk for f in formats} != set(
        agency.formats.values_list("pk", flat=True)
    ):
        changed.add("formats")  # refused below when not allowed, never silently dropped
    forbidden = sorted(changed - allowed)
    if forbidden:
        raise ValidationError(
            {
                f: _(
                    "This field cannot be changed while the agency is %(status)s; contact the bureau."
                )
                % {"status": agency.get_status_display()}
                for f in forbidden
            }
        )
    _validate_agency_data(data)
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = _snapshot(agency)
        if "uscc" in data:
            data = {
                **data,
                "uscc": _clean_uscc(
                    data["uscc"], actor=actor, override_reason=override_reason, exclude_pk=agency.pk
                ),
            }
            if override_reason:
                agency.uscc_override_reason = override_reason
        for field_name, value in data.items():
            setattr(agency, field_name, value)
        agency.save()
        if formats is not None and (staff or "formats" in allowed):
            agency.formats.set(formats)
        if license_file is not None:
            document = document_store(
                license_file,
                allowed=LICENSE_TYPES,
                field="license",
                user=actor,
                owner=agency,
                purpose="营业执照",
            )
            agency.license = document
            agency.save(update_fields=["license"])
        audit.log(
            actor,
            agency,
            "agencies.agency.updated",
            before=before,
            after=_snapshot(agency),
            reason=override_reason,
        )
    return agency


def _agency_move(
    actor: User, agency: Agency, action: str, reason: str = "", *, registers: bool = False
) -> Agency:
    """One status change of an agency, per workflow.py: the check, the new status, one audit
    entry and one notice (to the reviewers when the agency re-applies, else to the agency)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        transition = workflow.check(
            workflow.AGENCY_TRANSITIONS,
            agency.status,
            action,
            permissions.can_transition_agency(actor, agency, action),
            reason,
        )
        before = _snapshot(agency)
        agency.status = transition.target
        agency.status_reason = reason
        if registers and agency.registered_on is None:
            agency.registered_on = timezone.localdate()
        agency.save(update_fields=["status", "status_reason", "registered_on", "updated_at"])
        audit.log(
            actor,
            agency,
            f"agencies.agency.{action}",
            before=before,
            after=_snapshot(agency),
            reason=reason,
        )
        _notify_move(agency, action, transition.label, reason)
    return agency


def _notify_move(agency: Agency, action: str, label: str, reason: str) -> None:
    if action == "reapply":
        notify(
            _reviewers(),
            _("Agency re-applied for registration: %(name)s") % {"name": agency.name},
            reason,
            reverse("admin:agencies_agency_change", args=[agency.pk]),
        )
        return
    notify(
        agency_users(agency),
        _("Your agency: %(action)s") % {"action": label},
        _("%(name)s is now %(status)s.")
        % {"name": agency.name, "status": agency.get_status_display()}
        + (("\n" + _("Reason: %(reason)s") % {"reason": reason}) if reason else ""),
        reverse("portal:dashboard"),
    )


def agency_register(*, actor: User, agency: Agency, reason: str = "") -> Agency:
    """准予登记: the registration date is set the first time."""
    return _agency_move(actor, agency, "register", reason, registers=True)


def agency_reject(*, actor: User, agency: Agency, reason: str = "") -> Agency:
    return _agency_move(actor, agency, "reject", reason)


def agency_reapply(*, actor: User, agency: Agency, reason: str = "") -> Agency:
    return _agency_move(actor, agency, "reapply", reason)


def agency_suspend(*, actor: User, agency: Agency, reason: str = "") -> Agency:
    return _agency_move(actor, agency, "suspend", reason)


def agency_reinstate(*, actor: User, agency: Agency, reason: str = "") -> Agency:
    return _agency_move(actor, agency, "reinstate", reason)


def agency_deregister(*, actor: User, agency: Agency, reason: str = "") -> Agency:
    return _agency_move(actor, agency, "deregister", reason)


AGENCY_VERBS = {
    "register": agency_register,
    "reject": agency_reject,
    "reapply": agency_reapply,
    "suspend": agency_suspend,
    "reinstate": agency_reinstate,
    "deregister": agency_deregister,
}


def agency_transition(*, actor: User, agency: Agency, action: str, reason: str = "") -> Agency:
    """The verb for an action named by the admin's or the API's form."""
    verb = AGENCY_VERBS.get(action)
    if verb is None:
        _require(permissions.can_transition_agency(actor, agency, action))  # says why not
        raise PermissionDenied(_("You do not have the role needed for this action."))
    return verb(actor=actor, agency=agency, reason=reason)


def agency_set_alliance(
    *, actor: User, agency: Agency, member: bool, joined_on: dt.date | None
) -> Agency:
    if not has_role(actor, REVIEWER, APPROVER) or is_agency_user(actor):
        raise PermissionDenied(_("Only bureau staff record alliance membership."))
    if member and joined_on is None:
        raise ValidationError(
            {"alliance_joined_on": _("Please enter the date the agency joined the alliance.")}
        )
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = _snapshot(agency)
        agency.alliance_member = member
        agency.alliance_joined_on = joined_on if member else None
        agency.save(update_fields=["alliance_member", "alliance_joined_on", "updated_at"])
        audit.log(actor, agency, "agencies.agency.alliance", before=before, after=_snapshot(agency))
    return agency


MAX_SIZE_REVENUE = Decimal("9999999999.99")  # 10,000 yuan; the column's 12 digits


def _size_snapshot(agency: Agency) -> dict[str, Any]:
    return {
        "size_staff": agency.size_staff,
        "size_revenue": None if agency.size_revenue is None else str(agency.size_revenue),
        "size_year": agency.size_year,
        "enterprise_size": selectors.agency_enterprise_size(agency),
    }


def agency_size_set(
    *, actor: User, agency: Agency, staff: int, revenue: Decimal, year: int
) -> Agency:
    """Record the basis of the agency's enterprise size: staff, yearly revenue (10,000 yuan)
    and the year they are for. The size itself is derived (selectors.agency_enterprise_size)."""
    _require(permissions.can_edit_agency(actor, agency))
    errors: dict[str, str] = {}
    this_year = timezone.localdate().year
    if staff is None or staff < 0:
        errors["size_staff"] = _("Please enter the number of staff, 0 or more.")
    if revenue is None or revenue < 0 or revenue > MAX_SIZE_REVENUE:
        errors["size_revenue"] = _(
            "Please enter the yearly revenue in 10,000 yuan, 0 or more (e.g. 350.5)."
        )
    elif revenue != revenue.quantize(Decimal("0.01")):
        errors["size_revenue"] = _("Please enter the revenue with at most two decimal places.")
    first_year = agency.founded_on.year if agency.founded_on else 1949
    if year is None or not first_year <= year <= this_year:
        errors["size_year"] = _(
            "Please enter the year the figures are for, between %(first)s and %(last)s."
        ) % {"first": first_year, "last": this_year}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = _size_snapshot(agency)
        agency.size_staff, agency.size_revenue, agency.size_year = staff, revenue, year
        agency.save(update_fields=["size_staff", "size_revenue", "size_year", "updated_at"])
        audit.log(
            actor, agency, "agencies.agency.size", before=before, after=_size_snapshot(agency)
        )
    return agency
