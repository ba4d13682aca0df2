"""An employment voucher from application to reimbursement, in a real browser: a resident
applies without an account, a reviewer approves and issues in the admin, the resident looks the
voucher up, downloads it and chooses the agency, the agency redeems it (after a mistyped code),
the reviewer records the follow-up call, verifies and draws up the statement, a different person
(the approver) marks it paid, the agency downloads the statement, and the official reads the
progress page.

Reference data (the seeded batch and groups, an agency taking part with one worker, the staff
users) is set up in the ORM; every step of the journey goes through the pages. Step screenshots
and the downloaded PDFs are written to /tmp/kj_e2e_vouchers/ (or $KJ_E2E_SHOTS)."""

from __future__ import annotations

import io
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook
from PIL import Image, ImageDraw

from agencies.models import BusinessFormat, Street
from kunqu_jiafu.accounts.roles import APPROVER, OFFICIAL, REVIEWER
from tests import factories
from tests.e2e.signin import pass_second_factor
from vouchers import codes
from vouchers.models import Application, FollowUp, Settlement, TargetGroup, Voucher
from vouchers.services.batches import participation_set

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KJ_E2E_SHOTS", "/tmp/kj_e2e_vouchers"))
APPLICANT = "李桂兰"


def _evidence_png() -> bytes:
    """A small real PNG: a photo-like stand-in for the unemployment registration card."""
    image = Image.new("RGB", (160, 100), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 155, 95), outline="darkred", width=3)
    draw.text((14, 40), "JIUYE 2026", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


class Shots:
    """Numbered full-page screenshots, one per step."""

    def __init__(self):
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in [*SHOTS.glob("*.png"), *SHOTS.glob("*.pdf")]:
            old.unlink()
        self.n = 0

    def __call__(self, page, name: str) -> None:
        self.n += 1
        page.screenshot(path=str(SHOTS / f"{self.n:02d}-{name}.png"), full_page=True)


def _context(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _login(browser, base: str, username: str, *, admin: bool = False):
    page = _context(browser)
    page.goto(f"{base}/admin/" if admin else f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()
    pass_second_factor(page, username)
    return page


def _submit_action(page) -> None:
    """Confirm on an admin action page (approve, issue, follow-up, verify, mark paid)."""
    page.locator("#content-main form [type=submit]").first.click()
    page.wait_for_load_state()


def _admin_open(page, base: str, model: str, term: str) -> None:
    """Search the admin list of ``model`` and open the one row found."""
    page.goto(f"{base}/admin/vouchers/{model}/")
    page.fill("#searchbar", term)
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1, page.locator("#content").inner_text()[:2000]
    rows.first.locator("th a, td a").first.click()
    page.wait_for_load_state()


def _download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.locator(selector).first.click()
    return Path(info.value.path()).read_bytes()


def _pdf_text(content: bytes, name: str) -> str:
    assert content.startswith(b"%PDF"), content[:40]
    path = SHOTS / f"{name}.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_voucher_goes_from_online_application_to_reimbursement(browser, live_server):
    base = live_server.url
    today = timezone.localdate()
    shot = Shots()

    # Reference data: the seeded batch, an agency taking part with one worker, the staff.
    batch = factories.keep_seeded_batch_current()  # the seeded 2026 batch, open today
    assert (batch.count, batch.issued_count) == (5000, 0)
    street = Street.objects.filter(active=True).order_by("code").first()
    agency = factories.make_agency("包头市昆区馨悦家政服务有限公司", street=street)
    agency_user = factories.make_agency_user("xinyue", agency)
    agency_user.full_name = "钱店长"
    agency_user.save(update_fields=["full_name"])
    worker = factories.make_worker(agency)
    reviewer = factories.make_user("reviewer", REVIEWER, full_name="赵经办")
    factories.make_user("approver", APPROVER, full_name="孙领导")
    factories.make_user("official", OFFICIAL, full_name="周统计")
    participation_set(actor=reviewer, batch=batch, agency=agency)
    group = TargetGroup.objects.get(code="unemployed")
    housekeeping = BusinessFormat.objects.get(code="housekeeping")
    id_number = factories.id_number(birth="19680412", sex="F")
    pages = []

    try:
        # 1. The resident (no account) starts from the landing page and applies.
        resident = _context(browser)
        pages.append(resident)
        resident.goto(base + "/")
        resident.locator("[data-testid=resident-vouchers] a[href='/vouchers/apply/']").first.click()
        resident.wait_for_url("**/vouchers/apply/")
        form = resident.get_by_test_id("apply-form")
        form.locator("input[name=name]").fill(APPLICANT)
        form.locator("input[name=id_number]").fill(id_number)
        form.locator("input[name=phone]").fill("13947201234")
        form.locator("select[name=street]").select_option(str(street.pk))
        form.locator("input[name=address]").fill("昆都仑区阿尔丁大街18号3栋2单元501")
        form.locator(f"input[name=target_group][value='{group.pk}']").check()
        form.locator("input[name=evidence]").set_input_files(
            files=[{"name": "失业登记证.png", "mimeType": "image/png", "buffer": _evidence_png()}]
        )
        form.locator("input[name=consent]").check()
        shot(resident, "apply-filled")
        form.locator("button[type=submit]").click()
        resident.wait_for_url("**/vouchers/apply/done/")
        number = resident.get_by_test_id("application-number").inner_text().strip()
        assert re.fullmatch(r"JQ2026-\d{5}", number), number
        application = Application.objects.get(number=number)
        assert application.person.name == APPLICANT
        assert application.status == Application.Status.SUBMITTED
        assert application.evidence.original_name == "失业登记证.png"
        shot(resident, "apply-done")

        # 2. A reviewer finds the application by its number, approves it and issues the voucher.
        staff = _login(browser, base, "reviewer", admin=True)
        pages.append(staff)
        _admin_open(staff, base, "application", number)
        assert staff.get_by_test_id("review-status").inner_text().strip() == _zh(
            Application.Status.SUBMITTED.label
        )
        shot(staff, "admin-application")
        staff.locator("a[data-action=approve]").click()
        staff.wait_for_load_state()
        shot(staff, "admin-approve")
        _submit_action(staff)
        application.refresh_from_db()
        assert application.status == Application.Status.APPROVED
        staff.locator("a[data-action=issue]").click()
        staff.wait_for_load_state()
        _submit_action(staff)
        application.refresh_from_db()
        assert application.status == Application.Status.ISSUED
        voucher = Voucher.objects.get(application=application)
        assert staff.get_by_test_id("review-status").inner_text().strip() == _zh(
            Application.Status.ISSUED.label
        )
        assert voucher.display_code in staff.locator("#content-main").inner_text()
        shot(staff, "admin-issued")
        staff.goto(f"{base}/admin/")
        assert staff.get_by_test_id("vouchers-issued").inner_text().strip() == "1"
        assert staff.get_by_test_id("vouchers-count").inner_text().strip() == "5,000"
        shot(staff, "admin-home-panel")

        # 3. Later, in a new browser session, the resident looks the application up.
        household = _context(browser)
        pages.append(household)
        household.goto(f"{base}/vouchers/status/")
        lookup = household.get_by_test_id("lookup-form")
        lookup.locator("input[name=number]").fill(number.lower())
        lookup.locator("input[name=id_number]").fill(id_number)
        lookup.locator("button[type=submit]").click()
        household.wait_for_load_state()
        panel = household.get_by_test_id("status-panel")
        assert panel.get_attribute("data-state") == "issued"
        code_text = household.get_by_test_id("voucher-code").inner_text().strip()
        assert code_text == voucher.display_code
        assert id_number not in household.content()  # only the masked number is shown
        shot(household, "status-issued")
        pdf = _download(household, "[data-testid=voucher-pdf]")
        assert voucher.display_code in _squeezed(_pdf_text(pdf, "voucher"))
        household.get_by_test_id(f"agency-{agency.pk}").locator("button[type=submit]").click()
        household.wait_for_load_state()
        assert household.get_by_test_id("status-panel").get_attribute("data-state") == "chosen"
        assert agency.name in household.get_by_test_id("chosen-agency").inner_text()
        voucher.refresh_from_db()
        assert voucher.agency_id == agency.pk
        shot(household, "status-agency-chosen")

        # 4. The agency sees the voucher and redeems it after the home service.
        portal = _login(browser, base, "xinyue")
        pages.append(portal)
        portal.goto(f"{base}/portal/vouchers/")
        assert voucher.display_code in portal.get_by_test_id("voucher-table").inner_text()
        assert portal.get_by_test_id("count-waiting").inner_text().strip() == "1"
        shot(portal, "portal-list")
        portal.get_by_test_id("redeem-link").click()
        portal.wait_for_url("**/portal/vouchers/redeem/")
        # One character changed: the check character catches it before any lookup.
        first = codes.ALPHABET[(codes.ALPHABET.index(voucher.code[0]) + 1) % codes.MODULUS]
        wrong = codes.display(first + voucher.code[1:])
        with translation.override("zh-hans"):
            with pytest.raises(ValidationError) as mistyped:
                codes.parse(wrong)
            expected = mistyped.value.message_dict["code"][0]
        redeem = portal.get_by_test_id("redeem-form")
        redeem.locator("input[name=code]").fill(wrong)
        redeem.locator("input[name=service_date]").fill(today.isoformat())
        redeem.locator("input[name=hours]").fill("2.5")
        redeem.locator("select[name=kind]").select_option(str(housekeeping.pk))
        redeem.locator("select[name=worker]").select_option(str(worker.pk))
        redeem.locator("textarea[name=note]").fill("日常保洁，厨房和卫生间")
        portal.get_by_test_id("redeem-submit").click()
        portal.wait_for_load_state()
        assert portal.locator("#field-code .errorlist").inner_text().strip() == expected
        assert portal.get_by_test_id("matched-voucher").count() == 0
        voucher.refresh_from_db()
        assert voucher.status == Voucher.Status.ISSUED
        shot(portal, "portal-redeem-mistyped")
        # The right code, typed in lower case with spaces, is normalised.
        typed = " ".join(voucher.display_code.lower().split("-"))
        portal.get_by_test_id("redeem-form").locator("input[name=code]").fill(typed)
        portal.get_by_test_id("redeem-submit").click()
        portal.wait_for_url(f"**/portal/vouchers/{voucher.pk}/")
        voucher.refresh_from_db()
        assert voucher.status == Voucher.Status.REDEEMED
        service = voucher.service
        assert (service.service_date, service.kind, service.worker, service.hours) == (
            today,
            housekeeping,
            worker,
            Decimal("2.5"),
        )
        assert voucher.display_code in portal.locator("main").inner_text()
        shot(portal, "portal-redeemed")
        # A second attempt is refused, saying when and by whom it was redeemed.
        portal.goto(f"{base}/portal/vouchers/redeem/")
        redeem = portal.get_by_test_id("redeem-form")
        redeem.locator("input[name=code]").fill(voucher.display_code)
        redeem.locator("input[name=hours]").fill("1")
        redeem.locator("select[name=worker]").select_option(str(worker.pk))
        portal.get_by_test_id("redeem-submit").click()
        portal.wait_for_load_state()
        error = portal.locator("#field-code .errorlist").inner_text()
        when = timezone.localtime(service.redeemed_at).strftime("%Y-%m-%d %H:%M")
        for part in (when, agency.name, "钱店长"):
            assert part in error, error
        assert voucher.service.pk == service.pk  # nothing new recorded
        shot(portal, "portal-redeem-again")

        # 5. The reviewer records the follow-up call, verifies and draws up the statement.
        _admin_open(staff, base, "voucher", voucher.display_code)
        staff.locator("a[data-action=follow_up]").click()
        staff.wait_for_load_state()
        staff.locator("input[name=reached][value='1']").check()
        staff.locator("select[name=satisfaction]").select_option("5")
        staff.locator("textarea[name=remarks]").fill("服务准时，很满意")
        shot(staff, "admin-follow-up")
        _submit_action(staff)
        follow_up = FollowUp.objects.get(voucher=voucher)
        assert (follow_up.reached, follow_up.satisfaction) == (True, 5)
        staff.locator("a[data-action=verify_pass]").click()
        staff.wait_for_load_state()
        _submit_action(staff)
        voucher.refresh_from_db()
        assert voucher.status == Voucher.Status.VERIFIED
        assert staff.get_by_test_id("review-status").inner_text().strip() == _zh(
            Voucher.Status.VERIFIED.label
        )
        shot(staff, "admin-verified")
        staff.goto(f"{base}/admin/vouchers/settlement/")
        staff.get_by_test_id("draw-link").click()
        staff.wait_for_load_state()
        staff.locator("select[name=batch]").select_option(str(batch.pk))
        staff.locator("select[name=month]").select_option(f"{today:%Y-%m}")
        staff.locator("form.vc-draw-pick [type=submit]").click()
        staff.wait_for_load_state()
        candidates = staff.get_by_test_id("candidates")
        assert agency.name in candidates.inner_text()
        candidates.locator(f"button[name=agency][value='{agency.pk}']").click()
        staff.wait_for_load_state()
        settlement = Settlement.objects.get(agency=agency)
        assert (settlement.voucher_count, settlement.amount) == (1, Decimal("200.00"))
        assert settlement.month == today.replace(day=1)
        assert settlement.number in staff.locator(".messagelist").inner_text()
        assert staff.get_by_test_id("no-candidates").is_visible()  # nothing left to settle
        shot(staff, "admin-statement-drawn")

        # ... and a different person, the approver, records the payment.
        boss = _login(browser, base, "approver", admin=True)
        pages.append(boss)
        _admin_open(boss, base, "settlement", settlement.number)
        boss.locator("a[data-action=mark_paid]").click()
        boss.wait_for_load_state()
        boss.locator("input[name=paid_on]").fill(today.isoformat())
        boss.locator("input[name=reference]").fill("GK2026-118")
        shot(boss, "admin-mark-paid")
        _submit_action(boss)
        settlement.refresh_from_db()
        assert settlement.status == Settlement.Status.PAID
        assert settlement.paid_by.username == "approver" != settlement.created_by.username
        voucher.refresh_from_db()
        assert voucher.status == Voucher.Status.REIMBURSED
        assert boss.get_by_test_id("review-status").inner_text().strip() == _zh(
            Settlement.Status.PAID.label
        )
        shot(boss, "admin-paid")

        # 6. The agency downloads its statement as PDF and Excel.
        portal.goto(f"{base}/portal/vouchers/settlements/")
        table = portal.get_by_test_id("settlement-table")
        assert settlement.number in table.inner_text()
        assert portal.get_by_test_id("paid-total").inner_text().strip() == "200.00"
        shot(portal, "portal-settlements")
        pdf = _download(portal, "[data-testid=settlement-table] a[href$='/pdf/']")
        assert settlement.number in _squeezed(_pdf_text(pdf, "statement"))
        xlsx = _download(portal, "[data-testid=settlement-table] a[href$='/xlsx/']")
        sheet = load_workbook(io.BytesIO(xlsx)).active
        assert settlement.number in str(sheet["A1"].value)
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_col=1, max_col=9)]
        line = next(r for r in rows if r[1] == voucher.display_code)
        assert Decimal(str(line[8])).quantize(Decimal("0.01")) == Decimal("200.00")
        stored = [r[8] for r in rows if isinstance(r[8], int | float | Decimal)]
        assert Decimal(str(stored[-1])).quantize(Decimal("0.01")) == Decimal("200.00")
        portal.goto(f"{base}/portal/vouchers/")
        assert portal.get_by_test_id("count-reimbursed").inner_text().strip() == "1"
        assert portal.get_by_test_id("reimbursed-amount").inner_text().strip() == "200.00"

        # 7. The official reads the progress page; the back office is read only for them.
        official = _login(browser, base, "official", admin=True)
        pages.append(official)
        official.get_by_test_id("vouchers-progress-link").click()
        official.wait_for_load_state()
        issued = _squeezed(official.get_by_test_id("progress-issued").inner_text())
        assert "1/5,000" in issued, issued
        for stage in ("redeemed", "verified", "reimbursed"):
            figure = official.get_by_test_id(f"progress-{stage}").locator("strong").inner_text()
            assert figure.strip() == "1", (stage, figure)
        assert "200.00" in official.get_by_test_id("progress-reimbursed").inner_text()
        value = _squeezed(official.get_by_test_id("progress-value").inner_text())
        assert "200.00/1,000,000.00" in value, value
        shot(official, "admin-progress-official")
        official.goto(f"{base}/admin/vouchers/voucher/{voucher.pk}/change/")
        assert official.locator("a[data-action]").count() == 0
        assert official.request.get(f"{base}/admin/vouchers/settlement/draw/").status == 403
    except Exception:
        for n, page in enumerate(pages, 1):  # where each browser was when the journey broke
            page.screenshot(path=str(SHOTS / f"failed-{n}.png"), full_page=True)
        raise
    finally:
        for page in pages:
            page.context.close()
