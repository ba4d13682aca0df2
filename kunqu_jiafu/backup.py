"""Backups of the database and the uploaded files, and their restore (issue 11).

A backup is one folder under ``BACKUP_DIR`` named by its UTC time:

- ``database.dump`` (PostgreSQL, ``pg_dump`` custom format) or ``database.sqlite3`` (the
  embedded SQLite, copied with sqlite3's backup API: consistent while the portal writes);
- ``media.tar``: every file under ``MEDIA_ROOT``;
- ``manifest.json``: the time, the row count of every table, every file with its size and
  SHA-256, the audit chain's head (count and hash) and the FINGERPRINTS of the keys the data
  needs (never the keys): ``BACKUP_ESCROW_KEYS`` names the settings;
- ``ESCROW.txt``: the same fingerprints for the operator, who keeps the keys with the backup.

Counts, the audit head and the dump come from one snapshot of the database: PostgreSQL's
exported snapshot in a REPEATABLE READ transaction, or the SQLite copy itself.

A restore goes into an empty database (``--overwrite`` to replace a non-empty one) and refuses
when the current keys are not the backup's keys. After restoring it compares the row counts,
the files and the audit head with the manifest and verifies the audit chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

# The keys a backup needs, named by fingerprint (backup_keys.py); kept importable from here.
from .backup_keys import escrow_note, key_fingerprint, key_fingerprints, keys_missing

__all__ = ["escrow_note", "key_fingerprint", "key_fingerprints", "keys_missing"]

MANIFEST = "manifest.json"
ESCROW = "ESCROW.txt"
MEDIA_ARCHIVE = "media.tar"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
# In MEDIA_ROOT: the time of the newest backup (or restore) of these files. The orphan
# sweeper keeps every file newer than it (kunqu_jiafu.documents.services.sweep_orphan_files).
LAST_BACKUP_MARKER = ".kj-last-backup.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator (bilingual)."""


# --- helpers --------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The program with the connection's host, port and user; the password goes by PGPASSWORD."""
    params = connection.settings_dict
    command = [program]
    if params.get("HOST"):
        command += ["-h", str(params["HOST"])]
    if params.get("PORT"):
        command += ["-p", str(params["PORT"])]
    if params.get("USER"):
        command += ["-U", str(params["USER"])]
    environ = dict(os.environ)
    if params.get("PASSWORD"):
        environ["PGPASSWORD"] = str(params["PASSWORD"])
    if shutil.which(program) is None:
        raise BackupError(
            _(
                "%(program)s was not found: install postgresql-client "
                "(scripts/ensure-system-deps.sh installs it)."
            )
            % {"program": program}
        )
    return command, environ


def _run(command: list[str], environ: dict[str, str]) -> None:
    result = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed (exit code %(code)s): %(error)s")
            % {
                "program": command[0],
                "code": result.returncode,
                "error": result.stderr.strip()[-2000:],
            }
        )


