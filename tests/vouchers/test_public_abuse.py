"""Issue 11: floods of public voucher applications and look-ups are cut off at the limits of
settings.PUBLIC_FORM_LIMITS, counted per client address and per ID number in the shared cache;
after a few attempts from one address a small sum is asked, and a wrong or replayed answer is
refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.vouchers import core_builders as b
from tests.vouchers.test_public_apply import URL, post_data
from vouchers.models import Application

pytestmark = pytest.mark.django_db

STATUS = "/vouchers/status/"


@pytest.fixture
def batch():
    return b.batch(count=100)


def _limits(settings, scope: str, **overrides) -> None:
    limits = {name: dict(rule) for name, rule in settings.PUBLIC_FORM_LIMITS.items()}
    limits[scope] |= overrides
    settings.PUBLIC_FORM_LIMITS = limits


def _answer(response) -> dict:
    html = response.content.decode()
    token = re.search(r'name="challenge_token" value="([0-9a-f]{32})"', html).group(1)
    question = re.search(r'<label for="id_challenge_answer">([^<]*)<', html).group(1)
    a, b_ = (int(n) for n in re.findall(r"\d+", question))
    return {"challenge_token": token, "challenge_answer": str(a + b_)}


def test_fifty_quick_applications_from_one_address_are_cut_off_at_the_limit(batch, settings):
    _limits(settings, "vouchers.apply", per_address=10, challenge_after=1000)
    client = Client(REMOTE_ADDR="198.51.100.40")
    codes = [client.post(URL, post_data(id_number=b.household_id())).status_code for _ in range(50)]
    assert codes == [302] * 10 + [429] * 40
    assert Application.objects.count() == 10
    refused = client.post(URL, post_data(id_number=b.household_id()))
    assert "请于" in refused.content.decode() and int(refused["Retry-After"]) > 0
    other = Client(REMOTE_ADDR="198.51.100.41").post(URL, post_data(id_number=b.household_id()))
    assert other.status_code == 302


def test_the_id_number_limit_holds_across_addresses(batch, settings):
    _limits(settings, "vouchers.apply", per_id=3, challenge_after=1000)
    number = b.household_id()
    codes = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(URL, post_data(id_number=number)).status_code
        for n in range(50, 55)
    ]
    # The first is taken, the next two are refused as the household's second application,
    # then the ID number's limit answers before anything is looked up.
    assert codes == [302, 200, 200, 429, 429]
    assert Application.objects.count() == 1


def test_after_a_few_applications_a_sum_is_asked_and_a_replay_is_refused(batch, settings):
    _limits(settings, "vouchers.apply", challenge_after=2)
    client = Client()
    for _ in range(2):
        assert client.post(URL, post_data(id_number=b.household_id())).status_code == 302
    without = client.post(URL, post_data(id_number=b.household_id()))
    assert without.status_code == 200 and "验证题的答案不正确" in without.content.decode()
    answer = _answer(without)
    taken = client.post(URL, post_data(id_number=b.household_id()) | answer)
    assert taken.status_code == 302
    replayed = client.post(URL, post_data(id_number=b.household_id()) | answer)
    assert replayed.status_code == 200
    assert Application.objects.count() == 3


def test_after_a_few_failed_look_ups_a_sum_is_asked(batch, settings):
    _limits(settings, "vouchers.lookup", challenge_after=2)
    client = Client()
    for _ in range(2):
        response = client.post(STATUS, {"number": "JQ2026-99999", "id_number": b.household_id()})
        assert response.status_code == 200
    page = client.get(STATUS)
    assert 'name="challenge_answer"' in page.content.decode()
    wrong = _answer(page)
    wrong["challenge_answer"] = str(int(wrong["challenge_answer"]) + 1)
    refused = client.post(STATUS, {"number": "JQ2026-99999", "id_number": b.household_id()} | wrong)
    assert "验证题的答案不正确" in refused.content.decode()
    # Another address is not asked.
    other = Client(REMOTE_ADDR="198.51.100.60").get(STATUS)
    assert 'name="challenge_answer"' not in other.content.decode()
