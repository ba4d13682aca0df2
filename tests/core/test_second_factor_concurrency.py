"""A TOTP code sent twice at the same moment opens one session, not two (PostgreSQL row locks:
the device is read FOR UPDATE, so the second check sees the step the first one used)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from kunqu_jiafu.second_factor import services
from kunqu_jiafu.tokens.models import ApiToken
from tests import factories
from tests.concurrency import outcomes, run_together, slowed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
]


def test_one_code_sent_twice_at_once_is_accepted_once(transactional_db, monkeypatch):
    slowed(monkeypatch, TOTPDevice, "verify_token")  # the first holds the lock a while
    user = factories.make_user("racer", is_staff=True)
    device = factories.give_second_factor(user)
    code = factories.totp_code(device)

    oks, errors = outcomes(run_together(*(lambda: services.code_check(user, code),) * 2))
    assert errors == []
    assert len([checked for checked in oks if checked is not None]) == 1


def test_one_code_asked_for_two_tokens_at_once_gives_one(transactional_db, monkeypatch):
    from django.test import Client

    slowed(monkeypatch, TOTPDevice, "verify_token")
    user = factories.make_user("racer", is_staff=True)
    code = factories.totp_code(factories.give_second_factor(user))
    data = {"username": "racer", "password": factories.PASSWORD, "otp_token": code}

    def ask():
        return Client().post("/api/auth/token/", data).status_code

    oks, errors = outcomes(run_together(ask, ask))
    assert errors == []
    assert sorted(oks) == [200, 400]
    assert ApiToken.objects.count() == 1
