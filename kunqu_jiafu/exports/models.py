"""A background export: one list export too big to answer in the request.

The job keeps what is needed to make the file again (the exporter's key, the list's query
string, who asked: the rows and the masking of ID numbers are that user's), its progress,
its outcome and the private file. Only the user who asked sees it (``jobs.jobs_for_user``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export status", "queued")
        RUNNING = "running", pgettext_lazy("export status", "being written")
        DONE = "done", pgettext_lazy("export status", "done")
        FAILED = "failed", pgettext_lazy("export status", "failed")

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exporter_key = models.CharField(_("export"), max_length=100)
    label = models.CharField(_("list"), max_length=100)
    query = models.TextField(_("filters of the list"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    error = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), upload_to="private/exports/", max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=("created_by", "created_at"), name="exports_job_user"),
            models.Index(fields=("status", "created_at"), name="exports_job_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_written__lte=models.F("rows_total"))
                | models.Q(rows_total=0),
                name="exports_job_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else self.label

    @property
    def finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_written * 100 // self.rows_total)
