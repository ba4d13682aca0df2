"""A report run: one production of the annual (or year-to-date monthly) statistical report,
asked for by an official or bureau staff, or by the schedule, and made by a Celery task.

The run keeps its state (排队 / 生成中 / 完成 / 失败), its progress (steps done of steps), the
error of a failed attempt, and its two files (PDF and XLSX), stored privately and served only
to bureau staff and officials. At most one run per period is unfinished at a time: the
database refuses a second, and a request while one runs joins it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _file_to(instance: ReportRun, filename: str) -> str:
    # The stored name is the run's, never anything a user typed.
    extension = filename.rsplit(".", 1)[-1]
    return f"private/reports/{instance.year}/{instance.pk.hex}.{extension}"


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report run", "queued")
        RUNNING = "running", pgettext_lazy("report run", "being produced")
        DONE = "done", pgettext_lazy("report run", "finished")
        FAILED = "failed", pgettext_lazy("report run", "failed")

    UNFINISHED = (Status.QUEUED, Status.RUNNING)
    # month 0: the whole year; 1-12: the year from January to the end of that month.
    ANNUAL = 0

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("to the end of month"), default=ANNUAL, help_text=_("0: the whole year")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("steps"), default=0)
    step = models.CharField(_("current step"), max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled = models.BooleanField(_("by the schedule"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("why it failed"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_file_to, max_length=200, blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to=_file_to, max_length=200, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size (bytes)"), default=0)
    xlsx_size = models.PositiveIntegerField(_("XLSX size (bytes)"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statistical report")
        verbose_name_plural = _("statistical reports")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("year", "month", "status"), name="reports_run_period")]
        constraints = [
            models.UniqueConstraint(
                fields=("year", "month"),
                condition=Q(status__in=("queued", "running")),
                name="reports_one_unfinished_run_per_period",
            ),
            models.CheckConstraint(condition=Q(month__lte=12), name="reports_month_0_to_12"),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(pdf="") & ~Q(xlsx="")),
                name="reports_done_has_files",
            ),
        ]
        permissions = [("request_reportrun", _("Can request statistical reports"))]

    def __str__(self) -> str:
        return f"{self.period_label} · {self.get_status_display()}"

    @property
    def period_label(self) -> str:
        if self.month == self.ANNUAL:
            return _("%(year)s annual") % {"year": self.year}
        return _("%(year)s, January to %(month)s") % {"year": self.year, "month": self.month}

    @property
    def finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.steps_total:
            return 0
        return min(99, self.steps_done * 100 // self.steps_total)

    def file_name(self, extension: str) -> str:
        """The Chinese name a downloaded file carries: 昆都仑区家庭服务业统计报表（2026年度）.pdf"""
        return _("Kundulun family services statistical report (%(period)s).%(ext)s") % {
            "period": self.period_label,
            "ext": extension,
        }
