from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunqu_jiafu.audit.services import audit_anchor, record_check


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Verify the audit log, then write a signed anchor of its head to AUDIT_ANCHOR_DIR "
            "(outside the database). A failing log is not anchored: the failure is recorded "
            "and the administrators are alerted."
        )

    def handle(self, *args, **options):
        report, path = audit_anchor()
        record_check(report)
        if not report.ok:
            raise CommandError(
                _("The audit log failed verification, so it was not anchored: %(problem)s")
                % {"problem": report.problem}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Anchored %(count)s entries in %(path)s.")
                % {"count": report.checked, "path": path}
            )
        )
