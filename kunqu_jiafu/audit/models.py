from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    def for_object(self, obj) -> AuditQuerySet:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """One state change. Append-only; each entry carries the hash of the one before."""

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    # The address of the request the entry was written in (empty for tasks and commands).
    client_address = models.CharField(_("client address"), max_length=45, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, on_delete=models.PROTECT
    )
    object_id = models.CharField(_("object ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditHead(models.Model):
    """Single row holding the chain's tip; locking it serialises appends."""

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.count} · {self.last_hash[:12]}"


class AuditCheck(models.Model):
    """One run of the scheduled verification (chain and anchors): failures are shown on the
    audit log's page to those who read it, and e-mailed to the audit and security
    administrators."""

    ran_at = models.DateTimeField(_("checked at"), db_index=True)
    ok = models.BooleanField(_("passed"))
    checked = models.PositiveBigIntegerField(_("entries checked"), default=0)
    anchors = models.PositiveIntegerField(_("anchors checked"), default=0)
    entry_id = models.BigIntegerField(_("entry"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)

    class Meta:
        verbose_name = _("audit log verification")
        verbose_name_plural = _("audit log verifications")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        from django.utils import timezone
        from django.utils.translation import gettext

        values = {"at": f"{timezone.localtime(self.ran_at):%Y-%m-%d %H:%M}"}
        if self.ok:
            return gettext("Verification of %(at)s: passed") % values
        return gettext("Verification of %(at)s: failed") % values
