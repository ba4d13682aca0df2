"""``manage.py check_filings``: the nightly check of employee-system filings, by hand."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from agencies.services.filings import filings_check


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Check the employee-system filings: those expired and not renewed lapse, those "
            "whose workers no longer qualify are withdrawn and the agency is told."
        )

    def handle(self, *args, **options):
        done = filings_check()
        self.stdout.write(
            _("Checked %(checked)s valid filings: %(lapsed)s lapsed, %(withdrawn)s withdrawn.")
            % done
        )
