"""Checklist templates (检查表): versioned. A template that an inspection uses is never
edited in place; a new version is made, so old inspections keep their meaning."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    """What an annual inspection looks at: the agency itself, or one of its recognitions."""

    AGENCY = "agency", _("family service agency")
    CENTRE = "centre", _("community family service centre")
    STATION = "station", _("community family service station")
    MARKET = "market", _("family service professional market")
    BRAND = "brand", _("brand title")


class ItemGroup(models.TextChoices):
    FIVE_UNIFIED = "five_unified", _("five unifications (五统一)")
    OPERATION = "operation", _("standard operation (规范运作)")


class ItemSource(models.TextChoices):
    """Where an item's figure comes from: the inspector, or the records (computed)."""

    INSPECTOR = "inspector", _("scored by the inspectors")
    HEALTH_CHECK_SHARE = "health_check_share", _("share of workers with a valid health check")
    INSURANCE_SHARE = "insurance_share", _("share of workers with accident insurance")
    CONTRACT_SHARE = (
        "contract_share",
        _("share of workers on labour contracts with social insurance"),
    )
    FILING_STATUS = "filing_status", _("employee-system filing in force")
    UPHELD_COMPLAINTS = "upheld_complaints", _("upheld complaints in the year")


PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ChecklistTemplate(models.Model):
    subject_kind = models.CharField(_("subject"), max_length=10, choices=SubjectKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    # The thresholds are data: 合格 at or above pass_score, 基本合格 at or above basic_score.
    pass_score = models.DecimalField(
        _("pass score (合格)"), max_digits=5, decimal_places=2, default=85, validators=PERCENT
    )
    basic_score = models.DecimalField(
        _("basic pass score (基本合格)"),
        max_digits=5,
        decimal_places=2,
        default=70,
        validators=PERCENT,
    )
    # The one template a new round uses for this subject; older versions stay for the record.
    current = models.BooleanField(_("current version"), default=True)
    note = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["subject_kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "version"], name="checklist_version_once"
            ),
            models.UniqueConstraint(
                fields=["subject_kind"],
                condition=Q(current=True),
                name="checklist_one_current_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(basic_score__gte=0)
                & Q(basic_score__lte=F("pass_score"))
                & Q(pass_score__lte=100),
                name="checklist_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    group = models.CharField(_("group"), max_length=20, choices=ItemGroup.choices)
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("item"), max_length=100)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    weight = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    source = models.CharField(
        _("source"), max_length=20, choices=ItemSource.choices, default=ItemSource.INSPECTOR
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="checklist_item_code_once"),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="checklist_item_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def computed(self) -> bool:
        return self.source != ItemSource.INSPECTOR
