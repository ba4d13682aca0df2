"""One function per transition over one workflow check that returns the row it found."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agencies import workflow
from agencies.models import Agency
from agencies.services import registration
from tests import factories

pytestmark = pytest.mark.django_db


def test_check_returns_the_row_found_and_asks_for_a_needed_reason():
    row = workflow.check(workflow.AGENCY_TRANSITIONS, "registered", "suspend", (True, ""), "整改")
    assert (row.source, row.action, row.target) == ("registered", "suspend", "suspended")
    with pytest.raises(ValidationError) as exc:
        workflow.check(workflow.AGENCY_TRANSITIONS, "registered", "suspend", (True, ""), "  ")
    assert "暂停" in exc.value.message_dict["reason"][0]
    with pytest.raises(PermissionDenied, match="只能"):
        workflow.check(workflow.AGENCY_TRANSITIONS, "registered", "suspend", (False, "只能…"), "x")


def test_each_agency_verb_moves_by_its_own_row(reviewer):
    org = factories.make_agency("动词家政", status=Agency.Status.APPLYING)
    org = registration.agency_register(actor=reviewer, agency=org)
    assert (org.status, org.registered_on is not None) == ("registered", True)
    org = registration.agency_suspend(actor=reviewer, agency=org, reason="年检不合格")
    assert org.status == "suspended"
    with pytest.raises(PermissionDenied):  # no row: a suspended agency is not registered again
        registration.agency_register(actor=reviewer, agency=org)
    org = registration.agency_reinstate(actor=reviewer, agency=org, reason="整改到位")
    org = registration.agency_deregister(actor=reviewer, agency=org, reason="歇业")
    assert org.status == "deregistered"


def test_an_unknown_action_is_refused_with_the_reason(reviewer, org_a):
    with pytest.raises(PermissionDenied):
        registration.agency_transition(actor=reviewer, agency=org_a, action="explode")
