"""Every write of the agencies area: validate, lock, change state, audit, notify."""

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
from kunqu_jiafu.people.services import person_get_or_create, person_record_graduation
from kunqu_jiafu.workflow import find

from . import permissions, rules, selectors, workflow
from .models import (
    Agency,
    AgencyMembership,
    AgencyStanding,
    EmployeeSystemFiling,
    Recognition,
    RecognitionKind,
    Worker,
)
from .selectors import agency_users
from .uscc import check_uscc, expected_check_character

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
FILING_DECLARATIONS = (
    "signs_customer_contracts",
    "dispatches_workers",
    "pays_wages_directly",
    "trains_continuously",
)
WORKER_FIELDS = (
    "job",
    "hired_on",
    "contract_kind",
    "contract_start",
    "contract_end",
    "social_insurance",
    "insured_since",
    "health_check_on",
    "accident_insurance_until",
    "certificates",
    "is_hard_to_employ",
    "is_graduate",
)


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


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


def _reviewers():
    return User.objects.filter(groups__name=REVIEWER, is_active=True)


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


def agency_transition(*, actor: User, agency: Agency, action: str, reason: str = "") -> Agency:
    """Register, reject, suspend, reinstate, deregister or re-apply, per workflow.py."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        _require(permissions.can_transition_agency(actor, agency, action))
        transition = find(workflow.AGENCY_TRANSITIONS, agency.status, action)
        reason = (reason or "").strip()
        if transition.needs_reason and not reason:
            raise ValidationError(
                {
                    "reason": _("Please give the reason for “%(action)s”.")
                    % {"action": transition.label}
                }
            )
        before = _snapshot(agency)
        agency.status = transition.target
        agency.status_reason = reason
        if transition.target == Agency.Status.REGISTERED and agency.registered_on is None:
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
        if action == "reapply":
            notify(
                _reviewers(),
                _("Agency re-applied for registration: %(name)s") % {"name": agency.name},
                reason,
                reverse("admin:agencies_agency_change", args=[agency.pk]),
            )
        else:
            notify(
                agency_users(agency),
                _("Your agency: %(action)s") % {"action": transition.label},
                _("%(name)s is now %(status)s.")
                % {"name": agency.name, "status": agency.get_status_display()}
                + (("\n" + _("Reason: %(reason)s") % {"reason": reason}) if reason else ""),
                reverse("portal:dashboard"),
            )
    return agency


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


def recognition_grant(
    *,
    actor: User,
    agency: Agency,
    kind: RecognitionKind | str,
    year: int,
    granted_on: dt.date,
    valid_until: dt.date | None,
) -> Recognition:
    """Grant a recognition of a kind in use (the kind or its code)."""
    if not has_role(actor, REVIEWER, APPROVER) or is_agency_user(actor):
        raise PermissionDenied(_("Only bureau staff grant recognitions."))
    if agency.status != Agency.Status.REGISTERED:
        raise ValidationError({"agency": _("Only a registered agency can be recognised.")})
    code = kind.code if isinstance(kind, RecognitionKind) else kind
    kind = RecognitionKind.objects.filter(code=code, active=True).first()
    if kind is None:
        raise ValidationError(
            {"kind": _("Choose a recognition from the list the bureau keeps (in use).")}
        )
    if valid_until and valid_until < granted_on:
        raise ValidationError({"valid_until": _("The validity must end after the grant date.")})
    try:
        with transaction.atomic():
            recognition = Recognition.objects.create(
                agency=agency, kind=kind, year=year, granted_on=granted_on, valid_until=valid_until
            )
            audit.log(
                actor,
                recognition,
                "agencies.recognition.granted",
                after={"kind": kind.code, "year": year, "valid_until": valid_until},
            )
            notify(
                agency_users(agency),
                _("Recognition granted: %(r)s") % {"r": recognition.get_kind_display()},
                "",
                reverse("portal:dashboard"),
            )
    except IntegrityError:
        raise ValidationError(
            {"kind": _("The agency already holds this recognition for that year.")}
        ) from None
    return recognition


def recognition_revoke(*, actor: User, recognition: Recognition, reason: str) -> Recognition:
    if not has_role(actor, REVIEWER, APPROVER) or is_agency_user(actor):
        raise PermissionDenied(_("Only bureau staff revoke recognitions."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give the reason for revoking the recognition.")})
    with transaction.atomic():
        recognition = (
            Recognition.objects.select_for_update()
            .select_related("agency", "kind")
            .get(pk=recognition.pk)
        )
        if recognition.status == Recognition.Status.REVOKED:
            raise ValidationError(_("The recognition is already revoked."))
        before = {"status": recognition.status}
        recognition.status = Recognition.Status.REVOKED
        recognition.status_reason = reason.strip()
        recognition.save(update_fields=["status", "status_reason"])
        audit.log(
            actor,
            recognition,
            "agencies.recognition.revoked",
            before=before,
            after={"status": recognition.status},
            reason=reason,
        )
        notify(
            agency_users(recognition.agency),
            _("Recognition revoked: %(r)s") % {"r": recognition.get_kind_display()},
            reason,
            reverse("portal:dashboard"),
        )
    return recognition


def _worker_snapshot(worker: Worker) -> dict[str, Any]:
    return {f: getattr(worker, f) for f in WORKER_FIELDS} | {"left_on": worker.left_on}


def _validate_worker(data: dict[str, Any]) -> None:
    errors = {}
    today = timezone.localdate()
    # Checked here so a missing value is reported on its field, not as a database error.
    for required in ("job", "hired_on", "contract_kind", "contract_start"):
        value = data.get(required)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[required] = _("This field is required.")
    if data.get("contract_kind") and data["contract_kind"] not in Worker.ContractKind.values:
        errors["contract_kind"] = _("Choose a labour contract or a service agreement.")
    if (
        data.get("contract_end")
        and data.get("contract_start")
        and data["contract_end"] < data["contract_start"]
    ):
        errors["contract_end"] = _("The contract cannot end before it starts.")
    if data.get("social_insurance") and not data.get("insured_since"):
        errors["insured_since"] = _("Please enter since when social insurance is paid.")
    if data.get("health_check_on") and data["health_check_on"] > today:
        errors["health_check_on"] = _("The health check date cannot be in the future.")
    if data.get("hired_on") and data["hired_on"] > today + dt.timedelta(days=90):
        errors["hired_on"] = _("The hire date is too far in the future.")
    if data.get("left_on") and data.get("hired_on") and data["left_on"] < data["hired_on"]:
        errors["left_on"] = _("The leaving date cannot be before the hire date.")
    if errors:
        raise ValidationError(errors)


def _graduation_given(data: dict[str, Any], is_graduate: bool) -> tuple[bool, Any]:
    """Pop the person's graduation date from the worker data: (given, date). A date is
    recorded only for a worker marked 高校毕业生."""
    if "graduated_on" not in data:
        return False, None
    graduated_on = data.pop("graduated_on")
    if graduated_on is not None and not is_graduate:
        raise ValidationError(
            {"graduated_on": _("A graduation date is recorded only for a college graduate.")}
        )
    return True, graduated_on


def worker_add(
    *, actor: User, agency: Agency, id_number: str, name: str, phone: str = "", data: dict[str, Any]
) -> Worker:
    """Add a worker (the person found or created by ID number); ``data`` holds the job record
    and, for a 高校毕业生, may hold the person's ``graduated_on``."""
    _require(permissions.can_manage_workers(actor, agency))
    data = dict(data)
    graduation = _graduation_given(data, bool(data.get("is_graduate")))
    _validate_worker(data)
    with transaction.atomic():
        try:
            person = person_get_or_create(id_number=id_number, name=name, phone=phone, actor=actor)
        except ValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"id_number": exc.messages}
            ) from None
        if Worker.objects.filter(agency=agency, person=person, left_on__isnull=True).exists():
            raise ValidationError(
                {"id_number": _("This person is already a worker of the agency.")}
            )
        try:
            with transaction.atomic():
                worker = Worker.objects.create(
                    agency=agency,
                    person=person,
                    **{f: data.get(f) for f in WORKER_FIELDS if f in data},
                )
        except IntegrityError:
            raise ValidationError(
                {"id_number": _("This person is already a worker of the agency.")}
            ) from None
        if graduation[0] and graduation[1] is not None:
            person_record_graduation(actor=actor, person=person, graduated_on=graduation[1])
        audit.log(actor, worker, "agencies.worker.added", after=_worker_snapshot(worker))
    return worker


