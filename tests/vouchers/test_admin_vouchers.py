"""Vouchers in the staff admin: the household's agency, voiding (capacity returns), follow-up
calls, verification on the page and in bulk, the printable voucher, search by code, export;
home services and follow-up calls as read-only records; officials read only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories
from tests.vouchers import core_builders as vb
from vouchers.models import Application, FollowUp, Voucher

TODAY = timezone.localdate()
CHANGELIST = "admin:vouchers_voucher_changelist"


def review_url(voucher: Voucher, action: str) -> str:
    return reverse("admin:vouchers_voucher_review", args=[voucher.pk, action])


@pytest.fixture
def programme(org_a, reviewer):
    """A small batch with org_a taking part, and one of org_a's workers."""
    batch = vb.batch(count=5)
    vb.join(batch, org_a, reviewer)
    return batch, factories.make_worker(org_a)


def redeemed(batch, reviewer, agency_user, worker, **kwargs) -> Voucher:
    voucher = vb.issued(batch, reviewer, **kwargs)
    vb.redeem(voucher, agency_user, worker)
    voucher.refresh_from_db()
    return voucher


# --- the household's agency --------------------------------------------------------------------


def test_reviewer_chooses_the_agency_for_the_household(
    programme, org_a, org_b, reviewer, client_for
):
    batch, _worker = programme
    voucher = vb.issued(batch, reviewer)
    client = client_for(reviewer)
    page = client.get(review_url(voucher, "choose_agency"))
    offered = list(page.context["form"].fields["agency"].queryset)
    assert offered == [org_a]  # org_b does not take part
    refused = client.post(review_url(voucher, "choose_agency"), {"agency": org_b.pk})
    assert refused.status_code == 200 and "agency" in refused.context["form"].errors
    response = client.post(review_url(voucher, "choose_agency"), {"agency": org_a.pk})
    assert response.status_code == 302
    voucher.refresh_from_db()
    assert voucher.agency == org_a and voucher.agency_chosen_at is not None


# --- voiding -----------------------------------------------------------------------------------


def test_void_returns_the_capacity_to_the_batch(programme, reviewer, client_for):
    batch, _worker = programme
    voucher = vb.issued(batch, reviewer)
    batch.refresh_from_db()
    assert batch.issued_count == 1
    client = client_for(reviewer)
    missing = client.post(review_url(voucher, "void"), {"reason": ""})
    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    response = client.post(review_url(voucher, "void"), {"reason": "户籍迁出本区"})
    assert response.status_code == 302
    voucher.refresh_from_db()
    batch.refresh_from_db()
    assert voucher.status == Voucher.Status.VOIDED and voucher.void_reason == "户籍迁出本区"
    assert (batch.issued_count, batch.issued_amount) == (0, Decimal("0.00"))
    assert voucher.application.status == Application.Status.APPROVED  # may be issued again
    # the voided voucher's page offers nothing and prints nothing
    page = client.get(reverse("admin:vouchers_voucher_change", args=[voucher.pk]))
    assert page.context["review_buttons"] == [] and "voucher_pdf_url" not in page.context
    assert client.get(reverse("admin:vouchers_voucher_pdf", args=[voucher.pk])).status_code == 403


def test_a_used_voucher_cannot_be_voided(programme, reviewer, agency_a, client_for):
    batch, worker = programme
    voucher = redeemed(batch, reviewer, agency_a, worker)
    response = client_for(reviewer).post(review_url(voucher, "void"), {"reason": "试图作废"})
    assert response.status_code == 302  # back to the page with a message, nothing done
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.REDEEMED


# --- follow-up calls ---------------------------------------------------------------------------


