"""``manage.py build_pdf_font``: the fonts PDF notices embed, cut down once: the GB2312 subset
of the Chinese font (``var/fonts/kj-cjk.ttf``) and the rare-character fonts cut to CJK
Extension A and B (``var/fonts/kj-cjk-ext-a.ttf``, ``kj-cjk-ext-b.ttf``).

Run by ``make setup`` (``make fonts``) and the Docker build; render_pdf also builds them on
first use. Does nothing for a font that is up to date, so it is safe to run every time."""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kunqu_jiafu.documents import fonts


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Build the Chinese subset font of the PDF notices, var/fonts/kj-cjk.ttf, and the "
            "rare-character fonts (CJK Extension A and B), skipping those up to date."
        )

    # A font build needs no URL or model checks (it runs early in make setup and the
    # Docker build, before anything else is ready).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help=_("Build it even when up to date.")
        )

    def handle(self, *args, force=False, **options):
        started = time.perf_counter()
        try:
            if not fonts.harfbuzz_subset_available():
                fonts.ensure_pdf_ready()  # raises the bilingual message naming the package
            built = fonts.build_subset_font(force=force)
            self._report([fonts.subset_font_path()], built, started)
            started = time.perf_counter()
            built = fonts.build_rare_fonts(force=force)
            self._report(fonts.rare_subset_paths(), built, started)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

    def _report(self, targets, built: bool, started: float) -> None:
        for target in targets:
            size = target.stat().st_size / 1048576
            if not built:
                self.stdout.write(
                    _("%(path)s is up to date (%(size).1f MB); skipped.")
                    % {"path": target, "size": size}
                )
                continue
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
