"""Names of the security events the audit app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "accounts.user.logged_in": pgettext_lazy("audit action", "Signed in"),
    "accounts.user.login_failed": pgettext_lazy("audit action", "Sign-in failed"),
    "accounts.user.logged_out": pgettext_lazy("audit action", "Signed out"),
    "accounts.user.created": pgettext_lazy("audit action", "Account created"),
    "accounts.user.updated": pgettext_lazy("audit action", "Account changed (status or rights)"),
    "accounts.user.deleted": pgettext_lazy("audit action", "Account deleted"),
    "accounts.user.password_changed": pgettext_lazy(
        "audit action", "Password changed by its owner"
    ),
    "accounts.user.password_set": pgettext_lazy("audit action", "Password set by another"),
    "accounts.user.groups_changed": pgettext_lazy("audit action", "Account's roles changed"),
    "accounts.user.permissions_changed": pgettext_lazy(
        "audit action", "Account's permissions changed"
    ),
    "auth.group.created": pgettext_lazy("audit action", "Role group created"),
    "auth.group.updated": pgettext_lazy("audit action", "Role group renamed"),
    "auth.group.deleted": pgettext_lazy("audit action", "Role group deleted"),
    "auth.group.permissions_changed": pgettext_lazy(
        "audit action", "Role group's permissions changed"
    ),
    "audit.file.downloaded": pgettext_lazy("audit action", "File downloaded or exported"),
    "documents.document.downloaded": pgettext_lazy(
        "audit action", "Personal-data document downloaded"
    ),
    "people.person.searched_by_id": pgettext_lazy("audit action", "Searched by full ID number"),
    "audit.chain.verification_failed": pgettext_lazy(
        "audit action", "Audit log failed verification"
    ),
}
