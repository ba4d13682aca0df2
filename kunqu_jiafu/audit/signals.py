"""Security events written by signals: sign-in, failed sign-in and sign-out (portal, admin
and the API's token endpoint), and changes of accounts, groups and permissions, whoever
makes them (admin, shell, a service).

A failed sign-in keeps the user name typed (150 characters at most), never the password.
The actor of an account change is the signed-in user of the current request (the system
outside a request); changes made by ``migrate``'s role sync are not logged
(``context.unaudited``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from kunqu_jiafu.ratelimit import client_address

from .context import current_actor, current_request, is_unaudited
from .services import audit_log

FLAGS = ("username", "is_active", "is_staff", "is_superuser")


def _via(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "portal" if request is not None else "other"


def _address(request) -> str | None:
    return client_address(request) if request is not None else None


def logged_in(sender, request, user, **kwargs):
    audit_log(
        user,
        user,
        "accounts.user.logged_in",
        after={"via": _via(request)},
        client_address=_address(request),
    )


def login_failed(sender, credentials, request=None, **kwargs):
    User = get_user_model()
    typed = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")[:150]
    account = User.objects.filter(**{User.USERNAME_FIELD: typed}).first() if typed else None
    audit_log(
        None,
        account,
        "accounts.user.login_failed",
        after={"username": typed, "via": _via(request)},
        client_address=_address(request),
    )


def logged_out(sender, request, user, **kwargs):
    if user is None or not user.is_authenticated:
        return
    audit_log(
        user,
        user,
        "accounts.user.logged_out",
        after={"via": _via(request)},
        client_address=_address(request),
    )


# --- accounts, groups, permissions ------------------------------------------------------------


def _remember_user(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or is_unaudited() or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & {*FLAGS, "password"}:
        return  # e.g. last_login on sign-in
    old = (
        sender.objects.filter(pk=instance.pk).values(*FLAGS, "password").first()
        if instance.pk
        else None
    )
    instance._audit_before = old


def _user_saved(sender, instance, created, raw=False, **kwargs):
    if raw or is_unaudited():
        return
    actor = current_actor()
    if created:
        audit_log(
            actor, instance, "accounts.user.created", after={f: getattr(instance, f) for f in FLAGS}
        )
        return
    old = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not old:
        return
    changed = [f for f in FLAGS if old[f] != getattr(instance, f)]
    if changed:
        audit_log(
            actor,
            instance,
            "accounts.user.updated",
            before={f: old[f] for f in changed},
            after={f: getattr(instance, f) for f in changed},
        )
    if old["password"] != instance.password:
        # Signed in as the account itself, or signed out in a request (the e-mailed reset
        # link proves the mailbox's owner); a shell or another account sets it for someone.
        by_self = (actor.pk == instance.pk) if actor is not None else current_request() is not None
        audit_log(
            actor,
            instance,
            "accounts.user.password_changed" if by_self else "accounts.user.password_set",
        )


def _user_deleted(sender, instance, **kwargs):
    if not is_unaudited():
        audit_log(
            current_actor(),
            instance,
            "accounts.user.deleted",
            before={"username": instance.username},
        )


def _group_saved(sender, instance, created, raw=False, **kwargs):
    if raw or is_unaudited():
        return
    audit_log(
        current_actor(),
        instance,
        "auth.group.created" if created else "auth.group.updated",
        after={"name": instance.name},
    )


def _group_deleted(sender, instance, **kwargs):
    if not is_unaudited():
        audit_log(current_actor(), instance, "auth.group.deleted", before={"name": instance.name})


def _permission_label(permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def _m2m_logger(log, describe, forward: str, backward: str):
    """A receiver of m2m_changed that logs one entry per object on the changed side (the user,
    or the group for its permissions), naming what was added or removed. ``forward`` and
    ``backward`` name the relation's accessors (user.groups / group.user_set)."""

    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        if is_unaudited():
            return
        if action == "pre_clear":
            # what is about to go: (the changed side's objects, what each loses)
            related = getattr(instance, backward if reverse else forward).all()
            instance._audit_cleared = list(related)
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        key = "added" if action == "post_add" else "removed"
        if action == "post_clear":
            others = getattr(instance, "_audit_cleared", [])
            instance._audit_cleared = []
        else:
            others = list(model.objects.filter(pk__in=pk_set or []))
        if not others:
            return
        if not reverse:
            names = sorted(describe(other) for other in others)
            log(instance, {key: names})
        else:  # group.user_set.add(user): one entry per user, as if user.groups.add(group)
            for other in others:
                log(other, {key: [describe(instance)]})

    return receiver


def connect() -> None:
    User = get_user_model()
    user_logged_in.connect(logged_in, dispatch_uid="audit.logged_in")
    user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
    user_logged_out.connect(logged_out, dispatch_uid="audit.logged_out")
    pre_save.connect(_remember_user, sender=User, dispatch_uid="audit.user_pre_save")
    post_save.connect(_user_saved, sender=User, dispatch_uid="audit.user_saved")
    post_delete.connect(_user_deleted, sender=User, dispatch_uid="audit.user_deleted")
    post_save.connect(_group_saved, sender=Group, dispatch_uid="audit.group_saved")
    post_delete.connect(_group_deleted, sender=Group, dispatch_uid="audit.group_deleted")
    m2m_changed.connect(
        _m2m_logger(
            lambda obj, after: audit_log(
                current_actor(), obj, "accounts.user.groups_changed", after=after
            ),
            lambda group: group.name,
            "groups",
            "user_set",
        ),
        sender=User.groups.through,
        dispatch_uid="audit.user_groups",
        weak=False,
    )
    m2m_changed.connect(
        _m2m_logger(
            lambda obj, after: audit_log(
                current_actor(), obj, "accounts.user.permissions_changed", after=after
            ),
            _permission_label,
            "user_permissions",
            "user_set",
        ),
        sender=User.user_permissions.through,
        dispatch_uid="audit.user_permissions",
        weak=False,
    )
    m2m_changed.connect(
        _m2m_logger(
            lambda obj, after: audit_log(
                current_actor(), obj, "auth.group.permissions_changed", after=after
            ),
            _permission_label,
            "permissions",
            "group_set",
        ),
        sender=Group.permissions.through,
        dispatch_uid="audit.group_permissions",
        weak=False,
    )
