"""Spot checks of subsidised services (抽查核实): a sample drawn from a population with a
recorded random seed, so anyone can redraw it; each sampled record is verified true or
false, and a false one is revoked through the subsidies or vouchers services."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency


class Population(models.TextChoices):
    CLAIMS = "claims", _("approved subsidy claims")
    VOUCHERS = "vouchers", _("redeemed employment vouchers")
    EXEMPTIONS = "exemptions", _("fee exemptions")


class SpotCheck(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("being checked")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=100)
    population = models.CharField(_("population"), max_length=10, choices=Population.choices)
    # For claims: the claim types drawn from (their codes, as listed when the sample was drawn).
    claim_type_codes = models.JSONField(_("claim types"), default=list, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    sample_rate = models.DecimalField(
        _("sample rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    seed = models.BigIntegerField(_("random seed"))
    population_size = models.PositiveIntegerField(_("population size"), default=0)
    # The population as it was when the sample was drawn (record ids in ascending order) and its
    # SHA-256: a record that later leaves the population (e.g. a claim revoked by this very spot
    # check) does not change how the sample is redrawn; the redraw page compares the digest with
    # today's population and says whether it has changed since.
    population_ids = models.JSONField(_("population as drawn (record ids)"), default=list)
    population_digest = models.CharField(
        _("population fingerprint (SHA-256)"), max_length=64, blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="spotcheck_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(sample_size__isnull=False, sample_size__gt=0)
                | Q(sample_rate__isnull=False, sample_rate__gt=0),
                name="spotcheck_size_or_rate",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SpotCheckItem(models.Model):
    class Method(models.TextChoices):
        CALL = "call", _("call to the household")
        VISIT = "visit", _("visit")
        DOCUMENT = "document", _("documents")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("not checked yet")
        TRUE = "true", _("true (属实)")
        FALSE = "false", _("false (不属实)")

    spot_check = models.ForeignKey(
        SpotCheck, verbose_name=_("spot check"), on_delete=models.PROTECT, related_name="items"
    )
    position = models.PositiveIntegerField(_("position in the sample"))
    claim = models.ForeignKey(
        "subsidies.Claim",
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voucher = models.ForeignKey(
        "vouchers.Voucher",
        verbose_name=_("voucher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exemption = models.ForeignKey(
        "subsidies.FeeExemption",
        verbose_name=_("fee exemption"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="spot_check_items"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(_("how checked"), max_length=10, choices=Method.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.PENDING, db_index=True
    )
    evidence = models.TextField(_("evidence"), blank=True)
    recovery_amount = models.DecimalField(
        _("amount to recover (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("spot-checked record")
        verbose_name_plural = _("spot-checked records")
        ordering = ["spot_check_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["spot_check", "position"], name="spotcheck_position_once"
            ),
            models.CheckConstraint(
                condition=Q(claim__isnull=False, voucher__isnull=True, exemption__isnull=True)
                | Q(claim__isnull=True, voucher__isnull=False, exemption__isnull=True)
                | Q(claim__isnull=True, voucher__isnull=True, exemption__isnull=False),
                name="spotcheck_item_one_record",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending")
                | (Q(checked_at__isnull=False) & ~Q(method="") & ~Q(evidence="")),
                name="spotcheck_outcome_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spot_check}·{self.position}"