def worker_update(*, actor: User, worker: Worker, data: dict[str, Any]) -> Worker:
    _require(permissions.can_manage_workers(actor, worker.agency))
    data = dict(data)
    merged = _worker_snapshot(worker) | data
    graduation = _graduation_given(data, bool(merged.get("is_graduate")))
    merged.pop("graduated_on", None)
    _validate_worker(merged)
    with transaction.atomic():
        worker = (
            Worker.objects.select_for_update().select_related("person", "agency").get(pk=worker.pk)
        )
        before = _worker_snapshot(worker)
        for field_name, value in data.items():
            if field_name in WORKER_FIELDS or field_name == "left_on":
                setattr(worker, field_name, value)
        try:
            with transaction.atomic():
                worker.save()
        except IntegrityError:
            # Clearing the leaving date of someone the agency has since re-hired.
            raise ValidationError(
                {"left_on": _("This person is already an active worker of the agency.")}
            ) from None
        if graduation[0]:
            person_record_graduation(actor=actor, person=worker.person, graduated_on=graduation[1])
        audit.log(
            actor, worker, "agencies.worker.updated", before=before, after=_worker_snapshot(worker)
        )
    return worker


def worker_leave(*, actor: User, worker: Worker, left_on: dt.date) -> Worker:
    _require(permissions.can_manage_workers(actor, worker.agency))
    if left_on < worker.hired_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the hire date.")})
    return worker_update(actor=actor, worker=worker, data={"left_on": left_on})


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
        for name, value in declarations.items():
            setattr(filing, name, value)
        filing.status = EmployeeSystemFiling.Status.SUBMITTED
        filing.total_workers = figures.total_workers
        filing.contracted_workers = figures.contracted_workers
        filing.insured_workers = figures.insured_workers
        filing.qualifying_workers = figures.qualifying_workers
        filing.threshold_workers = figures.threshold_workers
        filing.threshold_months = figures.threshold_months
        filing.meets_threshold = figures.meets_threshold
        filing.submitted_at = timezone.now()
        filing.decided_at = None
        filing.decided_by = None
        filing.decision_reason = ""
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


