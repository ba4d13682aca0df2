"""Races on PostgreSQL: each thread has its own connection; the database decides who wins.

A short sleep inside each critical section makes the threads overlap every time: without
the row locks and constraints these tests would overspend the fund, repeat or skip notice
numbers, and save duplicate claims.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from kunqu_jiafu import celery_app
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from kunqu_jiafu.documents.models import NoticeSequence
from subsidies import selectors, services, workflow
from subsidies.exemption_models import FeeExemption
from subsidies.models import Claim, Notice, SpecialFund
from subsidies.services import funds
from tests import factories
from tests.concurrency import outcomes, run_together, slowed
from tests.subsidies.core_builders import (
    DECLARED,
    PDF_BYTES,
    claim_type,
    draft,
    exemption_lines,
    first_passed,
    fund,
    seed_catalogue,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
]

S = Claim.Status


@pytest.fixture(autouse=True)
def catalogue_and_stubs(transactional_db, monkeypatch):
    """The flushed database gets its catalogue back; notices render to a stub PDF in-process."""
    seed_catalogue()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    monkeypatch.setattr("kunqu_jiafu.documents.pdf.render_pdf", lambda *args, **kwargs: PDF_BYTES)
    yield
    celery_app.conf.task_always_eager = previous


def _staff():
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    approvers = [factories.make_user(f"approver_c{i}", APPROVER) for i in (1, 2)]
    return reviewer, approvers


def _agencies(n: int):
    """n agencies, each with its user: [(user, agency)]."""
    pairs = []
    for i in range(n):
        org = factories.make_agency(f"并发家政{i:02d}")
        # A small enterprise (援企稳岗 is for 中小微 only): 20 staff, 200万元 last year.
        org.size_staff, org.size_revenue, org.size_year = 20, Decimal("200"), 2025
        org.save(update_fields=["size_staff", "size_revenue", "size_year"])
        pairs.append((factories.make_agency_user(f"race_agency{i:02d}", org), org))
    return pairs


def _approve(approver, claim):
    return lambda: services.claim_act(actor=approver, claim=claim, action="approve")


def test_two_approvers_cannot_both_spend_the_last_of_the_fund(monkeypatch):
    reviewer, (first, second) = _staff()
    general = fund(first, "5000.00")  # room for one claim of 4,321.09
    (user_a, org_a), (user_b, org_b) = _agencies(2)
    # Claims of two types, so that nothing but the fund's row lock stands between them.
    refund = {
        "premiums_last_year": "4321.09",
        "insured_end_last_year": "40",
        "insured_end_this_year": "39",
    }
    claims = [
        first_passed(user_a, org_a, reviewer),
        first_passed(user_b, org_b, reviewer, "ui_refund", declared=refund),
    ]
    # Both pass the permission check together, then queue on the fund's row lock.
    slowed(monkeypatch, workflow, "check")
    slowed(monkeypatch, funds, "lock_funds")

    oks, errors = outcomes(run_together(_approve(first, claims[0]), _approve(second, claims[1])))

    assert len(oks) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    message = errors[0].message_dict["approved_amount"][0]
    assert "仅剩余 678.91 元" in message and "4321.09" in message
    general.refresh_from_db()
    assert general.committed == Decimal("4321.09") == oks[0].approved_amount
    assert Claim.objects.filter(status=S.APPROVED).count() == 1
    assert Claim.objects.filter(status=S.FIRST_PASSED).count() == 1
    assert Notice.objects.count() == 1
    assert Notice.objects.get().sequence == 1


def test_ten_concurrent_approvals_number_their_notices_without_gaps(monkeypatch):
    reviewer, (approver, _second) = _staff()
    general = fund(approver, "1000000.00")
    claims = [first_passed(user, org, reviewer) for user, org in _agencies(10)]
    slowed(monkeypatch, workflow, "check")

    oks, errors = outcomes(run_together(*(_approve(approver, c) for c in claims)))

    assert errors == [] and len(oks) == 10
    sequences = sorted(Notice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 11))
    numbers = set(Notice.objects.values_list("number", flat=True))
    assert len(numbers) == 10
    assert all(n.startswith("昆人社家补〔") and n.endswith("号") for n in numbers)
    general.refresh_from_db()
    assert general.committed == Decimal("4321.09") * 10
    # Every notice was rendered after its approval committed.
    assert not Notice.objects.filter(document__isnull=True).exists()


def test_approvals_that_fail_part_way_leave_no_gap_in_the_numbers(monkeypatch):
    reviewer, (approver, _second) = _staff()
    general = fund(approver, str(Decimal("4321.09") * 6))  # room for six of ten
    claims = [first_passed(user, org, reviewer) for user, org in _agencies(10)]
    slowed(monkeypatch, workflow, "check")

    oks, errors = outcomes(run_together(*(_approve(approver, c) for c in claims)))

    assert len(oks) == 6 and len(errors) == 4
    assert all(isinstance(e, ValidationError) for e in errors)
    assert sorted(Notice.objects.values_list("sequence", flat=True)) == list(range(1, 7))
    # The refused approvals gave their numbers back.
    assert NoticeSequence.objects.get(year=Notice.objects.first().year).last_number == 6
    general.refresh_from_db()
    assert general.committed == general.amount
    assert Claim.objects.filter(status=S.APPROVED).count() == 6


def test_concurrent_rejections_number_their_notices_without_gaps(monkeypatch):
    """Rejections draw on no fund: only the number sequence's own lock orders them."""
    reviewer, _approvers = _staff()
    pairs = _agencies(6)
    codes = ["loan_interest", "ui_refund", "loan_interest", "ui_refund", "fee_exemption"]
    claims = []
    for (user, org), code in zip(pairs, codes + ["loan_interest"], strict=True):
        subjects = exemption_lines(org) if code == "fee_exemption" else None
        claims.append(
            services.claim_act(
                actor=user, claim=draft(user, org, code, subjects=subjects), action="submit"
            )
        )
    slowed(monkeypatch, workflow, "check")

    def reject(claim):
        return lambda: services.claim_act(
            actor=reviewer, claim=claim, action="reject", reason="材料不实"
        )

    oks, errors = outcomes(run_together(*(reject(c) for c in claims)))

    assert errors == [] and len(oks) == 6
    rejections = Notice.objects.filter(kind=Notice.Kind.REJECTION)
    assert sorted(rejections.values_list("sequence", flat=True)) == list(range(1, 7))


