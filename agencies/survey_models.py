"""The yearly statistical survey (年度统计调查): the bureau's form for a year, its indicators,
the agencies' returns and their figures, and the reminders sent. Kept apart from models.py
(which re-exports them) so each stays under the size limit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SurveyForm(models.Model):
    """One year's survey: when agencies may fill it in and how far a figure may stray from
    what the system already knows before it needs an explanation."""

    year = models.PositiveSmallIntegerField(
        _("survey year"), unique=True, help_text=_("The year the figures describe.")
    )
    title = models.CharField(_("title"), max_length=100)
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    tolerance_percent = models.DecimalField(
        _("tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=10,
        help_text=_(
            "A figure that differs from the pre-filled one by more than this needs an explanation."
        ),
    )
    instructions = models.TextField(_("instructions to agencies"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("statistical survey form")
        verbose_name_plural = _("statistical survey forms")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="surveyform_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(tolerance_percent__gte=0), name="surveyform_tolerance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyIndicator(models.Model):
    """One figure the form asks for, with its unit and checks."""

    class Unit(models.TextChoices):
        YUAN = "元", _("yuan")
        TEN_THOUSAND_YUAN = "万元", _("10,000 yuan")
        PERSONS = "人", _("persons")
        HOUSEHOLDS = "户", _("households")
        HOURS = "小时", _("hours")
        TIMES = "次", _("times")
        YUAN_PER_HOUR = "元/小时", _("yuan per hour")
        YUAN_PER_MONTH = "元/月", _("yuan per month")

    class Kind(models.TextChoices):
        INTEGER = "integer", _("whole number")
        DECIMAL = "decimal", _("number with decimals")

    class Prefill(models.TextChoices):
        """What the agencies' own records say (agencies reads no other app)."""

        NONE = "", _("not pre-filled")
        WORKERS = "workers", _("workers employed at the year's end")
        WORKERS_LABOUR = "workers_labour", _("workers on a labour contract at the year's end")
        WORKERS_SERVICE = "workers_service", _("workers on a service agreement at the year's end")
        WORKERS_INSURED = "workers_insured", _("insured workers at the year's end")
        NEW_HIRES = "new_hires", _("workers hired in the year")
        HARD_TO_EMPLOY_HIRED = (
            "hard_to_employ_hired",
            _("persons with employment difficulties hired in the year"),
        )
        QUALIFYING_WORKERS = (
            "qualifying_workers",
            _("qualifying workers of the employee-system filing in force at the year's end"),
        )

    form = models.ForeignKey(
        SurveyForm,
        verbose_name=_("survey form"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("indicator"), max_length=100)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    kind = models.CharField(_("number kind"), max_length=10, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=True)
    min_value = models.DecimalField(
        _("at least"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("at most"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    by_format = models.BooleanField(
        _("broken down by business format"),
        default=False,
        help_text=_("The agency gives one figure for each of its business formats."),
    )
    prefill = models.CharField(
        _("pre-filled from"), max_length=30, choices=Prefill.choices, blank=True, default=""
    )
    help_text = models.CharField(_("explanation for agencies"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("survey indicator")
        verbose_name_plural = _("survey indicators")
        ordering = ["form_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="surveyindicator_code_once"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="surveyindicator_range_in_order",
            ),
            # Worker records carry no business format: a pre-filled figure is a total.
            models.CheckConstraint(
                condition=Q(prefill="") | Q(by_format=False),
                name="surveyindicator_prefill_is_a_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.unit}）"


class SurveyReturn(models.Model):
    """An agency's return for a year's form: one per agency and form."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")
        ACCEPTED = "accepted", _("accepted")

    form = models.ForeignKey(
        SurveyForm, verbose_name=_("survey form"), on_delete=models.PROTECT, related_name="returns"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="survey_returns",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    saved_at = models.DateTimeField(_("last saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("statistical survey return")
        verbose_name_plural = _("statistical survey returns")
        ordering = ["-form__year", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "agency"], name="surveyreturn_once_per_agency"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="surveyreturn_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}（{self.form.year}）"


class SurveyValue(models.Model):
    """One figure of a return: an indicator's value (for one business format where the
    indicator is broken down), what was pre-filled and why they differ."""

    survey_return = models.ForeignKey(
        SurveyReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        SurveyIndicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="values",
    )
    business_format = models.ForeignKey(
        "agencies.BusinessFormat",
        verbose_name=_("business format"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    prefilled = models.DecimalField(
        _("pre-filled value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    explanation = models.TextField(_("explanation of the difference"), blank=True)

    class Meta:
        verbose_name = _("survey figure")
        verbose_name_plural = _("survey figures")
        ordering = ["survey_return_id", "indicator_id", "business_format_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey_return", "indicator", "business_format"],
                nulls_distinct=False,
                name="surveyvalue_once_per_indicator",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "business_format"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class SurveyReminder(models.Model):
    """A reminder sent to an agency that had not filed (the task sends at most one every
    SURVEY_REMINDER_INTERVAL_DAYS)."""

    form = models.ForeignKey(
        SurveyForm,
        verbose_name=_("survey form"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey reminder")
        verbose_name_plural = _("survey reminders")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["form", "agency", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.agency}（{self.form.year}）"
