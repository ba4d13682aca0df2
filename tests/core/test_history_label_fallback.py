"""Issue 9: a history step without a label of its own shows the audit registry's name,
never the raw code (subsidies' claim timeline, the voucher application's history)."""

from __future__ import annotations

import pytest

from kunqu_jiafu import audit
from kunqu_jiafu.audit import actions as audit_actions
from subsidies.views import TIMELINE_LABELS, _timeline
from tests import factories
from tests.subsidies.core_builders import draft, seed_catalogue
from vouchers.admin.application import HISTORY_LABELS, history

CLAIM_CODE = "subsidies.claim.reopened_for_test"
VOUCHER_CODE = "vouchers.application.reopened_for_test"


@pytest.fixture
def registered(monkeypatch):
    labels = dict(audit_actions._LABELS)
    labels[CLAIM_CODE] = "申请已重新打开（测试）"
    labels[VOUCHER_CODE] = "申领已重新打开（测试）"
    monkeypatch.setattr(audit_actions, "_LABELS", labels)
    return labels


def test_claim_timeline_falls_back_to_the_audit_name(registered, agency_a, org_a, reviewer):
    seed_catalogue()
    claim = draft(agency_a, org_a)
    audit.log(reviewer, claim, CLAIM_CODE)
    assert "reopened_for_test" not in TIMELINE_LABELS
    labels = [str(row["label"]) for row in _timeline(claim)]
    assert "申请已重新打开（测试）" in labels
    assert CLAIM_CODE not in labels


def test_claim_timeline_keeps_its_own_labels_and_an_unnamed_code_is_never_an_error(
    registered, agency_a, org_a, reviewer
):
    seed_catalogue()
    claim = draft(agency_a, org_a)
    audit.log(reviewer, claim, "subsidies.claim.nameless_for_test")
    labels = [str(row["label"]) for row in _timeline(claim)]
    assert str(TIMELINE_LABELS["created"]) == labels[0]
    assert labels[-1] == "subsidies.claim.nameless_for_test"


def test_application_history_falls_back_to_the_audit_name(registered, reviewer):
    # Any audited object reads the same way; a person stands in for the application here.
    person = factories.make_person("王芳")
    audit.log(reviewer, person, VOUCHER_CODE)
    assert VOUCHER_CODE not in HISTORY_LABELS
    whats = [str(row["what"]) for row in history(person)]
    assert whats == ["申领已重新打开（测试）"]
