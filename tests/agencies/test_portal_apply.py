"""Portal: sign up, apply for registration, and who lands where."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, AgencyMembership, BusinessFormat, Street
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import AGENCY_USER
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "xinjiazheng",
    "password1": "Kq7!harbour-2026",
    "password2": "Kq7!harbour-2026",
    "full_name": "王新华",
    "phone": "13947212345",
    "email": "wang@example.cn",
}


def agency_post(**overrides) -> dict:
    data = {
        "name": "包头市昆区新华家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王新华",
        "contact_name": "李红",
        "phone": "0472-5123456",
        "address": "昆都仑区钢铁大街88号",
        "street": Street.objects.get(code="150203005").pk,
        "formats": [BusinessFormat.objects.get(code="housekeeping").pk],
        "founded_on": "2019-06-01",
        "employee_count": "15",
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant(db):
    return factories.make_user("applicant")


def counts() -> tuple[int, int, int, int]:
    return (
        Agency.objects.count(),
        AgencyMembership.objects.count(),
        AuditEntry.objects.exclude(action__startswith="accounts.").count(),
        Document.objects.count(),
    )


def test_signup_then_apply_creates_applying_agency_with_membership_audit_and_notification(
    client, reviewer
):
    response = client.post(reverse("portal:signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:apply")
    user = User.objects.get(username="xinjiazheng")
    assert (user.full_name, user.phone, user.email) == ("王新华", "13947212345", "wang@example.cn")
    assert user.check_password(SIGNUP["password1"])
    assert AuditEntry.objects.filter(
        action="accounts.user.signed_up", object_id=str(user.pk)
    ).exists()

    data = agency_post()
    response = client.post(reverse("portal:apply"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")

    agency = Agency.objects.get(uscc=data["uscc"])
    assert agency.status == Agency.Status.APPLYING
    assert agency.street.code == "150203005"
    assert [f.code for f in agency.formats.all()] == ["housekeeping"]
    assert AgencyMembership.objects.get(user=user).agency == agency
    assert user.groups.filter(name=AGENCY_USER).exists()
    assert (
        AuditEntry.objects.filter(
            action="agencies.agency.applied", object_id=str(agency.pk)
        ).count()
        == 1
    )
    assert Notification.objects.filter(recipient=reviewer, title__contains=agency.name).exists()

    dashboard = client.get(reverse("portal:dashboard"))
    assert dashboard.status_code == 200
    assert agency.name in dashboard.content.decode()
    assert "state-applying" in dashboard.content.decode()


def test_signup_refuses_mismatched_and_weak_passwords_and_creates_no_user(client):
    response = client.post(
        reverse("portal:signup"), {**SIGNUP, "password1": "12345678", "password2": "12345679"}
    )
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    response = client.post(
        reverse("portal:signup"), {**SIGNUP, "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="xinjiazheng").exists()


def test_signup_refuses_a_taken_username_in_any_case(client, applicant):
    response = client.post(reverse("portal:signup"), {**SIGNUP, "username": "APPLICANT"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username__iexact="applicant").count() == 1


def test_signup_refuses_a_malformed_phone_number(client):
    response = client.post(reverse("portal:signup"), {**SIGNUP, "phone": "12345"})
    assert "phone" in response.context["form"].errors
    assert not User.objects.filter(username="xinjiazheng").exists()


def test_apply_with_wrong_check_character_names_the_expected_one_and_writes_nothing(
    client_for, applicant
):
    bad = factories.bad_check_credit_code()
    expected = factories.credit_code(int(bad[10:17]))[-1]
    before = counts()
    response = client_for(applicant).post(reverse("portal:apply"), agency_post(uscc=bad))
    assert response.status_code == 200
    errors = response.context["form"].errors["uscc"]
    assert expected in errors[0]
    assert counts() == before


def test_apply_with_a_credit_code_already_registered_is_refused_and_writes_nothing(
    client_for, applicant, org_a
):
    before = counts()
    response = client_for(applicant).post(
        reverse("portal:apply"), agency_post(uscc=org_a.uscc.lower())
    )
    assert response.status_code == 200
    assert "uscc" in response.context["form"].errors
    assert counts() == before


def test_apply_with_a_future_founding_date_is_refused_and_writes_nothing(client_for, applicant):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    before = counts()
    response = client_for(applicant).post(
        reverse("portal:apply"), agency_post(founded_on=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "founded_on" in response.context["form"].errors
    assert counts() == before


def test_apply_reports_credit_code_and_founding_date_problems_together(client_for, applicant):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(applicant).post(
        reverse("portal:apply"),
        agency_post(uscc=factories.bad_check_credit_code(), founded_on=tomorrow.isoformat()),
    )
    assert {"uscc", "founded_on"} <= set(response.context["form"].errors)


def test_apply_with_a_licence_that_is_not_pdf_or_image_is_refused_and_writes_nothing(
    client_for, applicant
):
    fake_pdf = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    before = counts()
    response = client_for(applicant).post(
        reverse("portal:apply"), {**agency_post(), "license": fake_pdf}
    )
    assert response.status_code == 200
    assert "license" in response.context["form"].errors
    assert counts() == before
    assert not AgencyMembership.objects.filter(user=applicant).exists()


def test_apply_with_a_pdf_licence_links_it_through_the_private_download(client_for, applicant):
    client = client_for(applicant)
    pdf = SimpleUploadedFile("营业执照.pdf", factories.PDF, "application/pdf")
    client.post(reverse("portal:apply"), {**agency_post(), "license": pdf})
    agency = Agency.objects.get(memberships__user=applicant)
    assert agency.license is not None
    url = agency.license.get_absolute_url()
    assert url.startswith("/files/")
    assert url in client.get(reverse("portal:dashboard")).content.decode()
    assert client.get(url).status_code == 200


def test_apply_with_missing_fields_shows_errors_and_writes_nothing(client_for, applicant):
    before = counts()
    response = client_for(applicant).post(reverse("portal:apply"), {"name": "只有名称"})
    form = response.context["form"]
    assert {"uscc", "street", "formats", "founded_on"} <= set(form.errors)
    assert counts() == before


def test_user_with_an_agency_is_sent_from_apply_to_the_dashboard(client_for, agency_a):
    response = client_for(agency_a).get(reverse("portal:apply"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")


def test_user_without_an_agency_is_sent_from_the_dashboard_to_apply(client_for, applicant):
    response = client_for(applicant).get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:apply")


@pytest.mark.parametrize("name", ["reviewer", "approver", "official"])
def test_staff_are_sent_from_the_portal_to_the_admin(db, client_for, request, name):
    client = client_for(request.getfixturevalue(name))
    for url_name in ("portal:dashboard", "portal:apply", "portal:workers", "portal:filing"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url_name in ("portal:dashboard", "portal:apply", "portal:workers", "portal:filing"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_signed_in_user_visiting_signup_is_sent_home(client_for, agency_a):
    response = client_for(agency_a).get(reverse("portal:signup"))
    assert response.status_code == 302
