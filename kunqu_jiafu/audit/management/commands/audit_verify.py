from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunqu_jiafu.audit.services import audit_verify, record_check


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Verify the audit log's keyed hash chain and hold it against the anchors written "
            "outside the database: proves no entry was changed or deleted."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--record",
            action="store_true",
            help=_("Record the result for staff and alert the administrators on failure."),
        )

    def handle(self, *args, **options):
        report = audit_verify()
        if options["record"]:
            record_check(report)
        if not report.ok:
            values = {"id": report.entry_id, "problem": report.problem, "count": report.checked}
            raise CommandError(
                _(
                    "The audit log failed verification (entry #%(id)s): %(problem)s; %(count)s checked."
                )
                % values
                if report.entry_id
                else _("The audit log failed verification: %(problem)s; %(count)s checked.")
                % values
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("The audit log is complete: %(count)s entries verified, %(anchors)s anchors.")
                % {"count": report.checked, "anchors": report.anchors}
            )
        )
