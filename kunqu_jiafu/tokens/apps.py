from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TokensConfig(AppConfig):
    name = "kunqu_jiafu.tokens"
    label = "tokens"
    verbose_name = _("API tokens")

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401  (receivers and the OpenAPI extension)
