"""Every write of the voucher area: validate, lock, change, audit.

The caps: ``voucher_issue`` and ``voucher_void`` lock the batch row (SELECT … FOR UPDATE) and
move its counters in the same transaction, so concurrent issues queue on the row and the 5,001st
is refused; CHECK constraints on the batch refuse any counter above the cap even if a write
slipped past this module. One application / voucher per household and batch, one redemption
per voucher and one statement per agency and month are unique constraints."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.models import Agency, BusinessFormat, Street, Worker
from agencies.rules import GREEN
from agencies.selectors import agency_users, worker_status
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.documents import sniff
from kunqu_jiafu.documents.numbering import format_notice_number, next_number
from kunqu_jiafu.documents.services import document_attach, document_store
from kunqu_jiafu.notifications.services import notify
from kunqu_jiafu.people import crypto
from kunqu_jiafu.people.household import household_key
from kunqu_jiafu.people.idcard import parse_id_number
from kunqu_jiafu.people.phone import is_phone, normalize_phone, phone_message
from kunqu_jiafu.people.services import person_get_or_create

from . import codes, permissions, selectors
from .models import (
    Application,
    FollowUp,
    Participation,
    Service,
    Settlement,
    TargetGroup,
    Voucher,
    VoucherBatch,
)

APPLICATION_SERIES = "voucher-application"
SETTLEMENT_SERIES = "voucher-settlement"
SETTLEMENT_PREFIX = "昆人社家券结"
EVIDENCE_TYPES = (sniff.PDF, sniff.JPEG, sniff.PNG)
BATCH_FIELDS = (
    "year",
    "name",
    "count",
    "face_value",
    "total",
    "applications_open_on",
    "applications_close_on",
    "valid_from",
    "valid_until",
    "status",
    "one_per",
)


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def _id_errors(exc: ValidationError) -> ValidationError:
    return ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"id_number": exc.messages}
    )


def _today() -> dt.date:
    return timezone.localdate()


def application_number(year: int, number: int) -> str:
    """``JQ2026-00001``: 就业券 application numbers, gap-free per year."""
    return f"JQ{int(year)}-{int(number):05d}"


# --- batch -------------------------------------------------------------------------------------


def _validate_batch(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    count, value, total = data.get("count"), data.get("face_value"), data.get("total")
    if count is not None and count <= 0:
        errors["count"] = _("The batch needs at least one voucher.")
    if value is not None and value <= 0:
        errors["face_value"] = _("The face value must be more than 0 yuan.")
    if count and value and total is not None and Decimal(count) * value != total:
        errors["total"] = _(
            "The total must equal the number of vouchers × the face value: "
            "%(count)s × %(value)s = %(expected)s yuan."
        ) % {"count": count, "value": value, "expected": Decimal(count) * value}
    opens, closes = data.get("applications_open_on"), data.get("applications_close_on")
    if opens and closes and closes < opens:
        errors["applications_close_on"] = _("Applications cannot close before they open.")
    starts, ends = data.get("valid_from"), data.get("valid_until")
    if starts and ends and ends < starts:
        errors["valid_until"] = _("The vouchers cannot expire before they become valid.")
    if errors:
        raise ValidationError(errors)


def batch_save(
    *, actor: User, data: dict[str, Any], batch: VoucherBatch | None = None
) -> VoucherBatch:
    _require(permissions.can_handle(actor))
    merged = ({f: getattr(batch, f) for f in BATCH_FIELDS} if batch else {}) | data
    _validate_batch(merged)
    with transaction.atomic():
        if batch is None:
            batch = VoucherBatch(**{f: merged[f] for f in BATCH_FIELDS if f in merged})
            before = None
        else:
            batch = VoucherBatch.objects.select_for_update().get(pk=batch.pk)
            before = {f: str(getattr(batch, f)) for f in BATCH_FIELDS}
            # Fields not given keep the row's values, not those of the caller's (stale) copy.
            merged = {f: getattr(batch, f) for f in BATCH_FIELDS} | data
            _validate_batch(merged)
            errors = {}
            if merged["count"] < batch.issued_count:
                errors["count"] = _(
                    "%(n)s vouchers are already out; the batch cannot hold fewer."
                ) % {"n": batch.issued_count}
            if merged["total"] < batch.issued_amount:
                errors["total"] = _("%(amount)s yuan is already out; the total cannot be less.") % {
                    "amount": batch.issued_amount
                }
            if batch.issued_count and merged["face_value"] != batch.face_value:
                errors["face_value"] = _(
                    "Vouchers of this batch are already out; their face value cannot change."
                )
            if errors:
                raise ValidationError(errors)
            for f in BATCH_FIELDS:
                setattr(batch, f, merged[f])
        try:
            with transaction.atomic():
                batch.save()
        except IntegrityError:
            raise ValidationError(
                {"name": _("A batch with this name already exists for the year.")}
            ) from None
        audit.log(
            actor,
            batch,
            "vouchers.batch.saved",
            before=before,
            after={f: str(getattr(batch, f)) for f in BATCH_FIELDS},
        )
    return batch


def participation_set(
    *, actor: User, batch: VoucherBatch, agency: Agency, active: bool = True, note: str = ""
) -> Participation:
    """Take an agency into the batch's programme (or take it out)."""
    _require(permissions.can_handle(actor))
    if active and agency.status != Agency.Status.REGISTERED:
        raise ValidationError(
            {
                "agency": _("Only a registered agency can take part (this one is %(status)s).")
                % {"status": agency.get_status_display()}
            }
        )
    with transaction.atomic():
        participation, created = Participation.objects.select_for_update().get_or_create(
            batch=batch,
            agency=agency,
            defaults={"joined_on": _today(), "active": active, "note": note},
        )
        if not created:
            participation.active = active
            participation.note = note or participation.note
            participation.save(update_fields=["active", "note"])
        audit.log(
            actor,
            participation,
            "vouchers.participation.set",
            after={"agency": agency.pk, "active": active},
        )
    return participation


