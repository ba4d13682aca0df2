"""Who may call which voucher service: staff work is refused to agency users, officials (read
only), anonymous visitors and deactivated staff with PermissionDenied, and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kunqu_jiafu.accounts.roles import AGENCY_USER, REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.vouchers import core_builders as b
from vouchers import permissions
from vouchers.models import Application, FollowUp, Participation, Settlement, Voucher
from vouchers.services.applications import application_decide
from vouchers.services.batches import batch_save, participation_set
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import application_approve_and_issue, voucher_issue, voucher_void
from vouchers.services.redemption import voucher_redeem
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import followup_record, voucher_verify

pytestmark = pytest.mark.django_db

OUTSIDERS = ["agency_a", "official", "anonymous", "retired_reviewer"]


@pytest.fixture
def retired_reviewer(db):
    return factories.make_user("retired", REVIEWER, is_active=False)


@pytest.fixture
def world(reviewer, approver, org_a, agency_a):
    """One voucher at every step: submitted, approved, issued, redeemed, verified and settled."""
    small = b.batch(count=10)
    b.join(small, org_a, reviewer)
    worker = factories.make_worker(org_a)
    redeemed = b.issued(small, reviewer)
    b.redeem(redeemed, agency_a, worker)
    verified = b.issued(small, reviewer)
    b.redeem(verified, agency_a, worker)
    voucher_verify(actor=reviewer, voucher=verified, passed=True)
    settled = b.issued(small, reviewer)
    b.redeem(settled, agency_a, worker)
    voucher_verify(actor=reviewer, voucher=settled, passed=True)
    statement = settlement_create(
        actor=reviewer, batch=small, agency=org_a, month=timezone.localdate()
    )
    return {
        "batch": small,
        "submitted": b.apply(small, reviewer),
        "approved": b.approved(small, reviewer),
        "issued": b.issued(small, reviewer),
        "redeemed": redeemed,
        "verified": verified,
        "statement": statement,
        "worker": worker,
    }


def _staff_calls(w, org):
    today = timezone.localdate()
    return {
        "batch_save": lambda u: batch_save(actor=u, batch=w["batch"], data={"name": "改名"}),
        "participation_set": lambda u: participation_set(
            actor=u, batch=w["batch"], agency=org, active=False
        ),
        "application_create": lambda u: b.apply(w["batch"], u),
        "application_decide": lambda u: application_decide(
            actor=u, application=w["submitted"], approve=True
        ),
        "voucher_issue": lambda u: voucher_issue(actor=u, application=w["approved"]),
        "application_approve_and_issue": lambda u: application_approve_and_issue(
            actor=u, application=w["submitted"]
        ),
        "voucher_void": lambda u: voucher_void(actor=u, voucher=w["issued"], reason="作废"),
        "voucher_choose_agency (on behalf)": lambda u: voucher_choose_agency(
            voucher=w["issued"], agency=org, actor=u
        ),
        "followup_record": lambda u: followup_record(
            actor=u, voucher=w["redeemed"], called_on=today, reached=True, satisfaction=5
        ),
        "voucher_verify": lambda u: voucher_verify(actor=u, voucher=w["redeemed"], passed=True),
        "settlement_create": lambda u: settlement_create(
            actor=u, batch=w["batch"], agency=org, month=today
        ),
        "settlement_mark_paid": lambda u: settlement_mark_paid(
            actor=u, settlement=w["statement"], paid_on=today
        ),
    }


def _snapshot():
    return (
        AuditEntry.objects.exclude(action__startswith="accounts.").count(),
        Application.objects.filter(status="submitted").count(),
        Voucher.objects.filter(status="issued", agency__isnull=True).count(),
        Voucher.objects.filter(status="redeemed").count(),
        Participation.objects.filter(active=True).count(),
        FollowUp.objects.count(),
        Settlement.objects.filter(status="paid").count(),
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_staff_services_are_refused_to_everyone_but_reviewers_and_approvers(
    request, world, org_a, who
):
    user = request.getfixturevalue(who)
    before = _snapshot()
    refused = []
    for name, call in _staff_calls(world, org_a).items():
        with pytest.raises(PermissionDenied):
            call(user)
        refused.append(name)
    assert len(refused) == 12
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["reviewer", "official", "anonymous", "approver"])
def test_only_an_agency_user_redeems(request, world, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        voucher_redeem(
            actor=user,
            code=world["issued"].code,
            service_date=timezone.localdate(),
            kind=b.kind(),
            worker=world["worker"],
            hours=Decimal("2"),
        )


def test_an_agency_user_without_an_agency_cannot_redeem(world):
    loose = factories.make_user("loose", AGENCY_USER)
    assert not permissions.can_redeem(loose)[0]
    with pytest.raises(PermissionDenied):
        voucher_redeem(
            actor=loose,
            code=world["issued"].code,
            service_date=timezone.localdate(),
            kind=b.kind(),
            worker=world["worker"],
            hours=Decimal("2"),
        )


def test_reviewers_and_approvers_handle_vouchers_officials_only_look(
    reviewer, approver, official, agency_a, agency_b, world
):
    assert permissions.can_handle(reviewer)[0] and permissions.can_handle(approver)[0]
    assert not permissions.can_handle(official)[0]
    voucher, statement = world["redeemed"], world["statement"]
    voucher.refresh_from_db()
    for user in (reviewer, approver, official, agency_a):
        assert permissions.can_view_voucher(user, voucher)[0], user
        assert permissions.can_view_settlement(user, statement)[0], user
    assert not permissions.can_view_voucher(agency_b, voucher)[0]
    assert not permissions.can_view_settlement(agency_b, statement)[0]
    # An agency user sees a voucher only once its holder chose that agency.
    assert not permissions.can_view_voucher(agency_a, world["issued"])[0]
    assert not permissions.can_view_application(agency_a, world["submitted"])[0]
    assert permissions.can_view_application(official, world["submitted"])[0]
