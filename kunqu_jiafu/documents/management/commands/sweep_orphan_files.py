"""``manage.py sweep_orphan_files``: delete uploads left behind by rolled-back transactions."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kunqu_jiafu.documents.services import sweep_orphan_files


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Delete uploads no record points to (left by rolled-back transactions); by default "
            "only files older than 24 hours."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=24,
            metavar="HOURS",
            help=_("Only files older than this many hours."),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only list them, delete nothing.")
        )

    def handle(self, *args, older_than=24, dry_run=False, **options):
        orphans = sweep_orphan_files(older_than_hours=older_than, dry_run=dry_run)
        for path in orphans:
            self.stdout.write(path)
        message = (
            _("Found %(count)s uploads no record points to.")
            if dry_run
            else _("Deleted %(count)s uploads no record points to.")
        )
        self.stdout.write(self.style.SUCCESS(message % {"count": len(orphans)}))