def _table_counts(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _audit_head(cursor, quote) -> dict:
    from kunqu_jiafu.audit.models import AuditHead

    cursor.execute(f"SELECT last_hash, count FROM {quote(AuditHead._meta.db_table)} WHERE id = 1")
    row = cursor.fetchone()
    return {"hash": row[0], "count": int(row[1])} if row else {"hash": "", "count": 0}


def media_files(root: Path) -> list[dict]:
    """Every file under MEDIA_ROOT (but the backup marker), sorted, with size and SHA-256."""
    files = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name != LAST_BACKUP_MARKER:
                name = path.relative_to(root).as_posix()
                files.append({"name": name, "size": path.stat().st_size, "sha256": _sha256(path)})
    return files


def last_backup_time(media_root: Path | None = None) -> dt.datetime | None:
    """The time of the newest backup taken of (or restored into) these media files."""
    marker = Path(media_root or settings.MEDIA_ROOT) / LAST_BACKUP_MARKER
    try:
        return dt.datetime.fromisoformat(json.loads(marker.read_text())["created_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _mark_backup_time(created_at: dt.datetime) -> None:
    root = Path(settings.MEDIA_ROOT)
    known = last_backup_time(root)
    if known is not None and known >= created_at:
        return
    root.mkdir(parents=True, exist_ok=True)
    (root / LAST_BACKUP_MARKER).write_text(json.dumps({"created_at": created_at.isoformat()}))


# --- backup ---------------------------------------------------------------------------------


def _dump_postgres(target: Path) -> tuple[dict[str, int], dict]:
    """pg_dump of one exported snapshot; counts and the audit head read in the same one."""
    command, environ = _pg_command("pg_dump")
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = connection.introspection.table_names(cursor)
        counts = _table_counts(cursor, tables, quote)
        head = _audit_head(cursor, quote)
        _run(
            [
                *command,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                str(connection.settings_dict["NAME"]),
            ],
            environ,
        )
    return counts, head


def _copy_sqlite(target: Path) -> tuple[dict[str, int], dict]:
    """A consistent copy through sqlite3's backup API; counts read from the copy."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        cursor = destination.cursor()
        tables = [
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        quote = connection.ops.quote_name
        counts = _table_counts(cursor, tables, quote)
        head = _audit_head(cursor, quote) if _has_table(cursor, _audit_table()) else None
    finally:
        destination.close()
    return counts, head or {"hash": "", "count": 0}


def _audit_table() -> str:
    from kunqu_jiafu.audit.models import AuditHead

    return AuditHead._meta.db_table


def _has_table(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name])
    return cursor.fetchone() is not None


@dataclass
class BackupResult:
    folder: Path
    manifest: dict


def backup_create(*, backup_dir: Path | None = None) -> BackupResult:
    """Write a backup folder: the database, the media files, the manifest, the escrow note."""
    if connection.in_atomic_block:
        # A snapshot of its own is needed: PostgreSQL's isolation level is set at a
        # transaction's start, and SQLite's backup waits forever on the caller's write lock.
        raise BackupError(_("A backup cannot run inside a database transaction."))
    created_at = timezone.now().astimezone(dt.UTC)
    base = Path(backup_dir or settings.BACKUP_DIR)
    folder = base / created_at.strftime("%Y%m%dT%H%M%S%fZ")
    folder.mkdir(parents=True, exist_ok=False)
    folder.chmod(0o700)  # the dump holds personal data: the portal's user alone reads it
    try:
        if _is_postgres():
            database_file = folder / PG_DUMP
            counts, head = _dump_postgres(database_file)
        elif connection.vendor == "sqlite":
            database_file = folder / SQLITE_COPY
            counts, head = _copy_sqlite(database_file)
        else:
            raise BackupError(
                _("Unsupported database: %(vendor)s.") % {"vendor": connection.vendor}
            )
        media_root = Path(settings.MEDIA_ROOT)
        files = media_files(media_root)
        with tarfile.open(folder / MEDIA_ARCHIVE, "w") as archive:
            for entry in files:
                archive.add(media_root / entry["name"], arcname=entry["name"], recursive=False)
        fingerprints = key_fingerprints()
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat(),
            "engine": connection.vendor,
            "database": {"file": database_file.name, "sha256": _sha256(database_file)},
            "media": {"file": MEDIA_ARCHIVE, "sha256": _sha256(folder / MEDIA_ARCHIVE)},
            "tables": counts,
            "files": files,
            "audit": head,
            "keys": fingerprints,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        (folder / ESCROW).write_text(escrow_note(fingerprints, manifest["created_at"]))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _mark_backup_time(created_at)
    return BackupResult(folder, manifest)


# --- restore --------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    """What the restore compared; ``problems`` empty means everything matched."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(path)s was not found: this is not a backup folder.") % {"path": path}
        ) from exc
    except ValueError as exc:
        raise BackupError(_("%(path)s is damaged and cannot be read.") % {"path": path}) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Backup format %(format)s is not supported.") % {"format": manifest.get("format")}
        )
    return manifest


def _check_archives(folder: Path, manifest: dict) -> None:
    for part in ("database", "media"):
        path = folder / manifest[part]["file"]
        if not path.is_file() or _sha256(path) != manifest[part]["sha256"]:
            raise BackupError(
                _(
                    "%(name)s is missing or does not match the SHA-256 in the manifest: the "
                    "backup is damaged. Nothing was restored."
                )
                % {"name": path.name}
            )


def _check_keys(manifest: dict) -> None:
    missing = keys_missing(manifest["keys"])
    if missing:
        listed = "; ".join(f"{name}: {', '.join(prints)}" for name, prints in missing.items())
        raise BackupError(
            _(
                "The keys of this environment differ from the backup's, so the restore is "
                "refused: with other keys the restored ID numbers cannot be read. Set the keys "
                "named in the backup's ESCROW.txt and run the restore again. Missing key "
                "fingerprints: %(listed)s."
            )
            % {"listed": listed}
            + f" (Keys differ from the backup's; missing fingerprints: {listed}.)"
        )


