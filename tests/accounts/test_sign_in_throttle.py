"""Issue 11: failed sign-ins are throttled per account and per client address, on the portal
login, the admin login and the API token endpoint alike (one budget), without telling whether an
account exists and without locking its holder out for long (kunqu_jiafu/accounts/throttle.py)."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client

from kunqu_jiafu.accounts import throttle
from kunqu_jiafu.accounts.throttle import SignInThrottle
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

START = 1_899_999_900.0  # a Unix time on a window boundary of 15 minutes
PORTAL, ADMIN, TOKEN = "/accounts/login/", "/admin/login/", "/api/auth/token/"


@pytest.fixture
def clock():
    """The throttle's clock, moved by hand."""

    class Clock:
        now = START

        def __call__(self) -> float:
            return self.now

        def forward(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    with mock.patch.object(throttle, "_now", fake):
        yield fake


def sign_in(username: str, password: str, *, address="203.0.113.7", via=PORTAL):
    client = Client(REMOTE_ADDR=address)
    return client.post(via, {"username": username, "password": password})


def refused(response) -> bool:
    return response.status_code == 429


def signed_in(response) -> bool:
    if response.status_code == 302:
        return True
    return response.status_code == 200 and "token" in response.json()


def error_text(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return " ".join(response.json()["non_field_errors"])
    page = response.content.decode()
    match = re.search(r'<div class="errors">(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def throttled_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="accounts.sign_in.throttled").order_by("id"))


def test_a_hundred_guesses_from_a_hundred_addresses_get_five_checks_and_a_cooldown(clock):
    owner = factories.make_user("chen_li")
    answers = [sign_in("chen_li", f"Guess-{n:03d}", address=f"198.51.100.{n}") for n in range(100)]

    checked = [a for a in answers if not refused(a)]
    assert len(checked) == settings.SIGN_IN_THROTTLE["account_failures"] == 5
    assert all(a.status_code == 200 for a in checked)  # the usual "wrong password" page
    assert all(refused(a) for a in answers[5:])
    assert answers[5]["Retry-After"] == "60"
    assert "1 分钟" in error_text(answers[5])
    # Even the right password is not checked during the cooldown.
    assert refused(sign_in("chen_li", factories.PASSWORD))
    # One audit entry for the cooldown, not 95: a flood of refusals cannot flood the log.
    entries = throttled_entries()
    assert len(entries) == 1
    assert entries[0].after["username"] == "chen_li"
    assert entries[0].after["budget"] == "account"
    assert entries[0].after["client_address"] == "198.51.100.5"
    owner.refresh_from_db()
    assert owner.last_login is None


def test_the_holder_signs_in_after_the_cooldown(clock):
    factories.make_user("chen_li")
    for n in range(5):
        sign_in("chen_li", f"Guess-{n}", address=f"198.51.100.{n}")
    assert refused(sign_in("chen_li", factories.PASSWORD))
    clock.forward(59)
    assert refused(sign_in("chen_li", factories.PASSWORD))
    clock.forward(2)
    assert signed_in(sign_in("chen_li", factories.PASSWORD))


def test_cooldowns_double_with_each_round_up_to_the_cap_of_minutes(clock):
    factories.make_user("chen_li")
    lengths = []
    for _round in range(8):
        for n in range(5):
            assert not refused(sign_in("chen_li", f"Guess-{n}", address=f"198.51.100.{n}"))
        answer = sign_in("chen_li", "Guess-x", address="198.51.100.99")
        assert refused(answer)
        lengths.append(int(answer["Retry-After"]))
        clock.forward(int(answer["Retry-After"]) + 1)
    assert lengths == [60, 120, 240, 480, 900, 900, 900, 900]
    # The holder, after the last cooldown, signs in and starts from the first again.
    assert signed_in(sign_in("chen_li", factories.PASSWORD))
    for n in range(5):
        sign_in("chen_li", f"Guess-{n}")
    assert sign_in("chen_li", "Guess-x")["Retry-After"] == "60"


def test_one_address_trying_many_accounts_is_stopped_at_its_budget(clock):
    factories.make_user("chen_li")
    budget = settings.SIGN_IN_THROTTLE["address_failures"]
    answers = [sign_in(f"user{n:03d}", "Guess-1234", address="192.0.2.66") for n in range(100)]

    assert [refused(a) for a in answers] == [False] * budget + [True] * (100 - budget)
    # Refused until the window of 15 minutes ends, whatever account it names...
    assert refused(sign_in("chen_li", factories.PASSWORD, address="192.0.2.66"))
    assert int(answers[-1]["Retry-After"]) == 15 * 60
    # ...while other addresses sign in as usual.
    assert signed_in(sign_in("chen_li", factories.PASSWORD, address="192.0.2.67"))
    assert [e.after["budget"] for e in throttled_entries()] == ["address"]
    clock.forward(15 * 60 + 1)
    assert signed_in(sign_in("chen_li", factories.PASSWORD, address="192.0.2.66"))


def test_portal_admin_and_token_endpoint_share_one_budget(clock):
    factories.make_user("zhao", is_staff=True)
    assert not refused(sign_in("zhao", "Guess-1", via=PORTAL))
    assert not refused(sign_in("zhao", "Guess-2", via=PORTAL))
    assert not refused(sign_in("zhao", "Guess-3", via=ADMIN))
    assert not refused(sign_in("zhao", "Guess-4", via=ADMIN))
    assert sign_in("zhao", "Guess-5", via=TOKEN).status_code == 400

    token = sign_in("zhao", factories.PASSWORD, via=TOKEN)
    assert token.status_code == 429
    assert token["Retry-After"] == "60"
    assert "登录失败次数过多" in error_text(token)
    assert "token" not in token.json()
    admin = sign_in("zhao", factories.PASSWORD, via=ADMIN)
    assert admin.status_code == 429
    assert "登录失败次数过多" in admin.content.decode()
    assert refused(sign_in("zhao", factories.PASSWORD, via=PORTAL))


def test_an_unknown_account_gets_the_same_answers_as_a_real_one(clock):
    factories.make_user("chen_li")
    real = [sign_in("chen_li", f"Guess-{n}") for n in range(6)]
    clock.forward(15 * 60)  # a new address window: the second run starts from the same place
    ghost = [sign_in("chen_lii", f"Guess-{n}") for n in range(6)]

    assert [a.status_code for a in real] == [a.status_code for a in ghost]
    assert [error_text(a) for a in real[:5]] == [error_text(a) for a in ghost[:5]]
    # The refusals differ only in the clock time they name.
    strip_time = re.compile(r"\d\d:\d\d")
    assert strip_time.sub("", error_text(real[5])) == strip_time.sub("", error_text(ghost[5]))
    assert real[5]["Retry-After"] == ghost[5]["Retry-After"]


def test_a_successful_sign_in_clears_the_accounts_failures(clock):
    factories.make_user("chen_li")
    for n in range(4):
        sign_in("chen_li", f"Typo-{n}")
    assert signed_in(sign_in("chen_li", factories.PASSWORD))
    for n in range(4):
        assert not refused(sign_in("chen_li", f"Typo-{n}"))


def test_attempts_are_counted_before_the_password_is_checked(rf, clock):
    # Many attempts in flight at once: each counted in one increment before its check, so no
    # more than the budget get a check (the rest are refused and give their count back).
    requests = [rf.post(PORTAL, REMOTE_ADDR=f"198.51.100.{n}") for n in range(20)]
    guards = [SignInThrottle(request, "chen_li") for request in requests]
    taken = [guard.take() for guard in guards]
    assert sum(refusal is None for refusal in taken) == 5
    for guard, refusal in zip(guards, taken, strict=True):
        if refusal is None:
            guard.failed()
    assert SignInThrottle(requests[0], "chen_li").take().scope == "account"


def test_the_refusal_is_in_chinese_and_names_the_wait(clock):
    for n in range(5):
        sign_in("someone", f"Guess-{n}")
    text = error_text(sign_in("someone", "Guess-5"))
    assert "登录失败次数过多" in text
    assert "1 分钟" in text
    assert re.search(r"\d\d:\d\d", text)


def test_no_cache_key_holds_the_username(clock):
    from django.core.cache import cache

    for n in range(6):
        sign_in("wang.fang@example.cn", f"Guess-{n}")
    keys = " ".join(str(key) for key in cache._cache)  # the test cache is per process
    assert "signin:account:" in keys
    assert "wang" not in keys.casefold()
