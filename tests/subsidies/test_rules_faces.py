"""The three rules put right (社会保险补贴, 失业保险费返还, 创业担保贷款贴息) through the faces an agency
user meets: the portal claim form and the API; and the admin shows the declared data."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from subsidies.models import Claim, ClaimType
from tests import factories
from tests.subsidies.core_builders import YEAR, file_employee_system

LOAN = {
    "lender": "中国银行包头昆都仑支行",
    "contract_number": "BT-2026-0088",
    "loan_amount": "100000.00",
    "annual_rate": "3.65",
    "loan_start": "2026-01-01",
    "loan_end": "2027-12-31",
    "interest_paid": "920.00",
}


def _type(code: str) -> ClaimType:
    return ClaimType.objects.get(code=code, policy_year=YEAR)


def _new(code: str) -> str:
    return reverse("claims:new") + f"?type={_type(code).pk}"


def _worker(org, name="王芳"):
    person = factories.make_person(name)
    person.is_hard_to_employ = True
    person.save()
    factories.make_worker(org, person=person, hired_on=dt.date(2025, 1, 1))
    return person


def test_portal_loan_form_records_the_loan_and_shows_the_capped_amount(client_for, agency_a):
    client = client_for(agency_a)
    page = client.get(_new("loan_interest")).content.decode()
    for name in ("lender", "contract_number", "annual_rate", "loan_start", "loan_end"):
        assert f'name="declared_{name}"' in page
    data = {"period": "2026Q3", **{f"declared_{k}": v for k, v in LOAN.items()}}
    data["declared_interest_paid"] = "900000"
    response = client.post(_new("loan_interest"), data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert str(claim.eligible_amount) == "920.00"
    detail = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "÷ 365 = 920.00 元" in detail and "按上限 920.00 元 计" in detail


def test_portal_loan_form_names_the_bad_fields_in_chinese(client_for, agency_a):
    data = {"period": "2026Q3", **{f"declared_{k}": v for k, v in LOAN.items()}}
    data.update(declared_annual_rate="0", declared_loan_end="2025-12-31")
    response = client_for(agency_a).post(_new("loan_interest"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "须大于 0" in errors["declared_annual_rate"][0]
    assert "不能早于“贷款起始日”" in errors["declared_loan_end"][0]
    assert not Claim.objects.exists()


def test_portal_social_insurance_form_takes_worker_months(client_for, agency_a, org_a):
    file_employee_system(org_a)
    good, other = _worker(org_a, "王芳"), factories.make_worker(org_a).person
    client = client_for(agency_a)
    page = client.get(_new("social_insurance")).content.decode()
    assert "申报人员及月份" in page and "2026-07 856.40" in page
    response = client.post(
        _new("social_insurance"),
        {
            "period": "2026Q3",
            "subjects": f"{good.id_number} 2026-07 856.40\n{other.id_number} 2026-07 800",
        },
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["subjects"])
    assert "第 2 行" in message and "第 1 行" not in message
    assert "未登记为就业困难人员或高校毕业生" in message
    response = client.post(
        _new("social_insurance"),
        {"period": "2026Q3", "subjects": f"{good.id_number}\t2026-07\t856.40"},
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert str(claim.eligible_amount) == "856.40"
    detail = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "王芳 2026-07：单位实际缴纳 856.40 元" in detail


def test_api_social_insurance_and_loan_claims(client_for, agency_a, org_a):
    file_employee_system(org_a)
    person = _worker(org_a)
    client = client_for(agency_a)
    response = client.post(
        "/api/claims/",
        {
            "claim_type": _type("social_insurance").pk,
            "period": "2026Q3",
            "declared": {},
            "subjects": [f"{person.id_number} 2026-08 700.50"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["eligible_amount"] == "700.50"
    response = client.post(
        "/api/claims/",
        {
            "claim_type": _type("loan_interest").pk,
            "period": "2026Q3",
            "declared": {**LOAN, "loan_end": "2025-01-01", "annual_rate": "385"},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["declared"]
    assert set(errors) == {"loan_end", "annual_rate"}
    assert "贷款年利率" in errors["annual_rate"][0]


def test_api_refuses_ui_refund_submission_of_a_large_enterprise(client_for, agency_a, org_a):
    org_a.size_staff, org_a.size_revenue, org_a.size_year = 400, 12000, 2025
    org_a.save()
    response = client_for(agency_a).get("/api/claim-types/?year=2026")
    row = next(r for r in response.json()["results"] if r["code"] == "ui_refund")
    assert row["eligible"] is False
    assert "仅限中型、小型、微型企业" in row["ineligible_reasons"][0]


def test_admin_shows_the_declared_loan_and_worker_months(client_for, agency_a, org_a, reviewer):
    file_employee_system(org_a)
    person = _worker(org_a)
    client = client_for(agency_a)
    client.post(
        _new("social_insurance"),
        {"period": "2026Q3", "subjects": f"{person.id_number} 2026-07 856.40"},
    )
    data = {"period": "2026Q3", **{f"declared_{k}": v for k, v in LOAN.items()}}
    client.post(_new("loan_interest"), data)
    staff = client_for(reviewer)
    for claim in Claim.objects.all():
        page = staff.get(reverse("admin:subsidies_claim_change", args=[claim.pk])).content.decode()
        if claim.claim_type.code == "loan_interest":
            assert "BT-2026-0088" in page and "中国银行包头昆都仑支行" in page and "3.65" in page
        else:
            assert "王芳 2026-07" in page and "856.40 元" in page