# --- applications --------------------------------------------------------------------------------


def application_create(
    *,
    batch: VoucherBatch,
    id_number: str,
    name: str,
    phone: str,
    address: str,
    street: Street,
    target_group: TargetGroup,
    evidence=None,
    note: str = "",
    actor: User | None = None,
    head_id_number: str = "",
    head_required: bool = False,
) -> Application:
    """人员申报. ``actor`` None: the resident online (evidence required); a reviewer otherwise.
    ``head_id_number``: the household head's, when not the applicant (per-household batches).
    ``head_required``: the staff faces (admin, API) always state the head in a per-household
    batch, the applicant's own number when they are the head, so no entry skips the rule."""
    if actor is not None:
        _require(permissions.can_handle(actor))
    today = _today()
    errors: dict[str, str] = {}
    if batch.status != VoucherBatch.Status.OPEN:
        raise ValidationError(_("%(batch)s is not taking applications.") % {"batch": batch})
    if actor is None and not (batch.applications_open_on <= today <= batch.applications_close_on):
        raise ValidationError(
            _("Applications for %(batch)s are taken from %(start)s to %(end)s.")
            % {
                "batch": batch,
                "start": date_format(batch.applications_open_on),
                "end": date_format(batch.applications_close_on),
            }
        )
    if not target_group.active:
        errors["target_group"] = _("This target group no longer qualifies; choose another.")
    if not (phone or "").strip():
        errors["phone"] = _("Please leave a phone number so the bureau can reach you.")
    elif not is_phone(phone):
        errors["phone"] = phone_message()
    else:
        phone = normalize_phone(phone)
    if not (address or "").strip():
        errors["address"] = _("Enter the household's address; the service is given at home.")
    if actor is None and evidence is None:
        errors["evidence"] = _(
            "Upload a photo or PDF of the evidence for the target group (e.g. the unemployment "
            "registration card)."
        )
    head_encrypted, key, head_field = "", "", "id_number"
    per_household = batch.one_per == VoucherBatch.OnePer.HOUSEHOLD
    if per_household and head_required and not (head_id_number or "").strip():
        errors["head_id_number"] = _(
            "Enter the household head's ID number (the applicant's own when they are the head): "
            "%(batch)s gives one voucher per household."
        ) % {"batch": batch}
    if per_household and not errors:
        head, head_field = _household_head(id_number, head_id_number, errors)
        if head:
            key = household_key(head, address)
            if head_field == "head_id_number":
                head_encrypted = crypto.encrypt(head)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The number's row lock first: a new person's record takes the audit head, which every
        # other writer takes last; drawing the number after it deadlocks with a known person's
        # application that holds the number and waits for the audit head.
        number = application_number(batch.year, next_number(APPLICATION_SERIES, batch.year))
        try:
            person = person_get_or_create(id_number=id_number, name=name, phone=phone, actor=actor)
        except ValidationError as exc:
            raise _id_errors(exc) from None
        existing = selectors.live_application(batch, person)
        if existing is not None and actor is None:
            # The resident's public page: never the number, which with the ID number unlocks the
            # application (its voucher, its choice of agency) to whoever knows the ID number.
            raise ValidationError(
                {
                    "id_number": _(
                        "This household already applied in %(batch)s. Look up its status with "
                        "the application number it was given instead of applying again."
                    )
                    % {"batch": batch}
                }
            )
        if existing is not None:
            raise ValidationError(
                {
                    "id_number": _(
                        "This household already applied in %(batch)s (application %(number)s, "
                        "%(status)s). Look up its status instead of applying again."
                    )
                    % {
                        "batch": batch,
                        "number": existing.number,
                        "status": existing.get_status_display(),
                    }
                }
            )
        if key and selectors.household_applied(batch, key):
            raise ValidationError(
                {
                    head_field: _(
                        "This household (the same household head and address) already applied "
                        "in %(batch)s; one voucher is given per household."
                    )
                    % {"batch": batch}
                }
            )
        document = None
        if evidence is not None:
            document = document_store(
                evidence,
                allowed=EVIDENCE_TYPES,
                field="evidence",
                user=actor,
                purpose="voucher-evidence",
            )
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    batch=batch,
                    number=number,
                    person=person,
                    phone=phone.strip(),
                    address=address.strip(),
                    street=street,
                    head_id_encrypted=head_encrypted,
                    household_key=key,
                    target_group=target_group,
                    evidence=document,
                    note=note,
                    channel=Application.Channel.COUNTER if actor else Application.Channel.ONLINE,
                    entered_by=actor,
                )
        except IntegrityError:
            raise ValidationError(
                {
                    ("head_id_number" if head_encrypted else "id_number"): _(
                        "This household has already applied in this batch."
                    )
                }
            ) from None
        if document is not None:
            document_attach(document, application)
        audit.log(
            actor,
            application,
            "vouchers.application.created",
            after={"number": number, "group": target_group.code, "channel": application.channel},
        )
    return application


