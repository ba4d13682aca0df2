"""Employee-system filing: a term, renewal, lapse and withdrawal, and the validity benefits read.

DOMAIN.md: "A filing is valid for a term (default one year, configurable), lapses unless
renewed, and is withdrawn, with the figures shown to the agency, when the threshold is no
longer met." The plan: "建立员工制家政服务企业备案制度。对符合规定且从业人员总数达到一定规模的
家政服务企业，确认备案为昆区员工制家政服务企业。"
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agencies import rules, selectors, services
from agencies.models import AgencyPolicy, EmployeeSystemFiling, Worker
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

DECLARATIONS = {
    "signs_customer_contracts": True,
    "dispatches_workers": True,
    "pays_wages_directly": True,
    "trains_continuously": True,
}
D = dt.date


@pytest.fixture
def today(monkeypatch):
    """Set the date every service and selector reads (timezone.localdate)."""
    state = {"day": D(2026, 3, 1)}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: state["day"])

    def set_day(day: dt.date) -> dt.date:
        state["day"] = day
        return day

    set_day.day = lambda: state["day"]
    return set_day


def _workers(agency, n: int) -> list[Worker]:
    return [
        factories.make_worker(
            agency,
            contract_start=D(2025, 1, 1),
            contract_end=D(2030, 12, 31),
            insured_since=D(2025, 1, 1),
            health_check_on=D(2025, 12, 1),
        )
        for _ in range(n)
    ]


def _filed(agency, user, reviewer) -> EmployeeSystemFiling:
    filing = services.filing_submit(actor=user, agency=agency, declarations=DECLARATIONS)
    return services.filing_decide(actor=reviewer, filing=filing, action="approve")


# --- pure rules ------------------------------------------------------------------------


def test_term_of_one_year_ends_the_day_before_the_same_date():
    assert rules.filing_term(D(2026, 3, 1), 12) == (D(2026, 3, 1), D(2027, 2, 28))
    assert rules.filing_term(D(2026, 1, 1), 12) == (D(2026, 1, 1), D(2026, 12, 31))
    assert rules.filing_term(D(2026, 1, 1), 24) == (D(2026, 1, 1), D(2027, 12, 31))


@pytest.mark.parametrize(
    ("periods", "date_from", "date_to", "covered"),
    [
        ([(D(2026, 1, 1), D(2026, 12, 31))], D(2026, 1, 1), D(2026, 3, 31), True),
        ([(D(2026, 1, 2), D(2026, 12, 31))], D(2026, 1, 1), D(2026, 3, 31), False),  # a day short
        ([(D(2025, 1, 1), D(2026, 3, 30))], D(2026, 1, 1), D(2026, 3, 31), False),  # ends a day early
        # A renewal continues the term the next day: no gap.
        ([(D(2025, 1, 1), D(2026, 2, 14)), (D(2026, 2, 15), D(2027, 2, 14))], D(2026, 1, 1), D(2026, 3, 31), True),
        ([(D(2025, 1, 1), D(2026, 2, 14)), (D(2026, 2, 16), D(2027, 2, 14))], D(2026, 1, 1), D(2026, 3, 31), False),
        ([], D(2026, 1, 1), D(2026, 1, 1), False),
    ],
)  # fmt: skip
def test_period_is_covered_only_when_every_day_is(periods, date_from, date_to, covered):
    assert rules.period_covered(periods, date_from, date_to) is covered


def test_withdrawal_cuts_the_term_short_the_day_before():
    assert rules.filing_last_day(D(2027, 2, 28), None) == D(2027, 2, 28)
    assert rules.filing_last_day(D(2027, 2, 28), D(2026, 6, 10)) == D(2026, 6, 9)


# --- approval and the term --------------------------------------------------------------


def test_approval_gives_the_configured_term_and_validity_reads_it(today, org_a, agency_a, reviewer):
    _workers(org_a, 10)
    AgencyPolicy.objects.update_or_create(year=2026, defaults={"filing_valid_months": 24})
    filing = _filed(org_a, agency_a, reviewer)
    assert (filing.valid_from, filing.valid_until) == (D(2026, 3, 1), D(2028, 2, 29))
    assert selectors.filing_valid_on(org_a, D(2026, 3, 1), D(2028, 2, 29))
    assert not selectors.filing_valid_on(org_a, D(2026, 2, 28))  # the day before filing
    assert not selectors.filing_valid_on(org_a, D(2028, 3, 1))  # the day after the term
    # A claim period must be covered whole: a quarter begun before the filing is not.
    assert not selectors.filing_valid_on(org_a, D(2026, 1, 1), D(2026, 3, 31))
    assert selectors.filing_valid_on(org_a, D(2026, 4, 1), D(2026, 6, 30))


def test_default_term_is_one_year(today, org_a, agency_a, reviewer):
    _workers(org_a, 10)
    filing = _filed(org_a, agency_a, reviewer)
    assert filing.valid_until == D(2027, 2, 28)


# --- lapse --------------------------------------------------------------------------------


def test_filing_lapses_the_day_after_its_term_unless_renewed(today, org_a, agency_a, reviewer):
    _workers(org_a, 10)
    filing = _filed(org_a, agency_a, reviewer)
    today(D(2027, 2, 28))  # the last day: still valid, nothing lapses
    assert services.filings_check()["lapsed"] == 0
    assert selectors.agency_is_filed(org_a)
    today(D(2027, 3, 1))
    assert services.filings_check()["lapsed"] == 1
    filing.refresh_from_db()
    assert filing.status == EmployeeSystemFiling.Status.LAPSED
    assert filing.ended_on == D(2027, 3, 1)
    assert not selectors.agency_is_filed(org_a)
    # The days it was in force still count for a claim period inside them.
    assert selectors.filing_valid_on(org_a, D(2026, 4, 1), D(2026, 6, 30))
    note = Notification.objects.filter(recipient=agency_a).latest("id")
    assert "2027-02-28" in note.body
    assert AuditEntry.objects.for_object(filing).filter(action="agencies.filing.lapsed").exists()
    assert services.filings_check()["lapsed"] == 0  # runs once


# --- renewal ------------------------------------------------------------------------------


def test_renewal_opens_in_the_last_days_and_continues_the_term(today, org_a, agency_a, reviewer):
    _workers(org_a, 10)
    first = _filed(
        org_a, agency_a, reviewer
    )  # 2026-03-01 .. 2027-02-28; renewal opens 90 days before
    opens = D(2027, 2, 28) - dt.timedelta(days=90)
    today(opens - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    assert opens.isoformat() in " ".join(exc.value.messages)
    today(opens)
    renewal = services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    assert renewal.renews == first
    assert selectors.agency_is_filed(org_a)  # the first stays in force meanwhile
    renewal = services.filing_decide(actor=reviewer, filing=renewal, action="approve")
    first.refresh_from_db()
    assert first.status == EmployeeSystemFiling.Status.RENEWED
    assert (renewal.valid_from, renewal.valid_until) == (D(2027, 3, 1), D(2028, 2, 29))
    today(D(2027, 3, 1))
    assert services.filings_check()["lapsed"] == 0
    assert selectors.filing_valid_on(org_a, D(2026, 3, 1), D(2028, 2, 29))


def test_a_second_renewal_waits_for_the_first(today, org_a, agency_a, reviewer):
    _workers(org_a, 10)
    _filed(org_a, agency_a, reviewer)
    today(D(2027, 2, 1))
    services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    with pytest.raises(ValidationError):
        services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    assert EmployeeSystemFiling.objects.filter(agency=org_a).count() == 2


# --- withdrawal -------------------------------------------------------------------------


def test_below_threshold_the_filing_is_withdrawn_and_the_agency_sees_the_figures(
    today, org_a, agency_a, reviewer
):
    workers = _workers(org_a, 10)
    filing = _filed(org_a, agency_a, reviewer)
    today(D(2026, 6, 10))
    assert services.filings_check() == {"lapsed": 0, "withdrawn": 0, "checked": 1}
    services.worker_leave(actor=agency_a, worker=workers[0], left_on=D(2026, 6, 9))
    assert services.filings_check()["withdrawn"] == 1
    filing.refresh_from_db()
    assert filing.status == EmployeeSystemFiling.Status.WITHDRAWN
    assert filing.ended_on == D(2026, 6, 10)
    assert filing.end_figures["qualifying_workers"] == 9
    assert filing.end_figures["threshold_workers"] == 10
    note = Notification.objects.filter(recipient=agency_a).latest("id")
    assert "9" in note.body and "10" in note.body and "2026-06-10" in note.body
    assert selectors.filing_valid_on(org_a, D(2026, 6, 9))
    assert not selectors.filing_valid_on(org_a, D(2026, 6, 10))
    entry = AuditEntry.objects.for_object(filing).get(action="agencies.filing.withdrawn")
    assert entry.actor is None and entry.after["figures"]["qualifying_workers"] == 9
    page = factories_client(agency_a).get(reverse("portal:filing"))
    body = page.content.decode()
    assert (
        page.status_code == 200
        and "2026-06-10" in body
        and filing.end_reason.splitlines()[-1] in body
    )


def test_withdrawal_also_ends_a_renewed_term_still_running(today, org_a, agency_a, reviewer):
    workers = _workers(org_a, 10)
    _filed(org_a, agency_a, reviewer)
    today(D(2027, 2, 1))
    renewal = services.filing_submit(actor=agency_a, agency=org_a, declarations=DECLARATIONS)
    services.filing_decide(actor=reviewer, filing=renewal, action="approve")
    services.worker_leave(actor=agency_a, worker=workers[0], left_on=D(2027, 2, 1))
    today(D(2027, 2, 2))
    assert services.filings_check()["withdrawn"] == 1
    assert selectors.filing_valid_on(org_a, D(2027, 2, 1))
    assert not selectors.filing_valid_on(org_a, D(2027, 2, 2))
    assert not selectors.filing_valid_on(org_a, D(2027, 6, 1))


def test_staff_withdraw_with_a_reason_officials_and_agencies_cannot(
    today, org_a, agency_a, reviewer, official
):
    _workers(org_a, 10)
    filing = _filed(org_a, agency_a, reviewer)
    with pytest.raises(ValidationError) as exc:
        services.filing_decide(actor=reviewer, filing=filing, action="withdraw", reason=" ")
    assert "reason" in exc.value.message_dict
    for actor in (official, agency_a):
        with pytest.raises(PermissionDenied):
            services.filing_decide(actor=actor, filing=filing, action="withdraw", reason="x")
    filing = services.filing_decide(
        actor=reviewer, filing=filing, action="withdraw", reason="抽查发现未直接支付工资"
    )
    assert filing.status == EmployeeSystemFiling.Status.WITHDRAWN
    assert filing.end_reason.startswith("抽查发现未直接支付工资")


def test_management_command_and_task_run_the_check(today, org_a, agency_a, reviewer):
    from agencies.tasks import check_filings

    _workers(org_a, 10)
    _filed(org_a, agency_a, reviewer)
    today(D(2027, 3, 1))
    out = StringIO()
    call_command("check_filings", stdout=out)
    assert "失效 1 份" in out.getvalue()
    assert check_filings() == {"lapsed": 0, "withdrawn": 0, "checked": 0}


def test_portal_shows_the_term_and_when_renewal_opens(today, org_a, agency_a, reviewer):
    _workers(org_a, 10)
    _filed(org_a, agency_a, reviewer)
    page = factories_client(agency_a).get(reverse("portal:filing"))
    body = page.content.decode()
    assert "2027-02-28" in body and "2026-11-30" in body  # the end and the renewal opening
    assert not page.context["can_submit"]
    today(D(2026, 11, 30))
    page = factories_client(agency_a).get(reverse("portal:filing"))
    assert page.context["can_submit"]
    body = page.content.decode()
    # The button says what it does: a renewal, not a first filing.
    assert "提交续期备案" in body and "提交备案<" not in body


def factories_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_api_shows_the_term_and_why_a_filing_ended(today, org_a, agency_a, reviewer):
    _workers(org_a, 10)
    filing = _filed(org_a, agency_a, reviewer)
    today(D(2027, 3, 1))
    services.filings_check()
    body = factories_client(agency_a).get(f"/api/filings/{filing.pk}/").json()
    assert (body["valid_from"], body["valid_until"]) == ("2026-03-01", "2027-02-28")
    assert body["status"] == "lapsed" and body["ended_on"] == "2027-03-01"
    assert "2027-02-28" in body["end_reason"]
