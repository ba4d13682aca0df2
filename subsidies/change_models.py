"""Budgets and rates change by proposal: one approver proposes (who, what, old → new, why),
another approves before it takes effect (four eyes, held by a database constraint too)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class SettingChange(models.Model):
    class Kind(models.TextChoices):
        FUND = "fund", _("special fund budget")
        RATES = "rates", _("claim type rates and parameters")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("waiting for approval")
        APPROVED = "approved", _("approved, in effect")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("what changes"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    claim_type = models.ForeignKey(
        "subsidies.ClaimType",
        verbose_name=_("claim type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("new budget"), **MONEY, null=True, blank=True)
    parameters = models.JSONField(_("new parameters"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    before = models.JSONField(_("value before"), default=dict, blank=True)
    reason = models.TextField(_("reason for the change"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("budget or rate change")
        verbose_name_plural = _("budget and rate changes")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["-proposed_at", "-id"], name="settingchange_order")]
        constraints = [
            # Four eyes at the database: nobody decides their own proposal.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="settingchange_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed", decided_by__isnull=True)
                | (~Q(status="proposed") & Q(decided_by__isnull=False)),
                name="settingchange_decided_by_someone",
            ),
            models.CheckConstraint(
                condition=(Q(kind="fund") & Q(year__isnull=False, amount__isnull=False))
                | (Q(kind="rates") & Q(claim_type__isnull=False, parameters__isnull=False)),
                name="settingchange_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.FUND:
            scope = self.claim_type.name if self.claim_type_id else _("all claim types")
            return f"{self.year} {_('special fund')}·{scope}"
        return f"{self.claim_type}·{_('rates')}"
