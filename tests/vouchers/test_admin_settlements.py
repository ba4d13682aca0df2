"""Settlement statements in the staff admin: drawing them up per agency (one or all), their
vouchers and totals, PDF and XLSX, recording the payment (four eyes), officials read only."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kunqu_jiafu.accounts.roles import APPROVER
from tests import factories
from tests.vouchers import core_builders as vb
from vouchers import selectors
from vouchers.models import Settlement, Voucher
from vouchers.services.settlement import settlement_create
from vouchers.services.verification import voucher_verify

TODAY = timezone.localdate()
MONTH = f"{TODAY:%Y-%m}"
DRAW = "admin:vouchers_settlement_draw"


@pytest.fixture
def verified(org_a, org_b, agency_a, agency_b, reviewer):
    """Two agencies in the programme: org_a with three verified vouchers, org_b with one."""
    batch = vb.batch(count=10)
    for org in (org_a, org_b):
        vb.join(batch, org, reviewer)
    workers = {org_a: factories.make_worker(org_a), org_b: factories.make_worker(org_b)}
    users = {org_a: agency_a, org_b: agency_b}
    for org, n in ((org_a, 3), (org_b, 1)):
        for _i in range(n):
            voucher = vb.issued(batch, reviewer)
            vb.redeem(voucher, users[org], workers[org])
            voucher_verify(actor=reviewer, voucher=voucher, passed=True)
    return batch


def draw(client, batch, agency="all"):
    return client.post(
        reverse(DRAW), {"batch": batch.pk, "month": MONTH, "agency": agency}, follow=True
    )


def test_draw_page_shows_what_each_agency_would_be_paid(
    verified, org_a, org_b, reviewer, client_for
):
    response = client_for(reviewer).get(reverse(DRAW), {"batch": verified.pk, "month": MONTH})
    assert response.status_code == 200
    rows = {r["agency_id"]: (r["vouchers"], r["amount"]) for r in response.context["rows"]}
    expected = {
        c["agency_id"]: (c["vouchers"], c["amount"])
        for c in selectors.settlement_candidates(verified, TODAY.replace(day=1))
    }
    assert rows == expected
    assert rows[org_a.pk][0] == 3 and rows[org_b.pk][0] == 1
    assert response.context["totals"]["vouchers"] == 4


def test_draw_up_for_one_agency_then_for_all(verified, org_a, org_b, reviewer, client_for):
    client = client_for(reviewer)
    draw(client, verified, agency=str(org_a.pk))
    first = Settlement.objects.get()
    assert first.agency == org_a and first.voucher_count == 3 and first.created_by == reviewer
    assert first.amount == sum(v.face_value for v in Voucher.objects.filter(settlement=first))
    response = draw(client, verified)
    assert set(Settlement.objects.values_list("agency_id", flat=True)) == {org_a.pk, org_b.pk}
    messages = [str(m) for m in response.context["messages"]]
    assert any(org_b.name in m for m in messages)
    # org_a has nothing left this month; drawing again is refused with the agency's name
    again = draw(client, verified, agency=str(org_a.pk))
    assert Settlement.objects.count() == 2
    assert any(org_a.name in str(m) for m in again.context["messages"])


def test_statement_page_lists_its_vouchers_and_downloads(
    verified, org_a, reviewer, official, client_for
):
    settlement = settlement_create(actor=reviewer, batch=verified, agency=org_a, month=TODAY)
    client = client_for(reviewer)
    page = client.get(reverse("admin:vouchers_settlement_change", args=[settlement.pk]))
    html = page.content.decode()
    for voucher in Voucher.objects.filter(settlement=settlement):
        assert voucher.display_code in html
    assert 'data-testid="statement-total">600.00<' in html
    for viewer in (client, client_for(official)):
        pdf = viewer.get(reverse("admin:vouchers_settlement_pdf", args=[settlement.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        xlsx = viewer.get(reverse("admin:vouchers_settlement_xlsx", args=[settlement.pk]))
        assert xlsx.status_code == 200
        cells = [
            c
            for row in load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True)
            for c in row
        ]
        assert settlement.number in " ".join(str(c) for c in cells if c)


def test_approver_records_the_payment(verified, org_a, reviewer, approver, client_for):
    settlement = settlement_create(actor=reviewer, batch=verified, agency=org_a, month=TODAY)
    client = client_for(approver)
    url = reverse("admin:vouchers_settlement_review", args=[settlement.pk, "mark_paid"])
    page = client.get(reverse("admin:vouchers_settlement_change", args=[settlement.pk]))
    assert [b["action"] for b in page.context["review_buttons"]] == ["mark_paid"]
    assert page.context["review_buttons"][0]["refused"] == ""
    response = client.post(url, {"paid_on": TODAY.isoformat(), "reference": "BK-2026-118"})
    assert response.status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.PAID
    assert (settlement.paid_by, settlement.payment_reference) == (approver, "BK-2026-118")
    statuses = set(Voucher.objects.filter(settlement=settlement).values_list("status", flat=True))
    assert statuses == {Voucher.Status.REIMBURSED}


def test_payment_date_in_the_future_is_refused_on_the_field(
    verified, org_a, reviewer, approver, client_for
):
    settlement = settlement_create(actor=reviewer, batch=verified, agency=org_a, month=TODAY)
    url = reverse("admin:vouchers_settlement_review", args=[settlement.pk, "mark_paid"])
    later = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client_for(approver).post(url, {"paid_on": later})
    assert response.status_code == 200 and "paid_on" in response.context["form"].errors
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.ISSUED


def test_the_author_may_not_record_the_payment(verified, org_a, approver, client_for):
    settlement = settlement_create(actor=approver, batch=verified, agency=org_a, month=TODAY)
    client = client_for(approver)
    page = client.get(reverse("admin:vouchers_settlement_change", args=[settlement.pk]))
    button = page.context["review_buttons"][0]
    assert button["refused"]  # shown disabled, with the four-eyes reason
    assert 'data-testid="review-refused"' in page.content.decode()
    url = reverse("admin:vouchers_settlement_review", args=[settlement.pk, "mark_paid"])
    response = client.post(url, {"paid_on": TODAY.isoformat()}, follow=True)
    assert button["refused"] in [str(m) for m in response.context["messages"]]
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.ISSUED
    other = factories.make_user("approver2", APPROVER)
    assert client_for(other).post(url, {"paid_on": TODAY.isoformat()}).status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.PAID


def test_a_reviewer_is_not_offered_the_payment(verified, org_a, reviewer, client_for):
    settlement = settlement_create(actor=reviewer, batch=verified, agency=org_a, month=TODAY)
    client = client_for(reviewer)
    page = client.get(reverse("admin:vouchers_settlement_change", args=[settlement.pk]))
    assert page.context["review_buttons"] == []
    url = reverse("admin:vouchers_settlement_review", args=[settlement.pk, "mark_paid"])
    assert client.post(url, {"paid_on": TODAY.isoformat()}).status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.ISSUED


def test_official_reads_statements_but_draws_up_and_pays_nothing(
    verified, org_a, reviewer, official, client_for
):
    settlement = settlement_create(actor=reviewer, batch=verified, agency=org_a, month=TODAY)
    client = client_for(official)
    listing = client.get(reverse("admin:vouchers_settlement_changelist"))
    assert listing.status_code == 200 and listing.context["draw_url"] == ""
    assert client.get(reverse(DRAW)).status_code == 403
    assert draw(client, verified).status_code == 403
    url = reverse("admin:vouchers_settlement_review", args=[settlement.pk, "mark_paid"])
    assert client.post(url, {"paid_on": TODAY.isoformat()}).status_code == 403
    assert Settlement.objects.count() == 1
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.ISSUED


def test_export_contains_the_statements(verified, org_a, org_b, reviewer, client_for):
    for org in (org_a, org_b):
        settlement_create(actor=reviewer, batch=verified, agency=org, month=TODAY)
    response = client_for(reviewer).get(
        reverse("admin:vouchers_settlement_export") + f"?agency__id__exact={org_b.pk}"
    )
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    statement = Settlement.objects.get(agency=org_b)
    assert statement.number in rows[1] and org_b.name in rows[1] and 1 in rows[1]


def test_draw_page_names_the_statement_already_drawn_up_for_the_month(
    verified, org_a, agency_a, reviewer, client_for
):
    first = settlement_create(actor=reviewer, batch=verified, agency=org_a, month=TODAY)
    late = vb.issued(verified, reviewer)  # verified after org_a's statement: the next month's
    vb.redeem(late, agency_a, factories.make_worker(org_a))
    voucher_verify(actor=reviewer, voucher=late, passed=True)

    response = client_for(reviewer).get(reverse(DRAW), {"batch": verified.pk, "month": MONTH})
    row = next(r for r in response.context["rows"] if r["agency_id"] == org_a.pk)
    assert row["statement"] == first and row["vouchers"] == 1
    html = response.content.decode()
    assert first.number in html
    assert f'name="agency" value="{org_a.pk}"' not in html  # no second statement for the month