def _database_tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _restore_postgres(dump: Path, *, overwrite: bool) -> None:
    command, environ = _pg_command("pg_restore")
    connection.close()
    options = ["--exit-on-error", "--single-transaction"]
    if overwrite:
        options += ["--clean", "--if-exists"]
    _run([*command, *options, f"--dbname={connection.settings_dict['NAME']}", str(dump)], environ)


def _restore_sqlite(copy: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)  # replaces the whole target database
    finally:
        source.close()
    connection.close()


def _extract_media(folder: Path, manifest: dict) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / manifest["media"]["file"]) as archive:
        archive.extractall(root, filter="data")  # no absolute paths, no '..', no devices


def _compare(manifest: dict, report: RestoreReport) -> None:
    from kunqu_jiafu.audit.services import audit_verify

    quote = connection.ops.quote_name
    tables = set(_database_tables())
    with connection.cursor() as cursor:
        counts = _table_counts(cursor, sorted(tables & set(manifest["tables"])), quote)
        head = _audit_head(cursor, quote)
    for table, expected in sorted(manifest["tables"].items()):
        if table not in tables:
            report.problems.append(_("Table %(table)s is missing.") % {"table": table})
        elif counts[table] != expected:
            report.problems.append(
                _("Table %(table)s: %(expected)s rows in the backup, %(found)s restored.")
                % {"table": table, "expected": expected, "found": counts[table]}
            )
    report.lines.append(
        _("Row counts: %(tables)s tables, %(rows)s rows in the backup.")
        % {"tables": len(manifest["tables"]), "rows": sum(manifest["tables"].values())}
    )

    root = Path(settings.MEDIA_ROOT)
    wrong = 0
    for entry in manifest["files"]:
        path = root / entry["name"]
        if (
            not path.is_file()
            or path.stat().st_size != entry["size"]
            or _sha256(path) != entry["sha256"]
        ):
            wrong += 1
            report.problems.append(
                _("File %(name)s is missing or differs from the backup.") % {"name": entry["name"]}
            )
    report.lines.append(
        _("Files: %(count)s in the backup, %(same)s restored unchanged.")
        % {"count": len(manifest["files"]), "same": len(manifest["files"]) - wrong}
    )

    if head != manifest["audit"]:
        report.problems.append(
            _("The audit head differs: %(expected)s in the backup, %(found)s restored.")
            % {"expected": manifest["audit"], "found": head}
        )
    chain = audit_verify()
    if chain.ok:
        report.lines.append(
            _("audit_verify: the audit log is complete, %(count)s entries verified.")
            % {"count": chain.checked}
        )
    else:
        report.problems.append(
            _("audit_verify failed: %(problem)s; %(count)s entries checked.")
            % {"problem": chain.problem, "count": chain.checked}
        )


def backup_restore(folder: Path, *, overwrite: bool = False) -> RestoreReport:
    """Restore a backup folder into the configured database and MEDIA_ROOT, then compare."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    _check_archives(folder, manifest)
    _check_keys(manifest)
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            _("The backup is of a %(engine)s database; this database is %(vendor)s.")
            % {"engine": manifest["engine"], "vendor": connection.vendor}
        )
    if not overwrite:
        if _database_tables():
            raise BackupError(
                _(
                    "The target database %(name)s is not empty and is not overwritten. Restore "
                    "into a new, empty database (set DATABASE_URL), or pass --overwrite to "
                    "replace it."
                )
                % {"name": connection.settings_dict["NAME"]}
            )
        root = Path(settings.MEDIA_ROOT)
        if root.is_dir() and any(p.name != LAST_BACKUP_MARKER for p in root.iterdir()):
            raise BackupError(
                _(
                    "MEDIA_ROOT (%(root)s) is not empty and is not overwritten. Point it at an "
                    "empty folder, or pass --overwrite."
                )
                % {"root": root}
            )
    database_file = folder / manifest["database"]["file"]
    if manifest["engine"] == "postgresql":
        _restore_postgres(database_file, overwrite=overwrite)
    else:
        _restore_sqlite(database_file)
    _extract_media(folder, manifest)
    _mark_backup_time(dt.datetime.fromisoformat(manifest["created_at"]))
    report = RestoreReport()
    report.lines.append(_("Backup taken at %(time)s.") % {"time": manifest["created_at"]})
    _compare(manifest, report)
    return report
