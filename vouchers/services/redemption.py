"""上门服务: the agency records the home service and so redeems the household's voucher, once.

With an ``Idempotency-Key`` a repeated request (same agency, same key, same content) answers
the first result; the same key with other content is refused and leaves every voucher alone."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies import selectors as agency_selectors
from agencies.models import Agency, BusinessFormat, Worker
from agencies.rules import GREEN
from agencies.selectors import worker_status
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import codes, permissions, selectors
from ..models import Service, Voucher
from . import common


def worker_not_green(worker: Worker, on: dt.date) -> str:
    """Why the worker may not be named on a home service of that day ("" when green): only
    workers with green home-service status serve households."""
    status = worker_status(worker, today=min(on, common.today()))
    if status.colour == GREEN:
        return ""
    return _(
        "%(name)s's home-service status is %(status)s (%(reasons)s); only workers with green "
        "status may be named on a service. Bring the records up to date first."
    ) % {"name": worker.person.name, "status": status.label, "reasons": "、".join(status.reasons)}


def _digest(
    *,
    code: str,
    service_date: dt.date,
    kind: BusinessFormat,
    worker: Worker,
    hours: Decimal,
    note: str,
) -> str:
    """The request's fingerprint: a repeated key must come with the same content."""
    payload = {
        "code": code,
        "service_date": service_date,
        "kind": kind.pk,
        "worker": worker.pk,
        "hours": str(Decimal(hours).quantize(Decimal("0.1"))),
        "note": note,
    }
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


def _replay(agency: Agency, key: str, digest: str) -> Service | None:
    """The first result of a repeated request; a key reused for other content is refused."""
    replay = selectors.service_by_key(agency, key) if key else None
    if replay is None or replay.request_digest == digest:
        return replay
    raise ValidationError(
        {
            "idempotency_key": _(
                "This Idempotency-Key was already used for another redemption; send a new key "
                "for a new request."
            )
        }
    )


def _check_request(
    agency: Agency, service_date: dt.date, kind: BusinessFormat, worker: Worker, hours: Decimal
) -> Worker:
    """The request's own fields, each error on its field; returns the worker as it is now."""
    errors: dict[str, str] = {}
    if service_date > common.today():
        errors["service_date"] = _("The service date cannot be in the future.")
    # Its agency, leaving date and status now.
    worker = agency_selectors.worker_now(worker.pk)
    if worker.agency_id != agency.pk:
        errors["worker"] = _("The worker must be one of your agency's workers.")
    elif worker.left_on and worker.left_on < service_date:
        errors["worker"] = _("This worker left the agency on %(date)s.") % {
            "date": date_format(worker.left_on)
        }
    if not kind.active:
        errors["kind"] = _("This service kind is no longer in use.")
    if not (Decimal("0.5") <= hours <= Decimal("24")):
        errors["hours"] = _("Enter the duration in hours, from 0.5 to 24.")
    if errors:
        raise ValidationError(errors)
    return worker


def _lock_voucher(code: str) -> Voucher:
    voucher = (
        Voucher.objects.select_for_update(of=("self",))
        .select_related("batch", "agency")
        .filter(code=code)
        .first()
    )
    if voucher is None:
        raise ValidationError(
            {"code": _("No voucher has this code. Please check it against the voucher.")}
        )
    if voucher.status == Voucher.Status.VOIDED:
        raise ValidationError({"code": _("This voucher was voided and cannot be redeemed.")})
    return voucher


def _check_redeemable(voucher: Voucher, agency: Agency, service_date: dt.date) -> None:
    """The holder chose this agency, the voucher is valid on the day, the agency takes part."""
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
    if common.today() > voucher.valid_until or service_date > voucher.valid_until:
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


def _service_row(**fields) -> Service | None:
    """The service; None when the voucher or the key was taken by a request that committed
    meanwhile (the unique indexes decide)."""
    try:
        with transaction.atomic():
            return Service.objects.create(**fields)
    except IntegrityError:
        return None


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
    common.require(permissions.can_redeem(actor))
    agency = selectors.agency_of_user(actor)
    parsed = codes.parse(code)
    key = (idempotency_key or "").strip()[:100]
    digest = _digest(
        code=parsed, service_date=service_date, kind=kind, worker=worker, hours=hours, note=note
    )
    replay = _replay(agency, key, digest)
    if replay is not None:
        return replay, True
    hours = Decimal(hours)
    worker = _check_request(agency, service_date, kind, worker, hours)
    with transaction.atomic():
        voucher = _lock_voucher(parsed)
        if voucher.status != Voucher.Status.ISSUED:
            # A request with the same key may have redeemed it while this one waited for the
            # row lock (both passed the lookup above): answer as the replay it is.
            replay = _replay(agency, key, digest)
            if replay is not None:
                return replay, True
            raise _already_redeemed(
                Service.objects.select_related("agency", "redeemed_by").get(voucher=voucher)
            )
        _check_redeemable(voucher, agency, service_date)
        # Only a worker green on the service day serves the household (after the voucher's
        # and the agency's own refusals, which say more than the worker's status would).
        not_green = worker_not_green(worker, service_date)
        if not_green:
            raise ValidationError({"worker": not_green})
        service = _service_row(
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
        if service is None:
            # The key's owner decides: the same content is a replay, other content (another
            # voucher even) is a reused key and this voucher was left untouched.
            replay = _replay(agency, key, digest)
            if replay is not None:
                return replay, True
            raise ValidationError({"code": _("This voucher was just redeemed by another request.")})
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