def test_two_simultaneous_drafts_for_the_same_period_make_one_claim(monkeypatch):
    ((user, org),) = _agencies(1)
    slowed(monkeypatch, selectors, "eligibility_for")  # both get past every check first
    kind = claim_type("loan_interest")

    def create():
        return services.claim_create(
            actor=user,
            agency=org,
            claim_type=kind,
            period="2026Q1",
            declared={**DECLARED["loan_interest"], "interest_paid": "1000"},
        )

    oks, errors = outcomes(run_together(create, create))

    assert len(oks) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "period" in errors[0].message_dict
    assert Claim.objects.filter(agency=org, claim_type=kind, period="2026Q1").count() == 1


def test_two_agencies_listing_the_same_household_day_and_kind_at_once_are_paid_once(monkeypatch):
    """The plan's 50 元 per household service: the same household, day and kind is never paid
    twice, by any agency, even when both claims are saved at the same moment."""
    (user_a, org_a), (user_b, org_b) = _agencies(2)
    head = factories.id_number()
    lines = {}
    for org in (org_a, org_b):
        worker = factories.make_worker(org)
        lines[org.pk] = (
            f"{head}\t昆区友谊大街8号\t少先路街道\t2026-03-05\t家庭保洁\t{worker.person.id_number}"
        )
    slowed(monkeypatch, selectors, "eligibility_for")

    def create(user, org):
        return lambda: draft(
            user,
            org,
            "fee_exemption",
            period="2026-03",
            declared={},
            subjects=[lines[org.pk]],
            attach=False,
        )

    oks, errors = outcomes(run_together(create(user_a, org_a), create(user_b, org_b)))

    assert len(oks) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ValidationError)
    assert head[-4:] in errors[0].message_dict["subjects"][0]
    assert Claim.objects.count() == 1  # the loser left nothing behind
    assert FeeExemption.objects.filter(live=True).count() == 1


def test_the_yearly_number_per_household_holds_when_agencies_claim_at_once(monkeypatch):
    """Two agencies each list the household's last allowed exemption of the year at once (on
    different days): the count is read and written under the household's lock, one wins."""
    kind = claim_type("fee_exemption")
    kind.parameters = {**kind.parameters, "per_household_per_year": 1}
    kind.save()
    (user_a, org_a), (user_b, org_b) = _agencies(2)
    head = factories.id_number()
    lines = {}
    for org, day in ((org_a, "2026-03-05"), (org_b, "2026-03-06")):
        worker = factories.make_worker(org)
        lines[org.pk] = (
            f"{head}\t昆区友谊大街8号\t少先路街道\t{day}\t家庭保洁\t{worker.person.id_number}"
        )
    slowed(monkeypatch, selectors, "eligibility_for")

    def create(user, org):
        return lambda: draft(
            user,
            org,
            "fee_exemption",
            period="2026-03",
            declared={},
            subjects=[lines[org.pk]],
            attach=False,
        )

    oks, errors = outcomes(run_together(create(user_a, org_a), create(user_b, org_b)))

    assert len(oks) == 1 and len(errors) == 1, errors
    assert "1" in errors[0].message_dict["subjects"][0]
    assert FeeExemption.objects.filter(live=True).count() == 1


def test_fund_set_and_an_approval_at_once_never_leave_the_fund_overspent(monkeypatch):
    reviewer, (approver, second) = _staff()
    general = fund(approver, "10000.00")
    ((user, org),) = _agencies(1)
    claim = first_passed(user, org, reviewer)
    slowed(monkeypatch, funds, "lock_funds")

    def lower():
        return services.fund_set(actor=second, year=2026, amount="5000.00")

    results = run_together(_approve(approver, claim), lower)
    general.refresh_from_db()
    assert general.committed <= general.amount
    assert general.committed in (Decimal("0.00"), Decimal("4321.09"))
    assert SpecialFund.objects.count() == 1
    assert any(kind == "ok" for kind, _value in results)
