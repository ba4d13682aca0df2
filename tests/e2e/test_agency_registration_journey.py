"""A new agency signs up and applies, a reviewer registers it in the admin, and the agency
sees itself registered: the whole first journey, in a real browser against a live server."""

from __future__ import annotations

import pytest
from django.utils import translation

from agencies.models import Agency
from agencies.uscc import expected_check_character
from kunqu_jiafu.accounts.roles import REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.e2e.signin import pass_second_factor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MINIMAL_PDF = factories.PDF


def _label(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def _login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    pass_second_factor(page, username)


def _logout(page) -> None:
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()


def test_agency_signs_up_applies_is_registered_by_reviewer_and_sees_it(page, live_server):
    base = live_server.url
    reviewer = factories.make_user("reviewer_e2e", REVIEWER, full_name="赵经办")
    code = factories.credit_code()

    # 1. A visitor opens the portal and starts from the landing page.
    page.goto(base + "/")
    page.locator("a[href='/portal/signup/']").first.click()
    page.fill("#id_username", "anxin_jiazheng")
    page.fill("#id_password1", "Anxin#2026-jz")
    page.fill("#id_password2", "Anxin#2026-jz")
    page.fill("#id_full_name", "王经理")
    page.fill("#id_phone", "13947200001")
    page.fill("#id_email", "anxin@example.cn")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/portal/apply/")

    # 2. First attempt with a credit code whose check character is wrong: a clear error.
    wrong = factories.bad_check_credit_code()
    page.fill("#id_name", "包头市昆区安心到家家政服务有限公司")
    page.fill("#id_uscc", wrong)
    page.fill("#id_legal_representative", "王建国")
    page.fill("#id_contact_name", "王经理")
    page.fill("#id_phone", "13947200001")
    page.fill("#id_address", "昆都仑区钢铁大街 66 号")
    page.select_option("#id_street", label="友谊大街街道")
    page.locator("input[name=formats]").first.check()
    page.fill("#id_founded_on", "2019-06-01")
    page.fill("#id_employee_count", "15")
    page.set_input_files(
        "#id_license",
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_uscc").input_value() == wrong
    uscc_error = page.locator("#field-uscc .errorlist")
    # The message names the check character the code should end with.
    assert uscc_error.is_visible()
    assert expected_check_character(wrong) in uscc_error.inner_text()
    assert not Agency.objects.exists()

    # 3. Corrected: the application is accepted and waits for review.
    page.fill("#id_uscc", code)
    page.set_input_files(
        "#id_license",
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/portal/")
    status = page.get_by_test_id("agency-status")
    assert status.inner_text().strip() == _label(Agency.Status.APPLYING)
    agency = Agency.objects.get(uscc=code)
    assert agency.status == Agency.Status.APPLYING
    assert agency.license is not None
    page.screenshot(path=str(_artifact("journey-1-applied.png")), full_page=True)
    _logout(page)

    # 4. The reviewer finds it in the admin work queue and registers it.
    _login(page, base, reviewer.username, factories.PASSWORD)
    page.goto(f"{base}/admin/agencies/agency/?status__exact=applying")
    page.get_by_role("link", name=agency.name).first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("review-status").inner_text().strip() == _label(
        Agency.Status.APPLYING
    )
    page.locator("a[data-action=register]").click()
    page.wait_for_load_state()
    page.locator("#content-main form input[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("review-status").inner_text().strip() == _label(
        Agency.Status.REGISTERED
    )
    agency.refresh_from_db()
    assert agency.status == Agency.Status.REGISTERED
    assert agency.registered_on is not None
    assert (
        AuditEntry.objects.filter(
            action="agencies.agency.registered", object_id=str(agency.pk)
        ).count()
        == 1
    )
    page.screenshot(path=str(_artifact("journey-2-registered-admin.png")), full_page=True)
    _logout(page)

    # 5. The agency signs in again, sees it is registered and has a notification.
    _login(page, base, "anxin_jiazheng", "Anxin#2026-jz")
    page.wait_for_url("**/portal/")
    assert page.get_by_test_id("agency-status").inner_text().strip() == _label(
        Agency.Status.REGISTERED
    )
    assert int(page.get_by_test_id("unread").inner_text()) >= 1
    page.screenshot(path=str(_artifact("journey-3-agency-sees-registered.png")), full_page=True)


def _artifact(name: str):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
