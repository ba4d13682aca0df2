"""The agency's monthly statement of verified vouchers (结算) and its payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.selectors import agency_users
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.documents.numbering import format_notice_number, next_number
from kunqu_jiafu.notifications.services import notify

from .. import permissions, selectors, workflow
from ..models import Settlement, Voucher, VoucherBatch
from . import common

SETTLEMENT_SERIES = "voucher-settlement"
SETTLEMENT_PREFIX = "昆人社家券结"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def settlement_create(
    *, actor: User, batch: VoucherBatch, agency: Agency, month: dt.date
) -> Settlement:
    """Draw up the agency's statement for ``month``: every verified, unsettled voucher whose
    service was on or before the month's last day (late verifications join the next statement)."""
    common.require(permissions.can_handle(actor))
    month = month_start(month)
    if month > month_start(common.today()):
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
        notify(
            agency_users(agency),
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
    common.require(permissions.can_mark_paid(actor, settlement))
    if paid_on > common.today():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if workflow.find(workflow.SETTLEMENT_TRANSITIONS, settlement.status, "mark_paid") is None:
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
        # A voucher revoked by a spot check stays on its statement (paid as drawn up); its face
        # value is recorded on the voucher as the amount to recover.
        closed += Voucher.objects.filter(
            settlement=settlement, status=Voucher.Status.REVOKED
        ).count()
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
        notify(
            agency_users(settlement.agency),
            _("Settlement statement %(number)s was paid") % {"number": settlement.number},
            _("%(amount)s yuan, paid on %(date)s.")
            % {"amount": settlement.amount, "date": date_format(paid_on)},
        )
    return settlement
