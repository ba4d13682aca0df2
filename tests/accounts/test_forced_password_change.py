"""Issue 11: a password set by someone else (the admin's forms, createsuperuser) must be changed
by its holder before anything else: every page leads to the change page, the API refuses."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.tokens.services import token_issue
from tests import factories

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password/change/"
NEW = "Kq7!harbour-lights"


@pytest.fixture
def root(db):
    return factories.make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(root):
    client = Client()
    client.force_login(root)
    return client


def test_an_account_added_in_the_admin_must_change_its_password(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {"username": "li_na", "password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="li_na").must_change_password


def test_a_password_set_by_an_administrator_must_be_changed(admin_client, agency_a):
    response = admin_client.post(
        f"/admin/accounts/user/{agency_a.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.must_change_password
    assert AuditEntry.objects.filter(
        action="accounts.password.set_by_admin", object_id=str(agency_a.pk)
    ).exists()


def test_an_administrator_changing_their_own_password_is_not_flagged(admin_client, root):
    response = admin_client.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302
    root.refresh_from_db()
    assert not root.must_change_password


def test_the_admin_password_form_applies_the_rules(admin_client, agency_a):
    response = admin_client.post(
        f"/admin/accounts/user/{agency_a.pk}/password/",
        {"password1": "short", "password2": "short", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "密码规则“长度”" in response.content.decode()
    agency_a.refresh_from_db()
    assert not agency_a.must_change_password


def test_createsuperuser_flags_the_new_account(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW)
    call_command(
        "createsuperuser",
        "--noinput",
        "--username=ops",
        "--email=ops@example.cn",
        stdout=io.StringIO(),
    )
    assert User.objects.get(username="ops").must_change_password


def test_while_flagged_every_page_leads_to_the_change_page(agency_a):
    User.objects.filter(pk=agency_a.pk).update(must_change_password=True)
    client = Client()
    client.force_login(agency_a)
    for path in ("/", "/portal/", "/portal/workers/", "/notifications/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == CHANGE, path
    page = client.get(CHANGE).content.decode()
    assert "请先设置您自己的新密码" in page
    # Static files are let through (the test server may not serve them: not a redirect).
    assert client.get("/static/css/portal.css").status_code != 302
    assert client.post("/accounts/logout/").status_code == 302


def test_while_flagged_the_api_refuses_by_session_and_by_token(agency_a):
    User.objects.filter(pk=agency_a.pk).update(must_change_password=True)
    client = Client()
    client.force_login(agency_a)
    response = client.get("/api/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    assert CHANGE in response.json()["detail"]

    token = token_issue(agency_a).plain
    response = Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    # No new token is handed out either.
    response = Client().post(
        "/api/auth/token/", {"username": "agency_a", "password": factories.PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    assert "token" not in response.json()
    # A bad token is answered by the API itself, as before.
    assert Client().get("/api/me/", HTTP_AUTHORIZATION="Token nope").status_code in (401, 403)


def test_after_the_change_the_portal_and_api_open_again(agency_a):
    User.objects.filter(pk=agency_a.pk).update(must_change_password=True)
    client = Client()
    client.force_login(agency_a)
    response = client.post(
        CHANGE,
        {"old_password": factories.PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    agency_a.refresh_from_db()
    assert not agency_a.must_change_password
    assert client.get("/portal/").status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_the_change_page_refuses_the_password_it_was_given(agency_a):
    User.objects.filter(pk=agency_a.pk).update(must_change_password=True)
    client = Client()
    client.force_login(agency_a)
    response = client.post(
        CHANGE,
        {
            "old_password": factories.PASSWORD,
            "new_password1": factories.PASSWORD,
            "new_password2": factories.PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "密码规则“历史密码”" in response.content.decode()
