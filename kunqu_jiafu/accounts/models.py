from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: bureau staff, agency staff or officials."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Set when someone else chose the password (the admin's forms, createsuperuser): until its
    # owner chooses one, every page leads to the password change (accounts.middleware).
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "The password was set by someone else; its owner must choose a new one at the "
            "next sign-in."
        ),
    )

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


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords (never the passwords), so a new password
    cannot be an old one (accounts.passwords.HistoryValidator)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_history", verbose_name=_("user")
    )
    password_hash = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhist_user")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class AppliedRolePermission(models.Model):
    """A permission the code declared for a role and that a migrate has given the role's
    group once. What is recorded here is never given again: an administrator who removes
    it in the admin keeps it removed, and a permission a new release declares is added once."""

    role = models.CharField(_("role"), max_length=150)
    app_label = models.CharField(_("app"), max_length=100)
    codename = models.CharField(_("permission"), max_length=100)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role permission applied")
        verbose_name_plural = _("role permissions applied")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "app_label", "codename"], name="role_permission_applied_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.app_label}.{self.codename}"
