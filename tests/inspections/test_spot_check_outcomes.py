"""Recording a spot check's outcome: 不属实 revokes the record through the app that owns it.

The issue: "不属实 revokes the claim (with the amount to recover) or the voucher through the
subsidies and vouchers services, and the agency sees it"; the plan: "严格审核享受补贴的家庭服务业务资料，
确保资金发放安全"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections.models import SpotCheck, SpotCheckItem
from inspections.services.spotcheck_outcomes import spot_check_assign, spot_check_record
from inspections.services.spotchecks import spot_check_draw
from kunqu_jiafu.accounts.roles import AGENCY_USER, REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from subsidies.exemption_models import FeeExemption
from subsidies.models import Claim, SpecialFund
from tests import factories
from tests.concurrency import outcomes, run_together
from tests.inspections.spot_builders import approved_claims, draw_kwargs
from tests.subsidies.core_builders import approved, draft, fund, move, paid, pdf
from tests.vouchers import core_builders as vb
from vouchers.models import Voucher
from vouchers.services.verification import voucher_verify

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FALSE, TRUE = SpotCheckItem.Outcome.FALSE, SpotCheckItem.Outcome.TRUE


def _period() -> dict:
    return {"period_start": TODAY - dt.timedelta(days=30), "period_end": TODAY}


def _claim_check(reviewer) -> SpotCheckItem:
    check = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=1, **_period()))
    return check.items.get()


def test_false_on_a_paid_claim_revokes_it_and_records_the_amount_to_recover(
    agency_a, org_a, reviewer, approver, client_for
):
    fund(approver, "100000")
    claim = paid(agency_a, org_a, reviewer, approver)
    item = _claim_check(reviewer)
    item = spot_check_record(
        actor=reviewer, item=item, outcome=FALSE, method="call", evidence="电话回访：无此贷款"
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REVOKED
    assert claim.recovery_amount == claim.approved_amount == item.recovery_amount
    assert "电话回访：无此贷款" in claim.last_reason
    assert SpotCheck.objects.get().status == SpotCheck.Status.CLOSED
    # The agency sees it: on its claim page and on its spot-check page.
    client = client_for(agency_a)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "电话回访：无此贷款" in page
    listing = client.get(reverse("inspections:spot_checks")).content.decode()
    assert f"{item.recovery_amount:,}" in listing and "电话回访：无此贷款" in listing


def test_false_on_an_approved_unpaid_claim_returns_the_money_to_the_fund(
    agency_a, org_a, reviewer, approver
):
    fund(approver, "100000")
    claim = approved(agency_a, org_a, reviewer, approver)
    committed = SpecialFund.objects.get(claim_type=None).committed
    assert committed == claim.approved_amount
    item = spot_check_record(
        actor=reviewer, item=_claim_check(reviewer), outcome=FALSE, method="visit", evidence="x"
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REVOKED and item.recovery_amount == Decimal("0.00")
    assert SpecialFund.objects.get(claim_type=None).committed == 0


def test_true_changes_nothing_in_subsidies_and_keeps_the_evidence_file(
    agency_a, org_a, reviewer, approver
):
    fund(approver, "100000")
    claim = paid(agency_a, org_a, reviewer, approver)
    item = spot_check_record(
        actor=reviewer,
        item=_claim_check(reviewer),
        outcome=TRUE,
        method="document",
        evidence="核对银行回单，属实",
        files=[pdf("回单.pdf")],
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID and item.recovery_amount is None
    document = Document.objects.get(purpose="spot-check-evidence")
    assert document.owner == item and document.purpose == "spot-check-evidence"
    entry = AuditEntry.objects.for_object(item).get()
    assert entry.action == "inspections.spotcheck.recorded" and entry.after["outcome"] == "true"


def _voucher_check(reviewer, org_a, agency_a, *, settle: bool) -> tuple[Voucher, SpotCheckItem]:
    batch = vb.batch(count=5)
    vb.join(batch, org_a, reviewer)
    voucher = vb.issued(batch, reviewer)
    vb.redeem(voucher, agency_a, factories.make_worker(org_a))
    voucher_verify(actor=reviewer, voucher=voucher, passed=True)
    if settle:
        from vouchers.services.settlement import settlement_create

        settlement_create(actor=reviewer, batch=batch, agency=org_a, month=TODAY)
    check = spot_check_draw(
        actor=reviewer,
        **draw_kwargs(population="vouchers", claim_types=[], sample_size=1, **_period()),
    )
    return voucher, check.items.get()


def test_false_on_a_settled_voucher_revokes_it_with_its_face_value_to_recover(
    agency_a, org_a, reviewer, client_for
):
    voucher, item = _voucher_check(reviewer, org_a, agency_a, settle=True)
    item = spot_check_record(
        actor=reviewer, item=item, outcome=FALSE, method="visit", evidence="上门核实：未提供服务"
    )
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.REVOKED
    assert voucher.recovery_amount == voucher.face_value == item.recovery_amount
    page = client_for(agency_a).get(reverse("vouchers:detail", args=[voucher.pk]))
    assert "上门核实：未提供服务" in page.content.decode()


def test_false_on_a_fee_exemption_marks_it_false_and_recovers_its_share(
    agency_a, org_a, reviewer, approver
):
    fund(approver, "100000")
    lines = [
        "\t".join(
            [
                factories.id_number(),
                f"昆区钢铁大街{i}号",
                "少先路街道",
                f"{TODAY:%Y-%m-%d}",
                "家庭保洁",
                worker.person.id_number,
            ]
        )
        for i, worker in enumerate([factories.make_worker(org_a)] * 2)
    ]
    claim = draft(
        agency_a, org_a, "fee_exemption", period=f"{TODAY:%Y-%m}", declared={}, subjects=lines
    )
    for actor, action in ((agency_a, "submit"), (reviewer, "first_pass"), (approver, "approve")):
        claim = move(actor, claim, action)
    claim = move(reviewer, claim, "pay", paid_on=TODAY, bank_reference="BOC-1")
    check = spot_check_draw(
        actor=reviewer,
        **draw_kwargs(population="exemptions", claim_types=[], sample_size=1, **_period()),
    )
    item = spot_check_record(
        actor=reviewer, item=check.items.get(), outcome=FALSE, method="call", evidence="户主否认"
    )
    exemption = FeeExemption.objects.get(pk=item.exemption_id)
    claim.refresh_from_db()
    assert not exemption.live and exemption.found_false_at is not None
    assert item.recovery_amount == claim.approved_amount / 2 == claim.recovery_amount
    assert claim.status == Claim.Status.PAID  # the other exemption still counts


def test_an_outcome_is_recorded_once(agency_a, org_a, reviewer, approver):
    fund(approver, "100000")
    paid(agency_a, org_a, reviewer, approver)
    item = _claim_check(reviewer)
    spot_check_record(actor=reviewer, item=item, outcome=TRUE, method="call", evidence="属实")
    with pytest.raises(ValidationError) as refused:
        spot_check_record(actor=reviewer, item=item, outcome=FALSE, method="call", evidence="x")
    assert "outcome" in refused.value.message_dict
    assert SpotCheckItem.objects.get().outcome == TRUE


@pytest.mark.parametrize(
    ("outcome", "method", "evidence", "field"),
    [
        ("maybe", "call", "x", "outcome"),
        ("true", "fax", "x", "method"),
        ("false", "call", " ", "evidence"),
    ],
)
def test_bad_outcome_input_names_the_field_and_changes_nothing(
    agency_a, org_a, reviewer, approver, outcome, method, evidence, field
):
    fund(approver, "100000")
    claim = paid(agency_a, org_a, reviewer, approver)
    item = _claim_check(reviewer)
    with pytest.raises(ValidationError) as refused:
        spot_check_record(
            actor=reviewer, item=item, outcome=outcome, method=method, evidence=evidence
        )
    assert field in refused.value.message_dict
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID
    assert SpotCheckItem.objects.get().outcome == SpotCheckItem.Outcome.PENDING


def test_assigning_needs_a_bureau_reviewer_and_skips_checked_records(
    agency_a, org_a, reviewer, reviewer2, approver, official
):
    fund(approver, "100000")
    paid(agency_a, org_a, reviewer, approver)
    item = _claim_check(reviewer)
    assert spot_check_assign(actor=reviewer, items=[item], user=reviewer2) == 1
    assert SpotCheckItem.objects.get().assigned_to == reviewer2
    with pytest.raises(ValidationError):
        spot_check_assign(actor=reviewer, items=[item], user=official)
    with pytest.raises(PermissionDenied):
        spot_check_assign(actor=official, items=[item], user=reviewer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_record_at_once_revoke_it_once(
    agency_a, org_a, reviewer, reviewer2, approver, monkeypatch
):
    from tests.subsidies.core_builders import PDF_BYTES, seed_catalogue

    seed_catalogue()
    monkeypatch.setattr("kunqu_jiafu.documents.pdf.render_pdf", lambda *a, **k: PDF_BYTES)
    fund(approver, "100000")
    claim = paid(agency_a, org_a, reviewer, approver)
    item = _claim_check(reviewer)

    def record(actor):
        return lambda: spot_check_record(
            actor=actor, item=item, outcome=FALSE, method="call", evidence=f"{actor.username}"
        )

    oks, errors = outcomes(run_together(record(reviewer), record(reviewer2)))
    assert len(oks) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REVOKED
    assert AuditEntry.objects.filter(action="subsidies.claim.revoked").count() == 1


@pytest.mark.parametrize("who", ["agency_reviewer", "inactive_reviewer", "official", "nobody"])
def test_records_are_assigned_only_to_those_who_may_run_spot_checks(org_a, reviewer, official, who):
    approved_claims(org_a, 1)
    item = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=1)).items.get()
    assignee = {
        "agency_reviewer": factories.make_user("agency_reviewer", REVIEWER, AGENCY_USER),
        "inactive_reviewer": factories.make_user("gone", REVIEWER, is_active=False),
        "official": official,
        "nobody": None,
    }[who]
    with pytest.raises(ValidationError) as refused:
        spot_check_assign(actor=reviewer, items=[item], user=assignee)
    message = refused.value.message_dict["user"][0]
    assert "业务经办或审批领导" in message
    if assignee is not None:
        assert str(assignee) in message
    assert SpotCheckItem.objects.get().assigned_to is None
    assert not AuditEntry.objects.filter(action="inspections.spotcheck.assigned").exists()
