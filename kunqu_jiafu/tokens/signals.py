"""A user's tokens are revoked when the password changes or the account is deactivated.

Every path ends in saving the user (the portal's and the admin's password forms, a reset,
``set_password`` in a shell or a command, the admin's 'active' box), so the check sits on the
save: the stored password hash and active flag are compared with the ones being written."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .services import REVOKED_DEACTIVATED, REVOKED_PASSWORD, tokens_revoke

WATCHED = {"password", "is_active"}


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tokens.note_credentials")
def note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._tokens_revoke_reason = ""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not WATCHED.intersection(update_fields):
        return  # e.g. last_login on every sign-in: no extra query
    stored = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password:
        instance._tokens_revoke_reason = REVOKED_PASSWORD
    elif stored["is_active"] and not instance.is_active:
        instance._tokens_revoke_reason = REVOKED_DEACTIVATED


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tokens.revoke_on_change")
def revoke_on_credential_change(sender, instance, created=False, raw=False, **kwargs):
    reason = getattr(instance, "_tokens_revoke_reason", "")
    if reason and not raw:
        tokens_revoke(instance.pk, reason)
        instance._tokens_revoke_reason = ""
