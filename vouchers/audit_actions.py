"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "vouchers.batch.saved": pgettext_lazy("audit action", "Voucher batch saved"),
    "vouchers.participation.set": pgettext_lazy("audit action", "Agency participation set"),
    "vouchers.application.created": pgettext_lazy("audit action", "Voucher application received"),
    "vouchers.application.approved": pgettext_lazy("audit action", "Voucher application approved"),
    "vouchers.application.rejected": pgettext_lazy("audit action", "Voucher application rejected"),
    "vouchers.application.purged": pgettext_lazy(
        "audit action", "Rejected voucher applications deleted after the retention period"
    ),
    "vouchers.voucher.issued": pgettext_lazy("audit action", "Voucher issued"),
    "vouchers.voucher.voided": pgettext_lazy("audit action", "Voucher voided"),
    "vouchers.voucher.agency_chosen": pgettext_lazy("audit action", "Service agency chosen"),
    "vouchers.voucher.redeemed": pgettext_lazy("audit action", "Voucher redeemed"),
    "vouchers.voucher.followed_up": pgettext_lazy("audit action", "Follow-up call recorded"),
    "vouchers.voucher.verified": pgettext_lazy("audit action", "Service verified"),
    "vouchers.voucher.verification_failed": pgettext_lazy(
        "audit action", "Service verification failed"
    ),
    "vouchers.voucher.revoked": pgettext_lazy("audit action", "Voucher revoked after a spot check"),
    "vouchers.settlement.created": pgettext_lazy("audit action", "Settlement statement drawn up"),
    "vouchers.settlement.paid": pgettext_lazy("audit action", "Settlement payment recorded"),
}
