"""Issue 11: a flood of public sign-ups is cut off at the limits of settings.PUBLIC_FORM_LIMITS
(per client address, per ID number across addresses), with a Chinese 429 page saying when to
try again; after a few sign-ups from one address a small sum is asked, and a wrong or replayed
answer is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from tests.training.test_signup_public import URL, signup_post
from training.models import TrainingSignup

pytestmark = pytest.mark.django_db


def _limits(settings, **overrides) -> None:
    limits = {scope: dict(rule) for scope, rule in settings.PUBLIC_FORM_LIMITS.items()}
    limits["training.signup"] |= overrides
    settings.PUBLIC_FORM_LIMITS = limits


def _answer(response) -> dict:
    html = response.content.decode()
    token = re.search(r'name="challenge_token" value="([0-9a-f]{32})"', html).group(1)
    question = re.search(r'<label for="id_challenge_answer">([^<]*)<', html).group(1)
    a, b = (int(n) for n in re.findall(r"\d+", question))
    return {"challenge_token": token, "challenge_answer": str(a + b)}


def test_fifty_quick_sign_ups_from_one_address_are_cut_off_at_the_limit(settings):
    _limits(settings, per_address=20, challenge_after=1000)
    client = Client(REMOTE_ADDR="198.51.100.20")
    codes = [client.post(URL, signup_post()).status_code for _ in range(50)]
    assert codes == [302] * 20 + [429] * 30
    assert TrainingSignup.objects.count() == 20
    refused = client.post(URL, signup_post())
    html = refused.content.decode()
    assert "请于" in html and "分钟后" in html and 'class="error-summary"' in html
    assert int(refused["Retry-After"]) > 0
    # Another address is not held back.
    assert Client(REMOTE_ADDR="198.51.100.21").post(URL, signup_post()).status_code == 302


def test_a_forged_forwarded_header_does_not_escape_the_limit(settings):
    _limits(settings, per_address=3, challenge_after=1000)
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="198.51.100.22")
    codes = [
        client.post(URL, signup_post(), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]


def test_behind_the_trusted_proxy_residents_are_counted_by_their_own_address(settings):
    _limits(settings, per_address=2, challenge_after=1000)
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for resident in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        for _ in range(2):
            response = proxy.post(URL, signup_post(), HTTP_X_FORWARDED_FOR=resident)
            assert response.status_code == 302
    third = proxy.post(URL, signup_post(), HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert third.status_code == 429


def test_the_id_number_limit_holds_across_addresses(settings):
    _limits(settings, per_id=3, challenge_after=1000)
    number = factories.id_number()
    codes = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(URL, signup_post(id_number=number)).status_code
        for n in range(30, 36)
    ]
    assert codes == [302] * 3 + [429] * 3


def test_after_a_few_sign_ups_a_sum_is_asked_and_answered(settings):
    _limits(settings, challenge_after=2)
    client = Client()
    for _ in range(2):
        assert client.post(URL, signup_post()).status_code == 302
    page = client.get(URL)
    assert (
        "等于多少" in page.content.decode() and 'name="challenge_answer"' in page.content.decode()
    )
    without = client.post(URL, signup_post())
    assert without.status_code == 200 and "验证题的答案不正确" in without.content.decode()
    assert TrainingSignup.objects.count() == 2
    answered = client.post(URL, signup_post() | _answer(without))
    assert answered.status_code == 302
    assert TrainingSignup.objects.count() == 3


def test_a_wrong_or_replayed_answer_is_refused(settings):
    _limits(settings, challenge_after=1)
    client = Client()
    assert client.post(URL, signup_post()).status_code == 302
    right = _answer(client.get(URL))
    wrong = right | {"challenge_answer": str(int(right["challenge_answer"]) + 1)}
    assert client.post(URL, signup_post() | wrong).status_code == 200
    # The question was used up by the wrong answer: its right answer no longer passes.
    assert client.post(URL, signup_post() | right).status_code == 200
    fresh = _answer(client.get(URL))
    assert client.post(URL, signup_post() | fresh).status_code == 302
    assert client.post(URL, signup_post() | fresh).status_code == 200  # replayed
    assert TrainingSignup.objects.count() == 2
