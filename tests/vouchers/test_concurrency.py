"""Races on PostgreSQL: each thread has its own connection; the database decides who wins.

The boundary: a batch of 5,000 with 4,990 out and 40 issues at once gives exactly 10 vouchers;
voids and issues at once keep the counters equal to the rows; a voucher is redeemed once; a
household applies once; an agency's month is settled once; statement numbers have no gaps; and
no two services take their locks in opposite orders (which PostgreSQL would end in a deadlock).
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Sum
from django.utils import timezone, translation

from kunqu_jiafu.accounts.roles import REVIEWER
from kunqu_jiafu.documents.models import NoticeSequence
from kunqu_jiafu.people.models import Person
from tests import factories
from tests.concurrency import outcomes, run_together, slowed
from tests.vouchers import core_builders as b
from vouchers import codes, permissions, selectors
from vouchers.models import Application, Service, Settlement, Voucher, VoucherBatch
from vouchers.services import applications as application_services
from vouchers.services import issue as issue_services
from vouchers.services import settlement as settlement_services
from vouchers.services.applications import APPLICATION_SERIES, application_number
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import application_approve_and_issue, voucher_issue, voucher_void
from vouchers.services.redemption import voucher_redeem
from vouchers.services.settlement import SETTLEMENT_SERIES, settlement_create
from vouchers.services.verification import voucher_verify

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
    pytest.mark.usefixtures("transactional_db"),
]

A = Application.Status
V = Voucher.Status
ATTEMPTS = 40


def _english(call):
    """Threads start in the default language; the assertions read the English source text."""

    def run():
        with translation.override("en"):
            return call()

    return run


def _fill(batch: VoucherBatch, n: int, issuer) -> None:
    """n households already hold vouchers of the batch: rows and counters written in bulk, as
    the services would have left them (issued applications, live vouchers, counters = rows)."""
    now = timezone.now()
    people = []
    for i in range(n):
        person = Person(name=f"已领{i:04d}")
        person.set_id_number(b.household_id(i, seq=4))
        people.append(person)
    people = Person.objects.bulk_create(people, batch_size=1000)
    street, group = b.street(), b.group()
    applications = Application.objects.bulk_create(
        [
            Application(
                batch=batch,
                number=f"B{batch.pk}-{i:05d}",
                person=person,
                phone="13900000000",
                address="昆都仑区",
                street=street,
                target_group=group,
                channel=Application.Channel.COUNTER,
                status=A.ISSUED,
                decided_by=issuer,
                decided_at=now,
            )
            for i, person in enumerate(people)
        ],
        batch_size=1000,
    )
    drawn: set[str] = set()
    while len(drawn) < n:
        drawn.add(codes.generate())
    Voucher.objects.bulk_create(
        [
            Voucher(
                batch=batch,
                application=application,
                person_id=application.person_id,
                code=code,
                face_value=batch.face_value,
                issued_at=now,
                issued_by=issuer,
                valid_until=batch.valid_until,
            )
            for application, code in zip(applications, sorted(drawn), strict=True)
        ],
        batch_size=1000,
    )
    VoucherBatch.objects.filter(pk=batch.pk).update(
        issued_count=n, issued_amount=batch.face_value * n
    )


def _consistent(batch: VoucherBatch) -> dict:
    """Counters, rows and applications agree; returns the figures for the messages."""
    batch.refresh_from_db()
    live = Voucher.objects.filter(batch=batch).exclude(status=V.VOIDED)
    rows = live.aggregate(n=Count("pk"), amount=Sum("face_value"))
    rows["amount"] = rows["amount"] or Decimal("0.00")
    figures = {
        "issued_count": batch.issued_count,
        "issued_amount": batch.issued_amount,
        "live_rows": rows["n"],
        "live_amount": rows["amount"],
        "progress_issued": selectors.progress(batch)["issued"],
    }
    assert batch.issued_count == rows["n"] == figures["progress_issued"], figures
    assert batch.issued_amount == rows["amount"], figures
    assert batch.issued_count <= batch.count and batch.issued_amount <= batch.total, figures
    # No partial rows: an issued application has its live voucher, an approved one has none.
    issued_without = Application.objects.filter(batch=batch, status=A.ISSUED).exclude(
        vouchers__in=live
    )
    approved_with = Application.objects.filter(batch=batch, status=A.APPROVED, vouchers__in=live)
    assert not issued_without.exists(), list(issued_without.values_list("number", flat=True))
    assert not approved_with.exists(), list(approved_with.values_list("number", flat=True))
    doubles = live.values("person").annotate(n=Count("pk")).filter(n__gt=1)
    assert not doubles.exists()
    return figures


def _issue_race(monkeypatch, batch: VoucherBatch, reviewer, already: int) -> tuple[list, list]:
    _fill(batch, already, reviewer)
    contenders = [b.approved(batch, reviewer) for _ in range(ATTEMPTS)]
    slowed(monkeypatch, permissions, "can_handle")  # everyone starts together
    slowed(
        monkeypatch, issue_services, "_new_code", 0.02
    )  # the winner holds the batch lock a while
    calls = [_english(lambda a=a: voucher_issue(actor=reviewer, application=a)) for a in contenders]
    return outcomes(run_together(*calls))


def _report(label: str, oks: list, errors: list, figures: dict) -> str:
    kinds: dict[str, int] = {}
    for error in errors:
        kinds[type(error).__name__] = kinds.get(type(error).__name__, 0) + 1
    line = (
        f"{label}: {len(oks) + len(errors)} concurrent issue attempts → {len(oks)} vouchers "
        f"issued, {len(errors)} refused {kinds}; counters {figures['issued_count']} / "
        f"{figures['issued_amount']} yuan, live voucher rows {figures['live_rows']} / "
        f"{figures['live_amount']} yuan"
    )
    print(line)
    return line


# --- (a) the caps at the boundary --------------------------------------------------------------------


def test_forty_issues_at_once_with_ten_places_left_give_exactly_ten(monkeypatch):
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    boundary = b.batch(count=5000, name="边界测试券")

    oks, errors = _issue_race(monkeypatch, boundary, reviewer, already=4990)

    figures = _consistent(boundary)
    report = _report("batch of 5,000 at 4,990", oks, errors, figures)
    assert len(oks) == 10 and len(errors) == 30, report
    assert all(isinstance(e, ValidationError) for e in errors), report
    assert all("All 5000 vouchers of" in e.messages[0] for e in errors), report
    assert figures["issued_count"] == 5000 == figures["live_rows"], report
    assert figures["issued_amount"] == Decimal("1000000.00") == figures["live_amount"], report
    assert len({v.code for v in oks}) == 10
    assert Application.objects.filter(batch=boundary, status=A.APPROVED).count() == 30, report


def test_the_seeded_2026_batch_at_4995_gives_its_last_five_and_no_more(monkeypatch):
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    seeded = VoucherBatch.objects.get(year=2026, name="促进就业券")
    assert (seeded.count, seeded.total, seeded.issued_count) == (5000, Decimal("1000000.00"), 0)

    oks, errors = _issue_race(monkeypatch, seeded, reviewer, already=4995)

    figures = _consistent(seeded)
    report = _report("seeded 2026 batch at 4,995", oks, errors, figures)
    assert len(oks) == 5 and len(errors) == 35, report
    assert all(isinstance(e, ValidationError) and "none is left" in e.messages[0] for e in errors)
    assert figures["issued_count"] == 5000 == figures["live_rows"], report
    assert figures["issued_amount"] == Decimal("1000000.00") == figures["live_amount"], report
    assert selectors.progress(seeded)["remaining"] == 0


# --- (b) voids and issues at once -------------------------------------------------------------------


def test_voids_and_issues_racing_at_the_boundary_keep_the_counters_equal_to_the_rows(
    monkeypatch,
):
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    full = b.batch(count=30, name="作废与发放")
    _fill(full, 30, reviewer)
    to_void = list(Voucher.objects.filter(batch=full)[:10])
    waiting = [b.approved(full, reviewer) for _ in range(10)]
    slowed(monkeypatch, permissions, "can_handle")
    slowed(monkeypatch, issue_services, "_new_code", 0.02)
    calls = []
    for voucher, application in zip(to_void, waiting, strict=True):
        calls.append(
            _english(lambda v=voucher: voucher_void(actor=reviewer, voucher=v, reason="作废"))
        )
        calls.append(_english(lambda a=application: voucher_issue(actor=reviewer, application=a)))

    results = run_together(*calls)

    voids = [r for i, r in enumerate(results) if i % 2 == 0]
    issues = [r for i, r in enumerate(results) if i % 2 == 1]
    figures = _consistent(full)
    issued = sum(kind == "ok" for kind, _ in issues)
    refused = [value for kind, value in issues if kind == "error"]
    report = _report("30 of 30 out, 10 voids + 10 issues", [1] * issued, refused, figures)
    assert all(kind == "ok" for kind, _ in voids), (report, voids)
    assert all(isinstance(e, ValidationError) and "none is left" in e.messages[0] for e in refused)
    assert figures["issued_count"] == 30 - 10 + issued, report
    assert Voucher.objects.filter(batch=full, status=V.VOIDED).count() == 10


def test_approve_and_issue_alongside_plain_issues_and_voids_cannot_deadlock(monkeypatch):
    """approve-and-issue writes the approval's audit entry (the audit chain's head row) and then
    needs the batch row; a plain issue holds the batch row and then needs the audit head. The
    decision is slowed so the two always interleave that way."""
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    roomy = b.batch(count=10, name="一步发放")
    submitted = b.apply(roomy, reviewer)
    approved = b.approved(roomy, reviewer)
    unused = b.issued(roomy, reviewer)
    slowed(monkeypatch, issue_services, "application_decide")

    oks, errors = outcomes(
        run_together(
            lambda: application_approve_and_issue(actor=reviewer, application=submitted),
            lambda: voucher_issue(actor=reviewer, application=approved),
            lambda: voucher_void(actor=reviewer, voucher=unused, reason="作废"),
        )
    )

    assert errors == [], [f"{type(e).__name__}: {e}" for e in errors]
    assert len(oks) == 3
    figures = _consistent(roomy)
    assert figures["issued_count"] == 2


# --- (c) redemption --------------------------------------------------------------------------------


@pytest.fixture
def chosen():
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    org = factories.make_agency("并发家政")
    clerks = [factories.make_agency_user(f"clerk{i}", org) for i in (1, 2)]
    batch = b.batch(count=5, name="核销并发")
    b.join(batch, org, reviewer)
    voucher = b.issued(batch, reviewer)
    voucher_choose_agency(voucher=voucher, agency=org)
    return voucher, clerks, factories.make_worker(org)


def _redeem(user, voucher, worker, key=""):
    return _english(
        lambda: voucher_redeem(
            actor=user,
            code=voucher.code,
            service_date=timezone.localdate(),
            kind=b.kind(),
            worker=worker,
            hours=Decimal("2"),
            idempotency_key=key,
        )
    )


def test_the_same_voucher_redeemed_by_two_clerks_at_once_is_redeemed_once(monkeypatch, chosen):
    voucher, (first, second), worker = chosen
    slowed(monkeypatch, permissions, "can_redeem")
    slowed(monkeypatch, selectors, "agency_eligibility")  # inside the voucher's row lock

    oks, errors = outcomes(
        run_together(_redeem(first, voucher, worker, "a"), _redeem(second, voucher, worker, "b"))
    )

    assert len(oks) == 1 and len(errors) == 1, errors
    assert "already redeemed" in errors[0].message_dict["code"][0]
    assert Service.objects.filter(voucher=voucher).count() == 1
    voucher.refresh_from_db()
    assert voucher.status == V.REDEEMED


def test_the_same_request_sent_twice_at_once_is_one_redemption_and_one_replay(monkeypatch, chosen):
    voucher, (clerk, _other), worker = chosen
    slowed(monkeypatch, permissions, "can_redeem")
    slowed(monkeypatch, selectors, "agency_eligibility")

    oks, errors = outcomes(
        run_together(_redeem(clerk, voucher, worker, "k"), _redeem(clerk, voucher, worker, "k"))
    )

    assert errors == [], errors
    assert sorted(replayed for _service, replayed in oks) == [False, True]
    assert oks[0][0].pk == oks[1][0].pk
    assert Service.objects.count() == 1


# --- (d) applications ------------------------------------------------------------------------------


@pytest.mark.parametrize("known", [False, True], ids=["new household", "known household"])
def test_the_same_household_applying_twice_at_once_makes_one_application(monkeypatch, known):
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    batch = b.batch(count=5, name="申报并发")
    number = b.household_id()
    if known:
        factories.make_person("王秀英", number)
    slowed(monkeypatch, selectors, "live_application")  # both pass the duplicate check

    oks, errors = outcomes(
        run_together(
            *(_english(lambda: b.apply(batch, reviewer, id_number=number)) for _ in range(2))
        )
    )

    assert len(oks) == 1 and len(errors) == 1, errors
    assert list(errors[0].message_dict) == ["id_number"]
    assert Application.objects.filter(batch=batch).count() == 1
    assert Person.objects.by_id_number(number).count() == 1
    sequence = NoticeSequence.objects.get(series=APPLICATION_SERIES)
    assert sequence.last_number == 1  # the refused application gave its number back
    assert oks[0].number == application_number(batch.year, 1)


def test_a_new_and_a_known_household_applying_at_once_cannot_deadlock(monkeypatch):
    """A newcomer's person record is audited (the audit head row) before the application number
    is drawn; a known person's application draws the number first and audits at the end. The
    newcomer is slowed after the person is created so the two always interleave that way."""
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    batch = b.batch(count=5, name="新老申报")
    known_number = b.household_id()
    factories.make_person("老住户", known_number)
    b.apply(batch, reviewer)  # the audit chain is under way (its head row exists), as in use
    original = application_services.person_get_or_create

    def slow_for_newcomers(**kwargs):
        person = original(**kwargs)
        if kwargs["name"] == "新住户":
            time.sleep(0.3)
        return person

    monkeypatch.setattr(application_services, "person_get_or_create", slow_for_newcomers)
    slowed(monkeypatch, application_services, "next_number", 0.1)

    oks, errors = outcomes(
        run_together(
            lambda: b.apply(batch, reviewer, name="新住户"),
            lambda: b.apply(batch, reviewer, id_number=known_number, name="老住户"),
        )
    )

    assert errors == [], [f"{type(e).__name__}: {e}" for e in errors]
    assert sorted(a.number for a in oks) == [
        application_number(batch.year, 2),
        application_number(batch.year, 3),
    ]


# --- (e, f) settlements ----------------------------------------------------------------------------


def _verified_vouchers(
    batch, reviewer, agency, agency_user, n: int, on: dt.date | None = None
) -> list[Voucher]:
    worker = factories.make_worker(agency)
    out = []
    for _ in range(n):
        voucher = b.issued(batch, reviewer)
        if on is not None:
            b.backdate(voucher, on)
        b.redeem(voucher, agency_user, worker, on=on)
        out.append(voucher_verify(actor=reviewer, voucher=voucher, passed=True))
    return out


def test_two_statements_drawn_at_once_for_one_agency_and_month_make_one(monkeypatch):
    reviewers = [factories.make_user(f"reviewer_c{i}", REVIEWER) for i in (1, 2)]
    org = factories.make_agency("结算并发家政")
    clerk = factories.make_agency_user("clerk", org)
    batch = b.batch(count=10, name="结算并发")
    b.join(batch, org, reviewers[0])
    vouchers = _verified_vouchers(batch, reviewers[0], org, clerk, 4)
    month = timezone.localdate().replace(day=1)
    slowed(monkeypatch, permissions, "can_handle")
    slowed(
        monkeypatch, settlement_services, "next_number"
    )  # the first holds the vouchers' row locks

    oks, errors = outcomes(
        run_together(
            *(
                _english(
                    lambda r=r: settlement_create(actor=r, batch=batch, agency=org, month=month)
                )
                for r in reviewers
            )
        )
    )

    assert len(oks) == 1 and len(errors) == 1, errors
    assert list(errors[0].message_dict) == ["month"]
    statement = Settlement.objects.get()
    assert statement.voucher_count == 4 and statement.amount == Decimal("800.00")
    assert set(statement.vouchers.values_list("pk", flat=True)) == {v.pk for v in vouchers}
    assert NoticeSequence.objects.get(series=SETTLEMENT_SERIES).last_number == 1
    assert statement.number.endswith("0001号")


def test_statements_of_two_months_drawn_at_once_share_no_voucher(monkeypatch):
    """Last month's statement takes the vouchers served up to its end; this month's would take
    those and the later ones. Drawn at once, whichever locks first keeps its vouchers."""
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    org = factories.make_agency("跨月家政")
    clerk = factories.make_agency_user("clerk", org)
    batch = b.batch(count=10, name="跨月结算")
    b.join(batch, org, reviewer)
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    _verified_vouchers(batch, reviewer, org, clerk, 3, on=last_month + dt.timedelta(days=3))
    _verified_vouchers(batch, reviewer, org, clerk, 2)
    slowed(monkeypatch, permissions, "can_handle")
    slowed(monkeypatch, settlement_services, "next_number")

    oks, errors = outcomes(
        run_together(
            *(
                _english(
                    lambda m=m: settlement_create(actor=reviewer, batch=batch, agency=org, month=m)
                )
                for m in (last_month, this_month)
            )
        )
    )

    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert len(oks) >= 1 and len(oks) + len(errors) == 2
    settled = Voucher.objects.filter(batch=batch, settlement__isnull=False)
    assert settled.count() == 5  # each voucher in exactly one statement (one FK each)
    for statement in Settlement.objects.annotate(
        n=Count("vouchers"), s=Sum("vouchers__face_value")
    ):
        assert (statement.voucher_count, statement.amount) == (statement.n, statement.s)
    assert sum(s.voucher_count for s in oks) == 5
    assert NoticeSequence.objects.get(series=SETTLEMENT_SERIES).last_number == len(oks)


def test_statements_of_many_agencies_at_once_are_numbered_without_gaps(monkeypatch):
    reviewer = factories.make_user("reviewer_c", REVIEWER)
    batch = b.batch(count=40, name="编号并发")
    agencies = []
    for i in range(10):
        org = factories.make_agency(f"编号家政{i:02d}")
        clerk = factories.make_agency_user(f"clerk{i:02d}", org)
        b.join(batch, org, reviewer)
        if i < 8:  # two of them have nothing to settle and are refused
            _verified_vouchers(batch, reviewer, org, clerk, 1 + i % 3)
        agencies.append(org)
    month = timezone.localdate().replace(day=1)
    slowed(monkeypatch, permissions, "can_handle")
    slowed(monkeypatch, settlement_services, "next_number", 0.05)

    oks, errors = outcomes(
        run_together(
            *(
                _english(
                    lambda org=org: settlement_create(
                        actor=reviewer, batch=batch, agency=org, month=month
                    )
                )
                for org in agencies
            )
        )
    )

    assert len(oks) == 8 and len(errors) == 2, errors
    assert all("no verified, unsettled" in e.message_dict["month"][0] for e in errors)
    numbers = sorted(Settlement.objects.values_list("number", flat=True))
    assert numbers == [f"昆人社家券结〔{month.year}〕{n:04d}号" for n in range(1, 9)]
    assert NoticeSequence.objects.get(series=SETTLEMENT_SERIES).last_number == 8
    # Every verified voucher is in exactly one statement and the sums agree.
    verified = Voucher.objects.filter(batch=batch, status=V.VERIFIED)
    assert not verified.filter(settlement__isnull=True).exists()
    for statement in Settlement.objects.annotate(
        n=Count("vouchers"), s=Sum("vouchers__face_value")
    ):
        assert (statement.voucher_count, statement.amount) == (statement.n, statement.s)
    settled = Voucher.objects.filter(settlement__isnull=False)
    assert not settled.exclude(settlement__agency=F("agency")).exists()
