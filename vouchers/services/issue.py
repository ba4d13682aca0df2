"""Issuing a household's voucher and voiding an unused one. The batch row is locked while its
counters move: the caps (count and value) hold under concurrency."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import codes, permissions, workflow
from ..models import Application, Voucher, VoucherBatch
from . import common
from .applications import application_decide


def _new_code() -> str:
    for _attempt in range(20):
        code = codes.generate()
        if not Voucher.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw an unused voucher code in 20 tries")  # pragma: no cover


def _check_batch_has_room(batch: VoucherBatch) -> None:
    if batch.status != VoucherBatch.Status.OPEN:
        raise ValidationError(
            _("%(batch)s is not open; no vouchers are issued.") % {"batch": batch}
        )
    if common.today() > batch.valid_until:
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


def voucher_issue(*, actor: User, application: Application) -> Voucher:
    """Issue the household's voucher. The batch row is locked: the caps hold under concurrency."""
    common.require(permissions.can_handle(actor))
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=application.pk)
        )
        if application.status == Application.Status.SUBMITTED:
            raise ValidationError(_("Approve the application before issuing its voucher."))
        if workflow.find(workflow.APPLICATION_TRANSITIONS, application.status, "issue") is None:
            raise ValidationError(
                _("No voucher can be issued for an application that is %(status)s.")
                % {"status": application.get_status_display()}
            )
        batch = VoucherBatch.objects.select_for_update().get(pk=application.batch_id)
        _check_batch_has_room(batch)
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
    common.require(permissions.can_handle(actor))
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
    common.require(permissions.can_handle(actor))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for voiding the voucher.")})
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update(of=("self",)).get(pk=voucher.pk)
        if workflow.find(workflow.VOUCHER_TRANSITIONS, voucher.status, "void") is None:
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
