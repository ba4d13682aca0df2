"""`make backup` / `make restore` (issue 11): a backup restored into a NEW database on the
engine the suite runs on (PostgreSQL in CI, SQLite locally) has the same row counts, files and
audit chain; a restore refuses other keys, a damaged backup and a database that is not empty;
the manifest carries the keys' fingerprints, never the keys."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from kunqu_jiafu import backup
from kunqu_jiafu.audit.models import AuditEntry, AuditHead
from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.documents import sniff
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.people.models import Person
from tests import factories

BASE = Path(settings.BASE_DIR)


def _some_data() -> list[Document]:
    agency = factories.make_agency("甲家政服务有限公司")
    user = factories.make_agency_user("agency_a", agency)
    factories.make_worker(agency)
    factories.make_worker(agency, person=factories.make_person("李娜"))
    audit_log(user, agency, "agencies.agency.updated", after={"name": agency.name})
    return [
        document_store(
            SimpleUploadedFile(f"{n}.pdf", factories.PDF),
            allowed=(sniff.PDF,),
            field="file",
            user=user,
        )
        for n in ("合同", "证明")
    ]


class Target:
    """A new, empty database of the suite's engine, and the URL a restore process uses."""

    def __init__(self, tmp_path: Path):
        params = connection.settings_dict
        if connection.vendor == "postgresql":
            self.name = f"{params['NAME']}_restored_{uuid.uuid4().hex[:8]}"
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
            auth = params["USER"] or ""
            if params.get("PASSWORD"):
                auth += f":{params['PASSWORD']}"
            host = f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}"
            self.url = f"postgres://{auth}@{host}/{self.name}"
        else:
            self.name = str(tmp_path / "restored.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def drop(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def count(self, table: str) -> int:
        if connection.vendor == "postgresql":
            import psycopg2

            conn = psycopg2.connect(self.url.replace("postgres://", "postgresql://"))
            try:
                with conn.cursor() as cursor:
                    cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                    return cursor.fetchone()[0]
            finally:
                conn.close()
        with sqlite3.connect(self.name) as conn:
            return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


@pytest.fixture
def target(transactional_db, tmp_path):
    made = Target(tmp_path)
    yield made
    made.drop()


def _restore(folder: Path, target: Target, media: Path, *extra: str, **env_extra: str):
    env = {**os.environ, "DATABASE_URL": target.url, "MEDIA_ROOT": str(media), **env_extra}
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), *extra],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_backup_restored_into_a_new_database_has_the_same_counts_files_and_audit(
    target, tmp_path, settings
):
    documents = _some_data()
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=open(os.devnull, "w"))
    [folder] = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"][Person._meta.db_table] == 2
    assert manifest["audit"]["count"] == AuditHead.objects.get().count == AuditEntry.objects.count()
    assert {f["name"] for f in manifest["files"]} == {d.file.name for d in documents}

    media = tmp_path / "restored-media"
    result = _restore(folder, target, media)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "audit_verify" in result.stdout and "备份中 2 个，2 个恢复后一致" in result.stdout
    # Checked from outside the restore command too.
    assert target.count(Person._meta.db_table) == 2
    assert target.count(AuditEntry._meta.db_table) == AuditEntry.objects.count()
    for document in documents:
        assert (media / document.file.name).read_bytes() == factories.PDF

    # Restoring again into the same (now full) database is refused, and changes nothing.
    again = _restore(folder, target, tmp_path / "other-media")
    assert again.returncode != 0
    assert "不是空的" in again.stderr and "--overwrite" in again.stderr
    assert not (tmp_path / "other-media").exists()

    # A backup whose data no longer matches its manifest fails loudly (non-zero), naming it.
    manifest["tables"][Person._meta.db_table] = 3
    (folder / "manifest.json").write_text(json.dumps(manifest))
    differs = _restore(folder, target, media, "--overwrite")
    assert differs.returncode != 0
    assert Person._meta.db_table in differs.stderr and "3" in differs.stderr


def test_a_restore_with_other_keys_is_refused_before_anything_is_written(target, tmp_path):
    _some_data()
    result = backup.backup_create(backup_dir=tmp_path / "backups")
    media = tmp_path / "restored-media"
    refused = _restore(result.folder, target, media, PERSON_ID_HASH_KEY="another-key")
    assert refused.returncode != 0
    assert "密钥" in refused.stderr and "PERSON_ID_HASH_KEY" in refused.stderr
    assert "ESCROW.txt" in refused.stderr
    assert not media.exists()
    with pytest.raises(Exception):  # noqa: B017 - no table was restored at all
        target.count(Person._meta.db_table)


def test_the_manifest_and_escrow_note_carry_fingerprints_never_the_keys(transactional_db, tmp_path):
    _some_data()
    result = backup.backup_create(backup_dir=tmp_path)
    text = (result.folder / "manifest.json").read_text() + (
        result.folder / "ESCROW.txt"
    ).read_text()
    secrets = [*settings.PERSON_ID_KEYS, settings.PERSON_ID_HASH_KEY]
    assert all(secret not in text for secret in secrets)
    assert result.folder.stat().st_mode & 0o077 == 0  # nobody but the portal's user
    prints = backup.key_fingerprints()
    assert result.manifest["keys"] == prints
    assert set(prints) == {"PERSON_ID_KEYS", "PERSON_ID_HASH_KEY", "AUDIT_HMAC_KEY"}
    for name, values in prints.items():
        assert f"{name}: {', '.join(values)}" in (result.folder / "ESCROW.txt").read_text()
    for entry in result.manifest["files"]:
        assert len(entry["sha256"]) == 64 and entry["size"] == len(factories.PDF)


@pytest.mark.django_db
def test_a_rotated_key_ring_still_restores_but_a_lost_old_key_does_not(settings):
    old = settings.PERSON_ID_KEYS[0]
    recorded = backup.key_fingerprints()
    settings.PERSON_ID_KEYS = ["bmV3LWtleS1uZXctbmV3LWtleS1uZXctbmV3LWtleSE=", old]
    assert backup.keys_missing(recorded) == {}  # the new key added in front: old data reads
    settings.PERSON_ID_KEYS = ["bmV3LWtleS1uZXctbmV3LWtleS1uZXctbmV3LWtleSE="]
    assert backup.keys_missing(recorded) == {"PERSON_ID_KEYS": [backup.key_fingerprint(old)]}


def test_restore_refuses_a_non_empty_database_and_a_damaged_backup(transactional_db, tmp_path):
    _some_data()
    result = backup.backup_create(backup_dir=tmp_path)
    with pytest.raises(backup.BackupError, match="不是空的"):
        backup.backup_restore(result.folder)  # the suite's own database is not empty
    with (result.folder / "media.tar").open("ab") as archive:
        archive.write(b"tampered")
    with pytest.raises(backup.BackupError, match="SHA-256"):
        backup.backup_restore(result.folder, overwrite=True)
    assert Person.objects.count() == 2  # nothing was touched


@pytest.mark.django_db
def test_restore_of_a_folder_without_manifest_says_so_in_chinese(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不是一个备份目录"):
        call_command("restore", str(tmp_path))


@pytest.mark.django_db
def test_a_backup_inside_a_transaction_is_refused_not_hung(tmp_path):
    with pytest.raises(backup.BackupError, match="事务"):
        backup.backup_create(backup_dir=tmp_path)
    assert not any(tmp_path.iterdir())
