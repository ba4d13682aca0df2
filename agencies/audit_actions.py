"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "agencies.agency.applied": pgettext_lazy("audit action", "Registration applied for"),
    "agencies.agency.updated": pgettext_lazy("audit action", "Agency details changed"),
    "agencies.agency.registered": pgettext_lazy("audit action", "Registration granted"),
    "agencies.agency.rejected": pgettext_lazy("audit action", "Registration rejected"),
    "agencies.agency.reapplied": pgettext_lazy("audit action", "Registration applied for again"),
    "agencies.agency.suspended": pgettext_lazy("audit action", "Agency suspended"),
    "agencies.agency.reinstated": pgettext_lazy("audit action", "Agency reinstated"),
    "agencies.agency.deregistered": pgettext_lazy("audit action", "Agency deregistered"),
    "agencies.agency.alliance_changed": pgettext_lazy(
        "audit action", "Alliance membership changed"
    ),
    "agencies.recognition.granted": pgettext_lazy("audit action", "Recognition granted"),
    "agencies.recognition.revoked": pgettext_lazy("audit action", "Recognition revoked"),
    "agencies.worker.added": pgettext_lazy("audit action", "Worker added"),
    "agencies.worker.updated": pgettext_lazy("audit action", "Worker details changed"),
    "agencies.worker.imported": pgettext_lazy("audit action", "Workers imported"),
    "agencies.filing.submitted": pgettext_lazy("audit action", "Employee-system filing submitted"),
    "agencies.filing.resubmitted": pgettext_lazy(
        "audit action", "Employee-system filing resubmitted"
    ),
    "agencies.filing.approved": pgettext_lazy("audit action", "Employee-system filing approved"),
    "agencies.filing.returned": pgettext_lazy(
        "audit action", "Employee-system filing returned for correction"
    ),
    "agencies.filing.refused": pgettext_lazy("audit action", "Employee-system filing refused"),
    "agencies.filing.withdrawn": pgettext_lazy("audit action", "Employee-system filing withdrawn"),
    "agencies.filing.lapsed": pgettext_lazy("audit action", "Employee-system filing lapsed"),
    "agencies.filing.renewed": pgettext_lazy(
        "audit action", "Employee-system filing replaced by its renewal"
    ),
    "agencies.standing.recorded": pgettext_lazy("audit action", "Yearly standing recorded"),
    "agencies.agency.size_recorded": pgettext_lazy("audit action", "Enterprise size recorded"),
    "agencies.survey.saved": pgettext_lazy("audit action", "Statistical survey return saved"),
    "agencies.survey.submitted": pgettext_lazy(
        "audit action", "Statistical survey return submitted"
    ),
    "agencies.survey.resubmitted": pgettext_lazy(
        "audit action", "Statistical survey return resubmitted"
    ),
    "agencies.survey.accepted": pgettext_lazy("audit action", "Statistical survey return accepted"),
    "agencies.survey.returned": pgettext_lazy(
        "audit action", "Statistical survey return returned for correction"
    ),
    "agencies.survey.reminded": pgettext_lazy("audit action", "Statistical survey reminders sent"),
    "agencies.surveyindicator.deleted": pgettext_lazy("audit action", "Survey indicator removed"),
}

# Codes written before actions were named in the past tense: old entries keep them (the
# hash chain covers the code), they read and filter as the new code, and a service that
# still passes an old code has it stored under the new one.
RENAMED = {
    "agencies.agency.register": "agencies.agency.registered",
    "agencies.agency.reject": "agencies.agency.rejected",
    "agencies.agency.reapply": "agencies.agency.reapplied",
    "agencies.agency.suspend": "agencies.agency.suspended",
    "agencies.agency.reinstate": "agencies.agency.reinstated",
    "agencies.agency.deregister": "agencies.agency.deregistered",
    "agencies.agency.alliance": "agencies.agency.alliance_changed",
    "agencies.agency.size": "agencies.agency.size_recorded",
    "agencies.filing.resubmit": "agencies.filing.resubmitted",
    "agencies.filing.approve": "agencies.filing.approved",
    "agencies.filing.return": "agencies.filing.returned",
    "agencies.filing.refuse": "agencies.filing.refused",
    "agencies.filing.withdraw": "agencies.filing.withdrawn",
    "agencies.standing.set": "agencies.standing.recorded",
}
