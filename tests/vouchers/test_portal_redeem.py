"""Redeeming a voucher in the agency portal (/portal/vouchers/redeem/): the check character is
tested on the form before any lookup, every refusal of the service shows next to its field, and a
resubmitted form (same idempotency key) shows the first result instead of failing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from tests import factories
from tests.vouchers import core_builders as b
from vouchers import codes
from vouchers.models import Service, Voucher
from vouchers.services.choice import voucher_choose_agency

pytestmark = pytest.mark.django_db

URL = "/portal/vouchers/redeem/"


@pytest.fixture
def batch(reviewer, org_a, org_b):
    the_batch = b.batch(count=10)
    b.join(the_batch, org_a, reviewer)
    b.join(the_batch, org_b, reviewer)
    return the_batch


@pytest.fixture
def worker(org_a):
    return factories.make_worker(org_a)


@pytest.fixture
def voucher(batch, reviewer, org_a) -> Voucher:
    return voucher_choose_agency(voucher=b.issued(batch, reviewer), agency=org_a)


def form_data(code: str, worker, **overrides) -> dict:
    data = {
        "code": code,
        "service_date": f"{timezone.localdate():%Y-%m-%d}",
        "kind": b.kind().pk,
        "worker": worker.pk,
        "hours": "2.5",
        "note": "擦窗、整理厨房",
        "idempotency_key": "key-" + code,
    }
    data.update(overrides)
    return data


def mistype(code: str) -> str:
    """The code with one character changed (the check character catches it)."""
    first = codes.ALPHABET[(codes.ALPHABET.index(code[0]) + 1) % codes.MODULUS]
    return first + code[1:]


def test_the_page_prefills_the_code_from_the_qr_link_and_offers_own_workers(
    client_for, agency_a, voucher, worker, org_a, org_b
):
    other = factories.make_worker(org_b)
    gone = factories.make_worker(org_a, left_on=timezone.localdate() - dt.timedelta(days=3))
    response = client_for(agency_a).get(f"{URL}?code={voucher.code.lower()}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["code"].value() == voucher.display_code
    assert form["service_date"].value() == timezone.localdate()
    offered = {w.pk for w in form.fields["worker"].queryset}
    assert offered == {worker.pk}
    assert other.pk not in offered and gone.pk not in offered
    html = response.content.decode()
    assert worker.person.name in html and "可上岗" in html
    assert form["idempotency_key"].value()
    # The agency's own formats come first in the kind list.
    first_kind = next(iter(form.fields["kind"].queryset))
    assert first_kind in set(org_a.formats.all())
    assert form["kind"].value() in {f.pk for f in org_a.formats.all()}


def test_each_page_load_gets_its_own_idempotency_key(client_for, agency_a):
    client = client_for(agency_a)
    first = client.get(URL).context["form"]["idempotency_key"].value()
    second = client.get(URL).context["form"]["idempotency_key"].value()
    assert first and second and first != second


def test_a_redemption_goes_to_the_voucher_page_with_a_message(
    client_for, agency_a, voucher, worker
):
    response = client_for(agency_a).post(URL, form_data(voucher.display_code, worker), follow=True)
    assert response.redirect_chain[-1][0] == f"/portal/vouchers/{voucher.pk}/"
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.REDEEMED
    service = Service.objects.get(voucher=voucher)
    assert service.hours == 2.5 and service.worker == worker and service.redeemed_by == agency_a
    messages = [m for m in response.context["messages"]]
    assert [m.level_tag for m in messages] == ["success"]
    assert voucher.display_code in str(messages[0])


def test_a_mistyped_code_is_caught_on_the_form_before_any_lookup(
    client_for, agency_a, voucher, worker
):
    client = client_for(agency_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, form_data(mistype(voucher.code), worker))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        gettext(
            "This voucher code is mistyped (its check character does not match). "
            "Please compare it with the voucher character by character."
        )
    ]
    assert not any('"vouchers_voucher"' in q["sql"] for q in queries.captured_queries)
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ISSUED


def test_an_unknown_code_says_so_on_the_code_field(client_for, agency_a, voucher, worker):
    unknown = codes.generate()
    response = client_for(agency_a).post(URL, form_data(unknown, worker))
    assert response.context["form"].errors["code"] == [
        gettext("No voucher has this code. Please check it against the voucher.")
    ]


def test_another_agencys_voucher_is_refused(client_for, agency_b, voucher, org_b):
    worker_b = factories.make_worker(org_b)
    response = client_for(agency_b).post(URL, form_data(voucher.code, worker_b))
    assert response.context["form"].errors["code"] == [
        gettext("The holder chose another agency; only that agency may redeem it.")
    ]
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ISSUED


def test_an_expired_voucher_is_refused(client_for, agency_a, voucher, worker):
    expired = timezone.localdate() - dt.timedelta(days=1)
    Voucher.objects.filter(pk=voucher.pk).update(valid_until=expired)
    response = client_for(agency_a).post(URL, form_data(voucher.code, worker))
    assert response.context["form"].errors["code"] == [
        gettext("The voucher expired on %(date)s and can no longer be redeemed.")
        % {"date": date_format(expired)}
    ]


def test_a_second_redemption_names_the_date_and_who(client_for, agency_a, voucher, worker, org_a):
    client_for(agency_a).post(URL, form_data(voucher.code, worker))
    service = Service.objects.get(voucher=voucher)
    colleague = factories.make_agency_user("agency_a2", org_a)
    response = client_for(colleague).post(
        URL, form_data(voucher.code, worker, idempotency_key="another-key")
    )
    assert response.status_code == 200
    message = response.context["form"].errors["code"][0]
    when = date_format(timezone.localtime(service.redeemed_at), "Y-m-d H:i")
    assert message == gettext(
        "This voucher was already redeemed on %(when)s by %(agency)s (%(user)s). "
        "A voucher is redeemed only once."
    ) % {"when": when, "agency": org_a.name, "user": "agency_a"}
    assert message in response.content.decode()
    assert Service.objects.filter(voucher=voucher).count() == 1


def test_a_resubmitted_form_shows_the_same_result(client_for, agency_a, voucher, worker):
    client = client_for(agency_a)
    data = form_data(voucher.code, worker, idempotency_key="double-click")
    first = client.post(URL, data, follow=True)
    again = client.post(URL, data, follow=True)
    assert first.redirect_chain[0][0] == f"/portal/vouchers/{voucher.pk}/"
    assert again.redirect_chain[0][0] == f"/portal/vouchers/{voucher.pk}/"
    assert Service.objects.filter(voucher=voucher).count() == 1
    assert [m.level_tag for m in again.context["messages"]] == ["info"]


def test_a_future_service_date_shows_on_its_field(client_for, agency_a, voucher, worker):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(agency_a).post(
        URL, form_data(voucher.code, worker, service_date=f"{tomorrow:%Y-%m-%d}")
    )
    assert response.context["form"].errors["service_date"] == [
        gettext("The service date cannot be in the future.")
    ]


def test_hours_out_of_range_and_another_agencys_worker_show_on_their_fields(
    client_for, agency_a, voucher, org_b
):
    stranger = factories.make_worker(org_b)
    response = client_for(agency_a).post(URL, form_data(voucher.code, stranger, hours="30"))
    assert set(response.context["form"].errors) == {"worker", "hours"}
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ISSUED


def test_after_an_error_the_form_carries_a_new_idempotency_key(
    client_for, agency_a, voucher, worker
):
    data = form_data(voucher.code, worker, hours="99", idempotency_key="first-try")
    response = client_for(agency_a).post(URL, data)
    assert response.context["form"]["idempotency_key"].value() not in ("", "first-try")


def test_staff_and_visitors_cannot_redeem(client_for, reviewer, client, voucher, worker):
    for who in (client_for(reviewer), client):
        response = who.post(URL, form_data(voucher.code, worker))
        assert response.status_code == 302
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ISSUED


def test_the_page_shows_whose_voucher_the_code_is_only_for_own_vouchers(
    client_for, agency_a, agency_b, voucher
):
    mine = client_for(agency_a).get(f"{URL}?code={voucher.code}")
    assert mine.context["match"] == voucher
    html = mine.content.decode()
    assert 'data-testid="matched-voucher"' in html
    assert voucher.person.name in html and voucher.person.id_masked in html
    assert voucher.application.address in html
    theirs = client_for(agency_b).get(f"{URL}?code={voucher.code}")
    assert theirs.context["match"] is None
    assert voucher.person.name not in theirs.content.decode()
    assert voucher.application.address not in theirs.content.decode()