def _household_head(id_number: str, head_id_number: str, errors: dict) -> tuple[str, str]:
    """The household head's normalised ID number and the field it came from ("" if invalid)."""
    field = "head_id_number" if (head_id_number or "").strip() else "id_number"
    try:
        return parse_id_number(
            head_id_number if field == "head_id_number" else id_number
        ).number, field
    except ValidationError as exc:
        if field == "head_id_number":
            errors[field] = _("Household head's ID number: %(error)s") % {"error": exc.messages[0]}
        return "", field  # the applicant's own number is checked with the person below


def application_decide(
    *, actor: User, application: Application, approve: bool, reason: str = ""
) -> Application:
    _require(permissions.can_handle(actor))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the rejection; the household sees it.")}
        )
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.SUBMITTED:
            raise ValidationError(
                _("This application has already been decided (%(status)s).")
                % {"status": application.get_status_display()}
            )
        application.status = Application.Status.APPROVED if approve else Application.Status.REJECTED
        application.decided_by = actor
        application.decided_at = timezone.now()
        application.decision_reason = reason
        application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.log(
            actor,
            application,
            "vouchers.application.approved" if approve else "vouchers.application.rejected",
            before={"status": "submitted"},
            after={"status": application.status},
            reason=reason,
        )
    return application


# --- issue and void ------------------------------------------------------------------------------


