"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "subsidies.claim.created": pgettext_lazy("audit action", "Claim created"),
    "subsidies.claim.updated": pgettext_lazy("audit action", "Claim changed"),
    "subsidies.claim.attached": pgettext_lazy("audit action", "Attachment added to the claim"),
    "subsidies.claim.detached": pgettext_lazy("audit action", "Attachment removed from the claim"),
    "subsidies.claim.submit": pgettext_lazy("audit action", "Claim submitted"),
    "subsidies.claim.withdraw": pgettext_lazy("audit action", "Claim withdrawn"),
    "subsidies.claim.resubmit": pgettext_lazy("audit action", "Claim resubmitted after correction"),
    "subsidies.claim.first_pass": pgettext_lazy("audit action", "Claim passed first review"),
    "subsidies.claim.return": pgettext_lazy("audit action", "Claim returned for correction"),
    "subsidies.claim.reject": pgettext_lazy("audit action", "Claim not approved"),
    "subsidies.claim.approve": pgettext_lazy("audit action", "Claim approved"),
    "subsidies.claim.pay": pgettext_lazy("audit action", "Payment recorded"),
    "subsidies.claim.revoke": pgettext_lazy("audit action", "Claim revoked and recovery ordered"),
    "subsidies.fund.set": pgettext_lazy("audit action", "Special fund amount set"),
    "subsidies.claimtype.created": pgettext_lazy("audit action", "Subsidy item added"),
    "subsidies.claimtype.updated": pgettext_lazy("audit action", "Subsidy item changed"),
    "subsidies.notice.regenerate": pgettext_lazy("audit action", "Notice regenerated"),
    "subsidies.awardpolicy.created": pgettext_lazy("audit action", "Award rules added"),
    "subsidies.awardpolicy.updated": pgettext_lazy("audit action", "Award rules changed"),
    "subsidies.parameter.flagged": pgettext_lazy(
        "audit action", "Figure marked to be confirmed by the bureau"
    ),
    "subsidies.parameter.confirmed": pgettext_lazy(
        "audit action", "Figure confirmed by the bureau"
    ),
}
