"""居民家庭服务费用减免 in the back office (issue 9): the bureau keeps the list of covered
services ("适当调整和增加服务项目") in the admin, audited; staff read every exemption, the household
head's ID number and address in full only for reviewers and approvers (统计查询 sees them masked),
and search by the full ID number through the blind index; a claim's page lists its exemptions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kunqu_jiafu.audit.models import AuditEntry
from subsidies.exemption_models import ExemptionServiceKind, FeeExemption
from tests import factories
from tests.id_search import search
from tests.subsidies.core_builders import draft

pytestmark = pytest.mark.django_db

ADDRESS = "昆区少先路3号楼2单元501"
LIST = "/admin/subsidies/feeexemption/"


def _line(head, worker, day=dt.date(2026, 3, 5)):
    return "\t".join(
        [head, ADDRESS, "少先路街道", f"{day:%Y-%m-%d}", "家庭保洁", worker.person.id_number]
    )


@pytest.fixture
def heads():
    return [factories.id_number(birth="19600101", sex="M"), factories.id_number(birth="19610101")]


@pytest.fixture
def claim(agency_a, org_a, heads):
    worker = factories.make_worker(org_a)
    lines = [_line(h, worker) for h in heads]
    return draft(
        agency_a,
        org_a,
        "fee_exemption",
        period="2026-03",
        declared={},
        subjects=lines,
        attach=False,
    )


def test_reviewer_and_approver_see_the_head_id_and_address_in_full(
    claim, heads, reviewer, approver, client_for
):
    for user in (reviewer, approver):
        page = client_for(user).get(LIST).content.decode()
        assert heads[0] in page and heads[1] in page
        assert ADDRESS in page


def test_the_official_sees_them_masked(claim, heads, official, client_for):
    page = client_for(official).get(LIST).content.decode()
    assert heads[0] not in page and heads[0][:14] not in page
    assert "*" * 14 + heads[0][-4:] in page
    assert ADDRESS not in page and ADDRESS[:6] + "*" in page


def test_search_by_the_full_id_number_finds_that_household_only(
    claim, heads, reviewer, official, client_for
):
    page = search(client_for(reviewer), LIST, heads[0]).content.decode()
    assert heads[0] in page and heads[1] not in page
    # For the official an ID number is only text: it finds nothing and reveals nothing.
    page = search(client_for(official), LIST, heads[0]).content.decode()
    assert "*" * 14 + heads[0][-4:] not in page


@pytest.mark.parametrize(
    "query",
    [
        "service_date__year=2026&service_date__month=3",
        "claim__status__exact=draft",
        "live__exact=1",
    ],
)
def test_filters_keep_the_rows_they_name(claim, heads, reviewer, client_for, query):
    page = client_for(reviewer).get(f"{LIST}?{query}").content.decode()
    assert heads[0] in page


def test_filters_leave_out_the_rows_they_do_not_name(claim, heads, reviewer, client_for):
    page = client_for(reviewer).get(f"{LIST}?service_date__year=2026&service_date__month=4")
    assert heads[0] not in page.content.decode()


def test_the_list_is_read_only(claim, reviewer, client_for):
    exemption = FeeExemption.objects.first()
    client = client_for(reviewer)
    url = reverse("admin:subsidies_feeexemption_change", args=[exemption.pk])
    response = client.post(url, {"live": ""})
    assert response.status_code == 403
    exemption.refresh_from_db()
    assert exemption.live is True
    assert client.get(reverse("admin:subsidies_feeexemption_add")).status_code == 403


def test_the_claim_page_lists_its_exemptions_masked_per_viewer(
    claim, heads, reviewer, official, client_for
):
    url = reverse("admin:subsidies_claim_change", args=[claim.pk])
    page = client_for(reviewer).get(url).content.decode()
    assert 'data-testid="exemptions"' in page and heads[0] in page and ADDRESS in page
    page = client_for(official).get(url).content.decode()
    assert 'data-testid="exemptions"' in page and heads[0] not in page
    assert "*" * 14 + heads[0][-4:] in page
    listed = client_for(reviewer).get(f"{LIST}?claim__id__exact={claim.pk}")
    assert listed.status_code == 200 and heads[1] in listed.content.decode()


def test_a_reviewer_adds_a_covered_service_and_it_is_audited(reviewer, client_for):
    response = client_for(reviewer).post(
        reverse("admin:subsidies_exemptionservicekind_add"),
        {
            "code": "elder-bath",
            "name": "助浴服务",
            "description": "",
            "sort_order": "9",
            "active": "on",
        },
    )
    assert response.status_code == 302
    kind = ExemptionServiceKind.objects.get(code="elder-bath")
    assert AuditEntry.objects.for_object(kind).filter(actor=reviewer).exists()


def test_the_official_may_not_change_the_list(official, client_for):
    kind = ExemptionServiceKind.objects.order_by("pk").first()
    url = reverse("admin:subsidies_exemptionservicekind_change", args=[kind.pk])
    response = client_for(official).post(url, {"name": "改名", "sort_order": "1"})
    assert response.status_code == 403
    kind.refresh_from_db()
    assert kind.name != "改名"