def _new_code() -> str:
    for _attempt in range(20):
        code = codes.generate()
        if not Voucher.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw an unused voucher code in 20 tries")  # pragma: no cover


def voucher_issue(*, actor: User, application: Application) -> Voucher:
    """Issue the household's voucher. The batch row is locked: the caps hold under concurrency."""
    _require(permissions.can_handle(actor))
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=application.pk)
        )
        if application.status == Application.Status.SUBMITTED:
            raise ValidationError(_("Approve the application before issuing its voucher."))
        if application.status != Application.Status.APPROVED:
            raise ValidationError(
                _("No voucher can be issued for an application that is %(status)s.")
                % {"status": application.get_status_display()}
            )
        batch = VoucherBatch.objects.select_for_update().get(pk=application.batch_id)
        if batch.status != VoucherBatch.Status.OPEN:
            raise ValidationError(
                _("%(batch)s is not open; no vouchers are issued.") % {"batch": batch}
            )
        if _today() > batch.valid_until:
            raise ValidationError(
                _("The vouchers of %(batch)s expired on %(date)s.")
                % {"batch": batch, "date": date_format(batch.valid_until)}
            )
        if batch.issued_count + 1 > batch.count:
            raise ValidationError(
                _(
                    "All %(count)s vouchers of %(batch)s are issued; none is left. A voided "
                    "voucher gives its place back."
                )
                % {"count": batch.count, "batch": batch}
            )
        # The value cap needs no check of its own: the database holds total = count × face value
        # and value out = count out × face value, so the count cap above is the value cap.
        try:
            with transaction.atomic():
                voucher = Voucher.objects.create(
                    batch=batch,
                    application=application,
                    person=application.person,
                    household_key=application.household_key,
                    code=_new_code(),
                    face_value=batch.face_value,
                    issued_at=timezone.now(),
                    issued_by=actor,
                    valid_until=batch.valid_until,
                )
        except IntegrityError:
            raise ValidationError(
                _("This household already holds a voucher of %(batch)s.") % {"batch": batch}
            ) from None
        batch.issued_count += 1
        batch.issued_amount += batch.face_value
        batch.save(update_fields=["issued_count", "issued_amount"])
        application.status = Application.Status.ISSUED
        application.save(update_fields=["status"])
        audit.log(
            actor,
            voucher,
            "vouchers.voucher.issued",
            after={"application": application.number, "value": str(voucher.face_value)},
        )
    return voucher


def application_approve_and_issue(*, actor: User, application: Application) -> Voucher:
    """Approve a submitted application and issue its voucher in one step (all or nothing)."""
    _require(permissions.can_handle(actor))
    with transaction.atomic():
        # voucher_issue's locks (application, then batch) before the decision writes its audit
        # entry: the audit head must be the last lock taken, or an issue holding the batch row
        # and waiting for the audit head deadlocks with this one. Re-read: the copy may be stale.
        application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        VoucherBatch.objects.select_for_update().get(pk=application.batch_id)
        if application.status == Application.Status.SUBMITTED:
            application = application_decide(actor=actor, application=application, approve=True)
        return voucher_issue(actor=actor, application=application)


def voucher_void(*, actor: User, voucher: Voucher, reason: str) -> Voucher:
    """Void an unused voucher; its place and value go back to the batch."""
    _require(permissions.can_handle(actor))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for voiding the voucher.")})
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update(of=("self",)).get(pk=voucher.pk)
        if voucher.status != Voucher.Status.ISSUED:
            raise ValidationError(
                _("Only an unused voucher can be voided; this one is %(status)s.")
                % {"status": voucher.get_status_display()}
            )
        batch = VoucherBatch.objects.select_for_update().get(pk=voucher.batch_id)
        voucher.status = Voucher.Status.VOIDED
        voucher.voided_at = timezone.now()
        voucher.voided_by = actor
        voucher.void_reason = reason
        voucher.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
        batch.issued_count -= 1
        batch.issued_amount -= voucher.face_value
        batch.save(update_fields=["issued_count", "issued_amount"])
        # The household may be issued a new voucher on the same application.
        Application.objects.filter(pk=voucher.application_id).update(
            status=Application.Status.APPROVED
        )
        audit.log(
            actor,
            voucher,
            "vouchers.voucher.voided",
            before={"status": "issued"},
            after={"status": "voided"},
            reason=reason,
        )
    return voucher


