"""Writes of the accounts app: the password flags and their audit entries (issue 11)."""

from __future__ import annotations

from kunqu_jiafu.audit.services import audit_log

from .models import User


def password_set_by_admin(*, actor: User | None, user: User) -> None:
    """Someone other than the owner set ``user``'s password: the owner must choose a new one
    at the next sign-in."""
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.must_change_password = True
    audit_log(actor, user, "accounts.password.set_by_admin")


def password_changed_by_owner(*, user: User, by_reset_link: bool = False) -> None:
    """The owner chose a new password (signed in, or through an e-mailed reset link)."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    audit_log(
        user, user, "accounts.password.reset" if by_reset_link else "accounts.password.changed"
    )
