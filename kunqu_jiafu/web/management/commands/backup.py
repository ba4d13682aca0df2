"""``manage.py backup`` (``make backup``): the database, the media files, the manifest and the
keys' escrow note, in a new folder under BACKUP_DIR."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunqu_jiafu.backup import BackupError, backup_create, key_fingerprints


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Back up the database, the uploaded files and a manifest (row counts, files with "
            "SHA-256, the audit head, the fingerprints of the keys to keep with it) to a new "
            "folder under BACKUP_DIR."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", metavar="FOLDER", help=_("Write under this folder instead of BACKUP_DIR.")
        )
        parser.add_argument(
            "--fingerprints",
            action="store_true",
            help=_("Only print the fingerprints of this environment's keys; back up nothing."),
        )

    def handle(self, *args, dir=None, fingerprints=False, **options):
        if fingerprints:
            for name, prints in sorted(key_fingerprints().items()):
                self.stdout.write(f"{name}: {', '.join(prints)}")
            return
        try:
            result = backup_create(backup_dir=Path(dir) if dir else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            _("Backup written to %(folder)s: %(tables)s tables, %(rows)s rows, %(files)s files.")
            % {
                "folder": result.folder,
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "files": len(manifest["files"]),
            }
        )
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Keep these keys with the backup (fingerprints only; see ESCROW.txt). "
                    "Without them it cannot be restored:"
                )
            )
        )
        for name, prints in sorted(manifest["keys"].items()):
            self.stdout.write(f"  {name}: {', '.join(prints)}")
