"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "people.person.created": pgettext_lazy("audit action", "Person record created"),
    "people.person.identity_flagged": pgettext_lazy("audit action", "Identity problem recorded"),
    "people.person.identity_cleared": pgettext_lazy("audit action", "Identity problem cleared"),
    "people.person.target_groups_set": pgettext_lazy(
        "audit action", "Employment difficulty or graduate status recorded"
    ),
    "people.person.graduation_recorded": pgettext_lazy("audit action", "Graduation date recorded"),
}
