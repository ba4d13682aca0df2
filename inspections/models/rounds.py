"""The annual round (年检复核): one inspection per registered agency and per recognised
centre, station, market and brand title, each by two inspectors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Recognition

from .checklists import ChecklistItem, ChecklistTemplate, SubjectKind


class InspectionRound(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("inspections due by"))
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual inspection round")
        verbose_name_plural = _("annual inspection rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("starts_on")), name="round_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Inspection(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("annual inspection")
        REINSPECTION = "reinspection", _("re-inspection")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("being scored")
        CONCLUDED = "concluded", _("concluded")

    class Result(models.TextChoices):
        """The same values as agencies.AgencyStanding.Inspection, which the result is written to."""

        PENDING = "pending", _("not inspected yet")
        PASSED = "passed", _("passed")
        BASICALLY_PASSED = "basically_passed", _("basically passed")
        FAILED = "failed", _("failed")

    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ANNUAL)
    # The failed inspection a re-inspection follows.
    parent = models.OneToOneField(
        "self",
        verbose_name=_("re-inspection of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reinspection",
    )
    subject_kind = models.CharField(_("subject"), max_length=10, choices=SubjectKind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="inspections"
    )
    # Set for a centre, station, market or brand title; empty when the agency is the subject.
    recognition = models.ForeignKey(
        Recognition,
        verbose_name=_("recognition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspector_1 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspector_2 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=20, choices=Result.choices, default=Result.PENDING, db_index=True
    )
    notes = models.TextField(_("inspectors' notes"), blank=True)
    # The phone form saves what is typed as it goes; the draft never counts until concluded.
    draft = models.JSONField(_("draft"), default=dict, blank=True)
    draft_saved_at = models.DateTimeField(_("draft saved at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["round_id", "agency_id", "subject_kind", "pk"]
        constraints = [
            # One annual inspection per subject per round.
            models.UniqueConstraint(
                fields=["round", "agency"],
                condition=Q(kind="annual", recognition__isnull=True),
                name="inspection_agency_once_per_round",
            ),
            models.UniqueConstraint(
                fields=["round", "recognition"],
                condition=Q(kind="annual", recognition__isnull=False),
                name="inspection_recognition_once_per_round",
            ),
            # The bureau's rule: two different inspectors.
            models.CheckConstraint(
                condition=Q(inspector_1__isnull=True)
                | Q(inspector_2__isnull=True)
                | ~Q(inspector_1=F("inspector_2")),
                name="inspection_two_distinct_inspectors",
            ),
            models.CheckConstraint(
                condition=~Q(status="concluded")
                | (
                    Q(inspector_1__isnull=False, inspector_2__isnull=False)
                    & Q(score__isnull=False, inspected_on__isnull=False)
                    & ~Q(result="pending")
                ),
                name="inspection_concluded_complete",
            ),
            models.CheckConstraint(
                condition=Q(kind="annual", parent__isnull=True)
                | Q(kind="reinspection", parent__isnull=False),
                name="inspection_reinspection_has_parent",
            ),
            models.CheckConstraint(
                condition=Q(subject_kind="agency", recognition__isnull=True)
                | (~Q(subject_kind="agency") & Q(recognition__isnull=False)),
                name="inspection_subject_matches_recognition",
            ),
        ]

    def __str__(self) -> str:
        subject = (
            self.recognition.kind.name if self.recognition_id else self.get_subject_kind_display()
        )
        return f"{self.round.year}·{self.agency.name}·{subject}"


class InspectionScore(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    # For an item computed from records: the figure found (a share in %, or a count) and how.
    computed_value = models.DecimalField(
        _("computed figure"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    computed_detail = models.CharField(_("computed from"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inspection score")
        verbose_name_plural = _("inspection scores")
        ordering = ["inspection_id", "item__sort_order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="inspection_score_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}·{self.item_id}"
