"""Batches, target groups and participating agencies in the staff admin (saved through the
services), the progress page (应发尽发) with its XLSX, and the voucher panel of the work desk."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Agency
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.vouchers import core_builders as vb
from vouchers import selectors
from vouchers.models import Participation, TargetGroup, VoucherBatch

# --- batches -----------------------------------------------------------------------------------


def batch_post(batch: VoucherBatch, **overrides) -> dict:
    data = {
        "year": batch.year,
        "name": batch.name,
        "status": batch.status,
        "one_per": batch.one_per,
        "count": batch.count,
        "face_value": str(batch.face_value),
        "total": str(batch.total),
        "applications_open_on": batch.applications_open_on.isoformat(),
        "applications_close_on": batch.applications_close_on.isoformat(),
        "valid_from": batch.valid_from.isoformat(),
        "valid_until": batch.valid_until.isoformat(),
        # the participation inline is read only: an empty management form
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
    }
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def test_batch_is_saved_through_the_service(reviewer, client_for):
    batch = vb.batch(count=3)
    url = reverse("admin:vouchers_voucherbatch_change", args=[batch.pk])
    response = client_for(reviewer).post(url, batch_post(batch, count=10, total="2000.00"))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.count, batch.total) == (10, Decimal("2000.00"))
    assert AuditEntry.objects.filter(action="vouchers.batch.saved").count() == 1


def test_total_that_is_not_count_times_value_is_refused_on_the_total(reviewer, client_for):
    batch = vb.batch(count=3)
    url = reverse("admin:vouchers_voucherbatch_change", args=[batch.pk])
    response = client_for(reviewer).post(url, batch_post(batch, count=10, total="1999.00"))
    assert response.status_code == 200
    assert "total" in response.context["adminform"].form.errors
    batch.refresh_from_db()
    assert batch.count == 3


def test_count_cannot_go_below_the_vouchers_out_and_counters_stay_read_only(reviewer, client_for):
    batch = vb.batch(count=3)
    vb.issued(batch, reviewer)
    vb.issued(batch, reviewer)
    url = reverse("admin:vouchers_voucherbatch_change", args=[batch.pk])
    client = client_for(reviewer)
    below = client.post(url, batch_post(batch, count=1, total="200.00"))
    assert "count" in below.context["adminform"].form.errors
    sneaky = client.post(url, batch_post(batch, issued_count=0, issued_amount="0"))
    assert sneaky.status_code == 302
    batch.refresh_from_db()
    assert (batch.count, batch.issued_count) == (3, 2)


def test_new_batch_through_the_service(reviewer, client_for):
    current = VoucherBatch.objects.get(year=2026)
    data = batch_post(current, year=2027, name="促进就业券", status="draft")
    response = client_for(reviewer).post(reverse("admin:vouchers_voucherbatch_add"), data)
    assert response.status_code == 302
    assert VoucherBatch.objects.get(year=2027).total == Decimal("1000000.00")


def test_batch_list_shows_progress_against_the_caps(reviewer, client_for):
    batch = vb.batch(count=4)
    vb.issued(batch, reviewer)
    response = client_for(reviewer).get(reverse("admin:vouchers_voucherbatch_changelist"))
    html = response.content.decode()
    assert "1 / 4" in html and "200.00 / 800.00" in html
    assert 'aria-valuenow="25.0"' in html


def test_official_reads_batches_but_cannot_change_them(official, client_for):
    batch = VoucherBatch.objects.get(year=2026)
    client = client_for(official)
    url = reverse("admin:vouchers_voucherbatch_change", args=[batch.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(url, batch_post(batch, count=10, total="2000.00")).status_code == 403
    assert client.get(reverse("admin:vouchers_voucherbatch_add")).status_code == 403
    batch.refresh_from_db()
    assert batch.count == 5000


# --- target groups -----------------------------------------------------------------------------


def test_target_groups_are_kept_as_audited_reference_data(reviewer, official, client_for):
    url = reverse("admin:vouchers_targetgroup_add")
    data = {
        "code": "disabled",
        "name": "残疾人",
        "description": "持证残疾人",
        "evidence_hint": "残疾人证",
        "sort_order": "40",
        "active": "on",
    }
    assert client_for(reviewer).post(url, data).status_code == 302
    group = TargetGroup.objects.get(code="disabled")
    assert group.evidence_hint == "残疾人证"
    assert AuditEntry.objects.filter(action="vouchers.targetgroup.created").count() == 1
    assert client_for(official).post(url, data | {"code": "x", "name": "y"}).status_code == 403


# --- participating agencies --------------------------------------------------------------------


def test_agencies_are_added_and_taken_out_through_the_service(org_a, org_b, reviewer, client_for):
    batch = vb.batch()
    pending = factories.make_agency("丙家政", status=Agency.Status.APPLYING)
    client = client_for(reviewer)
    page = client.get(reverse("admin:vouchers_participation_add_agencies"), {"batch": batch.pk})
    offered = set(page.context["form"].fields["agencies"].queryset)
    assert {org_a, org_b} <= offered and pending not in offered
    response = client.post(
        reverse("admin:vouchers_participation_add_agencies"),
        {"batch": batch.pk, "agencies": [org_a.pk, org_b.pk], "note": "首批"},
    )
    assert response.status_code == 302
    assert set(selectors.eligible_agencies(batch)) == {org_a, org_b}
    participation = Participation.objects.get(batch=batch, agency=org_b)
    change = reverse("admin:vouchers_participation_change", args=[participation.pk])
    assert client.post(change, {"note": "退出"}).status_code == 302  # "taking part" unticked
    assert set(selectors.eligible_agencies(batch)) == {org_a}
    listing = client.get(
        reverse("admin:vouchers_participation_changelist"), {"batch__id__exact": batch.pk}
    )
    html = listing.content.decode()
    assert html.count("kj-badge kj-positive") == 1 and html.count("kj-badge kj-negative") == 1
    client.post(
        reverse("admin:vouchers_participation_changelist"),
        {"action": "take_part", "_selected_action": [participation.pk]},
    )
    assert set(selectors.eligible_agencies(batch)) == {org_a, org_b}
    assert AuditEntry.objects.filter(action="vouchers.participation.set").count() == 4


def test_batch_page_shows_each_agencys_eligibility(org_a, reviewer, client_for):
    batch = vb.batch()
    vb.join(batch, org_a, reviewer)
    Agency.objects.filter(pk=org_a.pk).update(status=Agency.Status.SUSPENDED)
    page = client_for(reviewer).get(reverse("admin:vouchers_voucherbatch_change", args=[batch.pk]))
    html = page.content.decode()
    reason = selectors.agency_eligibility(batch, Agency.objects.get(pk=org_a.pk))[1]
    assert reason and reason in html


def test_official_cannot_change_the_programme(org_a, reviewer, official, client_for):
    batch = vb.batch()
    vb.join(batch, org_a, reviewer)
    participation = Participation.objects.get(batch=batch)
    client = client_for(official)
    assert client.get(reverse("admin:vouchers_participation_changelist")).status_code == 200
    assert client.get(reverse("admin:vouchers_participation_add_agencies")).status_code == 403
    change = reverse("admin:vouchers_participation_change", args=[participation.pk])
    assert client.post(change, {"note": "x"}).status_code == 403
    taken_out = client.post(
        reverse("admin:vouchers_participation_changelist"),
        {"action": "take_out", "_selected_action": [participation.pk]},
    )
    assert taken_out.status_code == 403
    participation.refresh_from_db()
    assert participation.active


# --- progress ----------------------------------------------------------------------------------


@pytest.fixture
def figures(org_a, agency_a, reviewer):
    """Three vouchers (one redeemed), a waiting application of another group and street."""
    batch = vb.batch(count=10)
    vb.join(batch, org_a, reviewer)
    worker = factories.make_worker(org_a)
    vouchers = [vb.issued(batch, reviewer, on_street=vb.street(0)) for _n in range(3)]
    vb.redeem(vouchers[0], agency_a, worker)
    vb.apply(batch, reviewer, group_code="model_worker", on_street=vb.street(1))
    return batch


@pytest.mark.parametrize("user_fixture", ["reviewer", "official"])
def test_progress_page_figures_equal_the_records(figures, request, user_fixture, client_for):
    client = client_for(request.getfixturevalue(user_fixture))
    response = client.get(reverse("admin:vouchers_progress"), {"batch": figures.pk})
    assert response.status_code == 200
    p = response.context["p"]
    expected = selectors.progress(figures)
    assert (
        (p["issued"], p["redeemed"], p["count"])
        == (3, 1, 10)
        == (
            expected["issued"],
            expected["redeemed"],
            expected["count"],
        )
    )
    assert p["text"]["issued_amount"] == "600.00" and p["text"]["total"] == "2,000.00"
    groups = {row["name"]: row for row in p["by_group"]}
    assert groups["城镇失业人员"]["issued"] == 3
    assert groups["劳动模范"]["applications"] == 1 and groups["劳动模范"]["issued"] == 0
    streets = {row["name"]: row for row in p["by_street"]}
    assert streets[vb.street(1).name]["applications"] == 1
    assert p["group_totals"]["applications"] == p["applications"]["total"] == 4
    html = response.content.decode()
    assert 'data-testid="progress-by-group"' in html and 'data-testid="progress-by-street"' in html
    xlsx = client.get(p["links"]["xlsx"])
    assert xlsx.status_code == 200
    load_workbook(BytesIO(xlsx.content))


def test_work_desk_panel_shows_the_voucher_progress(reviewer, official, client_for):
    batch = VoucherBatch.objects.get(year=2026)
    vb.issued(batch, reviewer)
    vb.apply(batch, reviewer)
    for user in (reviewer, official):
        response = client_for(user).get(reverse("admin:index"))
        panel = next(p for p in response.context["dashboard_panels"] if "vouchers" in p)["vouchers"]
        assert (panel["issued"], panel["applications"]["waiting"]) == (1, 1)
        html = response.content.decode()
        assert re.search(r'data-testid="vouchers-issued">1<', html)
        assert re.search(r'data-testid="vouchers-count">5,000<', html)
        assert re.search(r'data-testid="vouchers-amount">200.00<', html)
        assert re.search(r'data-testid="vouchers-waiting">1<', html)
        assert panel["progress_url"] in html
