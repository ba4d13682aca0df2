"""System checks of the production profile (DEBUG off): ``check --deploy`` and ``migrate``
fail on them, so a misconfigured deployment never starts serving."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.translation import gettext as _

# Back ends that keep an e-mail (with residents' and agencies' data) on the server, in its
# console or memory, or drop it: fine in development, never in production.
REFUSED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security)
def production_email_backend(app_configs, **kwargs) -> list[Error]:
    if settings.DEBUG or settings.EMAIL_BACKEND not in REFUSED_EMAIL_BACKENDS:
        return []
    return [
        Error(
            _(
                "Production settings (DEBUG off) refuse the e-mail back end %(backend)s: it "
                "prints, keeps or drops the e-mails instead of sending them."
            )
            % {"backend": settings.EMAIL_BACKEND},
            hint=_(
                "Set EMAIL_URL to the bureau's SMTP server, e.g. smtp+tls://user:password@smtp.example.cn:587."
            ),
            id="kunqu_jiafu.E001",
        )
    ]
