"""An import job: one uploaded spreadsheet, read and checked by a Celery task.

The upload is screened at once (``guard``) and stored privately; the task reads it under the
time and memory limits (``limits``), checks every row, and either writes everything in one
transaction or records why not. The job's page shows its progress and its outcome; only the
agency it imports for and bureau staff see it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        WORKERS = "workers", _("workers")
        ROSTER = "roster", _("training roster")

    class Step(models.TextChoices):
        CHECK = "check", _("check only (preview)")
        WRITE = "write", _("check and write")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("reading and checking")
        CHECKED = "checked", _("checked, waiting for confirmation")
        REFUSED = "refused", _("not imported: rows to correct")
        DONE = "done", _("imported")
        FAILED = "failed", _("import failed")

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Whose job it is: the agency imported for (its users see the job) and the course of a
    # roster import. Staff see every job.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="+", verbose_name=_("agency")
    )
    target_id = models.PositiveIntegerField(_("course"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    via_admin = models.BooleanField(_("uploaded in the admin"), default=False)
    file = models.FileField(_("file"), upload_to="private/imports/", max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=100)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("status", "created_at"), name="imports_job_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def percent(self) -> int:
        if self.finished and self.status != self.Status.FAILED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_read * 100 // self.rows_total)
