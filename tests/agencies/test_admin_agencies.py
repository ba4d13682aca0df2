"""Staff admin for agencies: review actions, editing through services, roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, EmployeeSystemFiling
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.notifications.models import Notification
from tests import factories

CHANGELIST = "admin:agencies_agency_changelist"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def change_form_data(client, url, **overrides) -> dict:
    """What a browser would post back from the change page, with some fields changed."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict = {}
    for name in form.fields:
        value = form.initial.get(name, form.fields[name].initial)
        if value is None or name.endswith("_file"):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for key in management.fields:
            data[f"{management.prefix}-{key}"] = management.initial.get(key, 0)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def applying(db):
    agency = factories.make_agency("丙家政服务有限公司", status=Agency.Status.APPLYING)
    factories.make_agency_user("applicant_c", agency)
    return agency


def test_reviewer_registers_applying_agency_through_the_bulk_action(reviewer, applying, client_for):
    client = client_for(reviewer)
    url = reverse(CHANGELIST)
    selected = {"action": "review_register", "_selected_action": [applying.pk]}

    confirm_page = client.post(url, selected)
    assert confirm_page.status_code == 200
    assert "admin/kit/review_bulk.html" in [t.name for t in confirm_page.templates]
    applying.refresh_from_db()
    assert applying.status == Agency.Status.APPLYING  # nothing happens before confirming

    response = client.post(url, {**selected, "post": "yes", "reason": ""})

    assert response.status_code == 302
    applying.refresh_from_db()
    assert applying.status == Agency.Status.REGISTERED
    assert applying.registered_on == timezone.localdate()
    entry = AuditEntry.objects.for_object(applying).get(action="agencies.agency.registered")
    assert entry.actor == reviewer
    assert Notification.objects.filter(recipient__username="applicant_c").exists()


def test_reviewer_registers_through_the_button_on_the_change_page(reviewer, applying, client_for):
    client = client_for(reviewer)
    change = client.get(reverse("admin:agencies_agency_change", args=[applying.pk]))
    actions = [b["action"] for b in change.context["review_buttons"]]
    assert actions == ["register", "reject"]
    review_url = reverse("admin:agencies_agency_review", args=[applying.pk, "register"])
    assert review_url in change.content.decode()

    assert client.get(review_url).status_code == 200
    response = client.post(review_url, {"reason": "材料齐全"})

    assert response.status_code == 302
    applying.refresh_from_db()
    assert applying.status == Agency.Status.REGISTERED
    assert applying.status_reason == "材料齐全"


