"""Writes about accounts: the password flags and their audit entries, and the one rule of
三员分立 that every way of giving roles goes through (issue 11)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from kunqu_jiafu.audit.services import audit_log

from .models import User
from .roles import role_conflict


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


def user_roles_check(
    user: User | None, role_names: Iterable[str], *, is_superuser: bool | None = None
) -> None:
    """Refuse (ValidationError on ``groups``) roles one account may not hold together:
    an administration role beside any other role, or a business role on a superuser."""
    if is_superuser is None:
        is_superuser = bool(user is not None and user.is_superuser)
    problem = role_conflict(role_names, is_superuser=is_superuser)
    if problem:
        who = (user.get_full_name() if user is not None and user.pk else "") or ""
        raise ValidationError({"groups": f"{who}：{problem}" if who else problem})


def _current_roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True)) if user.pk else set()


def on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """m2m_changed on User.groups: the data layer refuses what the admin form refuses, so the
    shell and the API cannot give conflicting roles either (either side of the relation)."""
    from django.contrib.auth.models import Group

    if action != "pre_add" or not pk_set:
        return
    if not reverse:  # user.groups.add(...) / set(...)
        added = set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        user_roles_check(instance, _current_roles(instance) | added)
        instance.__dict__.pop("_role_names", None)
        return
    for user in User.objects.filter(pk__in=pk_set):  # group.user_set.add(...)
        user_roles_check(user, _current_roles(user) | {instance.name})


def on_user_saved(sender, instance: User, raw=False, **kwargs) -> None:
    """pre_save: making an account with business roles a superuser is refused too."""
    if raw or not instance.pk or not instance.is_superuser:
        return
    user_roles_check(instance, _current_roles(instance), is_superuser=True)
