"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "agencies.agency.applied": pgettext_lazy("audit action", "Registration applied for"),
    "agencies.agency.updated": pgettext_lazy("audit action", "Agency details changed"),
    "agencies.agency.register": pgettext_lazy("audit action", "Registration granted"),
    "agencies.agency.reject": pgettext_lazy("audit action", "Registration rejected"),
    "agencies.agency.reapply": pgettext_lazy("audit action", "Registration applied for again"),
    "agencies.agency.suspend": pgettext_lazy("audit action", "Agency suspended"),
    "agencies.agency.reinstate": pgettext_lazy("audit action", "Agency reinstated"),
    "agencies.agency.deregister": pgettext_lazy("audit action", "Agency deregistered"),
    "agencies.agency.alliance": pgettext_lazy("audit action", "Alliance membership changed"),
    "agencies.recognition.granted": pgettext_lazy("audit action", "Recognition granted"),
    "agencies.recognition.revoked": pgettext_lazy("audit action", "Recognition revoked"),
    "agencies.worker.added": pgettext_lazy("audit action", "Worker added"),
    "agencies.worker.updated": pgettext_lazy("audit action", "Worker details changed"),
    "agencies.worker.imported": pgettext_lazy("audit action", "Workers imported"),
    "agencies.filing.submitted": pgettext_lazy("audit action", "Employee-system filing submitted"),
    "agencies.filing.resubmitted": pgettext_lazy(
        "audit action", "Employee-system filing resubmitted"
    ),
    "agencies.filing.resubmit": pgettext_lazy("audit action", "Employee-system filing resubmitted"),
    "agencies.filing.approve": pgettext_lazy("audit action", "Employee-system filing approved"),
    "agencies.filing.return": pgettext_lazy(
        "audit action", "Employee-system filing returned for correction"
    ),
    "agencies.filing.refuse": pgettext_lazy("audit action", "Employee-system filing refused"),
    "agencies.filing.withdraw": pgettext_lazy("audit action", "Employee-system filing withdrawn"),
    "agencies.filing.lapsed": pgettext_lazy("audit action", "Employee-system filing lapsed"),
    "agencies.filing.renewed": pgettext_lazy(
        "audit action", "Employee-system filing replaced by its renewal"
    ),
    "agencies.standing.set": pgettext_lazy("audit action", "Yearly standing recorded"),
    "agencies.agency.size": pgettext_lazy("audit action", "Enterprise size recorded"),
}
