"""Issue 11: the public forms' limiter (kunqu_jiafu/ratelimit.py): the client address a
deployment can vouch for, counters in the shared cache keyed without any ID number, the small
sum asked after a few attempts, and the deploy check that refuses a per-process cache."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from kunqu_jiafu import ratelimit
from kunqu_jiafu.ratelimit import PublicFormGuard, check_shared_cache, client_address
from tests import factories

SCOPE = "vouchers.apply"


def _request(remote="203.0.113.7", forwarded=None, post=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    factory = RequestFactory()
    return factory.post("/", post or {}, **extra) if post is not None else factory.get("/", **extra)


# --- the client address ----------------------------------------------------------------------


def test_without_a_trusted_proxy_the_address_is_remote_addr_and_a_forged_header_is_ignored(
    settings,
):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("203.0.113.7")) == "203.0.113.7"
    assert client_address(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.2", forwarded="198.51.100.1")) == "198.51.100.1"


def test_behind_one_proxy_an_address_the_client_wrote_into_the_header_is_not_taken(settings):
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended what it saw.
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request("10.0.0.2", forwarded="1.2.3.4, 198.51.100.1")
    assert client_address(request) == "198.51.100.1"


def test_behind_two_proxies_the_outer_proxys_view_is_taken(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request("10.0.0.3", forwarded="1.2.3.4, 198.51.100.1, 10.0.0.2")
    assert client_address(request) == "198.51.100.1"


def test_a_garbage_header_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.2", forwarded="<script>, x")) == "10.0.0.2"
    assert client_address(_request("10.0.0.2", forwarded="")) == "10.0.0.2"


def test_spoofed_addresses_do_not_escape_the_limit_without_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    guard = None
    for n in range(3):
        guard = PublicFormGuard(_request(forwarded=f"198.51.100.{n}"), SCOPE)
        guard.take()
    assert guard.attempts_from_address() == 3


# --- counters --------------------------------------------------------------------------------


def _limits(settings, **overrides):
    limits = {scope: dict(rule) for scope, rule in settings.PUBLIC_FORM_LIMITS.items()}
    limits[SCOPE] |= overrides
    settings.PUBLIC_FORM_LIMITS = limits


def test_the_limits_come_from_settings(settings):
    _limits(settings, per_address=2, per_id=99)
    guard = PublicFormGuard(_request(), SCOPE)
    assert guard.wait() is None
    guard.take()
    guard.take()
    wait = guard.wait()
    assert wait is not None and 0 < wait.seconds <= 3601 and wait.minutes >= 1
    assert len(wait.until) == 5 and wait.until[2] == ":"


def test_requests_in_parallel_cannot_all_pass_one_check_before_any_counts(settings):
    """Two requests at the last free attempt both read "under the limit" first; the counting
    increment is the check that decides, so only one of them goes through."""
    _limits(settings, per_address=3, per_id=99)
    PublicFormGuard(_request(), SCOPE).take()
    PublicFormGuard(_request(), SCOPE).take()
    first, second = PublicFormGuard(_request(), SCOPE), PublicFormGuard(_request(), SCOPE)
    assert first.wait() is None and second.wait() is None  # both read before either counted
    assert first.take() is None
    assert second.take() is not None


def test_a_refunded_attempt_does_not_count(settings):
    _limits(settings, per_address=1, per_id=99)
    guard = PublicFormGuard(_request(), SCOPE)
    assert guard.take() is None
    guard.refund()
    assert guard.wait() is None


def test_no_cache_key_holds_the_id_number(settings):
    number = factories.id_number()
    guard = PublicFormGuard(_request(), SCOPE)
    guard.take(number)
    keys = list(cache._cache.keys())  # the test cache is the per-process one
    assert keys and not any(number in key or number[:14] in key for key in keys)
    assert guard.wait(number) is None


def test_the_id_number_limit_holds_across_addresses(settings):
    _limits(settings, per_id=2)
    number = factories.id_number()
    for address in ("203.0.113.1", "203.0.113.2"):
        PublicFormGuard(_request(address), SCOPE).take(number)
    assert PublicFormGuard(_request("203.0.113.3"), SCOPE).wait(number) is not None
    assert PublicFormGuard(_request("203.0.113.3"), SCOPE).wait(factories.id_number()) is None


# --- the challenge ---------------------------------------------------------------------------


def _terms(question: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", question)]


def test_the_challenge_is_asked_only_after_a_few_attempts_and_is_used_once(settings):
    _limits(settings, challenge_after=2)
    guard = PublicFormGuard(_request(), SCOPE)
    assert guard.challenge() is None and guard.challenge_passed()
    guard.take()
    guard.take()
    asked = guard.challenge()
    a, b = _terms(asked["question"])
    post = {"challenge_token": asked["token"], "challenge_answer": str(a + b)}
    assert PublicFormGuard(_request(post=post), SCOPE).challenge_passed()
    replay = PublicFormGuard(_request(post=post), SCOPE)
    assert not replay.challenge_passed() and replay.challenge_error


@pytest.mark.parametrize(
    "token,answer",
    [
        ("", "3"),
        ("../../etc", "3"),
        ("0" * 32, "3"),
        (None, "x"),
        (None, ""),
        (None, "-1"),
        (None, "²"),  # a digit to str.isdigit(), not to int(): was a 500
        (None, "9" * 5000),  # past int()'s 4,300 digits: was a 500
    ],
)
def test_a_wrong_or_forged_answer_is_refused(settings, token, answer):
    _limits(settings, challenge_after=0)
    asked = PublicFormGuard(_request(), SCOPE).challenge()
    post = {"challenge_token": asked["token"] if token is None else token}
    post["challenge_answer"] = answer
    assert not PublicFormGuard(_request(post=post), SCOPE).challenge_passed()


def test_a_wrong_answer_uses_the_question_up(settings):
    _limits(settings, challenge_after=0)
    asked = PublicFormGuard(_request(), SCOPE).challenge()
    a, b = _terms(asked["question"])
    wrong = {"challenge_token": asked["token"], "challenge_answer": str(a + b + 1)}
    assert not PublicFormGuard(_request(post=wrong), SCOPE).challenge_passed()
    right = {"challenge_token": asked["token"], "challenge_answer": str(a + b)}
    assert not PublicFormGuard(_request(post=right), SCOPE).challenge_passed()


# --- the deploy check ------------------------------------------------------------------------


def test_the_deploy_check_refuses_a_per_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [error.id for error in check_shared_cache()] == ["kunqu_jiafu.E101"]
    with pytest.raises(SystemCheckError, match="kunqu_jiafu.E101"):
        call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "caches")


def test_the_deploy_check_accepts_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
        }
    }
    assert check_shared_cache() == []
    assert ratelimit.PER_PROCESS_CACHES  # the list the check refuses


def test_a_wrong_answer_counts_against_the_address(settings):
    _limits(settings, challenge_after=0, per_address=2)
    for _ in range(2):
        post = {"challenge_token": "0" * 32, "challenge_answer": "1"}
        assert not PublicFormGuard(_request(post=post), SCOPE).challenge_passed()
    assert PublicFormGuard(_request(), SCOPE).wait() is not None
