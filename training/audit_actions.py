"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "training.course.created": pgettext_lazy("audit action", "Course opened"),
    "training.course.updated": pgettext_lazy("audit action", "Course changed"),
    "training.enrolment.created": pgettext_lazy("audit action", "Trainee enrolled"),
    "training.enrolment.recorded": pgettext_lazy("audit action", "Attendance and results recorded"),
    "training.roster.imported": pgettext_lazy("audit action", "Roster imported"),
    "training.signup.created": pgettext_lazy("audit action", "Training wish registered"),
    "training.signup.enrolled": pgettext_lazy("audit action", "Training wish placed in a course"),
    "training.signup.purged": pgettext_lazy(
        "audit action", "Training sign-ups deleted after the retention period"
    ),
    "training.coursekind.standard_confirmed": pgettext_lazy(
        "audit action", "Course kind subsidy standard confirmed"
    ),
}
