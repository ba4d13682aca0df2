"""Builders shared by the voucher API tests (imported by the other test_api_* modules), and the
checks that hold for every voucher endpoint: no anonymous access, every URL is routed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import BusinessFormat, Street
from tests import factories
from vouchers.models import Application, Service, Settlement, TargetGroup, Voucher, VoucherBatch
from vouchers.services.applications import application_create, application_decide
from vouchers.services.batches import participation_set
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import voucher_issue
from vouchers.services.redemption import voucher_redeem
from vouchers.services.settlement import settlement_create
from vouchers.services.verification import voucher_verify

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def png(name: str = "card.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def batch() -> VoucherBatch:
    return VoucherBatch.objects.get(year=2026, name="促进就业券")


def small_batch(count: int = 1, name: str = "小批次") -> VoucherBatch:
    """A batch with room for ``count`` vouchers of 200 yuan."""
    today = timezone.localdate()
    return VoucherBatch.objects.create(
        year=today.year,
        name=name,
        count=count,
        face_value=Decimal("200.00"),
        total=Decimal("200.00") * count,
        applications_open_on=today - dt.timedelta(days=30),
        applications_close_on=today + dt.timedelta(days=30),
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=200),
        status=VoucherBatch.Status.OPEN,
    )


def group(code: str = "unemployed") -> TargetGroup:
    return TargetGroup.objects.get(code=code)


def street(index: int = 0) -> Street:
    return Street.objects.order_by("code")[index]


def kind() -> BusinessFormat:
    return BusinessFormat.objects.get(code="housekeeping")


def join(reviewer, agency, the_batch: VoucherBatch | None = None) -> None:
    participation_set(actor=reviewer, batch=the_batch or batch(), agency=agency)


def application(
    reviewer, *, the_batch=None, name="李桂兰", number=None, group_code="unemployed", street_at=0
) -> Application:
    return application_create(
        actor=reviewer,
        batch=the_batch or batch(),
        id_number=number or factories.id_number(),
        name=name,
        phone="13800000000",
        address="昆区钢铁大街1号",
        street=street(street_at),
        target_group=group(group_code),
    )


def approved(reviewer, **kwargs) -> Application:
    app = application(reviewer, **kwargs)
    return application_decide(actor=reviewer, application=app, approve=True)


def issued(reviewer, **kwargs) -> Voucher:
    return voucher_issue(actor=reviewer, application=approved(reviewer, **kwargs))


def chosen(reviewer, agency, **kwargs) -> Voucher:
    """An issued voucher whose holder chose ``agency`` (taken into the programme first)."""
    join(reviewer, agency, kwargs.get("the_batch"))
    voucher = issued(reviewer, **kwargs)
    return voucher_choose_agency(voucher=voucher, agency=agency)


def redeemed(reviewer, agency_user, agency, *, worker=None, **kwargs) -> tuple[Voucher, Service]:
    voucher = chosen(reviewer, agency, **kwargs)
    service, _replayed = voucher_redeem(
        actor=agency_user,
        code=voucher.code,
        service_date=timezone.localdate(),
        kind=kind(),
        worker=worker or factories.make_worker(agency),
        hours=Decimal("2"),
    )
    voucher.refresh_from_db()
    return voucher, service


def verified(reviewer, agency_user, agency, **kwargs) -> Voucher:
    voucher, _service = redeemed(reviewer, agency_user, agency, **kwargs)
    return voucher_verify(actor=reviewer, voucher=voucher, passed=True)


def settlement(reviewer, agency_user, agency, **kwargs) -> Settlement:
    verified(reviewer, agency_user, agency, **kwargs)
    return settlement_create(
        actor=reviewer, batch=batch(), agency=agency, month=timezone.localdate()
    )


def post(client, url: str, data: dict | None = None, **headers):
    return client.post(url, data or {}, content_type="application/json", headers=headers)


# --- checks for every endpoint -----------------------------------------------------------------

READ_URLS = [
    "/api/target-groups/",
    "/api/voucher-batches/",
    "/api/voucher-applications/",
    "/api/vouchers/",
    "/api/vouchers/progress/",
    "/api/voucher-settlements/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", READ_URLS)
def test_anonymous_is_refused_every_list(url, client_for):
    assert client_for(None).get(url).status_code in (401, 403)


@pytest.mark.django_db
def test_anonymous_cannot_redeem(client_for):
    response = post(client_for(None), "/api/vouchers/redeem/", {"code": "X"})
    assert response.status_code in (401, 403)
    assert not Service.objects.exists()


def test_a_token_signs_the_api_in(org_a, agency_a, reviewer, client_for):
    from kunqu_jiafu.tokens.services import token_issue

    voucher = chosen(reviewer, org_a)
    token = token_issue(agency_a).plain
    client = client_for(None)
    rows = client.get("/api/vouchers/", headers={"Authorization": f"Token {token}"}).json()
    assert [r["id"] for r in rows["results"]] == [voucher.pk]
