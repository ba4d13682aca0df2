"""Retention (个人信息保护法): rejected voucher applications with their evidence, and training
sign-ups, are deleted once their period has passed; the deletion is audited without
personal data; nothing younger, and no approved application, is touched (issue 11)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Street
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.audit.services import audit_verify
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.documents.sniff import PDF
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.web.retention import purge_expired
from tests import factories
from tests.vouchers import core_builders as b
from training.models import CourseKind, TrainingSignup
from training.services import signup_create
from vouchers.models import Application
from vouchers.services.applications import application_decide

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _rejected(reviewer, days_ago: int, *, evidence: bool = True) -> Application:
    application = b.apply(b.batch(), reviewer)
    application = application_decide(
        actor=reviewer, application=application, approve=False, reason="材料不全"
    )
    if evidence:
        upload = SimpleUploadedFile("证明.pdf", factories.PDF, "application/pdf")
        application.evidence = document_store(upload, allowed=(PDF,), field="evidence")
    application.decided_at = NOW - dt.timedelta(days=days_ago)
    application.save()
    return application


def _signup(days_ago: int) -> TrainingSignup:
    signup = signup_create(
        id_number=factories.id_number(),
        name="刘秀英",
        phone="13912345678",
        street=Street.objects.filter(active=True).first(),
        kinds=[CourseKind.objects.get(code="pre_job")],
    )
    TrainingSignup.objects.filter(pk=signup.pk).update(created_at=NOW - dt.timedelta(days=days_ago))
    return signup


def test_a_rejected_application_past_its_period_goes_with_its_evidence(
    reviewer, django_capture_on_commit_callbacks
):
    days = django_settings.RETENTION_REJECTED_APPLICATION_DAYS
    old = _rejected(reviewer, days + 1)
    recent = _rejected(reviewer, days - 1)
    kept_approved = b.approved(b.batch(), reviewer)
    Application.objects.filter(pk=kept_approved.pk).update(decided_at=NOW - dt.timedelta(days=900))
    evidence_file = Path(old.evidence.file.path)
    assert evidence_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = dict(purge_expired(now=NOW))

    assert done["被驳回的就业券申请"] == 1
    assert not Application.objects.filter(pk=old.pk).exists()
    assert not Document.objects.filter(pk=old.evidence_id).exists()
    assert not evidence_file.exists()
    assert Application.objects.filter(pk__in=[recent.pk, kept_approved.pk]).count() == 2
    assert Document.objects.filter(pk=recent.evidence_id).exists()
    assert Person.objects.filter(pk=old.person_id).exists()  # may hold other records
    entry = AuditEntry.objects.get(action="vouchers.application.purged")
    assert entry.after["numbers"] == [old.number]
    assert old.person.name not in str(entry.after)
    assert audit_verify().ok


def test_training_signups_past_their_period_are_deleted_and_audited(db):
    days = django_settings.RETENTION_TRAINING_SIGNUP_DAYS
    old, recent = _signup(days + 1), _signup(days - 1)
    done = dict(purge_expired(now=NOW))
    assert done["培训报名"] == 1
    assert list(TrainingSignup.objects.values_list("pk", flat=True)) == [recent.pk]
    entry = AuditEntry.objects.get(action="training.signup.purged")
    assert entry.after["ids"] == [old.pk]
    assert "刘秀英" not in str(entry.after)


def test_the_period_is_a_setting(settings, reviewer):
    application = _rejected(reviewer, 40, evidence=False)
    assert dict(purge_expired(now=NOW))["被驳回的就业券申请"] == 0
    settings.RETENTION_REJECTED_APPLICATION_DAYS = 30
    assert dict(purge_expired(now=NOW))["被驳回的就业券申请"] == 1
    assert not Application.objects.filter(pk=application.pk).exists()


def test_the_command_counts_in_a_dry_run_and_deletes_otherwise(reviewer):
    application = _rejected(reviewer, django_settings.RETENTION_REJECTED_APPLICATION_DAYS + 5)
    out = StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert "被驳回的就业券申请：1 条将被删除" in out.getvalue()
    assert Application.objects.filter(pk=application.pk).exists()
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "被驳回的就业券申请：已删除 1 条" in out.getvalue()
    assert not Application.objects.filter(pk=application.pk).exists()


def test_beat_runs_the_purge_nightly():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-expired-personal-data"]
    assert entry["task"] == "kunqu_jiafu.web.tasks.purge_expired_personal_data"
    assert entry["schedule"] <= 24 * 60 * 60
