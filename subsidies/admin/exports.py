"""The claims ledger (补贴申请台账) as XLSX: the filtered queue, one claim a row."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from import_export.widgets import DateWidget, DecimalWidget

from kunqu_jiafu.web.admin_kit.exports import UserResource, col, local_time

# Amounts and dates as real cells, so the ledger sums and sorts in Excel.
AMOUNT = {"widget": DecimalWidget(coerce_to_string=False)}
DATE = {"widget": DateWidget(coerce_to_string=False)}


class ClaimLedgerExport(UserResource):
    agency = col(_("agency"))
    uscc = col(_("unified social credit code"))
    street = col(_("street or town"))
    claim_type = col(_("claim type"))
    group = col(_("policy group"))
    period = col(_("period"), "period")
    status = col(_("status"))
    submitted_at = col(_("submitted at"))
    eligible_amount = col(_("eligible amount"), "eligible_amount", **AMOUNT)
    approved_amount = col(_("approved amount"), "approved_amount", **AMOUNT)
    first_reviewed_by = col(_("first reviewer"))
    decided_by = col(_("approved or refused by"))
    paid_on = col(_("paid on"), "paid_on", **DATE)
    bank_reference = col(_("bank reference"), "bank_reference")
    recovery_amount = col(_("amount to recover"), "recovery_amount", **AMOUNT)
    notices = col(_("notice numbers"))
    last_reason = col(_("reason for the last decision"), "last_reason")

    def dehydrate_agency(self, claim):
        return claim.agency.name

    def dehydrate_uscc(self, claim):
        return claim.agency.uscc

    def dehydrate_street(self, claim):
        return claim.agency.street.name

    def dehydrate_claim_type(self, claim):
        return claim.claim_type.name

    def dehydrate_group(self, claim):
        return claim.claim_type.get_group_display()

    def dehydrate_status(self, claim):
        return claim.get_status_display()

    def dehydrate_submitted_at(self, claim):
        return local_time(claim.submitted_at)

    def dehydrate_first_reviewed_by(self, claim):
        return str(claim.first_reviewed_by) if claim.first_reviewed_by_id else ""

    def dehydrate_decided_by(self, claim):
        return str(claim.decided_by) if claim.decided_by_id else ""

    def dehydrate_notices(self, claim):
        return "、".join(notice.number for notice in claim.notices.all())
