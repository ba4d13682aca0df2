"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "subsidies.settingchange.proposed": pgettext_lazy(
        "audit action", "Budget or rate change proposed"
    ),
    "subsidies.settingchange.approved": pgettext_lazy(
        "audit action", "Budget or rate change approved and in effect"
    ),
    "subsidies.settingchange.rejected": pgettext_lazy(
        "audit action", "Budget or rate change rejected"
    ),
    "subsidies.claim.created": pgettext_lazy("audit action", "Claim created"),
    "subsidies.claim.exemption_found_false": pgettext_lazy(
        "audit action", "Fee exemption found false by a spot check"
    ),
    "subsidies.claim.updated": pgettext_lazy("audit action", "Claim changed"),
    "subsidies.claim.attached": pgettext_lazy("audit action", "Attachment added to the claim"),
    "subsidies.claim.detached": pgettext_lazy("audit action", "Attachment removed from the claim"),
    "subsidies.claim.submitted": pgettext_lazy("audit action", "Claim submitted"),
    "subsidies.claim.withdrawn": pgettext_lazy("audit action", "Claim withdrawn"),
    "subsidies.claim.resubmitted": pgettext_lazy(
        "audit action", "Claim resubmitted after correction"
    ),
    "subsidies.claim.first_passed": pgettext_lazy("audit action", "Claim passed first review"),
    "subsidies.claim.returned": pgettext_lazy("audit action", "Claim returned for correction"),
    "subsidies.claim.rejected": pgettext_lazy("audit action", "Claim not approved"),
    "subsidies.claim.approved": pgettext_lazy("audit action", "Claim approved"),
    "subsidies.claim.paid": pgettext_lazy("audit action", "Payment recorded"),
    "subsidies.claim.revoked": pgettext_lazy("audit action", "Claim revoked and recovery ordered"),
    "subsidies.fund.set": pgettext_lazy("audit action", "Special fund amount set"),
    "subsidies.claimtype.created": pgettext_lazy("audit action", "Subsidy item added"),
    "subsidies.claimtype.updated": pgettext_lazy("audit action", "Subsidy item changed"),
    "subsidies.notice.regenerated": pgettext_lazy("audit action", "Notice regenerated"),
    "subsidies.awardpolicy.created": pgettext_lazy("audit action", "Award rules added"),
    "subsidies.awardpolicy.updated": pgettext_lazy("audit action", "Award rules changed"),
    "subsidies.parameter.flagged": pgettext_lazy(
        "audit action", "Figure marked to be confirmed by the bureau"
    ),
    "subsidies.parameter.confirmed": pgettext_lazy(
        "audit action", "Figure confirmed by the bureau"
    ),
}

# Codes written before actions were named in the past tense: old entries keep them (the
# hash chain covers the code), they read and filter as the new code, and a service that
# still passes an old code has it stored under the new one.
RENAMED = {
    "subsidies.claim.submit": "subsidies.claim.submitted",
    "subsidies.claim.withdraw": "subsidies.claim.withdrawn",
    "subsidies.claim.resubmit": "subsidies.claim.resubmitted",
    "subsidies.claim.first_pass": "subsidies.claim.first_passed",
    "subsidies.claim.return": "subsidies.claim.returned",
    "subsidies.claim.reject": "subsidies.claim.rejected",
    "subsidies.claim.approve": "subsidies.claim.approved",
    "subsidies.claim.pay": "subsidies.claim.paid",
    "subsidies.claim.revoke": "subsidies.claim.revoked",
    "subsidies.notice.regenerate": "subsidies.notice.regenerated",
}
