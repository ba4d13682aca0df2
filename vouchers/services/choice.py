"""机构筛选: the household (or a reviewer for it) chooses the agency that serves the voucher."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies import selectors as agency_selectors
from agencies.models import Agency
from agencies.selectors import agency_users
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.notifications.services import notify

from .. import permissions, selectors
from ..models import Voucher
from . import common


def voucher_choose_agency(
    *, voucher: Voucher, agency: Agency, actor: User | None = None
) -> Voucher:
    """The household (``actor`` None, after the status lookup) or a reviewer chooses the agency.

    The choice may change until the voucher is redeemed."""
    if actor is not None:
        common.require(permissions.can_handle(actor))
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
        if common.today() > voucher.valid_until:
            raise ValidationError(
                _("The voucher expired on %(date)s.") % {"date": date_format(voucher.valid_until)}
            )
        agency = agency_selectors.agency_now(agency.pk)  # its status, not the caller's copy
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
        notify(
            agency_users(agency),
            _("A household chose your agency for voucher %(code)s")
            % {"code": voucher.display_code},
            _("Contact the household to arrange the home service, then redeem the voucher."),
        )
    return voucher
