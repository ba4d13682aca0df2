"""The agency portal's voucher list and voucher page (/portal/vouchers/, /portal/vouchers/<pk>/):
only vouchers whose holders chose the agency, holders' IDs masked, constant queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.vouchers import core_builders as b
from vouchers.models import Voucher
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.redemption import voucher_redeem
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import followup_record, voucher_verify

pytestmark = pytest.mark.django_db

LIST = "/portal/vouchers/"


@pytest.fixture
def batch(reviewer, org_a, org_b):
    the_batch = b.batch(count=100)
    b.join(the_batch, org_a, reviewer)
    b.join(the_batch, org_b, reviewer)
    return the_batch


def chosen(batch, reviewer, agency, **kwargs) -> Voucher:
    voucher = b.issued(batch, reviewer, **kwargs)
    return voucher_choose_agency(voucher=voucher, agency=agency)


def test_the_urls_and_the_tab():
    assert reverse("vouchers:list") == LIST
    assert reverse("vouchers:redeem") == "/portal/vouchers/redeem/"
    assert reverse("vouchers:detail", args=[5]) == "/portal/vouchers/5/"
    assert reverse("vouchers:settlements") == "/portal/vouchers/settlements/"


def test_the_list_shows_only_the_agencys_own_vouchers_with_masked_ids(
    client_for, batch, reviewer, org_a, org_b, agency_a
):
    mine = chosen(batch, reviewer, org_a, name="王秀英")
    theirs = chosen(batch, reviewer, org_b, name="赵二丫")
    not_chosen = b.issued(batch, reviewer, name="钱不选")
    response = client_for(agency_a).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert [v.pk for v, _id in response.context["rows"]] == [mine.pk]
    assert mine.display_code in html and "王秀英" in html
    assert theirs.display_code not in html and "赵二丫" not in html
    assert not_chosen.display_code not in html
    assert mine.person.id_masked in html and mine.person.id_number not in html
    application = mine.application
    assert application.phone in html and application.address in html
    assert application.street.name in html
    assert 'href="/portal/vouchers/"' in html and 'aria-current="page"' in html


def test_another_agencys_voucher_page_is_not_found(client_for, batch, reviewer, org_b, agency_a):
    theirs = chosen(batch, reviewer, org_b)
    assert client_for(agency_a).get(f"/portal/vouchers/{theirs.pk}/").status_code == 404
    unchosen = b.issued(batch, reviewer)
    assert client_for(agency_a).get(f"/portal/vouchers/{unchosen.pk}/").status_code == 404


def test_the_figures_count_waiting_redeemed_verified_reimbursed_and_the_amount(
    client_for, batch, reviewer, approver, org_a, org_b, agency_a, agency_b
):
    worker = factories.make_worker(org_a)
    chosen(batch, reviewer, org_a)  # waiting
    redeemed = b.issued(batch, reviewer)
    b.redeem(redeemed, agency_a, worker)
    for _ in range(2):
        paid = b.issued(batch, reviewer)
        b.redeem(paid, agency_a, worker)
        voucher_verify(actor=reviewer, voucher=paid, passed=True)
    settlement = settlement_create(
        actor=reviewer, batch=batch, agency=org_a, month=timezone.localdate()
    )
    settlement_mark_paid(actor=approver, settlement=settlement, paid_on=timezone.localdate())
    verified = b.issued(batch, reviewer)
    b.redeem(verified, agency_a, worker)
    voucher_verify(actor=reviewer, voucher=verified, passed=True)
    # Agency B's vouchers count for B only.
    chosen(batch, reviewer, org_b)

    figures = client_for(agency_a).get(LIST).context["figures"]
    assert figures == {
        "waiting": 1,
        "redeemed": 1,
        "verified": 1,
        "reimbursed": 2,
        "reimbursed_amount": Decimal("400.00"),
    }
    assert client_for(agency_b).get(LIST).context["figures"]["waiting"] == 1


def test_filter_by_status_and_search_by_code_or_holder_name(
    client_for, batch, reviewer, org_a, agency_a
):
    worker = factories.make_worker(org_a)
    waiting = chosen(batch, reviewer, org_a, name="孙悟空")
    used = b.issued(batch, reviewer, name="猪八戒")
    b.redeem(used, agency_a, worker)
    client = client_for(agency_a)

    def listed(query: str) -> set[int]:
        return {v.pk for v, _id in client.get(LIST + query).context["rows"]}

    assert listed("?status=issued") == {waiting.pk}
    assert listed("?status=redeemed") == {used.pk}
    assert listed("?q=悟空") == {waiting.pk}
    assert listed("?q=" + used.display_code.lower()) == {used.pk}
    assert listed("?q=" + used.code[:6]) == {used.pk}
    assert listed("?q=nobody") == set()
    assert listed("?status=bogus") == {waiting.pk, used.pk}  # an unknown status is ignored


def test_the_voucher_page_shows_the_service_follow_up_check_and_settlement(
    client_for, batch, reviewer, org_a, agency_a
):
    worker = factories.make_worker(org_a)
    voucher = b.issued(batch, reviewer)
    b.redeem(voucher, agency_a, worker)
    followup_record(
        actor=reviewer,
        voucher=voucher,
        called_on=timezone.localdate(),
        reached=True,
        satisfaction=4,
        remarks="阿姨很细心",
    )
    voucher_verify(actor=reviewer, voucher=voucher, passed=True, note="抽查无误")
    settlement = settlement_create(
        actor=reviewer, batch=batch, agency=org_a, month=timezone.localdate()
    )
    response = client_for(agency_a).get(f"/portal/vouchers/{voucher.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert voucher.person.id_masked in html and voucher.person.id_number not in html
    assert worker.person.name in html
    assert "阿姨很细心" in html and 'data-satisfaction="4"' in html
    assert "抽查无误" in html
    assert settlement.number in html


def test_staff_go_to_the_admin_and_visitors_to_sign_in(client_for, reviewer, official, client):
    for user in (reviewer, official):
        response = client_for(user).get(LIST)
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _vouchers_for_list(batch, reviewer, org_a, agency_a, worker, n: int) -> None:
    """n vouchers of agency A at the various steps (about a third used)."""
    for i in range(n):
        voucher = chosen(batch, reviewer, org_a)
        if i % 3 == 0:
            voucher_redeem(
                actor=agency_a,
                code=voucher.code,
                service_date=timezone.localdate(),
                kind=b.kind(),
                worker=worker,
                hours=Decimal("1.5"),
            )


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries)


def test_the_list_issues_the_same_number_of_queries_at_10_and_at_60_vouchers(
    client_for, batch, reviewer, org_a, agency_a
):
    worker = factories.make_worker(org_a)
    client = client_for(agency_a)
    _vouchers_for_list(batch, reviewer, org_a, agency_a, worker, 10)
    assert len(client.get(LIST).context["rows"]) == 10
    at_10 = _list_queries(client)
    _vouchers_for_list(batch, reviewer, org_a, agency_a, worker, 50)
    response = client.get(LIST)
    assert response.context["page"].paginator.count == 60
    assert len(response.context["rows"]) == 20  # a full page
    at_60 = _list_queries(client)
    assert at_10 == at_60
