"""``manage.py build_pdf_font``: the GB2312 subset of the Chinese font for PDF notices.

Run by ``make setup`` and the Docker build; render_pdf also builds it on first use. Does
nothing when ``var/fonts/kj-cjk.ttf`` is up to date, so it is safe to run every time."""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kunqu_jiafu.documents import pdf


class Command(BaseCommand):
    help = gettext_lazy(
        "Build the Chinese subset font of the PDF notices, var/fonts/kj-cjk.ttf (skipped when "
        "up to date)."
    )
    # A font build needs no URL or model checks (it runs early in make setup and the
    # Docker build, before anything else is ready).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help=gettext_lazy("Build it even when up to date.")
        )

    def handle(self, *args, force=False, **options):
        started = time.perf_counter()
        try:
            if not pdf.harfbuzz_subset_available():
                pdf.ensure_pdf_ready()  # raises the bilingual message naming the package
            built = pdf.build_subset_font(force=force)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        target = pdf.subset_font_path()
        size = target.stat().st_size / 1048576
        if built:
            from fontTools.ttLib import TTFont

            characters = len(TTFont(target, lazy=True).getBestCmap())
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Built %(path)s (%(size).1f MB, %(characters)s characters, "
                        "in %(seconds).1f s)."
                    )
                    % {
                        "path": target,
                        "size": size,
                        "characters": characters,
                        "seconds": time.perf_counter() - started,
                    }
                )
            )
        else:
            self.stdout.write(
                _("%(path)s is up to date (%(size).1f MB); skipped.")
                % {"path": target, "size": size}
            )