def test_reject_without_reason_shows_an_error_and_changes_nothing(reviewer, applying, client_for):
    client = client_for(reviewer)
    url = reverse(CHANGELIST)
    response = client.post(
        url,
        {
            "action": "review_reject",
            "_selected_action": [applying.pk],
            "post": "yes",
            "reason": " ",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    single = client.post(
        reverse("admin:agencies_agency_review", args=[applying.pk, "reject"]), {"reason": ""}
    )
    assert single.status_code == 200
    assert single.context["form"].errors["reason"]

    applying.refresh_from_db()
    assert applying.status == Agency.Status.APPLYING
    assert not AuditEntry.objects.for_object(applying).filter(action="agencies.agency.rejected")


def test_reject_with_reason_records_it_and_tells_the_agency(reviewer, applying, client_for):
    response = client_for(reviewer).post(
        reverse("admin:agencies_agency_review", args=[applying.pk, "reject"]),
        {"reason": "营业执照不清晰"},
    )
    assert response.status_code == 302
    applying.refresh_from_db()
    assert applying.status == Agency.Status.REJECTED
    assert AuditEntry.objects.for_object(applying).get(
        action="agencies.agency.rejected"
    ).reason == ("营业执照不清晰")
    assert Notification.objects.filter(
        recipient__username="applicant_c", body__contains="营业执照不清晰"
    ).exists()


def test_bulk_action_skips_agencies_whose_status_does_not_fit(
    reviewer, applying, org_a, client_for
):
    response = client_for(reviewer).post(
        reverse(CHANGELIST),
        {
            "action": "review_register",
            "_selected_action": [applying.pk, org_a.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    applying.refresh_from_db()
    org_a.refresh_from_db()
    assert applying.status == Agency.Status.REGISTERED
    assert org_a.status == Agency.Status.REGISTERED
    assert not AuditEntry.objects.for_object(org_a).filter(action="agencies.agency.registered")


def test_status_filter_limits_the_bulk_actions_to_those_that_fit(reviewer, client_for):
    response = client_for(reviewer).get(reverse(CHANGELIST) + "?status__exact=registered")
    names = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "review_suspend" in names and "review_deregister" in names
    assert "review_register" not in names and "review_reinstate" not in names


def test_unavailable_transition_redirects_with_a_message_not_a_500(reviewer, org_a, client_for):
    response = client_for(reviewer).post(
        reverse("admin:agencies_agency_review", args=[org_a.pk, "register"]), {"reason": ""}
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.status == Agency.Status.REGISTERED


def test_suspended_agency_offers_reinstate_and_deregister(reviewer, client_for):
    agency = factories.make_agency(status=Agency.Status.SUSPENDED)
    response = client_for(reviewer).get(reverse("admin:agencies_agency_change", args=[agency.pk]))
    assert [b["action"] for b in response.context["review_buttons"]] == [
        "reinstate",
        "deregister",
    ]


def test_official_views_the_list_but_has_no_actions_and_cannot_change(
    official, applying, client_for
):
    client = client_for(official)
    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert listing.context["action_form"] is None
    assert applying.name in listing.content.decode()

    change_url = reverse("admin:agencies_agency_change", args=[applying.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert page.context["review_buttons"] == []
    assert client.post(change_url, {"name": "改名"}).status_code == 403
    review_url = reverse("admin:agencies_agency_review", args=[applying.pk, "register"])
    assert client.post(review_url, {"reason": ""}).status_code == 403
    client.post(
        reverse(CHANGELIST),
        {"action": "review_register", "_selected_action": [applying.pk], "post": "yes"},
    )
    applying.refresh_from_db()
    assert applying.status == Agency.Status.APPLYING
    assert applying.name == "丙家政服务有限公司"


def test_agency_user_is_sent_to_the_admin_login(agency_a, org_a, client_for):
    client = client_for(agency_a)
    for url in (
        reverse("admin:index"),
        reverse(CHANGELIST),
        reverse("admin:agencies_agency_change", args=[org_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_reviewer_edits_details_through_the_service_with_an_audit_entry(
    reviewer, org_a, client_for
):
    client = client_for(reviewer)
    url = reverse("admin:agencies_agency_change", args=[org_a.pk])
    response = client.post(url, change_form_data(client, url, phone="13912345678"))
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.phone == "13912345678"
    assert AuditEntry.objects.for_object(org_a).filter(action="agencies.agency.updated").exists()


def test_status_cannot_be_posted_through_the_change_form(reviewer, applying, client_for):
    client = client_for(reviewer)
    url = reverse("admin:agencies_agency_change", args=[applying.pk])
    data = change_form_data(client, url, status="registered", registered_on="2026-01-01")
    assert client.post(url, data).status_code == 302
    applying.refresh_from_db()
    assert applying.status == Agency.Status.APPLYING
    assert applying.registered_on is None


def test_bad_check_character_without_reason_is_refused(reviewer, org_a, client_for):
    client = client_for(reviewer)
    url = reverse("admin:agencies_agency_change", args=[org_a.pk])
    original = org_a.uscc
    bad = factories.bad_check_credit_code()
    response = client.post(url, change_form_data(client, url, uscc=bad, uscc_override_reason=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["uscc_override_reason"]
    org_a.refresh_from_db()
    assert org_a.uscc == original


def test_bad_check_character_with_reason_is_saved_with_the_reason(reviewer, org_a, client_for):
    client = client_for(reviewer)
    url = reverse("admin:agencies_agency_change", args=[org_a.pk])
    bad = factories.bad_check_credit_code()
    reason = "营业执照原件核对无误，代码为登记机关赋码"
    response = client.post(
        url, change_form_data(client, url, uscc=bad.lower(), uscc_override_reason=reason)
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.uscc == bad
    assert org_a.uscc_override_reason == reason
    entry = AuditEntry.objects.for_object(org_a).get(action="agencies.agency.updated")
    assert entry.reason == reason and entry.after["uscc"] == bad


def test_alliance_membership_goes_through_the_service(reviewer, org_b, client_for):
    client = client_for(reviewer)
    url = reverse("admin:agencies_agency_change", args=[org_b.pk])
    missing_date = change_form_data(client, url, alliance_member="on", alliance_joined_on="")
    response = client.post(url, missing_date)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["alliance_joined_on"]
    org_b.refresh_from_db()
    assert not org_b.alliance_member

    data = change_form_data(client, url, alliance_member="on", alliance_joined_on="2026-03-01")
    assert client.post(url, data).status_code == 302
    org_b.refresh_from_db()
    assert org_b.alliance_member and org_b.alliance_joined_on == dt.date(2026, 3, 1)
    assert (
        AuditEntry.objects.for_object(org_b)
        .filter(action="agencies.agency.alliance_changed")
        .exists()
    )


def test_licence_is_linked_through_the_private_download_view(reviewer, org_a, client_for):
    upload = SimpleUploadedFile("执照.png", PNG, content_type="image/png")
    document = document_store(upload, allowed=("image/png",), field="license", owner=org_a)
    org_a.license = document
    org_a.save(update_fields=["license"])
    page = client_for(reviewer).get(reverse("admin:agencies_agency_change", args=[org_a.pk]))
    html = page.content.decode()
    assert document.get_absolute_url() in html
    assert document.file.name not in html
    assert "/media/" not in html


def test_list_shows_counts_from_annotations(reviewer, org_a, client_for):
    factories.make_worker(org_a)
    factories.make_worker(org_a)
    factories.make_worker(org_a, left_on=dt.date(2025, 1, 1))
    response = client_for(reviewer).get(reverse(CHANGELIST))
    row = next(a for a in response.context["cl"].result_list if a.pk == org_a.pk)
    assert row.workers_total == 2
    assert row.recognitions_total == 0


def test_filters_by_recognition_and_registration_year(reviewer, org_a, org_b, client_for):
    org_a.recognitions.create(
        kind_id="station", year=2026, granted_on=dt.date(2026, 4, 1), valid_until=None
    )
    Agency.objects.filter(pk=org_b.pk).update(registered_on=dt.date(2024, 5, 5))
    client = client_for(reviewer)
    by_kind = client.get(reverse(CHANGELIST) + "?recognition=station")
    assert [a.pk for a in by_kind.context["cl"].result_list] == [org_a.pk]
    by_year = client.get(reverse(CHANGELIST) + "?registered_year=2024")
    assert [a.pk for a in by_year.context["cl"].result_list] == [org_b.pk]


def test_history_page_shows_the_audit_trail(reviewer, applying, client_for):
    client = client_for(reviewer)
    client.post(
        reverse("admin:agencies_agency_review", args=[applying.pk, "reject"]),
        {"reason": "缺少材料"},
    )
    page = client.get(reverse("admin:agencies_agency_history", args=[applying.pk]))
    assert page.status_code == 200
    assert "agencies.agency.rejected" in page.content.decode()
    assert "缺少材料" in page.content.decode()


def test_filing_approval_button_files_the_enterprise(approver, org_a, client_for):
    filing = EmployeeSystemFiling.objects.create(
        agency=org_a,
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        qualifying_workers=12,
        threshold_workers=10,
        meets_threshold=True,
        submitted_at=timezone.now(),
    )
    client = client_for(approver)
    page = client.get(reverse("admin:agencies_employeesystemfiling_change", args=[filing.pk]))
    assert [b["action"] for b in page.context["review_buttons"]] == ["approve", "return", "refuse"]
    refuse = reverse("admin:agencies_employeesystemfiling_review", args=[filing.pk, "refuse"])
    assert client.post(refuse, {"reason": ""}).status_code == 200
    approve = reverse("admin:agencies_employeesystemfiling_review", args=[filing.pk, "approve"])
    assert client.post(approve, {"reason": ""}).status_code == 302
    filing.refresh_from_db()
    assert filing.status == EmployeeSystemFiling.Status.FILED
    assert filing.decided_by == approver
