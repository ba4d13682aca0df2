"""/verify/: a document's verification code confirms its number, agency, amount and date,
and nothing else; a wrong code says only that it is not found; failures are rate-limited.

Issue 9: "Every notice, voucher and settlement PDF carries a verification code; a public page
(`/verify/`) confirms number, agency, amount and date for a genuine code and says nothing
else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from kunqu_jiafu.documents import verification as v
from kunqu_jiafu.documents.views import VERIFY_FAILURE_LIMIT

AGENCY = "包头市昆区安心家政服务有限公司"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def genuine(db):
    # Any model can be the subject; a user stands in for an issued document here.
    subject = get_user_model().objects.create_user("subject-of-a-document")
    return v.verification_for(
        subject,
        kind="审批通知书",
        number="昆人社家补〔2026〕0007号",
        agency=AGENCY,
        amount=Decimal("3000.05"),
        issued_on=dt.date(2026, 11, 29),
    )


def test_codes_are_random_80_bit_and_read_back_forgivingly():
    codes = {v.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 16 and set(c) <= set(v.ALPHABET) for c in codes)
    code = "0123456789ABCDEF"
    assert v.format_code(code) == "0123-4567-89AB-CDEF"
    assert v.normalise_code(" o123-4567 89ab-cdef ") == code  # O read as 0, case, spaces
    assert v.normalise_code("I1L1" * 4) == "1111" * 4
    assert v.normalise_code("0123-4567-89AB-CDE") is None  # one short
    assert v.normalise_code("0123-4567-89AB-CDEFG") is None  # one long
    assert v.normalise_code("0123-4567-89AB-CDEU") is None  # U is not in the alphabet
    assert v.normalise_code("") is None


def test_rendering_again_keeps_the_code_and_refreshes_the_facts(genuine):
    again = v.verification_for(
        genuine.subject,
        kind="审批通知书",
        number=genuine.number,
        agency=AGENCY,
        amount=Decimal("3000.05"),
        issued_on=dt.date(2026, 11, 29),
    )
    assert again.pk == genuine.pk and again.code == genuine.code


def test_a_genuine_code_shows_number_agency_amount_and_date(client, genuine):
    response = client.get("/verify/", {"code": v.format_code(genuine.code).lower()})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="verify-found"' in page
    for shown in ("审批通知书", "昆人社家补〔2026〕0007号", AGENCY, "3,000.05", "2026-11-29"):
        assert shown in page, shown
    assert "subject-of-a-document" not in page  # nothing of the subject beyond the facts
    assert response["X-Robots-Tag"] == "noindex"


def test_a_wrong_code_says_only_that_it_is_not_found(client, genuine):
    wrong = ("0" if genuine.code[0] != "0" else "1") + genuine.code[1:]

    page = client.get("/verify/", {"code": wrong}).content.decode()

    assert 'data-testid="verify-not-found"' in page
    assert 'data-testid="verify-found"' not in page
    assert genuine.number not in page and AGENCY not in page


def test_the_empty_form_shows_no_result(client, db):
    page = client.get("/verify/").content.decode()
    assert 'data-testid="verify-form"' in page
    assert "verify-not-found" not in page and "verify-found" not in page


def test_after_the_limit_of_failures_even_a_genuine_code_is_refused_for_a_while(client, genuine):
    for _ in range(VERIFY_FAILURE_LIMIT - 1):
        client.get("/verify/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    # Just inside the limit: a genuine code still answers.
    assert client.get("/verify/", {"code": genuine.code}).status_code == 200
    client.get("/verify/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})  # the limit reached

    response = client.get("/verify/", {"code": genuine.code})

    assert response.status_code == 429
    page = response.content.decode()
    assert 'data-testid="verify-blocked"' in page
    assert genuine.number not in page
    # Another address is not blocked.
    other = client.get("/verify/", {"code": genuine.code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_a_successful_check_does_not_count_towards_the_limit(client, genuine):
    for _ in range(VERIFY_FAILURE_LIMIT + 5):
        assert client.get("/verify/", {"code": genuine.code}).status_code == 200


def test_behind_the_trusted_proxy_one_residents_failures_do_not_block_another(
    client, genuine, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(VERIFY_FAILURE_LIMIT):
        client.get(
            "/verify/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}, HTTP_X_FORWARDED_FOR="1.2.3.4", **proxy
        )
    blocked = client.get(
        "/verify/", {"code": genuine.code}, HTTP_X_FORWARDED_FOR="1.2.3.4", **proxy
    )
    assert blocked.status_code == 429
    other = client.get("/verify/", {"code": genuine.code}, HTTP_X_FORWARDED_FOR="5.6.7.8", **proxy)
    assert other.status_code == 200