# --- choosing an agency (机构筛选) ---------------------------------------------------------------


def voucher_choose_agency(
    *, voucher: Voucher, agency: Agency, actor: User | None = None
) -> Voucher:
    """The household (``actor`` None, after the status lookup) or a reviewer chooses the agency.

    The choice may change until the voucher is redeemed."""
    if actor is not None:
        _require(permissions.can_handle(actor))
    with transaction.atomic():
        voucher = (
            Voucher.objects.select_for_update(of=("self",))
            .select_related("batch")
            .get(pk=voucher.pk)
        )
        if voucher.status != Voucher.Status.ISSUED:
            raise ValidationError(
                _("The agency can only be chosen for an unused voucher; this one is %(status)s.")
                % {"status": voucher.get_status_display()}
            )
        if _today() > voucher.valid_until:
            raise ValidationError(
                _("The voucher expired on %(date)s.") % {"date": date_format(voucher.valid_until)}
            )
        agency = Agency.objects.get(pk=agency.pk)  # its status now, not the caller's copy
        eligible, reason = selectors.agency_eligibility(voucher.batch, agency)
        if not eligible:
            raise ValidationError({"agency": reason})
        before = {"agency": voucher.agency_id}
        voucher.agency = agency
        voucher.agency_chosen_at = timezone.now()
        voucher.save(update_fields=["agency", "agency_chosen_at"])
        audit.log(
            actor,
            voucher,
            "vouchers.voucher.agency_chosen",
            before=before,
            after={"agency": agency.pk},
        )
        users = agency_users(agency)
        notify(
            users,
            _("A household chose your agency for voucher %(code)s")
            % {"code": voucher.display_code},
            _("Contact the household to arrange the home service, then redeem the voucher."),
        )
    return voucher


# --- redemption (上门服务) -----------------------------------------------------------------------


def worker_not_green(worker: Worker, on: dt.date) -> str:
    """Why the worker may not be named on a home service of that day ("" when green): only
    workers with green home-service status serve households."""
    status = worker_status(worker, today=min(on, _today()))
    if status.colour == GREEN:
        return ""
    return _(
        "%(name)s's home-service status is %(status)s (%(reasons)s); only workers with green "
        "status may be named on a service. Bring the records up to date first."
    ) % {"name": worker.person.name, "status": status.label, "reasons": "、".join(status.reasons)}


def _digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def _already_redeemed(service: Service) -> ValidationError:
    user = service.redeemed_by
    return ValidationError(
        {
            "code": _(
                "This voucher was already redeemed on %(when)s by %(agency)s (%(user)s). "
                "A voucher is redeemed only once."
            )
            % {
                "when": date_format(timezone.localtime(service.redeemed_at), "Y-m-d H:i"),
                "agency": service.agency.name,
                "user": user.get_full_name() or user.get_username(),
            }
        }
    )


