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
