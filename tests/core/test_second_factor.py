"""The TOTP second factor of staff and superusers (issue 11, docs/security.md "Second factor").

Each test signs in with the password only (``factories.login_password_only``) and attacks a
rule: no admin page, staff page or API answer before the code; a wrong, replayed or reused
code is refused; attempts are limited; agency users are not asked."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kunqu_jiafu.accounts.roles import OFFICIAL
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.second_factor import services
from tests import factories

pytestmark = pytest.mark.django_db

ENROL = "/accounts/second-factor/enrol/"
VERIFY = "/accounts/second-factor/"


def _password_only(user) -> Client:
    client = Client()
    factories.login_password_only(client, user)
    return client


@pytest.fixture
def superuser(db):
    return factories.make_user("root", is_staff=True, is_superuser=True)


# --- nothing before the code ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/subsidies/claim/", "/", "/notifications/"])
def test_staff_without_a_device_are_sent_to_set_one_up_from_any_page(reviewer, path):
    response = _password_only(reviewer).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL + "?next=")


def test_staff_with_a_device_are_asked_for_the_code_before_the_admin(reviewer):
    factories.give_second_factor(reviewer)
    response = _password_only(reviewer).get("/admin/subsidies/claim/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2Fsubsidies%2Fclaim%2F"


def test_a_superuser_is_asked_too(superuser):
    response = _password_only(superuser).get("/admin/")
    assert response["Location"].startswith(ENROL)


@override_settings(
    MIDDLEWARE=[
        m
        for m in __import__("django.conf").conf.settings.MIDDLEWARE
        if not m.endswith("RequireSecondFactor")
    ]
)
def test_the_admin_site_itself_refuses_an_unverified_session(reviewer):
    """Even without the redirecting middleware, the admin lets in verified sessions only."""
    factories.give_second_factor(reviewer)
    response = _password_only(reviewer).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", ["/api/me/", "/api/agencies/", "/api/claims/"])
def test_the_api_refuses_an_unverified_staff_session(reviewer, path):
    factories.give_second_factor(reviewer)
    response = _password_only(reviewer).get(path)
    assert response.status_code == 403
    assert "/accounts/second-factor/" in response.json()["detail"]


def test_a_verified_staff_session_reaches_the_admin_and_the_api(reviewer, client_for):
    client = client_for(reviewer)  # force_login passes the second factor (tests/conftest.py)
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_agency_users_are_not_asked(agency_a):
    client = _password_only(agency_a)
    assert client.get("/portal/").status_code == 200
    assert client.get("/api/me/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/"


# --- enrolment --------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_key_and_confirms_with_a_code(reviewer):
    client = _password_only(reviewer)
    page = client.get(ENROL + "?next=/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<script" not in html
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    secret = services.secret_text(device)
    assert secret in html
    # The page again: the same key (the app was already given it).
    assert secret in client.get(ENROL).content.decode()

    wrong = client.post(ENROL, {"otp_token": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    assert "验证码" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302

    factories.delay_passed(device)
    done = client.post(ENROL, {"otp_token": factories.totp_code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True)
    )
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="second_factor.device.enrolled").count() == 1
    # Set up once: the page does not offer a new key to a verified session...
    assert client.get(ENROL)["Location"] == "/"
    # ...nor to someone with the password only.
    assert _password_only(reviewer).get(ENROL)["Location"].startswith(VERIFY)


def test_signing_in_with_the_password_leads_to_the_enrolment(reviewer):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "reviewer", "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(ENROL)
    assert "<svg" in response.content.decode()


# --- the code ---------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_and_logged(reviewer):
    factories.give_second_factor(reviewer)
    client = _password_only(reviewer)
    response = client.post(VERIFY, {"otp_token": "123456", "next": "/admin/"})
    assert response.status_code == 400
    assert "验证码" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AuditEntry.objects.filter(action="second_factor.code.refused").count() == 1


def test_right_after_a_wrong_code_the_device_asks_to_wait(reviewer):
    device = factories.give_second_factor(reviewer)
    client = _password_only(reviewer)
    assert client.post(VERIFY, {"otp_token": "000000"}).status_code == 400
    response = client.post(VERIFY, {"otp_token": factories.totp_code(device)})
    assert response.status_code == 429
    assert "秒" in response.content.decode()
    factories.delay_passed(device)
    assert client.post(VERIFY, {"otp_token": factories.totp_code(device)}).status_code == 302


def test_the_right_code_opens_the_admin(reviewer):
    device = factories.give_second_factor(reviewer)
    client = _password_only(reviewer)
    response = client.post(VERIFY, {"otp_token": factories.totp_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_used_code_cannot_be_replayed(reviewer):
    device = factories.give_second_factor(reviewer)
    code = factories.totp_code(device)
    first = _password_only(reviewer)
    assert first.post(VERIFY, {"otp_token": code})["Location"] == "/"
    second = _password_only(reviewer)  # an eavesdropper with the password and the code
    replay = second.post(VERIFY, {"otp_token": code})
    assert replay.status_code == 400
    assert second.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(reviewer):
    factories.give_second_factor(reviewer)
    code = factories.RECOVERY_CODES[0]
    first = _password_only(reviewer)
    assert first.post(VERIFY, {"otp_token": code.upper()})["Location"] == "/"
    assert first.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="second_factor.recovery_code.used").count() == 1
    second = _password_only(reviewer)
    assert second.post(VERIFY, {"otp_token": code}).status_code == 400
    assert StaticToken.objects.filter(device__user=reviewer).count() == 2


@pytest.mark.parametrize("code", ["²²²²²²", "1" * 5000, "' OR 1=1 --", "abcdefgh"])
def test_odd_codes_are_refused_with_a_message(reviewer, code):
    factories.give_second_factor(reviewer)
    response = _password_only(reviewer).post(VERIFY, {"otp_token": code})
    assert response.status_code == 400
    assert "验证码" in response.content.decode()


def test_next_cannot_lead_off_the_site(reviewer):
    device = factories.give_second_factor(reviewer)
    response = _password_only(reviewer).post(
        VERIFY, {"otp_token": factories.totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_code_attempts_are_limited_per_account(reviewer, settings):
    settings.SECOND_FACTOR_LIMITS = {"window": 900, "per_user": 3, "per_address": 100}
    device = factories.give_second_factor(reviewer)
    client = _password_only(reviewer)
    for _ in range(3):
        # 400, then 429 while the device's own delay after a wrong code runs
        assert client.post(VERIFY, {"otp_token": "000000"}).status_code in (400, 429)
    # Even the right code waits now, and from another session (address) too.
    limited = _password_only(reviewer).post(VERIFY, {"otp_token": factories.totp_code(device)})
    assert limited.status_code == 429
    assert "分钟" in limited.content.decode()
    assert client.get("/admin/").status_code == 302


def test_code_attempts_are_limited_per_address(reviewer, approver, settings):
    settings.SECOND_FACTOR_LIMITS = {"window": 900, "per_user": 100, "per_address": 2}
    factories.give_second_factor(reviewer)
    device = factories.give_second_factor(approver)
    for _ in range(2):
        _password_only(reviewer).post(VERIFY, {"otp_token": "000000"})
    response = _password_only(approver).post(VERIFY, {"otp_token": factories.totp_code(device)})
    assert response.status_code == 429


# --- reset by the security administrator ------------------------------------------------------


def _reset(client, user):
    return client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )


def test_a_security_administrator_resets_a_users_second_factor(reviewer, client_for):
    factories.give_second_factor(reviewer)
    # The security administrator's group carries these permissions (三员分立); any staff
    # account holding them may reset, nobody else.
    security = factories.make_user("security", OFFICIAL)
    security.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user", "delete_totpdevice"])
    )
    signed_in = client_for(reviewer)  # a session that passed the second factor before
    assert signed_in.get("/admin/").status_code == 200
    response = _reset(client_for(security), reviewer)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticDevice.objects.filter(user=reviewer).exists()
    entry = AuditEntry.objects.get(action="second_factor.device.reset")
    assert entry.actor == security and entry.object_id == str(reviewer.pk)
    # At the next sign-in the user sets up a new app; the open session lost its verification.
    assert _password_only(reviewer).get("/admin/")["Location"].startswith(ENROL)
    assert signed_in.get("/admin/")["Location"].startswith(ENROL)


def test_without_the_permission_the_reset_is_not_offered(reviewer, client_for):
    factories.give_second_factor(reviewer)
    clerk = factories.make_user("clerk", OFFICIAL)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client = client_for(clerk)
    assert "reset_second_factor" not in client.get("/admin/accounts/user/").content.decode()
    _reset(client, reviewer)
    assert TOTPDevice.objects.filter(user=reviewer).exists()
    assert not AuditEntry.objects.filter(action="second_factor.device.reset").exists()


def test_device_secrets_are_not_browsable_in_the_admin(superuser, client_for):
    client = client_for(superuser)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
