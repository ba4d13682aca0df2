"""Uploads left behind by a rolled-back transaction are swept; stored documents never are."""

import os
import time
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from kunqu_jiafu.documents import sniff
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.documents.services import document_store, sweep_orphan_files
from kunqu_jiafu.documents.tasks import sweep_orphan_upload_files
from tests import factories

pytestmark = pytest.mark.django_db

PDF = factories.PDF


class Rollback(Exception):
    pass


def _upload(name="a.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _age(path: str, hours: int) -> None:
    past = time.time() - hours * 3600
    os.utime(default_storage.path(path), (past, past))


def test_a_rolled_back_upload_is_swept_after_a_day_and_a_stored_one_is_kept():
    kept = document_store(_upload(), allowed=(sniff.PDF,), field="file")
    with pytest.raises(Rollback), transaction.atomic():
        lost = document_store(_upload("b.pdf"), allowed=(sniff.PDF,), field="file")
        raise Rollback
    assert not Document.objects.filter(pk=lost.pk).exists()
    assert default_storage.exists(lost.file.name)  # the orphan the sweep is for

    assert sweep_orphan_files() == []  # too young: its transaction might still be running
    _age(lost.file.name, 25)
    _age(kept.file.name, 25)
    assert sweep_orphan_files(dry_run=True) == [lost.file.name]
    assert default_storage.exists(lost.file.name)

    out = StringIO()
    call_command("sweep_orphan_files", stdout=out)
    assert lost.file.name in out.getvalue() and "1" in out.getvalue()
    assert not default_storage.exists(lost.file.name)
    assert default_storage.exists(kept.file.name)
    assert sweep_orphan_upload_files() == 0  # the nightly task finds nothing left


def test_files_newer_than_the_newest_backup_are_never_swept(transactional_db, tmp_path, settings):
    """A database restored from a backup does not know the files stored after it: the sweep
    keeps every file newer than the newest backup (less the grace), however old."""
    from kunqu_jiafu import backup

    settings.BACKUP_DIR = tmp_path / "backups"
    with pytest.raises(Rollback), transaction.atomic():
        before = document_store(_upload("before.pdf"), allowed=(sniff.PDF,), field="file")
        after = document_store(_upload("after.pdf"), allowed=(sniff.PDF,), field="file")
        raise Rollback
    _age(before.file.name, 24 * 30)  # a month old: an orphan when the backup was taken
    _age(after.file.name, 24 * 3)  # three days old
    backup.backup_create()
    marker = default_storage.path(backup.LAST_BACKUP_MARKER)
    # The backup was taken five days ago: the newer file is unknown to a restore of it.
    import datetime as dt
    import json

    from django.utils import timezone

    five_days_ago = timezone.now() - dt.timedelta(days=5)
    with open(marker, "w") as handle:
        json.dump({"created_at": five_days_ago.isoformat()}, handle)
    assert sweep_orphan_files(dry_run=True) == [before.file.name]
    call_command("sweep_orphan_files", stdout=StringIO())
    assert default_storage.exists(after.file.name)
    assert not default_storage.exists(before.file.name)
    # Without the marker only the 24 hours hold: the three-day-old file would have gone.
    os.remove(marker)
    assert sweep_orphan_files(dry_run=True) == [after.file.name]


def test_a_restore_marks_its_backup_time_for_the_sweep(transactional_db, tmp_path, settings):
    import datetime as dt

    from django.utils import timezone

    from kunqu_jiafu import backup

    assert backup.last_backup_time() is None
    result = backup.backup_create(backup_dir=tmp_path)
    taken = dt.datetime.fromisoformat(result.manifest["created_at"])
    assert backup.last_backup_time() == taken
    backup._mark_backup_time(taken - dt.timedelta(days=1))  # older: never moves back
    assert backup.last_backup_time() == taken
    assert taken <= timezone.now()
