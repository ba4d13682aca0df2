"""Field visits (实地走访、调研): who went where, why, what they found and what the agency needs.
Photos are documents owned by the visit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency


class FieldVisit(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="field_visits"
    )
    visited_on = models.DateField(_("visited on"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff who went"), related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    situation = models.TextField(_("the agency's situation"), blank=True)
    needs = models.TextField(_("the agency's needs"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.visited_on}·{self.agency}"