def test_reviewer_records_a_follow_up_call(programme, reviewer, agency_a, client_for):
    batch, worker = programme
    voucher = redeemed(batch, reviewer, agency_a, worker)
    client = client_for(reviewer)
    url = review_url(voucher, "follow_up")
    no_score = client.post(
        url, {"called_on": TODAY.isoformat(), "reached": "1", "satisfaction": ""}
    )
    assert no_score.status_code == 200 and "satisfaction" in no_score.context["form"].errors
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    ahead = client.post(url, {"called_on": future, "reached": "1", "satisfaction": "5"})
    assert "called_on" in ahead.context["form"].errors
    unreached = client.post(url, {"called_on": TODAY.isoformat(), "reached": "0", "remarks": ""})
    assert "remarks" in unreached.context["form"].errors
    assert not FollowUp.objects.exists()
    done = client.post(
        url,
        {"called_on": TODAY.isoformat(), "reached": "1", "satisfaction": "4", "remarks": "满意"},
    )
    assert done.status_code == 302
    call = FollowUp.objects.get(voucher=voucher)
    assert (call.reached, call.satisfaction, call.recorded_by) == (True, 4, reviewer)
    page = client.get(reverse("admin:vouchers_voucher_change", args=[voucher.pk]))
    assert "满意" in page.content.decode()
    listed = client.get(reverse(CHANGELIST), {"followed_up": "yes"})
    assert [v.pk for v in listed.context["cl"].result_list] == [voucher.pk]
    assert listed.context["cl"].result_list[0].last_satisfaction == 4


def test_no_follow_up_before_the_service(programme, reviewer, client_for):
    batch, _worker = programme
    voucher = vb.issued(batch, reviewer)
    response = client_for(reviewer).get(review_url(voucher, "follow_up"))
    assert response.status_code == 302
    assert not FollowUp.objects.exists()


# --- verification ------------------------------------------------------------------------------


def test_verification_passes_or_fails_with_a_note(programme, reviewer, agency_a, client_for):
    batch, worker = programme
    good = redeemed(batch, reviewer, agency_a, worker)
    bad = redeemed(batch, reviewer, agency_a, worker)
    client = client_for(reviewer)
    assert client.post(review_url(good, "verify_pass"), {"reason": ""}).status_code == 302
    no_note = client.post(review_url(bad, "verify_fail"), {"reason": ""})
    assert no_note.status_code == 200 and "reason" in no_note.context["form"].errors
    assert client.post(review_url(bad, "verify_fail"), {"reason": "未上门"}).status_code == 302
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == Voucher.Status.VERIFIED and good.verified_by == reviewer
    assert bad.status == Voucher.Status.REJECTED and bad.verification_note == "未上门"


