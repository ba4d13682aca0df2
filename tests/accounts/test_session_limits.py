"""Issue 11: a session ends after an idle time (30 minutes for anyone who works in the admin,
longer for agency users) and, whatever its use, an absolute lifetime after signing in
(kunqu_jiafu/accounts/middleware.py, SessionLimits). Time is moved forward by hand."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.test import Client

from kunqu_jiafu.accounts import middleware
from tests import factories

pytestmark = pytest.mark.django_db

MINUTE = 60


@pytest.fixture
def clock():
    class Clock:
        now = 1_900_000_000.0

        def __call__(self) -> float:
            return self.now

        def forward(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    with mock.patch.object(middleware, "_now", fake):
        yield fake


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_staff_are_signed_out_after_thirty_idle_minutes(clock, reviewer):
    client = signed_in(reviewer)
    clock.forward(29 * MINUTE)
    assert client.get("/admin/").status_code == 200
    clock.forward(30 * MINUTE + 1)

    response = client.get("/admin/vouchers/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=%2Fadmin%2Fvouchers%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "30 分钟未操作" in page
    # Signed out for good: the old session does not come back.
    assert client.get("/admin/").status_code == 302


def test_use_keeps_a_staff_session_alive(clock, reviewer):
    client = signed_in(reviewer)
    for _ in range(6):
        clock.forward(25 * MINUTE)
        assert client.get("/admin/").status_code == 200


def test_agency_users_have_a_longer_configurable_idle_time(clock, agency_a, settings):
    assert settings.SESSION_IDLE_TIMEOUT_AGENCY == 120 * MINUTE
    client = signed_in(agency_a)
    clock.forward(100 * MINUTE)
    assert client.get("/portal/").status_code == 200
    clock.forward(120 * MINUTE + 1)
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fportal%2F"
    assert "120 分钟未操作" in client.get(response["Location"]).content.decode()

    settings.SESSION_IDLE_TIMEOUT_AGENCY = 10 * MINUTE
    client = signed_in(agency_a)
    clock.forward(11 * MINUTE)
    assert client.get("/portal/").status_code == 302


def test_staff_idle_time_is_configurable(clock, reviewer, settings):
    settings.SESSION_IDLE_TIMEOUT_STAFF = 5 * MINUTE
    client = signed_in(reviewer)
    clock.forward(6 * MINUTE)
    assert client.get("/admin/").status_code == 302


def test_a_session_in_constant_use_ends_after_its_absolute_lifetime(clock, agency_a):
    client = signed_in(agency_a)
    lifetime = settings.SESSION_ABSOLUTE_LIFETIME
    assert lifetime == 12 * 60 * MINUTE
    used = 0
    while used + 10 * MINUTE <= lifetime:
        clock.forward(10 * MINUTE)
        used += 10 * MINUTE
        assert client.get("/portal/").status_code == 200
    clock.forward(1)
    response = client.get("/portal/")
    assert response.status_code == 302
    assert "超过 12 小时" in client.get(response["Location"]).content.decode()


def test_an_expired_session_gets_401_json_from_the_api(clock, reviewer):
    client = signed_in(reviewer)
    assert client.get("/api/me/").status_code == 200
    clock.forward(31 * MINUTE)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    assert "30 分钟未操作" in response.json()["detail"]
    assert client.get("/api/me/").status_code == 403  # signed out: no session any more


def test_the_cookie_follows_the_idle_time_and_never_outlives_the_lifetime(clock, reviewer):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_LIFETIME
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "reviewer", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_IDLE_TIMEOUT_STAFF
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_TIMEOUT_STAFF


def test_the_sign_in_page_itself_is_reached_after_expiry_without_a_loop(clock, agency_a):
    client = signed_in(agency_a)
    clock.forward(3 * 60 * MINUTE)
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
