"""Budgets and rates: 业务经办 cannot set them; an approver proposes (who, what, old → new,
why), another approver approves before it takes effect; nobody approves their own; audited.
Two approvals at once: one wins (PostgreSQL, row lock)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kunqu_jiafu.accounts.roles import APPROVER
from kunqu_jiafu.audit.models import AuditEntry
from subsidies import services
from subsidies.models import ClaimType, SettingChange, SpecialFund
from tests import factories
from tests.concurrency import outcomes, run_together
from tests.subsidies.core_builders import fund, seed_catalogue


@pytest.fixture
def approver2(db):
    return factories.make_user("approver2", APPROVER, full_name="李领导")


@pytest.fixture
def loan_type(db):
    seed_catalogue()
    return ClaimType.objects.get(code="loan_interest", policy_year=2026)


def _rates(claim_type) -> dict:
    params = dict(claim_type.parameters)
    params["cap"] = "12345.00"
    return params


@pytest.mark.django_db
def test_a_reviewer_cannot_propose_nor_set_a_budget_or_rates(reviewer, loan_type):
    with pytest.raises(PermissionDenied):
        services.fund_change_propose(actor=reviewer, year=2026, amount="1", reason="多花点")
    with pytest.raises(PermissionDenied):
        services.rates_change_propose(
            actor=reviewer, claim_type=loan_type, parameters=_rates(loan_type), reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.fund_set(actor=reviewer, year=2026, amount="1000")
    with pytest.raises(PermissionDenied):
        services.claim_type_save(
            actor=reviewer, claim_type=loan_type, data={"parameters": _rates(loan_type)}
        )


@pytest.mark.django_db
def test_rates_do_not_change_by_a_direct_save_even_by_an_approver(approver, loan_type):
    with pytest.raises(ValidationError) as caught:
        services.claim_type_save(
            actor=approver, claim_type=loan_type, data={"parameters": _rates(loan_type)}
        )
    assert "parameters" in caught.value.message_dict
    loan_type.refresh_from_db()
    assert loan_type.parameters.get("cap") != "12345.00"


@pytest.mark.django_db
def test_a_budget_takes_effect_only_when_another_approver_approves(approver, approver2):
    general = fund(approver, "100000.00", year=2026)
    change = services.fund_change_propose(
        actor=approver, year=2026, amount="150000.00", reason="追加预算"
    )
    general.refresh_from_db()
    assert general.amount == Decimal("100000.00")  # a proposal changes nothing yet
    assert change.before == {"amount": "100000.00"}
    with pytest.raises(PermissionDenied):
        services.setting_change_approve(actor=approver, change=change)
    general.refresh_from_db()
    assert general.amount == Decimal("100000.00")
    services.setting_change_approve(actor=approver2, change=change, reason="同意")
    general.refresh_from_db()
    assert general.amount == Decimal("150000.00")
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (SettingChange.Status.APPROVED, approver2)
    actions = list(
        AuditEntry.objects.filter(action__startswith="subsidies.settingchange.").values_list(
            "action", "actor_id"
        )
    )
    assert ("subsidies.settingchange.proposed", approver.pk) in actions
    assert ("subsidies.settingchange.approved", approver2.pk) in actions
    with pytest.raises(ValidationError):  # decided once
        services.setting_change_approve(actor=approver2, change=change)


@pytest.mark.django_db
def test_rates_change_on_approval_and_a_rejection_changes_nothing(approver, approver2, loan_type):
    change = services.rates_change_propose(
        actor=approver, claim_type=loan_type, parameters=_rates(loan_type), reason="新政策"
    )
    services.setting_change_approve(actor=approver2, change=change)
    loan_type.refresh_from_db()
    assert loan_type.parameters["cap"] == "12345.00"
    params = dict(loan_type.parameters, cap="1.00")
    other = services.rates_change_propose(
        actor=approver2, claim_type=loan_type, parameters=params, reason="试试"
    )
    with pytest.raises(ValidationError) as caught:
        services.setting_change_reject(actor=approver, change=other, reason="")
    assert "reason" in caught.value.message_dict
    services.setting_change_reject(actor=approver, change=other, reason="不同意")
    loan_type.refresh_from_db()
    assert loan_type.parameters["cap"] == "12345.00"


@pytest.mark.django_db
def test_a_stale_proposal_is_refused_on_approval(approver, approver2):
    fund(approver, "100000.00", year=2026)
    first = services.fund_change_propose(actor=approver, year=2026, amount="1.00", reason="a")
    second = services.fund_change_propose(actor=approver, year=2026, amount="9.00", reason="b")
    services.setting_change_approve(actor=approver2, change=second)
    with pytest.raises(ValidationError):
        services.setting_change_approve(actor=approver2, change=first)
    assert SpecialFund.objects.get(year=2026, claim_type=None).amount == Decimal("9.00")


@pytest.mark.django_db
def test_the_database_refuses_a_decision_by_the_proposer(approver):
    change = services.fund_change_propose(actor=approver, year=2026, amount="5", reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        SettingChange.objects.filter(pk=change.pk).update(status="approved", decided_by=approver)


@pytest.mark.django_db
def test_the_admin_proposes_and_a_second_approver_approves(client_for, approver, approver2):
    response = client_for(approver).post(
        "/admin/subsidies/settingchange/add/",
        {"kind": "fund", "year": "2026", "claim_type": "", "amount": "80000.00", "reason": "年初"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    change = SettingChange.objects.get()
    assert not SpecialFund.objects.exists()
    url = f"/admin/subsidies/settingchange/{change.pk}/review/approve/"
    refused = client_for(approver).post(url, {"reason": ""})
    assert refused.status_code == 302 and not SpecialFund.objects.exists()
    done = client_for(approver2).post(url, {"reason": ""})
    assert done.status_code == 302
    assert SpecialFund.objects.get(year=2026).amount == Decimal("80000.00")


@pytest.mark.django_db
def test_the_admin_proposal_names_the_missing_field(client_for, approver):
    response = client_for(approver).post(
        "/admin/subsidies/settingchange/add/",
        {"kind": "fund", "year": "2026", "amount": "", "reason": "年初"},
    )
    assert response.status_code == 200
    assert "amount" in response.context["adminform"].form.errors
    assert not SettingChange.objects.exists()


@pytest.mark.django_db
def test_reviewers_cannot_change_funds_or_rates_in_the_admin(client_for, reviewer, approver):
    general = fund(approver, "100000.00", year=2026)
    client = client_for(reviewer)
    response = client.post(
        f"/admin/subsidies/specialfund/{general.pk}/change/", {"amount": "1", "note": ""}
    )
    assert response.status_code == 403
    assert client.get("/admin/subsidies/settingchange/add/").status_code == 403
    general.refresh_from_db()
    assert general.amount == Decimal("100000.00")


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL (row locks and concurrent transactions)",
)
@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_the_same_proposal_at_once_one_wins(monkeypatch):
    proposer = factories.make_user("p1", APPROVER)
    first, second = (factories.make_user(f"a{i}", APPROVER) for i in (1, 2))
    fund(proposer, "1000.00", year=2026)
    change = services.fund_change_propose(actor=proposer, year=2026, amount="2000", reason="x")
    from subsidies.services import changes
    from tests.concurrency import slowed

    slowed(monkeypatch, changes, "_lock_open")
    results = run_together(
        lambda: services.setting_change_approve(actor=first, change=change),
        lambda: services.setting_change_approve(actor=second, change=change),
    )
    oks, errors = outcomes(results)
    assert len(oks) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ValidationError)
    assert AuditEntry.objects.filter(action="subsidies.settingchange.approved").count() == 1
    assert AuditEntry.objects.filter(action="subsidies.fund.set").count() == 2  # set-up + one