def test_bulk_verification_passes_the_redeemed_and_skips_the_rest(
    programme, reviewer, agency_a, client_for
):
    batch, worker = programme
    first = redeemed(batch, reviewer, agency_a, worker)
    second = redeemed(batch, reviewer, agency_a, worker)
    unused = vb.issued(batch, reviewer)
    response = client_for(reviewer).post(
        reverse(CHANGELIST),
        {
            "action": "review_verify_pass",
            "_selected_action": [first.pk, second.pk, unused.pk],
            "post": "yes",
            "reason": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    statuses = dict(Voucher.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Voucher.Status.VERIFIED
    assert statuses[unused.pk] == Voucher.Status.ISSUED
    assert len(list(response.context["messages"])) == 2  # done for 2, 1 skipped


def test_only_verify_pass_is_offered_in_bulk(reviewer, client_for):
    response = client_for(reviewer).get(reverse(CHANGELIST))
    actions = response.context["cl"].model_admin.get_actions(response.wsgi_request)
    assert {name for name in actions if name.startswith("review_")} == {"review_verify_pass"}


# --- the printable voucher ---------------------------------------------------------------------


def test_reviewer_prints_the_voucher_pdf(programme, reviewer, official, client_for):
    batch, _worker = programme
    voucher = vb.issued(batch, reviewer)
    url = reverse("admin:vouchers_voucher_pdf", args=[voucher.pk])
    page = client_for(reviewer).get(reverse("admin:vouchers_voucher_change", args=[voucher.pk]))
    assert url in page.content.decode()
    response = client_for(reviewer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client_for(official).get(url).status_code == 403


# --- officials and agencies --------------------------------------------------------------------


def test_official_reads_vouchers_masked_and_cannot_act(
    programme, reviewer, agency_a, official, client_for
):
    batch, worker = programme
    fresh = vb.issued(batch, reviewer)
    used = redeemed(batch, reviewer, agency_a, worker)
    client = client_for(official)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert fresh.person.id_masked in html and fresh.person.id_number not in html
    for voucher, action in (
        (fresh, "void"),
        (fresh, "choose_agency"),
        (used, "verify_pass"),
        (used, "follow_up"),
    ):
        assert client.get(review_url(voucher, action)).status_code == 403
        assert client.post(review_url(voucher, action), {"reason": "x"}).status_code == 403
    bulk = client.post(
        reverse(CHANGELIST),
        {"action": "review_verify_pass", "_selected_action": [used.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    page = client.get(reverse("admin:vouchers_voucher_change", args=[used.pk]))
    assert page.status_code == 200 and page.context["review_buttons"] == []
    used.refresh_from_db()
    fresh.refresh_from_db()
    assert (used.status, fresh.status) == (Voucher.Status.REDEEMED, Voucher.Status.ISSUED)


def test_records_are_read_only_for_everyone(programme, reviewer, agency_a, client_for):
    batch, worker = programme
    voucher = redeemed(batch, reviewer, agency_a, worker)
    client = client_for(reviewer)
    for name in ("service", "followup"):
        assert client.get(reverse(f"admin:vouchers_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:vouchers_{name}_add")).status_code == 403
    service = voucher.service
    page = client.get(reverse("admin:vouchers_service_change", args=[service.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    posted = client.post(
        reverse("admin:vouchers_service_change", args=[service.pk]), {"hours": "9"}
    )
    assert posted.status_code == 403
    service.refresh_from_db()
    assert service.hours == Decimal("2.0")


# --- search and export -------------------------------------------------------------------------


def test_search_by_code_as_typed_name_and_id_number(programme, reviewer, client_for):
    batch, _worker = programme
    one = vb.issued(batch, reviewer, name="孙秀兰")
    two = vb.issued(batch, reviewer, name="周建国")
    client = client_for(reviewer)

    def found(term):
        # As the search box does it: posted, then the list (an ID number goes as a token).
        response = client.post(
            reverse("id_search"), {"q": term, "next": reverse(CHANGELIST)}, follow=True
        )
        return {v.pk for v in response.context["cl"].result_list}

    typed = one.display_code.lower().replace("-", " ")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in one.code)
    assert found(typed) == {one.pk}
    assert found(full_width) == {one.pk}
    assert found(one.code[:6]) >= {one.pk}
    assert found("周建国") == {two.pk}
    assert found(two.person.id_number) == {two.pk}
    services = client.get(reverse("admin:vouchers_service_changelist"), {"q": one.display_code})
    assert services.status_code == 200


def test_export_contains_the_filtered_rows(programme, reviewer, agency_a, official, client_for):
    batch, worker = programme
    used = redeemed(batch, reviewer, agency_a, worker, name="吴春花")
    vb.issued(batch, reviewer, name="郑国华")
    url = reverse("admin:vouchers_voucher_export") + "?status__exact=redeemed"

    def rows(client):
        response = client.get(url)
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        return [[c.value for c in row] for row in sheet.iter_rows()]

    table = rows(client_for(reviewer))
    assert len(table) == 2
    row = table[1]
    assert used.display_code in row and "吴春花" in row and used.person.id_number in row
    assert f"{TODAY:%Y-%m-%d}" in row  # the service date
    official_row = rows(client_for(official))[1]
    assert used.person.id_masked in official_row and used.person.id_number not in official_row