def voucher_redeem(
    *,
    actor: User,
    code: str,
    service_date: dt.date,
    kind: BusinessFormat,
    worker: Worker,
    hours: Decimal,
    note: str = "",
    idempotency_key: str = "",
) -> tuple[Service, bool]:
    """Record the home service and redeem the voucher. Returns (service, replayed).

    With an ``idempotency_key`` a repeated request (same agency, same key, same content) returns
    the first result instead of failing; the same key with other content is refused."""
    _require(permissions.can_redeem(actor))
    agency = selectors.agency_of_user(actor)
    parsed = codes.parse(code)
    key = (idempotency_key or "").strip()[:100]
    payload = {
        "code": parsed,
        "service_date": service_date,
        "kind": kind.pk,
        "worker": worker.pk,
        "hours": str(Decimal(hours).quantize(Decimal("0.1"))),
        "note": note,
    }
    digest = _digest(payload)
    if key:
        replay = selectors.service_by_key(agency, key)
        if replay is not None:
            if replay.request_digest != digest:
                raise ValidationError(
                    {
                        "idempotency_key": _(
                            "This Idempotency-Key was already used for another redemption; send "
                            "a new key for a new request."
                        )
                    }
                )
            return replay, True
    errors: dict[str, str] = {}
    today = _today()
    if service_date > today:
        errors["service_date"] = _("The service date cannot be in the future.")
    # Its agency, leaving date and status now.
    worker = Worker.objects.select_related("person", "agency").get(pk=worker.pk)
    if worker.agency_id != agency.pk:
        errors["worker"] = _("The worker must be one of your agency's workers.")
    elif worker.left_on and worker.left_on < service_date:
        errors["worker"] = _("This worker left the agency on %(date)s.") % {
            "date": date_format(worker.left_on)
        }
    if not kind.active:
        errors["kind"] = _("This service kind is no longer in use.")
    hours = Decimal(hours)
    if not (Decimal("0.5") <= hours <= Decimal("24")):
        errors["hours"] = _("Enter the duration in hours, from 0.5 to 24.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        voucher = (
            Voucher.objects.select_for_update(of=("self",))
            .select_related("batch", "agency")
            .filter(code=parsed)
            .first()
        )
        if voucher is None:
            raise ValidationError(
                {"code": _("No voucher has this code. Please check it against the voucher.")}
            )
        if voucher.status == Voucher.Status.VOIDED:
            raise ValidationError({"code": _("This voucher was voided and cannot be redeemed.")})
        if voucher.status != Voucher.Status.ISSUED:
            # A request with the same key may have redeemed it while this one waited for the
            # row lock (both passed the lookup above): answer as the replay it is.
            replay = selectors.service_by_key(agency, key) if key else None
            if replay is not None and replay.request_digest == digest:
                return replay, True
            if replay is not None:
                raise ValidationError(
                    {
                        "idempotency_key": _(
                            "This Idempotency-Key was already used for another redemption; send "
                            "a new key for a new request."
                        )
                    }
                )
            raise _already_redeemed(
                Service.objects.select_related("agency", "redeemed_by").get(voucher=voucher)
            )
        if voucher.agency_id is None:
            raise ValidationError(
                {
                    "code": _(
                        "The holder has not chosen an agency yet; they choose one on the status "
                        "page or at the bureau."
                    )
                }
            )
        if voucher.agency_id != agency.pk:
            raise ValidationError(
                {"code": _("The holder chose another agency; only that agency may redeem it.")}
            )
        if today > voucher.valid_until or service_date > voucher.valid_until:
            raise ValidationError(
                {
                    "code": _("The voucher expired on %(date)s and can no longer be redeemed.")
                    % {"date": date_format(voucher.valid_until)}
                }
            )
        if service_date < timezone.localdate(voucher.issued_at):
            raise ValidationError(
                {"service_date": _("The service cannot be before the voucher was issued.")}
            )
        eligible, reason = selectors.agency_eligibility(voucher.batch, agency)
        if not eligible:
            raise ValidationError({"code": reason})
        # Only a worker green on the service day serves the household (after the voucher's
        # and the agency's own refusals, which say more than the worker's status would).
        not_green = worker_not_green(worker, service_date)
        if not_green:
            raise ValidationError({"worker": not_green})
        try:
            with transaction.atomic():
                service = Service.objects.create(
                    voucher=voucher,
                    agency=agency,
                    service_date=service_date,
                    kind=kind,
                    worker=worker,
                    hours=hours,
                    note=note,
                    redeemed_at=timezone.now(),
                    redeemed_by=actor,
                    idempotency_key=key,
                    request_digest=digest,
                )
        except IntegrityError:
            # Either the voucher or the key was taken by a request that committed meanwhile.
            # The key's owner decides: the same content is a replay, other content (another
            # voucher even) is a reused key and this voucher was left untouched.
            replay = selectors.service_by_key(agency, key) if key else None
            if replay is not None and replay.request_digest == digest:
                return replay, True
            if replay is not None:
                raise ValidationError(
                    {
                        "idempotency_key": _(
                            "This Idempotency-Key was already used for another redemption; "
                            "send a new key for a new request."
                        )
                    }
                ) from None
            raise ValidationError(
                {"code": _("This voucher was just redeemed by another request.")}
            ) from None
        voucher.status = Voucher.Status.REDEEMED
        voucher.save(update_fields=["status"])
        audit.log(
            actor,
            voucher,
            "vouchers.voucher.redeemed",
            before={"status": "issued"},
            after={"status": "redeemed", "service_date": service_date, "worker": worker.pk},
        )
    return service, False


