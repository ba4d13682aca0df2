"""Signing in as a person does in the browser journeys, second factor included."""

from __future__ import annotations


def pass_second_factor(page, username: str) -> None:
    """After the password a staff account asks for its second factor, as a person meets it: the
    first time it sets up the authenticator (the key read off the page, the code computed as
    an app would, the recovery codes page left with its button); afterwards it enters a
    recovery code made for this sign-in (a fresh app code could repeat within 30 seconds,
    and a code works once). Other accounts pass through unchanged."""
    from base64 import b32decode

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    page.wait_for_load_state()
    if "/accounts/second-factor/enrol/" in page.url:
        secret = page.locator("[data-testid=otp-secret]").inner_text().replace(" ", "")
        code = f"{TOTP(b32decode(secret)).token():06d}"
        page.fill("#id_otp_token", code)
        page.locator("form.otp-form button[type=submit]").click()
        page.wait_for_load_state()
        page.locator("[data-testid=recovery-codes]").wait_for()
        page.locator("main a.button").click()
        page.wait_for_load_state()
    elif "/accounts/second-factor/" in page.url:
        device = StaticDevice.objects.get(user__username=username)
        code = StaticToken.random_token()
        StaticToken.objects.create(device=device, token=code)
        page.fill("#id_otp_token", code)
        page.locator("form.otp-form button[type=submit]").click()
        page.wait_for_load_state()
