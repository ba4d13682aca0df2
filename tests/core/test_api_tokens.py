"""API tokens (issue 11, docs/security.md "API tokens"): they expire, the database holds only
their digest, a password change or deactivation revokes them, and a staff account gets one
only with the code of its authenticator app."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.tokens.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"


def _token(client, username, **extra):
    return client.post(TOKEN_URL, {"username": username, "password": factories.PASSWORD, **extra})


def _me(token: str):
    return Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")


def test_an_agency_token_works_expires_in_30_days_and_is_audited(agency_a, client):
    response = _token(client, "agency_a")
    assert response.status_code == 200
    body = response.json()
    assert _me(body["token"]).status_code == 200
    stored = ApiToken.objects.get(user=agency_a)
    lifetime = stored.expires_at - stored.created_at
    assert lifetime == dt.timedelta(days=30)
    assert AuditEntry.objects.filter(action="tokens.token.issued", actor=agency_a).count() == 1


def test_the_stored_form_is_not_the_token(agency_a, client):
    token = _token(client, "agency_a").json()["token"]
    stored = ApiToken.objects.get(user=agency_a)
    assert token not in str(list(ApiToken.objects.values_list()))
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    # The digest itself signs nobody in.
    assert _me(stored.digest).status_code in (401, 403)


def test_an_expired_token_is_refused(agency_a, client):
    token = _token(client, "agency_a").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _me(token)
    assert response.status_code in (401, 403)
    assert "过期" in response.json()["detail"]


def test_a_password_change_revokes_the_token(agency_a, client):
    token = _token(client, "agency_a").json()["token"]
    agency_a.set_password("Another#Pass-2026")
    agency_a.save()
    assert _me(token).status_code in (401, 403)
    assert ApiToken.objects.get().revoked_reason == "password_changed"


def test_a_password_set_in_the_admin_revokes_the_token(agency_a, client, client_for):
    token = _token(client, "agency_a").json()["token"]
    root = factories.make_user("root", is_staff=True, is_superuser=True)
    response = client_for(root).post(
        f"/admin/accounts/user/{agency_a.pk}/password/",
        {"password1": "Another#Pass-2026", "password2": "Another#Pass-2026"},
    )
    assert response.status_code == 302
    assert _me(token).status_code in (401, 403)


def test_deactivation_revokes_the_token(agency_a, client):
    token = _token(client, "agency_a").json()["token"]
    agency_a.is_active = False
    agency_a.save(update_fields=["is_active"])
    agency_a.is_active = True  # reactivated: the old token stays revoked
    agency_a.save()
    assert _me(token).status_code in (401, 403)
    assert ApiToken.objects.get().revoked_reason == "deactivated"


def test_signing_in_again_keeps_the_token(agency_a, client):
    """Saving last_login (every sign-in) is not a credential change."""
    token = _token(client, "agency_a").json()["token"]
    assert Client().login(username="agency_a", password=factories.PASSWORD)
    assert _me(token).status_code == 200


def test_a_staff_token_needs_the_code_of_the_authenticator(reviewer, client):
    device = factories.give_second_factor(reviewer)
    missing = _token(client, "reviewer")
    assert missing.status_code == 400
    assert "otp_token" in missing.json() and "token" not in missing.json()
    wrong = _token(client, "reviewer", otp_token="000000")
    assert wrong.status_code == 400 and "otp_token" in wrong.json()
    recovery = _token(client, "reviewer", otp_token=factories.RECOVERY_CODES[0])
    assert recovery.status_code == 400  # recovery codes open the browser only
    factories.delay_passed(device)
    code = factories.totp_code(device)
    right = _token(client, "reviewer", otp_token=code)
    assert right.status_code == 200
    assert _me(right.json()["token"]).status_code == 200
    stored = ApiToken.objects.get(user=reviewer)
    assert stored.expires_at - stored.created_at == dt.timedelta(hours=8)
    # The same code again: refused (replay).
    assert _token(client, "reviewer", otp_token=code).status_code == 400
    assert not ApiToken.objects.exclude(pk=stored.pk).exists()


def test_right_after_a_wrong_code_the_device_asks_to_wait(reviewer, client):
    device = factories.give_second_factor(reviewer)
    assert _token(client, "reviewer", otp_token="000000").status_code == 400
    response = _token(client, "reviewer", otp_token=factories.totp_code(device))
    assert response.status_code == 429
    assert "秒" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_staff_account_without_an_authenticator_gets_no_token(reviewer, client):
    response = _token(client, "reviewer", otp_token="123456")
    assert response.status_code == 400
    assert "otp_token" in response.json()
    assert not ApiToken.objects.exists()


def test_a_superuser_needs_the_code_too(client):
    factories.make_user("root", is_staff=True, is_superuser=True)
    assert _token(client, "root").status_code == 400
    assert not ApiToken.objects.exists()


def test_token_code_guessing_is_limited(reviewer, client, settings):
    settings.SECOND_FACTOR_LIMITS = {"window": 900, "per_user": 2, "per_address": 100}
    device = factories.give_second_factor(reviewer)
    for _ in range(2):
        _token(client, "reviewer", otp_token="000000")
    response = _token(client, "reviewer", otp_token=factories.totp_code(device))
    assert response.status_code == 429
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token " + "x" * 500, "Token caf\u00e9"])
def test_malformed_token_headers_are_refused_with_a_message(agency_a, header):
    response = Client().get("/api/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code in (401, 403)
    assert response.json()["detail"]


def test_the_schema_describes_the_token_scheme(agency_a, client_for):
    schema = client_for(agency_a).get("/api/schema/", {"format": "json"}).json()
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) == {"cookieAuth", "tokenAuth"}
    assert "otp_token" in schemes["tokenAuth"]["description"]
    assert "otp_token" in schema["components"]["schemas"]["TokenRequestRequest"]["properties"]
    answer = schema["components"]["schemas"]["TokenResponse"]["properties"]
    assert set(answer) == {"token", "expires_at"}
