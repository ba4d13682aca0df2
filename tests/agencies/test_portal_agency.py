"""Portal: the dashboard, editing the agency within what its status allows, re-applying."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import capfirst

from agencies import services
from agencies.models import Agency, BusinessFormat, Recognition, Street
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def edit_post(agency: Agency, **overrides) -> dict:
    data = {
        "name": agency.name,
        "uscc": agency.uscc,
        "legal_representative": agency.legal_representative,
        "contact_name": agency.contact_name,
        "phone": agency.phone,
        "address": agency.address,
        "street": agency.street_id,
        "formats": [f.pk for f in agency.formats.all()],
        "founded_on": agency.founded_on.isoformat(),
        "employee_count": agency.employee_count,
    }
    data.update(overrides)
    return data


def test_registered_agency_edits_only_the_fields_its_status_allows(client_for, agency_a, org_a):
    client = client_for(agency_a)
    page = client.get(reverse("portal:agency_edit"))
    form = page.context["form"]
    assert set(form.fields) == {
        "contact_name",
        "phone",
        "address",
        "formats",
        "employee_count",
        "license",
    }
    read_only = dict(page.context["read_only"])
    assert read_only[capfirst(Agency._meta.get_field("uscc").verbose_name)] == org_a.uscc
    assert read_only[capfirst(Agency._meta.get_field("founded_on").verbose_name)] == "2018-05-01"
    assert org_a.legal_representative in page.content.decode()

    response = client.post(
        reverse("portal:agency_edit"),
        edit_post(
            org_a,
            name="改过的名称",
            legal_representative="某某",
            contact_name="新联系人",
            employee_count=33,
        ),
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.contact_name == "新联系人"
    assert org_a.employee_count == 33
    assert org_a.name == "甲家政服务有限公司"  # not editable once registered: ignored
    assert org_a.legal_representative == "张三"
    assert AuditEntry.objects.filter(
        action="agencies.agency.updated", object_id=str(org_a.pk)
    ).exists()


def test_suspended_agency_cannot_change_its_formats(client_for, agency_a, org_a):
    Agency.objects.filter(pk=org_a.pk).update(status=Agency.Status.SUSPENDED)
    before = sorted(org_a.formats.values_list("code", flat=True))
    client = client_for(agency_a)
    assert "formats" not in client.get(reverse("portal:agency_edit")).context["form"].fields
    other = BusinessFormat.objects.get(code="other")
    client.post(reverse("portal:agency_edit"), edit_post(org_a, formats=[other.pk]))
    assert sorted(org_a.formats.values_list("code", flat=True)) == before


def test_deregistered_agency_cannot_open_the_edit_page(client_for, agency_a, org_a):
    Agency.objects.filter(pk=org_a.pk).update(status=Agency.Status.DEREGISTERED)
    response = client_for(agency_a).get(reverse("portal:agency_edit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")


def test_licence_reupload_replaces_the_linked_document(client_for, agency_a, org_a):
    client = client_for(agency_a)
    png = SimpleUploadedFile("licence.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png")
    client.post(reverse("portal:agency_edit"), {**edit_post(org_a), "license": png})
    org_a.refresh_from_db()
    assert org_a.license.content_type == "image/png"
    assert (
        org_a.license.get_absolute_url() in client.get(reverse("portal:dashboard")).content.decode()
    )


def test_licence_reupload_of_a_wrong_type_shows_the_error(client_for, agency_a, org_a):
    fake = SimpleUploadedFile("licence.jpg", b"GIF89a....", "image/jpeg")
    response = client_for(agency_a).post(
        reverse("portal:agency_edit"), {**edit_post(org_a), "license": fake}
    )
    assert "license" in response.context["form"].errors
    org_a.refresh_from_db()
    assert org_a.license is None


def test_agency_b_cannot_read_agency_a_licence(client_for, agency_a, agency_b, org_a):
    client = client_for(agency_a)
    pdf = SimpleUploadedFile("licence.pdf", factories.PDF, "application/pdf")
    client.post(reverse("portal:agency_edit"), {**edit_post(org_a), "license": pdf})
    org_a.refresh_from_db()
    assert client_for(agency_b).get(org_a.license.get_absolute_url()).status_code == 404


def test_rejected_agency_sees_the_reason_edits_and_reapplies(client_for, reviewer):
    applicant = factories.make_user("applicant")
    agency = services.agency_apply(
        user=applicant,
        data={
            "name": "被驳回的家政公司",
            "uscc": factories.credit_code(),
            "legal_representative": "张三",
            "contact_name": "李四",
            "phone": "13800000000",
            "address": "昆区某路1号",
            "street": Street.objects.first(),
            "founded_on": dt.date(2020, 1, 1),
            "employee_count": 5,
        },
        formats=BusinessFormat.objects.filter(code="housekeeping"),
    )
    services.agency_transition(
        actor=reviewer, agency=agency, action="reject", reason="地址与营业执照不一致"
    )
    client = client_for(applicant)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "地址与营业执照不一致" in dashboard
    assert reverse("portal:reapply") in dashboard

    agency.refresh_from_db()
    response = client.post(
        reverse("portal:agency_edit"),
        edit_post(agency, name="更正后的家政公司", address="昆区正确路2号"),
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.name, agency.address) == ("更正后的家政公司", "昆区正确路2号")

    Notification.objects.all().delete()
    response = client.post(reverse("portal:reapply"))
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.status == Agency.Status.APPLYING
    assert AuditEntry.objects.filter(
        action="agencies.agency.reapplied", object_id=str(agency.pk)
    ).exists()
    assert Notification.objects.filter(recipient=reviewer).exists()
    assert reverse("portal:reapply") not in client.get(reverse("portal:dashboard")).content.decode()


def test_registered_agency_cannot_reapply(client_for, agency_a, org_a):
    response = client_for(agency_a).post(reverse("portal:reapply"), follow=True)
    org_a.refresh_from_db()
    assert org_a.status == Agency.Status.REGISTERED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not AuditEntry.objects.filter(action="agencies.agency.reapplied").exists()


def test_reapply_refuses_get(client_for, agency_a):
    assert client_for(agency_a).get(reverse("portal:reapply")).status_code == 405


def test_dashboard_shows_worker_counts_by_colour_and_recognitions(
    client_for, agency_a, org_a, org_b
):
    today = dt.date.today()
    factories.make_worker(org_a)
    factories.make_worker(org_a)
    factories.make_worker(org_a, health_check_on=None)
    factories.make_worker(org_a, left_on=today)  # left: not counted
    factories.make_worker(org_b)  # another agency: not counted
    Recognition.objects.create(
        agency=org_a, kind_id=Recognition.Kind.STATION, year=today.year, granted_on=today
    )
    response = client_for(agency_a).get(reverse("portal:dashboard"))
    assert response.context["workers_total"] == 3
    assert response.context["worker_summary"] == [
        ("green", "可上岗", 2),
        ("yellow", "待补正", 1),
        ("red", "不可上岗", 0),
    ]
    assert [r.kind_id for r in response.context["recognitions"]] == ["station"]


def test_suspended_agency_dashboard_counts_its_workers_red(client_for, agency_a, org_a):
    factories.make_worker(org_a)
    Agency.objects.filter(pk=org_a.pk).update(
        status=Agency.Status.SUSPENDED, status_reason="年检不合格"
    )
    response = client_for(agency_a).get(reverse("portal:dashboard"))
    assert ("red", "不可上岗", 1) in response.context["worker_summary"]
    assert "年检不合格" in response.content.decode()
