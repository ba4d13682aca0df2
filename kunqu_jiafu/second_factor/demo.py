"""The demo's staff accounts pass the second factor with a published key (development only).

``load_demo`` refuses to run with DEBUG off, so these never reach a production database. Each
demo staff account gets the same authenticator key, printed by ``load_demo`` and written in
README.md, and the same ten recovery codes, given back on every run (each works once)."""

from __future__ import annotations

from base64 import b32encode

from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import DEVICE_NAME, recovery_codes_make

# 20 bytes, the length authenticator apps expect; its base32 is what a newcomer types in.
DEMO_KEY = b"kunqu-jiafu-demo-otp"
DEMO_RECOVERY_CODES = [f"demo{letter * 4}" for letter in "abcdefghjk"]


def demo_key_text() -> str:
    return b32encode(DEMO_KEY).decode("ascii")


def demo_second_factor(user) -> None:
    """Give a demo staff account the published key and recovery codes (idempotent)."""
    TOTPDevice.objects.update_or_create(
        user=user,
        name=DEVICE_NAME,
        defaults={"key": DEMO_KEY.hex(), "confirmed": True},
    )
    recovery_codes_make(user, DEMO_RECOVERY_CODES)
