"""Approval against the special fund, payment, revocation, notices and fund_set."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import NoticeSequence
from kunqu_jiafu.notifications.models import Notification
from subsidies import services
from subsidies.models import Claim, Notice, SpecialFund
from tests.subsidies.core_builders import (
    PDF_BYTES,
    approved,
    claim_type,
    draft,
    first_passed,
    fund,
    move,
    paid,
    submitted,
)

S = Claim.Status
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def general(approver):
    return fund(approver, "100000.00")


@pytest.fixture
def stub_pdf(monkeypatch):
    """WeasyPrint is tested by the documents area; here any valid PDF will do."""
    calls = []

    def render_pdf(template, context, *args, **kwargs):
        calls.append((template, context))
        return PDF_BYTES

    monkeypatch.setattr("kunqu_jiafu.documents.pdf.render_pdf", render_pdf)
    return calls


def refresh(obj):
    obj.refresh_from_db()
    return obj


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- approve ------------------------------------------------------------------------------


def test_approval_commits_the_eligible_amount_to_the_general_fund(
    agency_a, org_a, reviewer, approver, general
):
    claim = approved(agency_a, org_a, reviewer, approver)
    assert claim.status == S.APPROVED
    assert claim.approved_amount == Decimal("4321.09")
    assert claim.fund == general
    assert claim.decided_by == approver
    assert refresh(general).committed == Decimal("4321.09")
    assert refresh(general).remaining == Decimal("95678.91")


def test_approver_may_approve_less_than_eligible(agency_a, org_a, reviewer, approver, general):
    claim = approved(agency_a, org_a, reviewer, approver, amount="4,000.00")
    assert claim.approved_amount == Decimal("4000.00")
    assert refresh(general).committed == Decimal("4000.00")


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [
        ("4321.10", "4321.09"),
        ("0", "不予通过"),
        ("-1", "负数"),
        ("lots", "12000.00"),
        ("NaN", "12000.00"),
        ("1e20", "过大"),
    ],
)
def test_approved_amount_must_be_a_positive_amount_within_eligible(
    amount, fragment, agency_a, org_a, reviewer, approver, general
):
    claim = first_passed(agency_a, org_a, reviewer)
    errors = errors_of(lambda: move(approver, claim, "approve", approved_amount=amount))
    assert list(errors) == ["approved_amount"]
    assert fragment in errors["approved_amount"][0]
    assert refresh(claim).status == S.FIRST_PASSED
    assert refresh(general).committed == 0
    assert not Notice.objects.exists()


def test_the_database_refuses_an_approved_amount_above_eligible(
    agency_a, org_a, reviewer, approver, general
):
    claim = approved(agency_a, org_a, reviewer, approver)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(approved_amount=Decimal("4321.10"))
    assert refresh(claim).approved_amount == Decimal("4321.09")


def test_the_database_refuses_to_overspend_a_fund(general):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpecialFund.objects.filter(pk=general.pk).update(committed=Decimal("100000.01"))


def test_approval_without_a_fund_says_to_set_one_up(agency_a, org_a, reviewer, approver):
    claim = first_passed(agency_a, org_a, reviewer)
    with pytest.raises(ValidationError) as caught:
        move(approver, claim, "approve")
    assert "2026" in caught.value.messages[0]
    assert refresh(claim).status == S.FIRST_PASSED


def test_approval_beyond_the_fund_is_refused_with_what_is_left(agency_a, org_a, reviewer, approver):
    small = fund(approver, "4000.00")
    claim = first_passed(agency_a, org_a, reviewer)
    errors = errors_of(lambda: move(approver, claim, "approve"))
    message = errors["approved_amount"][0]
    assert "仅剩余 4000.00 元" in message and "4321.09" in message
    assert refresh(small).committed == 0
    assert refresh(claim).status == S.FIRST_PASSED
    assert not Notice.objects.exists()
    # The refused approval used no notice number.
    assert not NoticeSequence.objects.filter(last_number__gt=0).exists()
    # What fits is approved.
    assert move(approver, claim, "approve", approved_amount="4000").status == S.APPROVED
    assert refresh(small).remaining == 0


def test_approval_also_draws_on_the_types_own_fund(agency_a, org_a, reviewer, approver, general):
    own = fund(approver, "5000.00", claim_type=claim_type("loan_interest"))
    approved(agency_a, org_a, reviewer, approver)
    assert refresh(own).committed == Decimal("4321.09")
    assert refresh(general).committed == Decimal("4321.09")


def test_another_types_fund_is_not_touched(agency_a, org_a, reviewer, approver, general):
    other = fund(approver, "5000.00", claim_type=claim_type("fee_exemption"))
    approved(agency_a, org_a, reviewer, approver)
    assert refresh(other).committed == 0


def test_approval_fails_when_the_types_fund_lacks_room(
    agency_a, org_a, reviewer, approver, general
):
    own = fund(approver, "1000.00", claim_type=claim_type("loan_interest"))
    claim = first_passed(agency_a, org_a, reviewer)
    errors = errors_of(lambda: move(approver, claim, "approve"))
    assert "仅剩余 1000.00 元" in errors["approved_amount"][0]
    # Neither fund moved, though the general one had room.
    assert refresh(own).committed == 0
    assert refresh(general).committed == 0


def test_approval_fails_when_the_general_fund_lacks_room(agency_a, org_a, reviewer, approver):
    general = fund(approver, "1000.00")
    own = fund(approver, "50000.00", claim_type=claim_type("loan_interest"))
    claim = first_passed(agency_a, org_a, reviewer)
    errors_of(lambda: move(approver, claim, "approve"))
    assert refresh(own).committed == 0 and refresh(general).committed == 0


def test_approval_notifies_the_agency_with_the_amount(agency_a, org_a, reviewer, approver, general):
    claim = first_passed(agency_a, org_a, reviewer)
    Notification.objects.all().delete()
    move(approver, claim, "approve")
    note = Notification.objects.get()
    assert note.recipient == agency_a
    assert "4321.09" in note.body


# --- notices ------------------------------------------------------------------------------


def test_approval_issues_a_numbered_notice_and_queues_its_pdf(
    agency_a, org_a, reviewer, approver, general, stub_pdf, django_capture_on_commit_callbacks
):
    claim = first_passed(agency_a, org_a, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        move(approver, claim, "approve")
    notice = Notice.objects.get(claim=claim)
    assert notice.kind == Notice.Kind.APPROVAL
    assert notice.number == f"昆人社家补〔{THIS_YEAR}〕0001号"
    assert notice.sequence == 1 and notice.amount == Decimal("4321.09")
    # The render task ran after the commit: the PDF is stored, private to the claim.
    assert len(stub_pdf) == 1
    template, context = stub_pdf[0]
    assert "approval" in template
    assert context["amount_capitals"].startswith("肆仟叁佰贰拾壹元")
    notice.refresh_from_db()
    assert notice.rendered_at is not None
    assert notice.document.owner == claim
    assert notice.document.content_type == "application/pdf"


def test_the_notice_pdf_is_rendered_only_after_the_commit(
    agency_a, org_a, reviewer, approver, general, stub_pdf, django_capture_on_commit_callbacks
):
    claim = first_passed(agency_a, org_a, reviewer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        move(approver, claim, "approve")
    assert stub_pdf == []  # nothing rendered inside the transaction
    assert callbacks  # queued for the commit
    for callback in callbacks:
        callback()
    assert len(stub_pdf) == 1


def test_rejection_issues_a_rejection_notice_with_the_reason(
    agency_a, org_a, reviewer, stub_pdf, django_capture_on_commit_callbacks
):
    claim = submitted(agency_a, org_a)
    with django_capture_on_commit_callbacks(execute=True):
        move(reviewer, claim, "reject", reason="贷款不属于创业担保贷款")
    notice = Notice.objects.get(claim=claim)
    assert notice.kind == Notice.Kind.REJECTION
    assert notice.number == f"昆人社家补不〔{THIS_YEAR}〕0001号"
    assert notice.reason == "贷款不属于创业担保贷款"
    assert notice.amount is None
    assert refresh(notice).document is not None
    assert "rejection" in stub_pdf[0][0]


def test_approval_and_rejection_numbers_run_separately_without_gaps(
    agency_a, org_a, reviewer, approver, general
):
    first = approved(agency_a, org_a, reviewer, approver, period="2026Q1")
    move(reviewer, submitted(agency_a, org_a, period="2026Q2"), "reject", reason="不符合")
    second = approved(agency_a, org_a, reviewer, approver, period="2026Q3")
    numbers = list(
        Notice.objects.filter(kind=Notice.Kind.APPROVAL)
        .order_by("sequence")
        .values_list("claim_id", "sequence")
    )
    assert numbers == [(first.pk, 1), (second.pk, 2)]
    assert Notice.objects.get(kind=Notice.Kind.REJECTION).sequence == 1


def test_re_rendering_a_notice_keeps_its_number(
    agency_a, org_a, reviewer, approver, general, stub_pdf
):
    approved(agency_a, org_a, reviewer, approver)
    notice = Notice.objects.get()
    number = notice.number
    services.notice_render(notice.pk)
    services.notice_render(notice.pk)
    notice.refresh_from_db()
    assert notice.number == number
    assert Notice.objects.count() == 1


def test_a_failing_pdf_does_not_undo_the_approval(
    agency_a, org_a, reviewer, approver, general, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("font missing")

    monkeypatch.setattr("kunqu_jiafu.documents.pdf.render_pdf", broken)
    claim = first_passed(agency_a, org_a, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        move(approver, claim, "approve")
    assert refresh(claim).status == S.APPROVED
    assert Notice.objects.get(claim=claim).document is None


# --- pay ----------------------------------------------------------------------------------


def test_payment_is_recorded_with_date_and_reference(agency_a, org_a, reviewer, approver, general):
    claim = paid(agency_a, org_a, reviewer, approver)
    assert claim.status == S.PAID
    assert claim.paid_on == timezone.localdate()
    assert claim.bank_reference == "BOC-2026-0001"
    assert Notification.objects.filter(recipient=agency_a, title__contains="已拨付").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bank_reference": "B-1"}, "paid_on"),
        ({"paid_on": "future", "bank_reference": "B-1"}, "paid_on"),
        ({"paid_on": "today", "bank_reference": "  "}, "bank_reference"),
        ({"paid_on": "today", "bank_reference": "R" * 61}, "bank_reference"),
    ],
)
def test_payment_needs_a_past_date_and_a_reference(
    kwargs, field, agency_a, org_a, reviewer, approver, general
):
    today = timezone.localdate()
    dates = {"today": today, "future": today + timezone.timedelta(days=1)}
    if "paid_on" in kwargs:
        kwargs = dict(kwargs, paid_on=dates[kwargs["paid_on"]])
    claim = approved(agency_a, org_a, reviewer, approver)
    errors = errors_of(lambda: move(reviewer, claim, "pay", **kwargs))
    assert list(errors) == [field]
    assert refresh(claim).status == S.APPROVED


def test_the_database_refuses_a_paid_claim_without_payment_details(
    agency_a, org_a, reviewer, approver, general
):
    claim = approved(agency_a, org_a, reviewer, approver)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=S.PAID)


# --- revoke -------------------------------------------------------------------------------


def test_revoking_an_unpaid_approval_returns_the_money_to_the_funds(
    agency_a, org_a, reviewer, approver, general
):
    own = fund(approver, "5000.00", claim_type=claim_type("loan_interest"))
    claim = approved(agency_a, org_a, reviewer, approver)
    claim = move(reviewer, claim, "revoke", reason="抽查发现利息回单不实")
    assert claim.status == S.REVOKED
    assert claim.recovery_amount is None  # nothing was paid, nothing to recover
    assert refresh(general).committed == 0
    assert refresh(own).committed == 0
    assert Notification.objects.filter(recipient=agency_a, body="抽查发现利息回单不实").exists()


def test_revoking_a_paid_claim_marks_the_money_for_recovery(
    agency_a, org_a, reviewer, approver, general
):
    claim = paid(agency_a, org_a, reviewer, approver)
    claim = move(approver, claim, "revoke", reason="抽查核实为虚假申报")
    assert claim.status == S.REVOKED
    assert claim.recovery_amount == Decimal("4321.09")
    assert refresh(general).committed == Decimal("4321.09")  # paid out; recovered separately
    entry = AuditEntry.objects.for_object(claim).order_by("-id").first()
    assert entry.action == "subsidies.claim.revoked" and entry.reason == "抽查核实为虚假申报"


def test_a_types_fund_set_up_after_approvals_counts_them(
    agency_a, org_a, reviewer, approver, general
):
    claim = approved(agency_a, org_a, reviewer, approver)
    own = fund(approver, "5000.00", claim_type=claim_type("loan_interest"))
    assert own.committed == Decimal("4321.09")
    move(reviewer, claim, "revoke", reason="虚假")
    assert refresh(own).committed == 0
    assert refresh(general).committed == 0


def test_a_types_fund_below_what_the_type_already_drew_is_refused(
    agency_a, org_a, reviewer, approver, general
):
    approved(agency_a, org_a, reviewer, approver)
    errors = errors_of(lambda: fund(approver, "4000.00", claim_type=claim_type("loan_interest")))
    assert "amount" in errors and "4321.09" in errors["amount"][0]


# --- fund_set -----------------------------------------------------------------------------


def test_fund_set_creates_and_then_changes_the_years_fund(approver):
    created = fund(approver, "2000000")
    assert created.amount == Decimal("2000000.00") and created.committed == 0
    changed = fund(approver, "2500000.50")
    assert changed.pk == created.pk and changed.amount == Decimal("2500000.50")
    entries = AuditEntry.objects.filter(action="subsidies.fund.set").order_by("id")
    assert [e.before for e in entries] == [None, {"amount": "2000000.00"}]


def test_fund_cannot_drop_below_what_is_committed(agency_a, org_a, reviewer, approver, general):
    approved(agency_a, org_a, reviewer, approver)
    errors = errors_of(lambda: fund(approver, "4321.08"))
    assert "4321.09" in errors["amount"][0]
    assert refresh(general).amount == Decimal("100000.00")
    assert fund(approver, "4321.09").remaining == 0


@pytest.mark.parametrize("name", ["agency_a", "official"])
def test_only_bureau_staff_set_the_fund(name, request, db):
    with pytest.raises(PermissionDenied):
        fund(request.getfixturevalue(name), "1000")
    assert not SpecialFund.objects.exists()


@pytest.mark.parametrize("amount", ["-1", "abc", "1e15"])
def test_fund_amount_must_be_a_sensible_amount(amount, approver):
    errors = errors_of(lambda: fund(approver, amount))
    assert list(errors) == ["amount"]


@pytest.mark.parametrize("year", [1999, 99999, "2026"])
def test_fund_year_is_checked(year, approver):
    errors = errors_of(lambda: services.fund_set(actor=approver, year=year, amount="1000"))
    assert list(errors) == ["year"]


def test_claims_in_draft_do_not_touch_the_fund(agency_a, org_a, general):
    draft(agency_a, org_a)
    assert refresh(general).committed == 0
