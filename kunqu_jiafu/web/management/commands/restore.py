"""``manage.py restore FOLDER`` (``make restore BACKUP=FOLDER``): a backup into a new, empty
database (DATABASE_URL) and MEDIA_ROOT, then counts, files and the audit chain compared."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunqu_jiafu.backup import BackupError, backup_restore


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Restore a backup folder into the database of DATABASE_URL (which must be new and "
            "empty) and MEDIA_ROOT; refuses when this environment's keys differ from the "
            "backup's; then compares row counts, files and the audit chain and fails on any "
            "difference."
        )

    def add_arguments(self, parser):
        parser.add_argument("folder", help=_("The backup folder (under BACKUP_DIR)."))
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help=_("Replace a database and media folder that are not empty."),
        )

    def handle(self, *args, folder: str, overwrite: bool = False, **options):
        try:
            report = backup_restore(Path(folder), overwrite=overwrite)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines:
            self.stdout.write(line)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("The restored data differs from the backup in %(count)s points (listed above).")
                % {"count": len(report.problems)}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Restored and verified: counts, files and audit chain match."))
        )
