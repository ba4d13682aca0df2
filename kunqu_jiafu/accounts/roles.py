"""The roles of the portal, as Django groups: the four business roles of the programme and
the three administration roles of 三员分立 (system, security and audit administrators).

Groups are created by data migrations; each app declares on its AppConfig
(``role_permissions``) what each role may do with its models, so the core knows no policy
area. After every migrate the permissions a release declares anew are added once (see
``sync_role_permissions``); what an administrator changed in the admin stays.

The superuser flag is for break-glass set-up only: it keeps Django's model permissions in
the admin and reads like an official (``is_staff_member``, masked ID numbers), but holds no
role, so it takes no business decision (``has_role`` is False for it, and it may not join a
business group); a deploy check (accounts.W001) warns while one is active in production.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps as global_apps

if TYPE_CHECKING:
    from .models import User

AGENCY_USER = "机构用户"
REVIEWER = "业务经办"
APPROVER = "审批领导"
OFFICIAL = "统计查询"
SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
BUSINESS_ROLES = (AGENCY_USER, REVIEWER, APPROVER, OFFICIAL)
# 三员分立: each is the only role of the accounts that hold it, and none decides business.
ADMINISTRATION_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
ALL_ROLES = BUSINESS_ROLES + ADMINISTRATION_ROLES
# Business roles that work in the Django admin (the administrators do too, see admin_site).
STAFF_ROLES = (REVIEWER, APPROVER, OFFICIAL)
# Roles that may see full ID numbers.
SENSITIVE_ROLES = (REVIEWER, APPROVER)


def has_role(user: User, *roles: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    # No shortcut for superusers: the flag is for set-up, not for business decisions.
    return bool(user.role_names.intersection(roles))


def is_agency_user(user: User) -> bool:
    return user.is_authenticated and user.is_active and AGENCY_USER in user.role_names


def is_reviewer(user: User) -> bool:
    return has_role(user, REVIEWER)


def is_approver(user: User) -> bool:
    return has_role(user, APPROVER)


def is_staff_member(user: User) -> bool:
    """Bureau staff or officials: anyone who may see all agencies (read at least). The
    break-glass superuser reads too (masked, as an official), but decides nothing: every
    decision asks has_role for a business role, which the flag does not give."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return has_role(user, *STAFF_ROLES)


def can_see_full_id(user: User) -> bool:
    return has_role(user, *SENSITIVE_ROLES)


def is_administrator(user: User) -> bool:
    """A system, security or audit administrator: works in the admin, decides no business."""
    return has_role(user, *ADMINISTRATION_ROLES)


def role_conflict(role_names, *, is_superuser: bool = False) -> str:
    """Why this set of roles may not be held by one account ("" if it may): an
    administration role is the account's only role, and a superuser holds no business role."""
    from django.utils.translation import gettext as _

    names = set(role_names)
    held = [role for role in ADMINISTRATION_ROLES if role in names]
    others = sorted(names.intersection(ALL_ROLES) - {held[0]}) if held else []
    if held and others:
        return _(
            "“%(role)s” is an administration role (三员分立): an account that holds it holds no "
            "other role, but this account would also hold %(others)s. Remove one of them."
        ) % {"role": held[0], "others": "、".join(f"“{name}”" for name in others)}
    business = sorted(names.intersection(BUSINESS_ROLES))
    if is_superuser and business:
        return _(
            "A superuser is for set-up only and holds no business role, but this account would "
            "hold %(roles)s. Remove the roles or the superuser status."
        ) % {"roles": "、".join(f"“{name}”" for name in business)}
    return ""


def declared_role_permissions() -> dict[str, set[tuple[str, str]]]:
    """role -> {(app_label, codename)}, as the apps declare them on their AppConfig."""
    wanted: dict[str, set[tuple[str, str]]] = {role: set() for role in ALL_ROLES}
    for config in global_apps.get_app_configs():
        declared = getattr(config, "role_permissions", None) or {}
        for role, perms in declared.items():
            for perm in perms:
                app_label, codename = perm.split(".", 1)
                wanted.setdefault(role, set()).add((app_label, codename))
    return wanted


def sync_role_permissions(sender=None, apps=None, using="default", **kwargs) -> None:
    """Give each role group the permissions the apps declare for it and that no earlier
    migrate gave it (recorded in AppliedRolePermission). A group's permissions changed in the
    admin are left as they are: a removed permission is not given back, an added one stays.
    A declared permission whose model does not exist yet is given once it does."""
    from django.contrib.auth.models import Group, Permission
    from django.db import connections

    from .models import AppliedRolePermission

    if AppliedRolePermission._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back below accounts 0004: nothing is recorded, nothing is given
    applied = set(
        AppliedRolePermission.objects.using(using).values_list("role", "app_label", "codename")
    )
    for role, perms in declared_role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        new = sorted(p for p in perms if (role, *p) not in applied)
        for app_label, codename in new:
            permission = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is None:
                continue
            group.permissions.add(permission)
            AppliedRolePermission.objects.using(using).get_or_create(
                role=role, app_label=app_label, codename=codename
            )