# --- follow-up and verification ------------------------------------------------------------------


USED = (
    Voucher.Status.REDEEMED,
    Voucher.Status.VERIFIED,
    Voucher.Status.REJECTED,
    Voucher.Status.REIMBURSED,
)


def followup_record(
    *,
    actor: User,
    voucher: Voucher,
    called_on: dt.date,
    reached: bool,
    satisfaction: int | None,
    remarks: str = "",
) -> FollowUp:
    """跟踪回访."""
    _require(permissions.can_handle(actor))
    errors: dict[str, str] = {}
    if called_on > _today():
        errors["called_on"] = _("The call date cannot be in the future.")
    if reached and satisfaction is None:
        errors["satisfaction"] = _("Record the household's satisfaction from 1 to 5.")
    if satisfaction is not None and not 1 <= int(satisfaction) <= 5:
        errors["satisfaction"] = _(
            "Satisfaction is a number from 1 (very unhappy) to 5 (very happy)."
        )
    if not reached and not (remarks or "").strip():
        errors["remarks"] = _("Note why the household could not be reached.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Voucher.objects.select_for_update(of=("self",)).get(pk=voucher.pk)
        if locked.status not in USED:
            raise ValidationError(
                {"voucher": _("No service has been recorded for this voucher yet.")}
            )
        served_on = Service.objects.values_list("service_date", flat=True).get(voucher=locked)
        if called_on < served_on:
            raise ValidationError(
                {
                    "called_on": _("The call cannot be before the home service on %(date)s.")
                    % {"date": date_format(served_on)}
                }
            )
        follow_up = FollowUp.objects.create(
            voucher=voucher,
            called_on=called_on,
            reached=reached,
            satisfaction=satisfaction if reached else None,
            remarks=remarks,
            recorded_by=actor,
        )
        audit.log(
            actor,
            voucher,
            "vouchers.voucher.followed_up",
            after={"reached": reached, "satisfaction": follow_up.satisfaction},
        )
    return follow_up


def voucher_verify(*, actor: User, voucher: Voucher, passed: bool, note: str = "") -> Voucher:
    """服务核查: a verified voucher goes into the agency's next settlement; a failed one does not."""
    _require(permissions.can_handle(actor))
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": _("Say what was found; the agency sees it.")})
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update(of=("self",)).get(pk=voucher.pk)
        if voucher.status != Voucher.Status.REDEEMED:
            raise ValidationError(
                _(
                    "Only a redeemed voucher awaiting verification can be verified; this one is %(status)s."
                )
                % {"status": voucher.get_status_display()}
            )
        voucher.status = Voucher.Status.VERIFIED if passed else Voucher.Status.REJECTED
        voucher.verified_at = timezone.now()
        voucher.verified_by = actor
        voucher.verification_note = note
        voucher.save(update_fields=["status", "verified_at", "verified_by", "verification_note"])
        audit.log(
            actor,
            voucher,
            "vouchers.voucher.verified" if passed else "vouchers.voucher.verification_failed",
            before={"status": "redeemed"},
            after={"status": voucher.status},
            reason=note,
        )
    return voucher


# --- settlement ----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def settlement_create(
    *, actor: User, batch: VoucherBatch, agency: Agency, month: dt.date
) -> Settlement:
    """Draw up the agency's statement for ``month``: every verified, unsettled voucher whose
    service was on or before the month's last day (late verifications join the next statement)."""
    _require(permissions.can_handle(actor))
    month = month_start(month)
    if month > month_start(_today()):
        raise ValidationError({"month": _("A month that has not begun cannot be settled.")})
    with transaction.atomic():
        vouchers = list(
            selectors.settleable_vouchers(batch, agency, month).select_for_update(of=("self",))
        )
        if not vouchers:
            raise ValidationError(
                {
                    "month": _("%(agency)s has no verified, unsettled vouchers up to %(month)s.")
                    % {"agency": agency.name, "month": f"{month:%Y-%m}"}
                }
            )
        number = format_notice_number(
            SETTLEMENT_PREFIX, month.year, next_number(SETTLEMENT_SERIES, month.year)
        )
        amount = sum((v.face_value for v in vouchers), Decimal("0.00"))
        try:
            with transaction.atomic():
                settlement = Settlement.objects.create(
                    batch=batch,
                    agency=agency,
                    month=month,
                    number=number,
                    voucher_count=len(vouchers),
                    amount=amount,
                    created_by=actor,
                )
        except IntegrityError:
            raise ValidationError(
                {
                    "month": _("%(agency)s already has a statement for %(month)s.")
                    % {"agency": agency.name, "month": f"{month:%Y-%m}"}
                }
            ) from None
        Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(settlement=settlement)
        check = Voucher.objects.filter(settlement=settlement).aggregate(total=Sum("face_value"))
        if check["total"] != amount:  # pragma: no cover - would mean a concurrent write slipped in
            raise RuntimeError("settlement amount must equal the sum of its vouchers")
        audit.log(
            actor,
            settlement,
            "vouchers.settlement.created",
            after={"vouchers": len(vouchers), "amount": str(amount), "month": f"{month:%Y-%m}"},
        )
        users = agency_users(agency)
        notify(
            users,
            _("Settlement statement %(number)s: %(amount)s yuan")
            % {"number": number, "amount": amount},
            _("%(n)s verified vouchers are settled; the bureau will pay after approval.")
            % {"n": len(vouchers)},
        )
    return settlement


