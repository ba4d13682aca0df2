"""Every transition of workflow.TRANSITIONS, allowed for its role and refused for every other
actor; four eyes; reasons where the table asks for them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, REVIEWER
from kunqu_jiafu.audit import actions as audit_actions
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.workflow import Transition
from subsidies import permissions, workflow
from subsidies.models import Claim
from tests import factories
from tests.subsidies.core_builders import draft, fund, move

S = Claim.Status
ACTORS = ("agency_a", "agency_b", "official", "reviewer", "reviewer2", "approver")
# Who holds each role among the named actors (agency_b holds the role but not the claim).
ALLOWED = {
    AGENCY_USER: {"agency_a"},
    REVIEWER: {"reviewer", "reviewer2"},
    APPROVER: {"approver"},
}


@pytest.fixture
def actors(agency_a, agency_b, official, reviewer, reviewer2, approver):
    fund(approver, "1000000.00")
    return {
        "agency_a": agency_a,
        "agency_b": agency_b,
        "official": official,
        "reviewer": reviewer,
        "reviewer2": reviewer2,
        "approver": approver,
    }


def claim_in(status: str, actors, period: str = "2026Q1") -> Claim:
    """A claim of agency A in ``status``, first-reviewed by ``reviewer``."""
    user, org = actors["agency_a"], actors["agency_a"].agency_membership.agency
    claim = draft(user, org, period=period)
    if status == S.DRAFT:
        return claim
    claim = move(user, claim, "submit")
    if status == S.SUBMITTED:
        return claim
    if status == S.RETURNED:
        return move(actors["reviewer"], claim, "return", reason="请补充利息回单")
    claim = move(actors["reviewer"], claim, "first_pass")
    if status == S.FIRST_PASSED:
        return claim
    claim = move(actors["approver"], claim, "approve")
    if status == S.APPROVED:
        return claim
    assert status == S.PAID
    return move(
        actors["reviewer"], claim, "pay", paid_on=timezone.localdate(), bank_reference="B-1"
    )


def arguments(transition: Transition) -> dict:
    kwargs = {"reason": "核实后决定" if transition.needs_reason else ""}
    if transition.action == "pay":
        kwargs.update(paid_on=timezone.localdate(), bank_reference="ICBC-20260301-01")
    return kwargs


def allowed_actors(transition: Transition) -> set[str]:
    return set().union(*(ALLOWED[role] for role in transition.roles))


CASES = [pytest.param(t, id=f"{t.source}-{t.action}-{t.target}") for t in workflow.TRANSITIONS]


@pytest.mark.parametrize("transition", CASES)
def test_transition_is_allowed_for_its_role(transition, actors):
    for quarter, name in enumerate(sorted(allowed_actors(transition)), 1):
        claim = claim_in(transition.source, actors, period=f"2026Q{quarter}")
        entries_before = AuditEntry.objects.for_object(claim).count()
        done = move(actors[name], claim, transition.action, **arguments(transition))
        assert done.status == transition.target, name
        assert AuditEntry.objects.for_object(done).count() == entries_before + 1
        entry = AuditEntry.objects.for_object(done).order_by("-id").first()
        # Stored in the past tense: approve → subsidies.claim.approved.
        assert entry.action == audit_actions.current(f"subsidies.claim.{transition.action}")
        assert entry.actor == actors[name]


@pytest.mark.parametrize("transition", CASES)
def test_transition_is_refused_for_every_other_actor(transition, actors):
    claim = claim_in(transition.source, actors)
    audit_before = AuditEntry.objects.count()
    refused = set(ACTORS) - allowed_actors(transition)
    assert refused  # the table never opens a transition to everyone
    for name in sorted(refused):
        allowed, reason = permissions.can_transition(actors[name], claim, transition.action)
        assert not allowed and reason, name
        with pytest.raises(PermissionDenied):
            move(actors[name], claim, transition.action, **arguments(transition))
    claim.refresh_from_db()
    assert claim.status == transition.source
    assert AuditEntry.objects.count() == audit_before


def test_every_status_outside_the_table_has_no_action(actors):
    final = {S.REJECTED, S.REVOKED, S.WITHDRAWN}
    sources = {t.source for t in workflow.TRANSITIONS}
    assert final.isdisjoint(sources)
    assert set(S.values) == sources | final
    for status in final:
        assert workflow.available(status, [AGENCY_USER, REVIEWER, APPROVER]) == []


def test_an_action_not_possible_in_the_status_is_refused(actors):
    claim = claim_in(S.DRAFT, actors)
    with pytest.raises(PermissionDenied):
        move(actors["approver"], claim, "approve")
    with pytest.raises(PermissionDenied):
        move(actors["agency_a"], claim, "fly")


def test_available_lists_what_each_role_may_do():
    actions = {t.action for t in workflow.available(S.SUBMITTED, [REVIEWER])}
    assert actions == {"first_pass", "return", "reject"}
    assert workflow.available(S.SUBMITTED, [AGENCY_USER]) == []
    assert {t.action for t in workflow.available(S.FIRST_PASSED, [APPROVER])} == {
        "approve",
        "return",
        "reject",
    }


# --- four eyes ------------------------------------------------------------------------------


@pytest.fixture
def reviewer_and_approver(db):
    return factories.make_user("both_roles", REVIEWER, APPROVER, full_name="钱两职")


@pytest.mark.parametrize("action", ["approve", "return", "reject"])
def test_who_did_the_first_review_may_not_decide_the_claim(action, actors, reviewer_and_approver):
    user = actors["agency_a"]
    claim = move(user, draft(user, user.agency_membership.agency), "submit")
    claim = move(reviewer_and_approver, claim, "first_pass")
    assert claim.first_reviewed_by == reviewer_and_approver
    allowed, reason = permissions.can_transition(reviewer_and_approver, claim, action)
    assert not allowed
    assert "first review" in reason or "初审" in reason
    with pytest.raises(PermissionDenied):
        move(reviewer_and_approver, claim, action, reason="自己审批")
    claim.refresh_from_db()
    assert claim.status == S.FIRST_PASSED
    assert claim.decided_by is None


def test_a_different_approver_decides_what_the_dual_role_user_reviewed(
    actors, reviewer_and_approver
):
    user = actors["agency_a"]
    claim = move(user, draft(user, user.agency_membership.agency), "submit")
    claim = move(reviewer_and_approver, claim, "first_pass")
    claim = move(actors["approver"], claim, "approve")
    assert claim.status == S.APPROVED
    assert claim.decided_by == actors["approver"]


def test_the_dual_role_user_may_approve_what_someone_else_reviewed(actors, reviewer_and_approver):
    claim = claim_in(S.FIRST_PASSED, actors)
    claim = move(reviewer_and_approver, claim, "approve")
    assert claim.status == S.APPROVED
    assert claim.first_reviewed_by == actors["reviewer"]
    assert claim.decided_by == reviewer_and_approver


# --- reasons --------------------------------------------------------------------------------


REASONED = [
    pytest.param(t, id=f"{t.source}-{t.action}") for t in workflow.TRANSITIONS if t.needs_reason
]


def test_return_reject_and_revoke_are_the_transitions_that_need_a_reason():
    assert {t.action for t in workflow.TRANSITIONS if t.needs_reason} == {
        "return",
        "reject",
        "revoke",
    }


@pytest.mark.parametrize("transition", REASONED)
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_refusal_without_a_reason_is_refused(transition, reason, actors):
    claim = claim_in(transition.source, actors)
    actor = actors[sorted(allowed_actors(transition))[0]]
    with pytest.raises(ValidationError) as caught:
        move(actor, claim, transition.action, reason=reason)
    assert "reason" in caught.value.message_dict
    assert str(transition.label) in caught.value.message_dict["reason"][0]
    claim.refresh_from_db()
    assert claim.status == transition.source


def test_the_reason_is_kept_on_the_claim_and_in_the_audit(actors):
    claim = claim_in(S.SUBMITTED, actors)
    claim = move(actors["reviewer"], claim, "return", reason="  利息回单不清晰  ")
    assert claim.last_reason == "利息回单不清晰"
    entry = AuditEntry.objects.for_object(claim).order_by("-id").first()
    assert entry.reason == "利息回单不清晰"
    assert entry.before["status"] == S.SUBMITTED and entry.after["status"] == S.RETURNED