def filing_decide(
    *, actor: User, filing: EmployeeSystemFiling, action: str, reason: str = ""
) -> EmployeeSystemFiling:
    if action == "resubmit":
        # Re-filing recomputes the figures from today's worker records, so it goes through
        # filing_submit (which also locks the agency first, as every submission does).
        filing = EmployeeSystemFiling.objects.select_related("agency").get(pk=filing.pk)
        _require(permissions.can_transition_filing(actor, filing, action))
        declarations = {name: getattr(filing, name) for name in FILING_DECLARATIONS}
        return filing_submit(actor=actor, agency=filing.agency, declarations=declarations)
    if action == "withdraw":
        return filing_withdraw(actor=actor, filing=filing, reason=reason)
    with transaction.atomic():
        filing = (
            EmployeeSystemFiling.objects.select_for_update()
            .select_related("agency")
            .get(pk=filing.pk)
        )
        _require(permissions.can_transition_filing(actor, filing, action))
        transition = find(workflow.FILING_TRANSITIONS, filing.status, action)
        reason = (reason or "").strip()
        if transition.needs_reason and not reason:
            raise ValidationError(
                {
                    "reason": _("Please give the reason for “%(action)s”.")
                    % {"action": transition.label}
                }
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


def standing_set(
    *, actor: User, agency: Agency, year: int, inspection: str, rating: str, note: str = ""
) -> AgencyStanding:
    """Record an agency's inspection result and rating for a year (staff only)."""
    if not has_role(actor, REVIEWER, APPROVER) or is_agency_user(actor):
        raise PermissionDenied(_("Only bureau staff record an agency's yearly standing."))
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the year of the standing, e.g. 2026.")})
    if inspection not in AgencyStanding.Inspection.values:
        raise ValidationError({"inspection": _("Choose an inspection result from the list.")})
    if rating not in AgencyStanding.Rating.values:
        raise ValidationError({"rating": _("Choose a rating from the list.")})
    with transaction.atomic():
        standing, created = AgencyStanding.objects.select_for_update().get_or_create(
            agency=agency, year=year
        )
        before = None if created else {"inspection": standing.inspection, "rating": standing.rating}
        standing.inspection, standing.rating, standing.note = inspection, rating, note
        standing.save()
        audit.log(
            actor,
            standing,
            "agencies.standing.set",
            before=before,
            after={"inspection": inspection, "rating": rating},
            reason=note,
        )
    return standing
