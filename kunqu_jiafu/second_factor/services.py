"""The second factor of staff accounts: who needs it, enrolment, checking a code, reset.

Built on django-otp: a TOTP device (the authenticator app) and a static device holding the
ten one-time recovery codes. A TOTP device refuses a code at or before the last step it
accepted (``last_t``), so a code cannot be replayed; a recovery code is deleted when used.
Attempts are counted per account and per client address in the shared cache
(``settings.SECOND_FACTOR_LIMITS``), on top of django-otp's own growing delay per device."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kunqu_jiafu.accounts.roles import is_staff_member
from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.ratelimit import _incr, client_address

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"[0-9]{6}")  # ASCII digits: str.isdigit() also takes "²"
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def needs_second_factor(user) -> bool:
    """Staff (anyone the admin may let in, or with a bureau role) and superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or is_staff_member(user))


def session_verified(request) -> bool:
    """Whether this request's session passed the second factor (django-otp's middleware)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- attempts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    minutes: int


def attempts_take(request, user) -> Limit | None:
    """Count one code attempt for the account and the address; a Limit when over either."""
    rule = settings.SECOND_FACTOR_LIMITS
    window = rule["window"]
    slot = int(time.time() // window)
    over = (
        _incr(f"ratelimit:second_factor:user:{user.pk}:{slot}", window) > rule["per_user"],
        _incr(f"ratelimit:second_factor:address:{client_address(request)}:{slot}", window)
        > rule["per_address"],
    )
    if any(over):
        return Limit(minutes=max(1, -(-((slot + 1) * window - int(time.time())) // 60)))
    return None


def too_many_message(limit: Limit) -> str:
    return _(
        "Too many codes were tried for this account. Wait %(minutes)s minutes and try again, "
        "or ask the security administrator."
    ) % {"minutes": limit.minutes}


class CodeWait(Exception):
    """django-otp's delay after wrong codes of a device (doubling with each): not checked."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds

    @property
    def message(self) -> str:
        return _(
            "Verification code: several wrong codes in a row. Wait %(seconds)s seconds, then "
            "enter the code the app shows then."
        ) % {"seconds": self.seconds}


def _allowed(device) -> None:
    allowed, _data = device.verify_is_allowed()
    if allowed:
        return
    seconds = 1
    if device.throttling_failure_timestamp is not None:
        delay = device.get_throttle_factor() * (2 ** (device.throttling_failure_count - 1))
        ends = device.throttling_failure_timestamp.timestamp() + delay
        seconds = max(1, int(ends - time.time()) + 1)
    raise CodeWait(seconds)


# --- enrolment --------------------------------------------------------------------------------


def enrolment_device(user) -> TOTPDevice:
    """The account's device being set up: made once and kept until confirmed, so reloading the
    page shows the same secret the app was given."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no script, no external image)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def enrolment_confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code from the app: the session is verified, and the recovery
    codes are returned (to be shown once). None when the code is wrong."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        _allowed(device)
        if device.confirmed or device.user_id != user.pk or not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Older unconfirmed devices and any earlier recovery codes go.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = recovery_codes_make(user)
        audit_log(user, user, "second_factor.device.enrolled")
    django_otp.login(request, device)
    request.session.cycle_key()
    return codes


def recovery_codes_make(user, codes: list[str] | None = None) -> list[str]:
    """Replace the account's recovery codes with new ones (or the given ones, for the demo)."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = codes or [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


# --- checking a code --------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    device: object  # the TOTP or static device that accepted the code
    recovery_codes_left: int | None = None  # set when a recovery code was used


def code_check(user, code: str, *, allow_recovery: bool = True) -> Checked | None:
    """The device that accepts ``code`` for ``user``: the app's current code (once: django-otp
    refuses a code of a step already used) or, if allowed, an unused recovery code. Raises
    CodeWait while the app's device waits after wrong codes."""
    code = "".join((code or "").split())
    if not code or len(code) > 16:
        return None
    with transaction.atomic():
        if TOTP_CODE.fullmatch(code):
            for device in TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update():
                _allowed(device)
                if device.verify_token(code):
                    return Checked(device=device)
            return None
        if not allow_recovery or not RECOVERY_CODE.fullmatch(code.lower()):
            return None
        for device in StaticDevice.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(code.lower()):
                left = device.token_set.count()
                audit_log(user, user, "second_factor.recovery_code.used", after={"left": left})
                return Checked(device=device, recovery_codes_left=left)
    return None


def session_verify(request, checked: Checked) -> None:
    """Mark the signed-in session as having passed the second factor (new session key)."""
    django_otp.login(request, checked.device)
    request.session.cycle_key()


def code_refused(request, user) -> None:
    audit_log(user, user, "second_factor.code.refused", after={"address": client_address(request)})


# --- reset by the security administrator ------------------------------------------------------


def second_factor_reset(actor, user, *, reason: str = "") -> int:
    """Remove the account's authenticator and recovery codes: at its next sign-in it sets up a
    new app. Returns how many devices were removed."""
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user)
        static = StaticDevice.objects.filter(user=user)
        removed = totp.count() + static.count()
        totp.delete()
        static.delete()
        audit_log(actor, user, "second_factor.device.reset", reason=reason)
    return removed
