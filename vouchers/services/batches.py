"""A batch's figures (count, face value, total, dates, one per person or household) and the
agencies taking part in its programme."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import permissions
from ..models import Participation, VoucherBatch
from . import common

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


def _check_what_is_out(batch: VoucherBatch, merged: dict[str, Any]) -> None:
    """A batch with vouchers out cannot shrink below them nor change their face value."""
    errors = {}
    if merged["count"] < batch.issued_count:
        errors["count"] = _("%(n)s vouchers are already out; the batch cannot hold fewer.") % {
            "n": batch.issued_count
        }
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


def batch_save(
    *, actor: User, data: dict[str, Any], batch: VoucherBatch | None = None
) -> VoucherBatch:
    common.require(permissions.can_handle(actor))
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
            _check_what_is_out(batch, merged)
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
    common.require(permissions.can_handle(actor))
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
            defaults={"joined_on": common.today(), "active": active, "note": note},
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
