"""DOMAIN.md: "never a birth date beside a masked number: a mask plus a birth date gives the
whole number back." Every place that shows a masked ID to someone who is not a reviewer or
approver shows no birth date in any spelling (FIELD-NOTES: "A masked ID plus a birth date is
the ID")."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kunqu_jiafu.people.idcard import mask
from tests import factories
from tests.vouchers.test_api_common import chosen

BIRTH = "19731127"
SPELLINGS = (
    "1973-11-27",
    "19731127",
    "1973年11月27日",
    "1973/11/27",
    "1973.11.27",
    "Nov. 27, 1973",
)


def _no_birth_date(text: str, number: str, where: str) -> None:
    assert mask(number) in text, where
    assert number not in text, where
    for spelling in SPELLINGS:
        assert spelling not in text, (where, spelling)


def _xlsx_text(response) -> str:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return "\n".join(
        " ".join("" if v is None else str(v) for v in row)
        for row in sheet.iter_rows(values_only=True)
    )


@pytest.fixture
def worker(org_a):
    number = factories.id_number(birth=BIRTH, seq=321)
    return factories.make_worker(org_a, person=factories.make_person("王秀兰", number))


def test_person_admin_for_an_official(official, worker, client_for):
    client = client_for(official)
    number = worker.person.id_number
    page = client.get(reverse("admin:people_person_changelist")).content.decode()
    _no_birth_date(page, number, "person list")
    page = client.get(reverse("admin:people_person_change", args=[worker.person.pk]))
    _no_birth_date(page.content.decode(), number, "person page")


def test_worker_admin_list_page_and_export_for_an_official(official, worker, client_for):
    client = client_for(official)
    number = worker.person.id_number
    _no_birth_date(
        client.get(reverse("admin:agencies_worker_changelist")).content.decode(), number, "list"
    )
    page = client.get(reverse("admin:agencies_worker_change", args=[worker.pk]))
    _no_birth_date(page.content.decode(), number, "worker page")
    export = client.get(reverse("admin:agencies_worker_export"))
    _no_birth_date(_xlsx_text(export), number, "worker export")


def test_worker_portal_and_api_for_the_agency(agency_a, worker, client_for):
    client = client_for(agency_a)
    number = worker.person.id_number
    _no_birth_date(client.get(reverse("portal:workers")).content.decode(), number, "portal")
    _no_birth_date(client.get("/api/workers/").content.decode(), number, "api list")
    detail = client.get(f"/api/workers/{worker.pk}/").content.decode()
    _no_birth_date(detail, number, "api detail")


def test_voucher_api_and_admin_for_an_official(official, reviewer, org_a, client_for):
    number = factories.id_number(birth=BIRTH, seq=555)
    voucher = chosen(reviewer, org_a, number=number)
    client = client_for(official)
    _no_birth_date(client.get(f"/api/vouchers/{voucher.pk}/").content.decode(), number, "api")
    app = client.get(f"/api/voucher-applications/{voucher.application_id}/").content.decode()
    _no_birth_date(app, number, "application api")
    page = client.get(reverse("admin:vouchers_application_change", args=[voucher.application_id]))
    _no_birth_date(page.content.decode(), number, "application admin")


def test_reviewers_may_see_the_birth_date_beside_the_full_number(reviewer, worker, client_for):
    page = client_for(reviewer).get(reverse("admin:people_person_change", args=[worker.person.pk]))
    html = page.content.decode()
    assert worker.person.id_number in html
    assert "1973" in html and "27" in html
