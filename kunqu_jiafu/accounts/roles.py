"""The four roles of the programme, as Django groups.

Groups are created by a data migration; their model permissions are (re)synced after
every migrate from the ``role_permissions`` each app declares on its AppConfig, so the
core knows no policy area and every app states what each role may do with its models.
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
ALL_ROLES = (AGENCY_USER, REVIEWER, APPROVER, OFFICIAL)
# Roles that work in the Django admin.
STAFF_ROLES = (REVIEWER, APPROVER, OFFICIAL)
# Roles that may see full ID numbers.
SENSITIVE_ROLES = (REVIEWER, APPROVER)


def has_role(user: User, *roles: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.role_names.intersection(roles))


def is_agency_user(user: User) -> bool:
    return user.is_authenticated and user.is_active and AGENCY_USER in user.role_names


def is_reviewer(user: User) -> bool:
    return has_role(user, REVIEWER)


def is_approver(user: User) -> bool:
    return has_role(user, APPROVER)


def is_staff_member(user: User) -> bool:
    """Bureau staff or officials: anyone who may see all agencies (read at least)."""
    return has_role(user, *STAFF_ROLES)


def can_see_full_id(user: User) -> bool:
    return has_role(user, *SENSITIVE_ROLES)


def sync_role_permissions(sender=None, apps=None, using="default", **kwargs) -> None:
    """Give each role group exactly the permissions the apps declare for it."""
    from django.contrib.auth.models import Group, Permission

    wanted: dict[str, set[tuple[str, str]]] = {role: set() for role in ALL_ROLES}
    for config in global_apps.get_app_configs():
        declared = getattr(config, "role_permissions", None) or {}
        for role, perms in declared.items():
            for perm in perms:
                app_label, codename = perm.split(".", 1)
                wanted.setdefault(role, set()).add((app_label, codename))
    for role, perms in wanted.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        permission_ids = []
        for app_label, codename in sorted(perms):
            permission = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is not None:
                permission_ids.append(permission.pk)
        group.permissions.set(permission_ids)
