"""Only green workers serve households (issue 9): "the worker named on a service must have green
status" (DOMAIN.md, vouchers). A yellow or red worker is refused on the portal redeem form and the
API, under the worker field, with the status reasons in Chinese; the voucher stays unredeemed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kunqu_jiafu.people.services import person_flag_identity
from tests import factories
from tests.vouchers import core_builders as b
from tests.vouchers.test_api_common import chosen, kind, post
from vouchers.models import Service, Voucher
from vouchers.services.redemption import voucher_redeem, worker_not_green

pytestmark = pytest.mark.django_db

PORTAL = "/portal/vouchers/redeem/"
API = "/api/vouchers/redeem/"


def _today() -> dt.date:
    return timezone.localdate()


def _form(voucher, worker) -> dict:
    return {
        "code": voucher.code,
        "service_date": f"{_today():%Y-%m-%d}",
        "kind": b.kind().pk,
        "worker": worker.pk,
        "hours": "2",
        "idempotency_key": "green-" + voucher.code,
    }


def test_a_worker_whose_health_check_expired_is_refused_on_the_portal_with_the_reason(
    reviewer, org_a, agency_a, client_for
):
    voucher = chosen(reviewer, org_a)
    stale = factories.make_worker(org_a, health_check_on=_today() - dt.timedelta(days=400))
    response = client_for(agency_a).post(PORTAL, _form(voucher, stale))
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["worker"])
    assert "体检已过期" in message and "待补正" in message
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.ISSUED
    assert not Service.objects.exists()


def test_a_worker_without_accident_insurance_is_refused_by_the_api_with_the_reason(
    reviewer, org_a, agency_a, client_for
):
    voucher = chosen(reviewer, org_a)
    uninsured = factories.make_worker(org_a, accident_insurance_until=None)
    body = {
        "code": voucher.display_code,
        "service_date": _today().isoformat(),
        "kind": kind().pk,
        "worker": uninsured.pk,
        "hours": "2.5",
    }
    response = post(client_for(agency_a), API, body)
    assert response.status_code == 400, response.content
    assert "无意外伤害保险" in str(response.json())
    assert not Service.objects.exists()


def test_a_red_worker_with_an_identity_problem_is_refused_by_the_service(reviewer, org_a, agency_a):
    voucher = chosen(reviewer, org_a)
    worker = factories.make_worker(org_a)
    person_flag_identity(actor=reviewer, person=worker.person, problem="证件与本人不符")
    with pytest.raises(ValidationError) as refused:
        voucher_redeem(
            actor=agency_a,
            code=voucher.code,
            service_date=_today(),
            kind=b.kind(),
            worker=worker,
            hours=2,
        )
    assert "身份存疑" in str(refused.value) and "不可上岗" in str(refused.value)


def test_health_check_valid_on_its_last_day_is_green_and_one_day_later_is_not(
    reviewer, org_a, agency_a
):
    """Just inside and just outside the 12-month window (on the service date)."""
    from agencies.rules import add_months

    today = _today()
    inside = factories.make_worker(org_a, health_check_on=add_months(today, -12))
    outside = factories.make_worker(
        org_a, health_check_on=add_months(today, -12) - dt.timedelta(days=1)
    )
    assert worker_not_green(inside, today) == ""
    assert "体检已过期" in worker_not_green(outside, today)
    voucher = chosen(reviewer, org_a)
    service, _replayed = voucher_redeem(
        actor=agency_a, code=voucher.code, service_date=today, kind=b.kind(), worker=inside, hours=2
    )
    assert service.worker == inside
