"""Employee-system filing: figures from worker records, configurable threshold, the decision table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agencies import selectors, services, workflow
from agencies.models import Agency, AgencyPolicy, EmployeeSystemFiling, Worker
from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER
from kunqu_jiafu.audit import actions as audit_actions
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from kunqu_jiafu.workflow import Transition
from tests import factories

DECLARATIONS = {
    "signs_customer_contracts": True,
    "dispatches_workers": True,
    "pays_wages_directly": True,
    "trains_continuously": True,
}


def _threshold(workers: int, months: int = 12) -> AgencyPolicy:
    policy, _ = AgencyPolicy.objects.update_or_create(
        year=timezone.localdate().year,
        defaults={"filing_min_workers": workers, "filing_min_contract_months": months},
    )
    return policy


def _qualifying(agency: Agency, n: int, **extra) -> list[Worker]:
    today = timezone.localdate()
    defaults = {
        "contract_kind": Worker.ContractKind.LABOUR,
        "contract_start": today - dt.timedelta(days=100),
        "contract_end": today + dt.timedelta(days=700),
        "social_insurance": True,
        "insured_since": today - dt.timedelta(days=100),
    }
    defaults.update(extra)
    return [factories.make_worker(agency, **defaults) for _ in range(n)]


def _filing(agency: Agency, status: str, *, meets: bool = True) -> EmployeeSystemFiling:
    term = {}
    if status == EmployeeSystemFiling.Status.FILED:
        today = timezone.localdate()
        term = {"valid_from": today, "valid_until": today + dt.timedelta(days=365)}
    return EmployeeSystemFiling.objects.create(
        agency=agency,
        status=status,
        **term,
        qualifying_workers=10 if meets else 2,
        threshold_workers=10,
        meets_threshold=meets,
        submitted_at=timezone.now(),
        **DECLARATIONS,
    )


def _actions() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="agencies.filing.")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- figures ---------------------------------------------------------------------


def test_figures_count_only_long_insured_labour_contracts(org_a):
    today = timezone.localdate()
    _qualifying(org_a, 2)
    _qualifying(org_a, 1, contract_end=None)  # open-ended counts
    _qualifying(org_a, 1, contract_kind=Worker.ContractKind.SERVICE)
    _qualifying(org_a, 1, contract_end=today - dt.timedelta(days=60))  # shorter than 12 months
    _qualifying(org_a, 1, social_insurance=False, insured_since=None)
    _qualifying(org_a, 1, left_on=today - dt.timedelta(days=1))  # has left: not counted at all
    figures = selectors.filing_figures_for(org_a)
    assert figures.total_workers == 6
    assert figures.insured_workers == 5
    assert figures.qualifying_workers == 3


def test_threshold_comes_from_the_yearly_policy(org_a):
    _qualifying(org_a, 3)
    assert selectors.filing_figures_for(org_a).threshold_workers == 10
    assert not selectors.filing_figures_for(org_a).meets_threshold
    _threshold(3)
    figures = selectors.filing_figures_for(org_a)
    assert figures.threshold_workers == 3
    assert figures.meets_threshold
    _threshold(4)
    assert not selectors.filing_figures_for(org_a).meets_threshold


def test_minimum_contract_term_comes_from_the_policy(org_a):
    today = timezone.localdate()
    _qualifying(org_a, 3, contract_start=today, contract_end=today + dt.timedelta(days=200))
    _threshold(3, months=12)
    assert selectors.filing_figures_for(org_a).qualifying_workers == 0
    _threshold(3, months=6)
    assert selectors.filing_figures_for(org_a).qualifying_workers == 3


def test_other_agencies_workers_are_not_counted(org_a, org_b):
    _qualifying(org_b, 4)
    assert selectors.filing_figures_for(org_a).total_workers == 0


# --- submit ---------------------------------------------------------------------


def test_agency_user_files_with_figures_computed_now(org_a, agency_a, reviewer, reviewer2):
    _threshold(3)
    _qualifying(org_a, 3)
    filing = services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    assert filing.status == EmployeeSystemFiling.Status.SUBMITTED
    assert (filing.total_workers, filing.qualifying_workers, filing.threshold_workers) == (3, 3, 3)
    assert filing.meets_threshold
    assert _actions() == ["agencies.filing.submitted"]
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "reviewer",
        "reviewer2",
    }


@pytest.mark.parametrize("actor_name", ["reviewer", "approver", "official", "agency_b"])
def test_only_the_agency_itself_files(actor_name, org_a, request):
    actor = request.getfixturevalue(actor_name)
    with pytest.raises(PermissionDenied):
        services.filing_submit(actor=actor, agency=org_a, declarations=DECLARATIONS)
    assert not EmployeeSystemFiling.objects.exists()


@pytest.mark.parametrize("status", [Agency.Status.APPLYING, Agency.Status.SUSPENDED])
def test_only_a_registered_agency_files(status, db):
    org = factories.make_agency("丁家政", status=status)
    user = factories.make_agency_user("agency_own", org)
    with pytest.raises(PermissionDenied):
        services.filing_submit(actor=user, agency=org, declarations=DECLARATIONS)
    assert not EmployeeSystemFiling.objects.exists()


def test_unmet_declaration_is_refused_on_its_field(org_a, agency_a):
    declarations = {**DECLARATIONS, "dispatches_workers": False}
    with pytest.raises(ValidationError) as excinfo:
        services.filing_submit(actor=agency_a, agency=org_a, declarations=declarations)
    assert list(excinfo.value.message_dict) == ["dispatches_workers"]
    assert not EmployeeSystemFiling.objects.exists()


@pytest.mark.parametrize(
    "status", [EmployeeSystemFiling.Status.SUBMITTED, EmployeeSystemFiling.Status.FILED]
)
def test_one_live_filing_per_agency(status, org_a, agency_a):
    _filing(org_a, status)
    with pytest.raises(ValidationError):
        services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    assert EmployeeSystemFiling.objects.count() == 1
    assert _actions() == []


def test_refused_filing_does_not_block_a_new_one(org_a, agency_a):
    refused = _filing(org_a, EmployeeSystemFiling.Status.REFUSED)
    filing = services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    assert filing.pk != refused.pk
    assert EmployeeSystemFiling.objects.count() == 2


def test_resubmit_after_return_recomputes_the_figures(org_a, agency_a, reviewer):
    _threshold(3)
    _qualifying(org_a, 2)
    filing = services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    assert not filing.meets_threshold
    services.filing_decide(actor=reviewer, filing=filing, action="return", reason="人数不足")
    _qualifying(org_a, 1)
    again = services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    assert again.pk == filing.pk
    assert again.status == EmployeeSystemFiling.Status.SUBMITTED
    assert again.qualifying_workers == 3
    assert again.meets_threshold
    assert again.decided_by is None
    assert again.decision_reason == ""
    assert _actions() == [
        "agencies.filing.submitted",
        "agencies.filing.returned",
        "agencies.filing.resubmitted",
    ]


def test_resubmit_through_the_transition_table_also_recomputes(org_a, agency_a, reviewer):
    _threshold(3)
    _qualifying(org_a, 2)
    filing = services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    services.filing_decide(actor=reviewer, filing=filing, action="return", reason="人数不足")
    _qualifying(org_a, 1)
    again = services.filing_decide(actor=agency_a, filing=filing, action="resubmit")
    assert again.status == EmployeeSystemFiling.Status.SUBMITTED
    assert again.qualifying_workers == 3
    assert again.decided_by is None
    assert _actions()[-1] == "agencies.filing.resubmitted"


# --- decide ---------------------------------------------------------------------

DECIDE_ACTORS = ("reviewer", "approver", "official", "own_agency_user", "other_agency_user")


def _decide_allowed(transition: Transition, actor: str) -> bool:
    if actor == "own_agency_user":
        return AGENCY_USER in transition.roles
    if actor == "other_agency_user":
        return False
    return {"reviewer": REVIEWER, "approver": APPROVER, "official": OFFICIAL}[actor] in (
        transition.roles
    )


@pytest.mark.parametrize(
    ("transition", "actor_name"),
    [
        pytest.param(t, a, id=f"{t.source}-{t.action}-{a}")
        for t in workflow.FILING_TRANSITIONS
        for a in DECIDE_ACTORS
    ],
)
def test_filing_transition_table_is_enforced_by_role(
    transition, actor_name, org_a, agency_a, request
):
    actors = {"own_agency_user": agency_a}
    if actor_name == "other_agency_user":
        actors[actor_name] = factories.make_agency_user(
            "agency_other", factories.make_agency("别家")
        )
    actor = actors.get(actor_name) or request.getfixturevalue(actor_name)
    _threshold(1)
    _qualifying(org_a, 1)
    filing = _filing(org_a, transition.source)
    reason = "依据核查" if transition.needs_reason else ""
    if _decide_allowed(transition, actor_name):
        result = services.filing_decide(
            actor=actor, filing=filing, action=transition.action, reason=reason
        )
        assert result.status == transition.target
        filing.refresh_from_db()
        assert filing.status == transition.target
        # Stored in the past tense: approve → agencies.filing.approved.
        assert _actions() == [audit_actions.current(f"agencies.filing.{transition.action}")]
    else:
        with pytest.raises(PermissionDenied):
            services.filing_decide(
                actor=actor, filing=filing, action=transition.action, reason=reason
            )
        filing.refresh_from_db()
        assert filing.status == transition.source
        assert _actions() == []


@pytest.mark.parametrize(
    "transition", [t for t in workflow.FILING_TRANSITIONS if t.needs_reason], ids=lambda t: t.action
)
def test_filing_decision_reason_is_required(transition, org_a, reviewer):
    filing = _filing(org_a, transition.source)
    with pytest.raises(ValidationError) as excinfo:
        services.filing_decide(actor=reviewer, filing=filing, action=transition.action, reason="  ")
    assert "reason" in excinfo.value.message_dict
    filing.refresh_from_db()
    assert filing.status == transition.source


def test_approve_is_refused_below_the_threshold(org_a, reviewer):
    filing = _filing(org_a, EmployeeSystemFiling.Status.SUBMITTED, meets=False)
    with pytest.raises(ValidationError) as excinfo:
        services.filing_decide(actor=reviewer, filing=filing, action="approve")
    assert "2" in excinfo.value.messages[0] and "10" in excinfo.value.messages[0]
    filing.refresh_from_db()
    assert filing.status == EmployeeSystemFiling.Status.SUBMITTED
    assert filing.filed_on is None
    assert _actions() == []


def test_approve_sets_the_filing_date_and_decider(org_a, approver):
    filing = _filing(org_a, EmployeeSystemFiling.Status.SUBMITTED)
    services.filing_decide(actor=approver, filing=filing, action="approve")
    filing.refresh_from_db()
    assert filing.status == EmployeeSystemFiling.Status.FILED
    assert filing.filed_on == timezone.localdate()
    assert filing.decided_by == approver
    assert AuditEntry.objects.exclude(action__startswith="accounts.").get().before == {
        "status": "submitted"
    }


def test_filed_filing_cannot_be_decided_again(org_a, reviewer):
    filing = _filing(org_a, EmployeeSystemFiling.Status.FILED)
    for action in ("approve", "return", "refuse"):
        with pytest.raises(PermissionDenied):
            services.filing_decide(actor=reviewer, filing=filing, action=action, reason="x")
    assert _actions() == []


def test_missing_declaration_counts_as_not_met(org_a, agency_a):
    declarations = {k: v for k, v in DECLARATIONS.items() if k != "trains_continuously"}
    with pytest.raises(ValidationError) as excinfo:
        services.filing_submit(actor=agency_a, agency=org_a, declarations=declarations)
    assert list(excinfo.value.message_dict) == ["trains_continuously"]
    assert not EmployeeSystemFiling.objects.exists()


def test_other_keys_in_the_declarations_cannot_reach_the_filing(org_a, org_b, agency_a):
    declarations = {**DECLARATIONS, "agency_id": org_b.pk, "status": "filed"}
    filing = services.filing_submit(actor=agency_a, agency=org_a, declarations=declarations)
    filing.refresh_from_db()
    assert filing.agency == org_a
    assert filing.status == EmployeeSystemFiling.Status.SUBMITTED
