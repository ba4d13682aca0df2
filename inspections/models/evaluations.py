"""The yearly performance evaluation (绩效考评): criteria and thresholds are data per year,
and the share of evaluated agencies that may be rated 优秀 is a setting of the year."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class EvaluationScheme(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    excellent_score = models.DecimalField(
        _("excellent at or above"), max_digits=5, decimal_places=2, default=90, validators=PERCENT
    )
    good_score = models.DecimalField(
        _("good at or above"), max_digits=5, decimal_places=2, default=80, validators=PERCENT
    )
    qualified_score = models.DecimalField(
        _("qualified at or above"), max_digits=5, decimal_places=2, default=60, validators=PERCENT
    )
    # At most this share (%) of the agencies evaluated in the year may be rated 优秀.
    excellent_share = models.DecimalField(
        _("share that may be rated excellent (%)"),
        max_digits=5,
        decimal_places=2,
        default=20,
        validators=PERCENT,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("performance evaluation scheme")
        verbose_name_plural = _("performance evaluation schemes")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(qualified_score__gte=0)
                & Q(qualified_score__lte=F("good_score"))
                & Q(good_score__lte=F("excellent_score"))
                & Q(excellent_score__lte=100)
                & Q(excellent_share__gte=0)
                & Q(excellent_share__lte=100),
                name="evaluation_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Performance evaluation %(year)s") % {"year": self.year})


class EvaluationCriterion(models.Model):
    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("scheme"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("criterion"), max_length=100)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    weight = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["scheme_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="criterion_code_once"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class PerformanceEvaluation(models.Model):
    class Rating(models.TextChoices):
        """The same values as agencies.AgencyStanding.Rating, which the rating is written to."""

        NONE = "none", _("not rated")
        EXCELLENT = "excellent", _("excellent")
        GOOD = "good", _("good")
        QUALIFIED = "qualified", _("qualified")
        UNQUALIFIED = "unqualified", _("unqualified")

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="evaluations"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    rating = models.CharField(
        _("rating"), max_length=12, choices=Rating.choices, default=Rating.NONE, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("performance evaluation")
        verbose_name_plural = _("performance evaluations")
        ordering = ["scheme_id", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "agency"], name="evaluation_once_per_year"),
            models.CheckConstraint(
                condition=Q(concluded_at__isnull=True)
                | (Q(score__isnull=False) & ~Q(rating="none")),
                name="evaluation_concluded_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}（{self.scheme.year}）"


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(
        PerformanceEvaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="evaluation_criterion_once"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="evaluation_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}·{self.criterion_id}"
