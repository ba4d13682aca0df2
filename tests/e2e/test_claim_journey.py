"""Every claim type, draft to paid, in a real browser: the agency files and attaches, a
reviewer passes the first review, a different approver approves (the notice PDF is made),
the agency downloads the notice and the reviewer records the payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from agencies.models import EmployeeSystemFiling, Recognition
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from subsidies import selectors, services
from subsidies.models import Claim, ClaimType, SpecialFund
from tests import factories
from tests.e2e.signin import pass_second_factor
from training import services as training_services
from training.models import CourseKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = factories.PDF

# What an agency would type for each claim type: declared figures, subject list, eligible amount.
EXAMPLES = {
    # The loan is recorded; 850 is below its cost over any quarter (100,000 × 3.65% × 90 ÷ 365
    # = 900), so it is paid in full.
    "loan_interest": (
        {
            "lender": "中国银行包头昆都仑支行",
            "contract_number": "BT-2026-0088",
            "loan_amount": "100000",
            "annual_rate": "3.65",
            "loan_start": "2026-01-01",
            "loan_end": "2027-12-31",
            "interest_paid": "850.00",
        },
        None,
        "850.00",
    ),
    "centre_award": ({"requested_amount": "90000", "basis": "2026年认定文件"}, None, "90000.00"),
    "station_award": ({"requested_amount": "80000", "basis": "2026年认定文件"}, None, "80000.00"),
    "market_award": ({"requested_amount": "120000", "basis": "认定文件"}, None, "100000.00"),
    "excellence_award": ({"requested_amount": "50000", "basis": "考评优秀"}, None, "50000.00"),
    "brand_award": ({"requested_amount": "60000", "basis": "品牌称号"}, None, "60000.00"),
    # From the agency's training records (made in _training_records): two courses at
    # 1,500 and 1,000 yuan per trainee; two certificates at the type's 500 yuan.
    "training_subsidy": ({}, "enrolments", "2500.00"),
    "certification_subsidy": ({}, "certificates", "1000.00"),
    # Two 就业困难人员 workers, this month, 4,000 of employer contributions each.
    "social_insurance": ({}, "worker_months", "8000.00"),
    "ui_refund": (
        {
            "premiums_last_year": "12000",
            "insured_end_last_year": "40",
            "insured_end_this_year": "39",
        },
        None,
        "12000.00",
    ),
    "accident_insurance": ({"base_amount": "3000"}, None, "1500.00"),
    "health_check": ({"count": "2", "actual_cost": "350"}, "workers", "350.00"),
    # Two households served today by a green worker of the agency: 2 × 50.00.
    "fee_exemption": ({}, "exemptions", "100.00"),
}


def _label(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def _login(browser, base: str, username: str, password: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    pass_second_factor(page, username)
    return page


def _qualified_agency():
    """An agency that may claim every type: registered, filed, inspected, rated, recognised."""
    today = timezone.localdate()
    agency = factories.make_agency("包头市昆区全优家政服务有限公司")
    # A small enterprise (失业保险费返还 is for 中小微 only): 20 staff, 3,000,000 yuan revenue.
    agency.size_staff, agency.size_revenue, agency.size_year = 20, Decimal("300"), 2025
    agency.save()
    user = factories.make_agency_user("quanyou", agency)
    workers = [factories.make_worker(agency, is_hard_to_employ=True) for _ in range(2)]
    EmployeeSystemFiling.objects.create(
        agency=agency,
        status=EmployeeSystemFiling.Status.FILED,
        valid_from=dt.date(2020, 1, 1),  # in force for every claim period of these tests
        valid_until=dt.date(2099, 12, 31),
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        submitted_at=timezone.now(),
        filed_on=today,
        meets_threshold=True,
    )
    for kind in (
        Recognition.Kind.CENTRE,
        Recognition.Kind.STATION,
        Recognition.Kind.MARKET,
        Recognition.Kind.CITY_BRAND,
    ):
        Recognition.objects.create(
            agency=agency, kind_id=kind, year=2026, granted_on=dt.date(2026, 3, 1)
        )
    return agency, user, workers


def _training_records(user, agency, what: str) -> list[str]:
    """Two completed trainees of two courses of the agency, with certificates; the keys the
    claim lists (enrolment numbers or certificate numbers)."""
    done = dt.date(2026, 3, 20)
    enrolments = []
    # The standard is the bureau's per course kind, not the provider's.
    for n, (code, standard) in enumerate((("pre_job", "1500.00"), ("skill_up", "1000.00")), 1):
        CourseKind.objects.filter(code=code).update(subsidy_standard=Decimal(standard))
        course = training_services.course_create(
            actor=user,
            provider=agency,
            data={
                "name": f"2026年第{n}期家政服务员培训",
                "kind": CourseKind.objects.get(code=code),
                "starts_on": dt.date(2026, 3, 1),
                "ends_on": done,
                "class_hours": 40,
                "capacity": 30,
                "policy_year": 2026,
            },
        )
        enrolment = training_services.enrol(
            actor=user, course=course, id_number=factories.id_number(), name=f"学员{n}"
        )
        enrolments.append(
            training_services.enrolment_record(
                actor=user,
                enrolment=enrolment,
                data={
                    "attended_hours": 40,
                    "completed": True,
                    "completed_on": done,
                    "exam": "passed",
                    "certificate_number": f"JD2026-000{n}",
                },
            )
        )
    if what == "certificates":
        return [e.certificate_number for e in enrolments]
    return [str(e.pk) for e in enrolments]


@pytest.mark.parametrize("code", list(EXAMPLES))
def test_claim_goes_from_draft_to_paid_in_the_browser(code, browser, live_server, monkeypatch):
    base = live_server.url
    agency, agency_user, workers = _qualified_agency()
    reviewer = factories.make_user("shenhe", REVIEWER, full_name="赵经办")
    approver = factories.make_user("shenpi", APPROVER, full_name="孙领导")
    factories.record_standing(
        actor=reviewer, agency=agency, year=2026, inspection="passed", rating="excellent"
    )
    services.fund_set(actor=approver, year=2026, amount="1000000")
    claim_type = ClaimType.objects.get(code=code, policy_year=2026)
    declared, subjects, expected = EXAMPLES[code]
    if subjects == "workers":
        subjects = [w.person.id_number for w in workers]
    elif subjects == "worker_months":
        month = f"{timezone.localdate():%Y-%m}"
        for worker in workers:  # the person record says 就业困难人员
            worker.person.is_hard_to_employ = True
            worker.person.save()
        subjects = [f"{w.person.id_number} {month} 4000.00" for w in workers]
    elif subjects in ("enrolments", "certificates"):
        subjects = _training_records(agency_user, agency, subjects)
    elif subjects == "exemptions":
        # head's ID number, address, street, service date, covered service, worker's ID number
        subjects = [
            "\t".join(
                [
                    factories.id_number(),
                    f"昆区钢铁大街{i + 1}号",
                    "少先路街道",
                    f"{timezone.localdate():%Y-%m-%d}",
                    "家庭保洁",
                    workers[0].person.id_number,
                ]
            )
            for i in range(2)
        ]

    # The agency files the claim from the catalogue.
    page = _login(browser, base, agency_user.username, factories.PASSWORD)
    page.goto(f"{base}/portal/claims/catalogue/")
    page.get_by_test_id(f"start-{code}").click()
    page.wait_for_load_state()
    page.fill("#id_period", selectors.current_period(claim_type))
    for name, value in declared.items():
        page.fill(f"#id_declared_{name}", value)
    if subjects:
        page.fill("#id_subjects", "\n".join(subjects))
    page.get_by_test_id("save-claim").click()
    page.wait_for_load_state()
    claim = Claim.objects.get(agency=agency, claim_type=claim_type)
    assert claim.eligible_amount == Decimal(expected)
    assert page.get_by_test_id("trace").is_visible()
    for attachment_code, _label_text in claim_type.required_attachments:
        page.select_option("#id_code", attachment_code)
        page.set_input_files(
            "#id_file",
            files=[
                {"name": f"{attachment_code}.pdf", "mimeType": "application/pdf", "buffer": PDF}
            ],
        )
        page.get_by_test_id("upload").click()
        page.wait_for_load_state()
    page.get_by_test_id("action-submit").click()
    page.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED, page.content()[:3000]

    # The reviewer passes the first review in the admin.
    staff = _login(browser, base, reviewer.username, factories.PASSWORD)
    change = f"{base}/admin/subsidies/claim/{claim.pk}/change/"
    staff.goto(change)
    staff.locator("a[data-action=first_pass]").click()
    staff.locator("#content-main form [type=submit]").first.click()
    staff.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.FIRST_PASSED

    # A different person approves; the approval draws on the fund and makes the notice.
    boss = _login(browser, base, approver.username, factories.PASSWORD)
    boss.goto(change)
    boss.locator("a[data-action=approve]").click()
    boss.locator("#content-main form [type=submit]").first.click()
    boss.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.approved_amount == Decimal(expected)
    assert SpecialFund.objects.get(year=2026, claim_type=None).committed == Decimal(expected)
    notice = claim.notices.get()
    assert notice.number.startswith("昆人社家补〔")

    # The agency sees the decision and downloads the notice.
    page.goto(f"{base}/portal/claims/{claim.pk}/")
    assert page.get_by_test_id("approved-amount").is_visible()
    link = page.get_by_test_id("notice-download")
    pdf = page.request.get(base + link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # The reviewer records the payment.
    staff.goto(change)
    staff.locator("a[data-action=pay]").click()
    staff.fill("#id_paid_on", timezone.localdate().isoformat())
    staff.fill("#id_bank_reference", f"BK{claim.pk:06d}")
    staff.locator("#content-main form [type=submit]").first.click()
    staff.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID
    page.goto(f"{base}/portal/claims/{claim.pk}/")
    assert page.get_by_test_id("claim-status").first.inner_text().strip() == _label(
        Claim.Status.PAID
    )
    for p in (page, staff, boss):
        p.context.close()
