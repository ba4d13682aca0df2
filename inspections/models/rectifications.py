"""Rectification (整改): a failed inspection gives the agency a deadline and a list of what
to fix; the agency answers with evidence; a re-inspection follows. Failing it, or missing
the deadline, revokes the recognitions involved (优胜劣汰)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .rounds import Inspection


class Rectification(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("awaiting the agency's answer")
        ANSWERED = "answered", _("answered, awaiting re-inspection")
        PASSED = "passed", _("passed the re-inspection")
        FAILED = "failed", _("failed the re-inspection")
        LAPSED = "lapsed", _("deadline missed")

    inspection = models.OneToOneField(
        Inspection,
        verbose_name=_("failed inspection"),
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    deadline = models.DateField(_("rectification deadline"))
    requirements = models.TextField(_("what to fix"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    answer = models.TextField(_("the agency's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(status="lapsed") | Q(answered_at__isnull=False),
                name="rectification_answer_recorded",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Rectification of %(inspection)s") % {"inspection": self.inspection})
