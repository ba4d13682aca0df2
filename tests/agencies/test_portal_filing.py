"""Portal: the employee-system filing page, submit and resubmit after a return."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies import services
from agencies.models import Agency, EmployeeSystemFiling
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

ALL_DECLARED = {
    "signs_customer_contracts": "on",
    "dispatches_workers": "on",
    "pays_wages_directly": "on",
    "trains_continuously": "on",
}


def test_filing_page_shows_the_figures_from_worker_records(client_for, agency_a, org_a):
    for _ in range(3):
        factories.make_worker(org_a)
    factories.make_worker(org_a, social_insurance=False, insured_since=None)
    response = client_for(agency_a).get(reverse("portal:filing"))
    figures = response.context["figures"]
    assert (figures.total_workers, figures.insured_workers, figures.qualifying_workers) == (4, 3, 3)
    assert figures.threshold_workers == 10
    assert response.context["can_submit"] is True


def test_filing_submit_records_the_figures_and_notifies_reviewers(
    client_for, agency_a, org_a, reviewer
):
    for _ in range(10):
        factories.make_worker(org_a)
    response = client_for(agency_a).post(reverse("portal:filing"), ALL_DECLARED)
    assert response.status_code == 302
    filing = EmployeeSystemFiling.objects.get(agency=org_a)
    assert filing.status == EmployeeSystemFiling.Status.SUBMITTED
    assert (filing.qualifying_workers, filing.meets_threshold) == (10, True)
    assert AuditEntry.objects.filter(action="agencies.filing.submitted").count() == 1
    assert Notification.objects.filter(recipient=reviewer).exists()


def test_filing_without_every_declaration_marks_the_missing_ones_and_writes_nothing(
    client_for, agency_a, org_a
):
    data = {k: v for k, v in ALL_DECLARED.items() if k != "pays_wages_directly"}
    response = client_for(agency_a).post(reverse("portal:filing"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["pays_wages_directly"]
    assert not EmployeeSystemFiling.objects.exists()


def test_a_second_filing_while_one_is_submitted_is_refused(client_for, agency_a, org_a):
    client = client_for(agency_a)
    client.post(reverse("portal:filing"), ALL_DECLARED)
    page = client.get(reverse("portal:filing"))
    assert page.context["can_submit"] is False
    client.post(reverse("portal:filing"), ALL_DECLARED)
    assert EmployeeSystemFiling.objects.filter(agency=org_a).count() == 1


def test_returned_filing_shows_the_reason_and_can_be_resubmitted(
    client_for, agency_a, org_a, reviewer
):
    client = client_for(agency_a)
    client.post(reverse("portal:filing"), ALL_DECLARED)
    filing = EmployeeSystemFiling.objects.get(agency=org_a)
    services.filing_decide(
        actor=reviewer,
        filing=filing,
        action="return",
        reason="合格从业人员不足10人，请补充劳动合同",
    )

    page = client.get(reverse("portal:filing"))
    assert "合格从业人员不足10人" in page.content.decode()
    assert page.context["resubmit"] is True
    assert page.context["form"].initial["dispatches_workers"] is True

    for _ in range(10):
        factories.make_worker(org_a)
    response = client.post(reverse("portal:filing"), ALL_DECLARED)
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.status == EmployeeSystemFiling.Status.SUBMITTED
    assert filing.qualifying_workers == 10
    assert filing.decision_reason == ""
    assert EmployeeSystemFiling.objects.filter(agency=org_a).count() == 1
    assert AuditEntry.objects.filter(action="agencies.filing.resubmitted").count() == 1


def test_an_applying_agency_sees_why_it_cannot_file_and_posting_writes_nothing(client_for):
    agency = factories.make_agency("申请中的机构", status=Agency.Status.APPLYING)
    user = factories.make_agency_user("applying_user", agency)
    client = client_for(user)
    page = client.get(reverse("portal:filing"))
    assert page.context["can_submit"] is False
    assert page.context["refusal"]
    response = client.post(reverse("portal:filing"), ALL_DECLARED, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not EmployeeSystemFiling.objects.exists()


def test_agency_b_does_not_see_agency_a_filing(client_for, agency_a, agency_b, org_a):
    client_for(agency_a).post(reverse("portal:filing"), ALL_DECLARED)
    page = client_for(agency_b).get(reverse("portal:filing"))
    assert page.context["current"] is None


def test_filing_with_nothing_ticked_marks_all_four_declarations(client_for, agency_a):
    response = client_for(agency_a).post(reverse("portal:filing"), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(ALL_DECLARED)
    assert not EmployeeSystemFiling.objects.exists()
