from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    # Set when e-mailing failed after every retry; cleared when staff send it again.
    email_failed_at = models.DateTimeField(_("e-mail failed at"), null=True, blank=True)
    email_error = models.TextField(_("e-mail error"), blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
