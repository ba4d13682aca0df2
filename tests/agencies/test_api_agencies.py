"""Applying, editing and moving agencies through the API; filings too."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import (
    Agency,
    AgencyMembership,
    BusinessFormat,
    EmployeeSystemFiling,
    Street,
)
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories

JSON = "application/json"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _application(**overrides) -> dict:
    data = {
        "name": "丙家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王五",
        "contact_name": "赵六",
        "phone": "13700000000",
        "address": "昆都仑区阿尔丁大街8号",
        "street": Street.objects.order_by("code").first().pk,
        "formats": list(BusinessFormat.objects.values_list("pk", flat=True)[:2]),
        "founded_on": "2020-01-02",
        "employee_count": 12,
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant(db):
    return factories.make_user("applicant")


def test_signed_in_user_without_agency_applies(applicant, client_for):
    response = client_for(applicant).post("/api/agencies/", _application(), content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "applying"
    agency = Agency.objects.get(pk=body["id"])
    assert AgencyMembership.objects.get(user=applicant).agency == agency
    assert AuditEntry.objects.filter(action="agencies.agency.applied").count() == 1
    me = client_for(applicant).get("/api/me/").json()
    assert me["agency"] == agency.pk
    assert "机构用户" in me["roles"]


def test_apply_with_a_licence_upload_stores_it_privately(applicant, client_for):
    licence = SimpleUploadedFile("执照.png", PNG_BYTES, content_type="image/png")
    response = client_for(applicant).post("/api/agencies/", {**_application(), "license": licence})
    assert response.status_code == 201, response.json()
    agency = Agency.objects.get(pk=response.json()["id"])
    assert agency.license is not None
    assert response.json()["license_url"] == agency.license.get_absolute_url()
    assert not response.json()["license_url"].startswith("/static/")


def test_apply_with_a_fake_licence_names_license_and_writes_nothing(applicant, client_for):
    fake = SimpleUploadedFile("执照.pdf", b"just text", content_type="application/pdf")
    response = client_for(applicant).post("/api/agencies/", {**_application(), "license": fake})
    assert response.status_code == 400
    assert "license" in response.json()
    assert not Agency.objects.exists()
    assert not AgencyMembership.objects.filter(user=applicant).exists()


def test_apply_with_duplicate_uscc_names_uscc(applicant, org_a, client_for):
    response = client_for(applicant).post(
        "/api/agencies/", _application(uscc=org_a.uscc), content_type=JSON
    )
    assert response.status_code == 400
    assert "uscc" in response.json()
    assert Agency.objects.count() == 1
    assert not AgencyMembership.objects.filter(user=applicant).exists()


def test_apply_with_wrong_check_character_names_uscc(applicant, client_for):
    response = client_for(applicant).post(
        "/api/agencies/", _application(uscc=factories.bad_check_credit_code()), content_type=JSON
    )
    assert response.status_code == 400
    assert list(response.json()) == ["uscc"]
    assert not Agency.objects.exists()


def test_apply_with_missing_fields_names_each(applicant, client_for):
    response = client_for(applicant).post("/api/agencies/", {"name": "x"}, content_type=JSON)
    assert response.status_code == 400
    assert {"uscc", "street", "formats", "founded_on"} <= set(response.json())


def test_apply_with_future_founding_date_names_it(applicant, client_for):
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    response = client_for(applicant).post(
        "/api/agencies/", _application(founded_on=future), content_type=JSON
    )
    assert response.status_code == 400
    assert "founded_on" in response.json()


def test_agency_user_cannot_apply_a_second_time(agency_a, client_for):
    response = client_for(agency_a).post("/api/agencies/", _application(), content_type=JSON)
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert Agency.objects.count() == 1


def test_reviewer_cannot_apply_with_a_staff_account(reviewer, client_for):
    response = client_for(reviewer).post("/api/agencies/", _application(), content_type=JSON)
    assert response.status_code == 403
    assert not Agency.objects.exists()


def test_malformed_json_is_a_400_not_a_500(applicant, client_for):
    client = client_for(applicant)
    assert client.post("/api/agencies/", "{not json", content_type=JSON).status_code == 400
    assert client.post("/api/agencies/", "[1, 2]", content_type=JSON).status_code == 400


def test_agency_user_edits_allowed_fields(agency_a, org_a, client_for):
    response = client_for(agency_a).patch(
        f"/api/agencies/{org_a.pk}/", {"phone": "13911112222"}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    org_a.refresh_from_db()
    assert org_a.phone == "13911112222"
    assert AuditEntry.objects.filter(action="agencies.agency.updated").count() == 1


def test_agency_user_cannot_rename_a_registered_agency(agency_a, org_a, client_for):
    response = client_for(agency_a).patch(
        f"/api/agencies/{org_a.pk}/", {"name": "改名公司"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "name" in response.json()
    org_a.refresh_from_db()
    assert org_a.name == "甲家政服务有限公司"


def test_formats_change_of_a_suspended_agency_is_refused_not_dropped(agency_a, org_a, client_for):
    org_a.status = Agency.Status.SUSPENDED
    org_a.save()
    before = set(org_a.formats.values_list("pk", flat=True))
    other = BusinessFormat.objects.exclude(pk__in=before).first()
    response = client_for(agency_a).patch(
        f"/api/agencies/{org_a.pk}/", {"formats": [other.pk]}, content_type=JSON
    )
    assert response.status_code == 400
    assert "formats" in response.json()
    assert set(org_a.formats.values_list("pk", flat=True)) == before


def test_reviewer_suspend_without_reason_is_400_naming_reason(reviewer, org_a, client_for):
    response = client_for(reviewer).post(
        f"/api/agencies/{org_a.pk}/transition/", {"action": "suspend"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    org_a.refresh_from_db()
    assert org_a.status == Agency.Status.REGISTERED


def test_reviewer_suspends_with_reason(reviewer, org_a, client_for):
    response = client_for(reviewer).post(
        f"/api/agencies/{org_a.pk}/transition/",
        {"action": "suspend", "reason": "年检不合格"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "suspended"
    org_a.refresh_from_db()
    assert org_a.status_reason == "年检不合格"
    assert AuditEntry.objects.filter(action="agencies.agency.suspended").count() == 1


def test_reviewer_registers_an_applying_agency(reviewer, client_for, db):
    agency = factories.make_agency("丁公司", status=Agency.Status.APPLYING)
    response = client_for(reviewer).post(
        f"/api/agencies/{agency.pk}/transition/", {"action": "register"}, content_type=JSON
    )
    assert response.status_code == 200
    agency.refresh_from_db()
    assert agency.status == Agency.Status.REGISTERED
    assert agency.registered_on == timezone.localdate()


def test_agency_user_cannot_register_its_own_agency(client_for, db):
    agency = factories.make_agency("丁公司", status=Agency.Status.APPLYING)
    user = factories.make_agency_user("agency_d", agency)
    response = client_for(user).post(
        f"/api/agencies/{agency.pk}/transition/", {"action": "register"}, content_type=JSON
    )
    assert response.status_code == 403
    agency.refresh_from_db()
    assert agency.status == Agency.Status.APPLYING


def test_rejected_agency_reapplies_through_the_api(client_for, db):
    agency = factories.make_agency("己公司", status=Agency.Status.REJECTED)
    user = factories.make_agency_user("agency_f", agency)
    response = client_for(user).post(
        f"/api/agencies/{agency.pk}/transition/", {"action": "reapply"}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "applying"
    agency.refresh_from_db()
    assert agency.status == Agency.Status.APPLYING


def test_transition_impossible_in_this_status_is_refused(reviewer, org_a, client_for):
    response = client_for(reviewer).post(
        f"/api/agencies/{org_a.pk}/transition/", {"action": "register"}, content_type=JSON
    )
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert org_a.status == Agency.Status.REGISTERED


def test_unknown_transition_action_names_action(reviewer, org_a, client_for):
    response = client_for(reviewer).post(
        f"/api/agencies/{org_a.pk}/transition/", {"action": "explode"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "action" in response.json()


def test_available_actions_follow_role_and_status(reviewer, agency_a, org_a, client_for):
    staff_view = client_for(reviewer).get(f"/api/agencies/{org_a.pk}/").json()
    assert set(staff_view["available_actions"]) == {"suspend", "deregister"}
    own_view = client_for(agency_a).get(f"/api/agencies/{org_a.pk}/").json()
    assert own_view["available_actions"] == []


def test_agency_filters_by_status_year_and_alliance(reviewer, org_a, client_for):
    factories.make_agency("申请中公司", status=Agency.Status.APPLYING)
    org_a.alliance_member = True
    org_a.alliance_joined_on = timezone.localdate()
    org_a.save()
    client = client_for(reviewer)

    def names(**params):
        return {row["name"] for row in client.get("/api/agencies/", params).json()["results"]}

    assert names(status="applying") == {"申请中公司"}
    assert names(registered_year=2025) == {"甲家政服务有限公司"}
    assert names(alliance="true") == {"甲家政服务有限公司"}
    assert names(search="申请中") == {"申请中公司"}


def test_bad_filter_values_are_400_not_500(reviewer, org_a, client_for):
    client = client_for(reviewer)
    for params in ({"status": "bogus"}, {"street": "abc"}, {"registered_year": "x"}):
        assert client.get("/api/agencies/", params).status_code == 400, params


# --- filings ---------------------------------------------------------------------------

DECLARATIONS = {
    "signs_customer_contracts": True,
    "dispatches_workers": True,
    "pays_wages_directly": True,
    "trains_continuously": True,
}


def test_agency_files_with_figures_from_worker_records(agency_a, org_a, client_for):
    for _ in range(3):
        factories.make_worker(org_a)
    response = client_for(agency_a).post("/api/filings/", DECLARATIONS, content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agency"] == org_a.pk
    assert body["total_workers"] == 3
    assert body["meets_threshold"] is False
    assert body["status"] == "submitted"


def test_filing_with_an_unmet_declaration_names_it(agency_a, org_a, client_for):
    response = client_for(agency_a).post(
        "/api/filings/", {**DECLARATIONS, "dispatches_workers": False}, content_type=JSON
    )
    assert response.status_code == 400
    assert list(response.json()) == ["dispatches_workers"]
    assert not EmployeeSystemFiling.objects.exists()


def test_reviewer_cannot_file_for_an_agency(reviewer, client_for):
    response = client_for(reviewer).post("/api/filings/", DECLARATIONS, content_type=JSON)
    assert response.status_code == 403
    assert not EmployeeSystemFiling.objects.exists()


def test_filing_return_needs_reason_and_agency_refiles(agency_a, reviewer, org_a, client_for):
    filing_id = (
        client_for(agency_a).post("/api/filings/", DECLARATIONS, content_type=JSON).json()["id"]
    )
    staff = client_for(reviewer)
    url = f"/api/filings/{filing_id}/decide/"
    no_reason = staff.post(url, {"action": "return"}, content_type=JSON)
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    below_threshold = staff.post(url, {"action": "approve"}, content_type=JSON)
    assert below_threshold.status_code == 400
    assert "non_field_errors" in below_threshold.json()
    returned = staff.post(url, {"action": "return", "reason": "人数不足"}, content_type=JSON)
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["decision_reason"] == "人数不足"
    again = client_for(agency_a).post("/api/filings/", DECLARATIONS, content_type=JSON)
    assert again.status_code == 201
    assert again.json()["id"] == filing_id
    assert again.json()["status"] == "submitted"


def test_reviewer_approves_a_filing_meeting_the_threshold(agency_a, reviewer, org_a, client_for):
    for _ in range(10):
        factories.make_worker(org_a, contract_end=None)
    filing_id = (
        client_for(agency_a).post("/api/filings/", DECLARATIONS, content_type=JSON).json()["id"]
    )
    response = client_for(reviewer).post(
        f"/api/filings/{filing_id}/decide/", {"action": "approve"}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "filed"
    assert response.json()["decided_by_name"] == "赵经办"


def test_agency_cannot_decide_its_own_filing(agency_a, org_a, client_for):
    filing_id = (
        client_for(agency_a).post("/api/filings/", DECLARATIONS, content_type=JSON).json()["id"]
    )
    response = client_for(agency_a).post(
        f"/api/filings/{filing_id}/decide/", {"action": "approve"}, content_type=JSON
    )
    assert response.status_code == 403
    assert EmployeeSystemFiling.objects.get(pk=filing_id).status == "submitted"


def test_filing_filters_by_status_and_threshold(reviewer, agency_a, org_a, client_for):
    client_for(agency_a).post("/api/filings/", DECLARATIONS, content_type=JSON)
    client = client_for(reviewer)
    assert client.get("/api/filings/", {"status": "submitted"}).json()["count"] == 1
    assert client.get("/api/filings/", {"status": "filed"}).json()["count"] == 0
    assert client.get("/api/filings/", {"meets_threshold": "true"}).json()["count"] == 0
    assert client.get("/api/filings/", {"agency": org_a.pk}).json()["count"] == 1
