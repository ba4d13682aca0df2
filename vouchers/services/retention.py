"""Retention: a rejected application and its evidence are deleted once the period in
``RETENTION_REJECTED_APPLICATION_DAYS`` has passed since the decision (个人信息保护法: kept no
longer than needed). Run by ``manage.py purge_expired`` and nightly by celery beat."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from kunqu_jiafu import audit
from kunqu_jiafu.documents.services import document_delete

from ..models import Application


def applications_purge_rejected(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Delete rejected applications decided before the retention period, with their evidence
    files; one audit entry lists their numbers (no name, no ID). Returns how many."""
    before = now - dt.timedelta(days=settings.RETENTION_REJECTED_APPLICATION_DAYS)
    expired = Application.objects.filter(status=Application.Status.REJECTED).filter(
        Q(decided_at__lt=before) | Q(decided_at__isnull=True, created_at__lt=before)
    )
    if dry_run:
        return expired.count()
    with transaction.atomic():
        rows = list(expired.select_for_update().values_list("pk", "number", "evidence_id"))
        if not rows:
            return 0
        Application.objects.filter(pk__in=[pk for pk, _n, _e in rows]).delete()
        for _pk, _number, evidence_id in rows:
            if evidence_id is not None:
                document_delete(evidence_id)
        audit.log(
            None,
            None,
            "vouchers.application.purged",
            after={"numbers": [number for _pk, number, _e in rows], "before": before.isoformat()},
            reason=f"RETENTION_REJECTED_APPLICATION_DAYS={settings.RETENTION_REJECTED_APPLICATION_DAYS}",
        )
    return len(rows)
