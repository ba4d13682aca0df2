"""Races on PostgreSQL: each thread has its own connection; the database decides who wins.

A short sleep inside each critical section makes the two threads overlap every time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from agencies import permissions, selectors, services
from agencies.models import Agency, EmployeeSystemFiling, Street
from agencies.services import registration
from kunqu_jiafu.accounts.roles import REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.audit.services import audit_verify
from tests import factories
from tests.concurrency import outcomes, run_together, slowed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
]


def test_two_applications_with_the_same_credit_code_make_one_agency(transactional_db, monkeypatch):
    slowed(monkeypatch, registration, "_clean_uscc")  # both pass the duplicate check first
    code = factories.credit_code()
    street = Street.objects.order_by("code").first()
    applicants = [factories.make_user(f"applicant{i}") for i in (1, 2)]

    def apply(user):
        data = {
            "name": f"{user.username}家政服务有限公司",
            "uscc": code,
            "legal_representative": "王五",
            "contact_name": "赵六",
            "phone": "13900000000",
            "address": "昆都仑区钢铁大街88号",
            "street": street,
            "founded_on": dt.date(2019, 6, 1),
            "employee_count": 12,
        }
        return lambda: services.agency_apply(user=user, data=data, formats=[])

    oks, errors = outcomes(run_together(*(apply(u) for u in applicants)))
    assert len(oks) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "uscc" in errors[0].message_dict
    assert Agency.objects.filter(uscc=code).count() == 1
    # The loser was not half-registered: no membership, no role, no audit entry.
    assert AuditEntry.objects.filter(action="agencies.agency.applied").count() == 1
    loser = next(
        u for u in applicants if not hasattr(u.__class__.objects.get(pk=u.pk), "agency_membership")
    )
    assert not loser.groups.exists()


def test_two_simultaneous_filings_leave_one_live_filing(transactional_db, monkeypatch):
    slowed(monkeypatch, selectors, "filing_figures_for")
    org = factories.make_agency("并发家政")
    user = factories.make_agency_user("agency_race", org)
    declarations = {
        "signs_customer_contracts": True,
        "dispatches_workers": True,
        "pays_wages_directly": True,
        "trains_continuously": True,
    }

    def submit():
        return services.filing_submit(actor=user, agency=org, declarations=declarations)

    oks, errors = outcomes(run_together(submit, submit))
    assert len(oks) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert EmployeeSystemFiling.objects.filter(agency=org).count() == 1
    assert AuditEntry.objects.filter(action="agencies.filing.submitted").count() == 1


def test_two_reviewers_registering_at_once_make_one_transition(transactional_db, monkeypatch):
    slowed(monkeypatch, permissions, "can_transition_agency")
    org = factories.make_agency("待登记家政", status=Agency.Status.APPLYING)
    first = factories.make_user("reviewer_one", REVIEWER)
    second = factories.make_user("reviewer_two", REVIEWER)

    def register(user):
        return lambda: services.agency_transition(actor=user, agency=org, action="register")

    oks, errors = outcomes(run_together(register(first), register(second)))
    assert len(oks) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], PermissionDenied)  # "not possible while registered"
    org.refresh_from_db()
    assert org.status == Agency.Status.REGISTERED
    assert AuditEntry.objects.filter(action="agencies.agency.registered").count() == 1
    assert audit_verify().ok
