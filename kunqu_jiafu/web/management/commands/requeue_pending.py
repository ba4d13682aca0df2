"""``manage.py requeue_pending``: queue again the work a broker outage left undone."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kunqu_jiafu.queue import task_named


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Queue again the notices never rendered and the notification e-mails never sent "
            "(the sweeps celery beat runs every ten minutes), once the broker is back."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=int,
            default=None,
            metavar="SECONDS",
            help=_("Only work pending for longer than this (default: QUEUE_SWEEP_GRACE_SECONDS)."),
        )

    def handle(self, *args, grace=None, **options):
        for name in settings.QUEUE_SWEEPS:
            count = task_named(name)(grace_seconds=grace)  # runs here, queues the work
            self.stdout.write(
                _("%(sweep)s: %(count)s queued again.") % {"sweep": name, "count": count}
            )
