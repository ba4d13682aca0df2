"""统计查询 sees figures and masked records only: a household's phone, address and evidence
never reach the official (admin list, page and export, API), while reviewers see them."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kunqu_jiafu.documents.services import document_store
from tests import factories
from tests.vouchers import core_builders as vb
from vouchers.models import Application

PHONE = "13900000001"
ADDRESS = "昆都仑区阿尔丁大街2号"


def _readable(response) -> bytes:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        sheet = load_workbook(BytesIO(body)).active
        return " ".join(str(c.value) for row in sheet.iter_rows() for c in row).encode()
    return body


def _pages(application: Application) -> list[str]:
    return [
        reverse("admin:vouchers_application_changelist"),
        reverse("admin:vouchers_application_change", args=[application.pk]),
        reverse("admin:vouchers_application_export"),
        f"/api/voucher-applications/{application.pk}/",
        "/api/voucher-applications/",
    ]


def _with_evidence(application: Application, user) -> Application:
    evidence = document_store(
        SimpleUploadedFile("失业证明.pdf", factories.PDF, content_type="application/pdf"),
        allowed=("application/pdf",),
        field="evidence_file",
        user=user,
        owner=application,
        purpose="voucher evidence",
    )
    Application.objects.filter(pk=application.pk).update(evidence=evidence)
    application.refresh_from_db()
    return application


def test_the_official_sees_no_phone_address_or_evidence(reviewer, official, client_for):
    application = _with_evidence(vb.apply(vb.batch(), reviewer), reviewer)
    client = client_for(official)
    for url in _pages(application):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _readable(response)
        assert PHONE.encode() not in body, f"official is shown the phone at {url}"
        assert ADDRESS.encode() not in body, f"official is shown the address at {url}"
        assert application.evidence.get_absolute_url().encode() not in body, url
    file_response = client.get(application.evidence.get_absolute_url())
    assert file_response.status_code == 404


def test_reviewers_still_see_them(reviewer, client_for):
    application = _with_evidence(vb.apply(vb.batch(), reviewer), reviewer)
    client = client_for(reviewer)
    for url in _pages(application):
        body = _readable(client.get(url))
        assert PHONE.encode() in body, url
    page = client.get(reverse("admin:vouchers_application_change", args=[application.pk]))
    assert ADDRESS.encode() in page.content
    assert application.evidence.get_absolute_url().encode() in page.content
    assert client.get(application.evidence.get_absolute_url()).status_code == 200


def test_the_official_sees_a_persons_phone_masked(reviewer, official, client_for):
    person = factories.make_person("孙学员")
    type(person).objects.filter(pk=person.pk).update(phone=PHONE)
    client = client_for(official)
    page = client.get(reverse("admin:people_person_change", args=[person.pk]))
    assert page.status_code == 200
    assert PHONE.encode() not in page.content
    assert b"139******01" in page.content
