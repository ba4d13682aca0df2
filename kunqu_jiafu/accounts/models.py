from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: bureau staff, agency staff or officials."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        # The admin greets with this: 欢迎，赵经办 rather than the login name.
        return self.full_name or self.username

    @property
    def role_names(self) -> frozenset[str]:
        # Cached per instance: permission checks ask this many times per request.
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = (
                frozenset(self.groups.values_list("name", flat=True)) if self.pk else frozenset()
            )
            self._role_names = cached
        return cached
