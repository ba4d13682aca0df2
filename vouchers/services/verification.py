"""After the home service: 跟踪回访 (the follow-up call to the household) and 服务核查 (the
check that decides whether the voucher goes into the agency's settlement)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import permissions, workflow
from ..models import FollowUp, Service, Voucher
from . import common


def _check_follow_up(
    called_on: dt.date, reached: bool, satisfaction: int | None, remarks: str
) -> None:
    errors: dict[str, str] = {}
    if called_on > common.today():
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
    common.require(permissions.can_handle(actor))
    _check_follow_up(called_on, reached, satisfaction, remarks)
    with transaction.atomic():
        locked = Voucher.objects.select_for_update(of=("self",)).get(pk=voucher.pk)
        if workflow.find(workflow.VOUCHER_TRANSITIONS, locked.status, "follow_up") is None:
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
    common.require(permissions.can_handle(actor))
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": _("Say what was found; the agency sees it.")})
    action = "verify_pass" if passed else "verify_fail"
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update(of=("self",)).get(pk=voucher.pk)
        step = workflow.find(workflow.VOUCHER_TRANSITIONS, voucher.status, action)
        if step is None:
            raise ValidationError(
                _(
                    "Only a redeemed voucher awaiting verification can be verified; this one is %(status)s."
                )
                % {"status": voucher.get_status_display()}
            )
        voucher.status = step.target
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