def settlement_mark_paid(
    *, actor: User, settlement: Settlement, paid_on: dt.date, reference: str = ""
) -> Settlement:
    """Record the payment; the statement's vouchers are reimbursed and closed."""
    _require(permissions.can_mark_paid(actor, settlement))
    if paid_on > _today():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if settlement.status == Settlement.Status.PAID:
            raise ValidationError(
                _("This statement was already paid on %(date)s.")
                % {"date": date_format(settlement.paid_on)}
            )
        if paid_on < timezone.localdate(settlement.created_at):
            raise ValidationError(
                {"paid_on": _("The payment cannot be before the statement was drawn up.")}
            )
        settlement.status = Settlement.Status.PAID
        settlement.paid_on = paid_on
        settlement.paid_by = actor
        settlement.payment_reference = (reference or "").strip()
        settlement.save(update_fields=["status", "paid_on", "paid_by", "payment_reference"])
        closed = Voucher.objects.filter(
            settlement=settlement, status=Voucher.Status.VERIFIED
        ).update(status=Voucher.Status.REIMBURSED)
        if closed != settlement.voucher_count:
            raise ValidationError(
                _("The statement lists %(n)s vouchers but %(m)s are open; draw it up again.")
                % {"n": settlement.voucher_count, "m": closed}
            )
        audit.log(
            actor,
            settlement,
            "vouchers.settlement.paid",
            before={"status": "issued"},
            after={"status": "paid", "paid_on": paid_on, "reference": settlement.payment_reference},
        )
        users = agency_users(settlement.agency)
        notify(
            users,
            _("Settlement statement %(number)s was paid") % {"number": settlement.number},
            _("%(amount)s yuan, paid on %(date)s.")
            % {"amount": settlement.amount, "date": date_format(paid_on)},
        )
    return settlement
