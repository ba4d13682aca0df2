"""Issue 11: password rules of 等保2.0 level 3 (kunqu_jiafu/accounts/passwords.py) on every form
that sets a password, with Chinese messages naming the rule, and the self-service change."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client

from kunqu_jiafu.accounts.models import PasswordHistory, User
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password/change/"


def change(client: Client, old: str, new: str):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def errors(response) -> str:
    return " ".join(response.context["form"].errors.get("new_password2", []))


@pytest.fixture
def owner(agency_a):
    return agency_a


@pytest.fixture
def client(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Ab1!xyz", "长度"),  # 7 characters
        ("Ab1!xyzw9", "长度"),  # 9 characters
        ("harbourlights2026", "字符种类"),  # two kinds only
        ("HARBOUR-LIGHTS", "字符种类"),
        ("Agency_a-2026!", "不含用户名"),  # contains the username, another case
        ("X9!a_ycnega-Qw", "不含用户名"),  # the username backwards
    ],
)
def test_a_weak_password_is_refused_naming_its_rule(client, password, rule):
    response = change(client, factories.PASSWORD, password)
    assert response.status_code == 200
    assert f"密码规则“{rule}”" in errors(response)
    page = response.content.decode()
    assert f"密码规则“{rule}”" in page


def test_a_password_meeting_every_rule_is_taken_and_the_session_stays(client, owner):
    response = change(client, factories.PASSWORD, "Kq7!harbour-lights")
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Kq7!harbour-lights")
    # update_session_auth_hash: this session is still signed in after the change.
    assert client.get("/portal/").status_code == 200
    assert AuditEntry.objects.filter(action="accounts.password.changed").count() == 1


def test_the_last_passwords_cannot_be_used_again(client, owner, settings):
    settings.PASSWORD_HISTORY_COUNT = 3
    old = factories.PASSWORD
    for new in ("First!pass-01", "Second!pass-02", "Third!pass-03"):
        assert change(client, old, new).status_code == 302
        old = new
    for reused in ("Third!pass-03", "Second!pass-02", "First!pass-01"):
        response = change(client, old, reused)
        assert response.status_code == 200
        assert "密码规则“历史密码”" in errors(response)
    # Only hashes are kept, only the last N of them.
    stored = list(
        PasswordHistory.objects.filter(user=owner).values_list("password_hash", flat=True)
    )
    assert len(stored) == 3
    assert not any("pass" in value for value in stored)
    # Older than the history: allowed again.
    assert change(client, old, factories.PASSWORD).status_code == 302


def test_the_rules_hold_at_sign_up_and_in_the_validators_directly():
    user = User(username="wang_fang")
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("wangfang", user)
    text = " ".join(refused.value.messages)
    assert "长度" in text and "字符种类" in text
    password_validation.validate_password("Kq7!harbour-lights", user)


def test_the_change_page_lists_the_rules_and_the_header_links_to_it(client):
    page = client.get(CHANGE).content.decode()
    assert "至少 10 个字符" in page
    assert "四类中的至少三类" in page
    assert client.get("/portal/").content.decode().count(f'href="{CHANGE}"') == 1


def test_the_change_page_needs_a_sign_in():
    response = Client().get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
