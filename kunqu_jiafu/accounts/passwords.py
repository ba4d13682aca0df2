"""Password rules of 等保2.0 level 3 (issue 11), as Django password validators: every form that
sets a password (sign-up, change, reset, the admin's forms, createsuperuser) applies them
through AUTH_PASSWORD_VALIDATORS. Each message names its rule."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("upper", re.compile(r"[A-Z]")),
    ("lower", re.compile(r"[a-z]")),
    ("digit", re.compile(r"[0-9]")),
    ("symbol", re.compile(r"[^A-Za-z0-9]")),
)


class MinimumLengthValidator:
    """At least ``PASSWORD_MIN_LENGTH`` characters."""

    def validate(self, password: str, user=None) -> None:
        if len(password) < settings.PASSWORD_MIN_LENGTH:
            raise ValidationError(
                _(
                    "Password rule 'length': the password must have at least %(min)s characters; "
                    "this one has %(length)s."
                )
                % {"min": settings.PASSWORD_MIN_LENGTH, "length": len(password)},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("At least %(min)s characters.") % {"min": settings.PASSWORD_MIN_LENGTH}


class CharacterClassesValidator:
    """At least three of four kinds of character: capitals, small letters, digits, symbols."""

    required = 3

    def validate(self, password: str, user=None) -> None:
        found = sum(1 for _name, pattern in CLASSES if pattern.search(password))
        if found < self.required:
            raise ValidationError(
                _(
                    "Password rule 'character kinds': use at least three of the four kinds "
                    "capital letters (A-Z), small letters (a-z), digits (0-9) and symbols (such "
                    "as ! @ # -); this password has %(found)s."
                )
                % {"found": found},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("At least three of: capital letters, small letters, digits, symbols.")


class NotUsernameValidator:
    """The password must not contain the username, whatever the case, nor its reverse."""

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").strip().casefold()
        if len(username) < 3:
            return
        folded = password.casefold()
        if username in folded or username[::-1] in folded:
            raise ValidationError(
                _(
                    "Password rule 'not the username': the password must not contain the "
                    "username (%(username)s), forwards or backwards."
                )
                % {"username": user.username},
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return _("It must not contain your username.")


class HistoryValidator:
    """Not the current password nor one of the ``PASSWORD_HISTORY_COUNT`` before it. Only the
    hashes are kept (``PasswordHistory``); ``password_changed`` records each new one."""

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-created_at", "-pk")
            .values_list("password_hash", flat=True)[: settings.PASSWORD_HISTORY_COUNT]
        )
        # The password stored now counts too (an account older than the history).
        from django.contrib.auth import get_user_model

        stored = (
            get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        )
        if stored and stored not in hashes:
            hashes.append(stored)
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                _(
                    "Password rule 'history': the new password must differ from your last "
                    "%(count)s passwords. Choose one you have not used here before."
                )
                % {"count": settings.PASSWORD_HISTORY_COUNT},
                code="password_reused",
            )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None or not user.has_usable_password():
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password_hash=user.password)
        keep = list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[: settings.PASSWORD_HISTORY_COUNT]
        )
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=keep).delete()

    def get_help_text(self) -> str:
        return _("Not one of your last %(count)s passwords.") % {
            "count": settings.PASSWORD_HISTORY_COUNT
        }
