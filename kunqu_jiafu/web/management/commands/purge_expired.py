"""Delete personal data past its retention period (celery beat runs it nightly)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kunqu_jiafu.web.retention import purge_expired


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Delete rejected voucher applications, training sign-ups and their evidence once "
            "their retention period (settings RETENTION_…_DAYS) has passed."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only count what would be deleted.")
        )

    def handle(self, *args, dry_run: bool = False, **options):
        for label, count in purge_expired(dry_run=dry_run):
            if dry_run:
                line = _("%(label)s: %(count)s would be deleted")
            else:
                line = _("%(label)s: %(count)s deleted")
            self.stdout.write(line % {"label": label, "count": count})
