"""Staff admin for recognitions and reference data."""

from __future__ import annotations

from django.urls import reverse

from agencies.models import Agency, AgencyPolicy, Recognition, Street
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from tests import factories


def test_reviewer_grants_a_recognition_through_the_add_form(reviewer, org_a, agency_a, client_for):
    data = {
        "agency": org_a.pk,
        "kind": "station",
        "year": 2026,
        "granted_on": "2026-04-01",
        "valid_until": "2028-03-31",
    }
    response = client_for(reviewer).post(reverse("admin:agencies_recognition_add"), data)
    assert response.status_code == 302
    recognition = Recognition.objects.get(agency=org_a, kind="station", year=2026)
    assert (
        AuditEntry.objects.for_object(recognition)
        .filter(action="agencies.recognition.granted")
        .exists()
    )
    assert Notification.objects.filter(recipient=agency_a).exists()


def test_granting_twice_in_a_year_is_a_form_error(reviewer, org_a, client_for):
    org_a.recognitions.create(kind_id="station", year=2026, granted_on="2026-04-01")
    data = {"agency": org_a.pk, "kind": "station", "year": 2026, "granted_on": "2026-05-01"}
    response = client_for(reviewer).post(reverse("admin:agencies_recognition_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["kind"]
    assert org_a.recognitions.count() == 1


def test_only_registered_agencies_can_be_chosen_for_a_grant(reviewer, org_a, client_for):
    applying = factories.make_agency("申请中机构", status=Agency.Status.APPLYING)
    page = client_for(reviewer).get(reverse("admin:agencies_recognition_add"))
    choices = page.context["adminform"].form.fields["agency"].queryset
    assert org_a in choices and applying not in choices


def test_revoke_needs_a_reason_and_then_revokes(reviewer, org_a, client_for):
    recognition = org_a.recognitions.create(kind_id="station", year=2026, granted_on="2026-04-01")
    client = client_for(reviewer)
    url = reverse("admin:agencies_recognition_review", args=[recognition.pk, "revoke"])
    assert client.post(url, {"reason": ""}).status_code == 200
    recognition.refresh_from_db()
    assert recognition.status == Recognition.Status.VALID

    listing = reverse("admin:agencies_recognition_changelist")
    response = client.post(
        listing,
        {
            "action": "review_revoke",
            "_selected_action": [recognition.pk],
            "post": "yes",
            "reason": "年检不合格",
        },
    )
    assert response.status_code == 302
    recognition.refresh_from_db()
    assert recognition.status == Recognition.Status.REVOKED
    assert recognition.status_reason == "年检不合格"


def test_recognition_change_page_is_read_only_with_a_revoke_button(reviewer, org_a, client_for):
    recognition = org_a.recognitions.create(kind_id="station", year=2026, granted_on="2026-04-01")
    url = reverse("admin:agencies_recognition_change", args=[recognition.pk])
    client = client_for(reviewer)
    page = client.get(url)
    assert [b["action"] for b in page.context["review_buttons"]] == ["revoke"]
    assert not page.context["adminform"].form.fields
    client.post(url, {"year": 1999, "status": "revoked"})
    recognition.refresh_from_db()
    assert recognition.year == 2026 and recognition.status == Recognition.Status.VALID


def test_reviewer_changes_the_yearly_policy_with_an_audit_entry(reviewer, client_for):
    policy = AgencyPolicy.objects.create(year=2031)
    url = reverse("admin:agencies_agencypolicy_change", args=[policy.pk])
    data = {
        "year": 2031,
        "target_new_agencies_min": 6,
        "target_new_agencies_max": 12,
        "target_stations_min": 3,
        "target_stations_max": 5,
        "filing_min_workers": 8,
        "filing_min_contract_months": 12,
        "health_check_valid_months": 12,
        "target_centres_min": 0,
        "target_centres_max": 0,
        "target_city_brands_min": 1,
        "target_city_brands_max": 2,
        "filing_valid_months": 12,
        "filing_renewal_days": 90,
    }
    assert client_for(reviewer).post(url, data).status_code == 302
    policy.refresh_from_db()
    assert policy.filing_min_workers == 8 and policy.target_new_agencies_min == 6
    entry = AuditEntry.objects.for_object(policy).get(action="agencies.agencypolicy.updated")
    assert entry.before["filing_min_workers"] == 10 and entry.after["filing_min_workers"] == 8


def test_policy_with_min_above_max_is_refused_with_a_clear_message(reviewer, client_for):
    data = {
        "year": 2032,
        "target_new_agencies_min": 12,
        "target_new_agencies_max": 6,
        "target_stations_min": 3,
        "target_stations_max": 5,
        "filing_min_workers": 10,
        "filing_min_contract_months": 12,
        "health_check_valid_months": 12,
        "target_centres_min": 0,
        "target_centres_max": 0,
        "target_city_brands_min": 1,
        "target_city_brands_max": 2,
        "filing_valid_months": 12,
        "filing_renewal_days": 90,
    }
    response = client_for(reviewer).post(reverse("admin:agencies_agencypolicy_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["target_new_agencies_max"]
    assert not AgencyPolicy.objects.filter(year=2032).exists()


def test_official_reads_reference_data_but_cannot_change_it(official, client_for):
    street = Street.objects.order_by("code").first()
    client = client_for(official)
    url = reverse("admin:agencies_street_change", args=[street.pk])
    assert client.get(reverse("admin:agencies_street_changelist")).status_code == 200
    assert (
        client.post(url, {"code": street.code, "name": "改名", "sort_order": 0}).status_code == 403
    )
    street.refresh_from_db()
    assert street.name != "改名"


def test_centre_and_brand_targets_are_ranges_the_bureau_sets(reviewer, client_for):
    data = {
        "year": 2033,
        "target_new_agencies_min": 5,
        "target_new_agencies_max": 10,
        "target_stations_min": 3,
        "target_stations_max": 5,
        "target_centres_min": 2,
        "target_centres_max": 1,
        "target_city_brands_min": 3,
        "target_city_brands_max": 2,
        "filing_min_workers": 10,
        "filing_min_contract_months": 12,
        "filing_valid_months": 0,
        "filing_renewal_days": 90,
        "health_check_valid_months": 12,
    }
    response = client_for(reviewer).post(reverse("admin:agencies_agencypolicy_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"target_centres_max", "target_city_brands_max", "filing_valid_months"} <= set(errors)
    assert not AgencyPolicy.objects.filter(year=2033).exists()
