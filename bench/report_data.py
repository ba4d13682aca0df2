"""Generated data for ``bench_report.py``: agencies with their workers, courses and enrolments,
voucher households with their vouchers, services and settlements, claims with their notices,
and the yearly survey's returns, all written with ``bulk_create`` in batches (setup, never
timed).

``add_agencies(world, n)`` adds ``n`` agencies and everything hanging off them, in the
proportions of the city scale (per agency: 50 workers, 50 enrolments; per registered agency:
27 vouchers, 27 claims, a survey return for most), spread over the year and over every
status. Calling it again adds more: the district scale is one call, the city scale a second
one on top. Seeded random, so two runs write the same rows."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from tests import factories

# The year of the seeded claim catalogue and survey form (migrations), the report's year.
YEAR = 2026
BATCH = 5000  # rows per INSERT
# Per agency (workers, enrolments) and per registered agency (vouchers, claims): about 100,000,
# 100,000, 50,000 and 50,000 for 2,000 agencies, of which some 92 % hold a registration.
WORKERS, ENROLMENTS, VOUCHERS, CLAIMS = 50, 50, 27, 27
FACE = Decimal("200.00")


@dataclass
class World:
    """The shared parents (reference rows, the bench's batch and users) and the counters that
    keep generated keys unique across calls."""

    rng: random.Random
    user: object
    streets: list
    formats: list
    kinds: list
    groups: list
    claim_types: list
    fund: object
    batch: object
    form: object
    indicators: list
    serial: int = 0
    agencies: int = 0
    formats_of: dict = field(default_factory=dict)

    def next(self, n: int = 1) -> range:
        start = self.serial
        self.serial += n
        return range(start, start + n)


def day_in(rng: random.Random, year: int) -> dt.date:
    """A day of ``year``, not after yesterday when the year is the current one."""
    last = min(dt.date(year, 12, 31), timezone.localdate() - dt.timedelta(days=1))
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def make_world(vouchers_cap: int) -> World:
    from agencies.models import BusinessFormat, Street, SurveyForm
    from kunqu_jiafu.accounts.roles import REVIEWER
    from subsidies.models import ClaimType, SpecialFund
    from training.models import CourseKind
    from vouchers.models import TargetGroup, VoucherBatch

    form = SurveyForm.objects.get(year=YEAR)
    fund = SpecialFund.objects.filter(year=YEAR, claim_type=None).first()
    if fund is None:
        fund = SpecialFund.objects.create(year=YEAR, amount=Decimal("1000000.00"))
    batch = VoucherBatch.objects.create(
        year=YEAR,
        name="基准促进就业券",
        count=vouchers_cap,
        face_value=FACE,
        total=FACE * vouchers_cap,
        applications_open_on=dt.date(YEAR, 1, 1),
        applications_close_on=dt.date(YEAR, 12, 31),
        valid_from=dt.date(YEAR, 1, 1),
        valid_until=dt.date(YEAR + 1, 12, 31),
        status=VoucherBatch.Status.OPEN,
    )
    return World(
        rng=random.Random(13),
        user=factories.make_user("bench_report_reviewer", REVIEWER),
        streets=list(Street.objects.order_by("code")),
        formats=list(BusinessFormat.objects.order_by("code")),
        kinds=list(CourseKind.objects.order_by("code")),
        groups=list(TargetGroup.objects.order_by("code")),
        claim_types=list(ClaimType.objects.filter(policy_year=YEAR).order_by("code")),
        fund=fund,
        batch=batch,
        form=form,
        indicators=list(form.indicators.order_by("sort_order", "pk")),
    )


def people(world: World, count: int, hard_share: float = 0.0) -> list:
    """``count`` people with distinct, checksum-valid ID numbers (encrypted, indexed, masked)."""
    from kunqu_jiafu.people.models import Person

    rows = []
    for k in world.next(count):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=k % 18000)
        seq = 2 * (k // 18000 % 499 + 1) - (k // 18000 // 499 % 2)
        person = Person(name=f"基准{k}", is_hard_to_employ=world.rng.random() < hard_share)
        person.set_id_number(factories.id_number(birth=f"{birth:%Y%m%d}", seq=seq))
        rows.append(person)
    return bulk(Person, rows)


def agencies(world: World, n: int) -> list:
    from agencies.models import Agency, Recognition

    rng, S = world.rng, Agency.Status
    rows = []
    for k in world.next(n):
        status = pick(rng, {S.REGISTERED: 88, S.SUSPENDED: 4, S.DEREGISTERED: 3, S.APPLYING: 5})
        registered = status != S.APPLYING
        year = pick(rng, {YEAR: 6, YEAR - 1: 6, **{y: 8 for y in range(2015, YEAR - 1)}})
        alliance = registered and rng.random() < 0.1
        rows.append(
            Agency(
                name=f"基准家政服务有限公司{k}",
                uscc=factories.credit_code(k),
                legal_representative="张三",
                contact_name="李四",
                phone="13800000000",
                address="昆都仑区钢铁大街1号",
                street=rng.choice(world.streets),
                founded_on=dt.date(2014, 5, 1),
                employee_count=WORKERS,
                status=status,
                registered_on=day_in(rng, year) if registered else None,
                alliance_member=alliance,
                alliance_joined_on=dt.date(2020, 1, 1) if alliance else None,
            )
        )
    made = bulk(Agency, rows)
    through = Agency.formats.through
    for a in made:
        world.formats_of[a.pk] = rng.sample(world.formats, rng.randint(1, 3))
    bulk(
        through,
        [
            through(agency_id=a.pk, businessformat_id=f.pk)
            for a in made
            for f in world.formats_of[a.pk]
        ],
    )
    kinds = [c for c, _ in Recognition.Kind.choices]
    bulk(
        Recognition,
        [
            Recognition(
                agency=a, kind_id=rng.choice(kinds), year=YEAR, granted_on=dt.date(YEAR, 4, 1)
            )
            for a in made
            if a.registered_on and rng.random() < 0.02
        ],
    )
    return made


def workers(world: World, agency_rows: list) -> list:
    """WORKERS per agency, each a person of their own; a tenth has left."""
    from agencies.models import Worker

    rng = world.rng
    persons = people(world, WORKERS * len(agency_rows), hard_share=0.08)
    rows = []
    for i, person in enumerate(persons):
        hired = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        insured = rng.random() < 0.7
        rows.append(
            Worker(
                person=person,
                agency=agency_rows[i // WORKERS],
                job="家政服务员",
                hired_on=hired,
                contract_kind=rng.choice(Worker.ContractKind.values),
                contract_start=hired,
                contract_end=hired + dt.timedelta(days=365 * 3),
                social_insurance=insured,
                insured_since=hired if insured else None,
                is_hard_to_employ=person.is_hard_to_employ,
                left_on=hired + dt.timedelta(days=400) if rng.random() < 0.1 else None,
            )
        )
    return bulk(Worker, rows)


def training(world: World, agency_rows: list, trainees: list) -> None:
    """Courses of 200 places (this year's and last year's), ENROLMENTS per agency on them,
    trainees drawn from ``trainees`` (the workers' people): a person may take several courses.
    Seven in ten complete, six in ten of those get a certificate."""
    from training.models import Course, Enrolment

    rng = world.rng
    per_course = min(200, len(trainees))
    total = ENROLMENTS * len(agency_rows)
    providers = [a for a in agency_rows if a.registered_on] or agency_rows
    courses = []
    for k in world.next(max(1, total // per_course)):
        year = YEAR if rng.random() < 0.7 else YEAR - 1
        starts = day_in(rng, year)
        courses.append(
            Course(
                name=f"基准课程{k}",
                kind=rng.choice(world.kinds),
                provider=rng.choice(providers),
                street=rng.choice(world.streets) if rng.random() < 0.5 else None,
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=14),
                class_hours=40,
                capacity=per_course,
                policy_year=year,
                status=Course.Status.FINISHED,
            )
        )
    courses = bulk(Course, courses)
    rows = []
    for course in courses:
        start = rng.randrange(len(trainees))
        for i in range(per_course):
            k = world.next()[0]
            done = rng.random() < 0.7
            finished = min(course.ends_on, timezone.localdate() - dt.timedelta(days=1))
            rows.append(
                Enrolment(
                    course=course,
                    person=trainees[(start + i) % len(trainees)],
                    key=f"B{k:011d}",
                    attended_hours=40 if done else 10,
                    completed=done,
                    completed_on=finished if done else None,
                    certificate_number=f"BC{k:010d}" if done and rng.random() < 0.6 else "",
                    street=rng.choice(world.streets) if rng.random() < 0.3 else None,
                )
            )
    bulk(Enrolment, rows)


VOUCHER_STATUSES = {
    "issued": 20,
    "redeemed": 10,
    "verified": 10,
    "rejected": 3,
    "reimbursed": 52,
    "voided": 4,
    "revoked": 1,
}


def vouchers(world: World, agency_rows: list, worker_rows: list) -> None:
    """VOUCHERS per agency: a household each (person, application, voucher); used vouchers
    have their home service by one of the agency's workers; reimbursed (and revoked after
    settlement) ones sit on the agency's paid statement of the service's month."""
    from vouchers.models import Application, Service, Voucher

    rng = world.rng
    n = VOUCHERS * len(agency_rows)
    households = people(world, n)
    apps = bulk(
        Application,
        [
            Application(
                batch=world.batch,
                number=f"BJ-{k:09d}",
                person=p,
                phone="13900000000",
                address="昆都仑区",
                street=rng.choice(world.streets),
                target_group=rng.choice(world.groups),
                status=Application.Status.ISSUED,
                decided_by=world.user,
                decided_at=moment(day_in(rng, YEAR)),
            )
            for k, p in zip(world.next(n), households, strict=True)
        ],
    )
    staff = {}
    for w in worker_rows:
        staff.setdefault(w.agency_id, w)
    rows, services = [], []
    for i, app in enumerate(apps):
        agency = agency_rows[i // VOUCHERS]
        status = pick(rng, VOUCHER_STATUSES)
        issued = app.decided_at
        voucher = Voucher(
            batch=world.batch,
            application=app,
            person_id=app.person_id,
            code=f"B{world.next()[0]:010d}",
            face_value=FACE,
            issued_at=issued,
            issued_by=world.user,
            valid_until=world.batch.valid_until,
            status=status,
        )
        if status == "voided":
            voucher.voided_at, voucher.voided_by, voucher.void_reason = issued, world.user, "基准"
        elif status != "issued":
            voucher.agency = agency
            served = min(issued.date() + dt.timedelta(days=rng.randrange(60)), day_in(rng, YEAR))
            if status in ("redeemed", "verified", "rejected"):  # not yet settled: recent
                served = timezone.localdate() - dt.timedelta(days=rng.randrange(1, 75))
            served = max(served, issued.date())
            if status != "redeemed":
                voucher.verified_at, voucher.verified_by = moment(served), world.user
            if status == "revoked":
                voucher.revoked_at, voucher.revoked_by = moment(served), world.user
                voucher.recovery_amount = FACE
            services.append((voucher, agency, served))
        rows.append(voucher)
    settle(world, [(v, a, s) for v, a, s in services if v.status in ("reimbursed", "revoked")])
    bulk(Voucher, rows)
    bulk(
        Service,
        [
            Service(
                voucher=v,
                agency=a,
                service_date=served,
                kind=rng.choice(world.formats),
                worker=staff[a.pk],
                hours=Decimal("2.0"),
                redeemed_at=moment(served),
                redeemed_by=world.user,
            )
            for v, a, served in services
        ],
    )


def settle(world: World, settled: list) -> None:
    """One paid statement per agency and month of service, its count and amount those of the
    vouchers put on it (the vouchers are written after, naming it)."""
    from vouchers.models import Settlement

    groups: dict = {}
    for voucher, agency, served in settled:
        groups.setdefault((agency.pk, served.replace(day=1)), []).append(voucher)
    statements = bulk(
        Settlement,
        [
            Settlement(
                batch=world.batch,
                agency_id=agency_id,
                month=month,
                number=f"基准结〔{k}〕",
                voucher_count=len(items),
                amount=FACE * len(items),
                created_by=world.user,
                status=Settlement.Status.PAID,
                paid_on=min(month + dt.timedelta(days=40), timezone.localdate()),
                paid_by=world.user,
                payment_reference=f"BANK{k}",
            )
            for k, ((agency_id, month), items) in zip(
                world.next(len(groups)), groups.items(), strict=True
            )
        ],
    )
    for statement, items in zip(statements, groups.values(), strict=True):
        for voucher in items:
            voucher.settlement = statement


CLAIM_STATUSES = {
    "draft": 5,
    "submitted": 10,
    "first_passed": 5,
    "returned": 3,
    "approved": 8,
    "paid": 51,
    "rejected": 7,
    "revoked": 2,
    "withdrawn": 7,
}


def _claim(world: World, agency, j: int) -> object:
    from subsidies.models import Claim

    rng, today = world.rng, timezone.localdate()
    status = pick(rng, CLAIM_STATUSES)
    month = 1 + (j // len(world.claim_types)) % 3 * 4 + rng.randrange(4)
    eligible = Decimal(rng.randrange(1000, 50000))
    claim = Claim(
        agency=agency,
        claim_type=world.claim_types[j % len(world.claim_types)],
        period=f"{YEAR}-{month:02d}",
        status=status,
        eligible_amount=eligible,
        created_by=world.user,
    )
    if status == "draft":
        return claim
    decided = day_in(rng, YEAR)
    if status == "approved":  # most approved in the last weeks, some left unpaid too long
        decided = max(dt.date(YEAR, 1, 1), today - dt.timedelta(days=rng.randrange(1, 45)))
    claim.submitted_at = moment(decided - dt.timedelta(days=20))
    if status in ("approved", "paid", "rejected", "revoked"):
        claim.decided_at, claim.decided_by = moment(decided), world.user
    if status in ("approved", "paid", "revoked"):
        claim.approved_amount = (eligible * Decimal(rng.randrange(80, 101)) / 100).quantize(
            Decimal("0.01")
        )
        claim.fund = world.fund
    if status == "paid" or (status == "revoked" and rng.random() < 0.5):
        claim.paid_on = min(decided + dt.timedelta(days=rng.randrange(5, 30)), today)
        claim.bank_reference = f"BANK-{world.next()[0]}"
        if status == "revoked":
            claim.recovery_amount = claim.approved_amount
    return claim


def claims(world: World, holders: list) -> None:
    """CLAIMS per registered agency over the year's claim types and three periods, with an
    approval notice for every approved one."""
    from subsidies.models import Claim, Notice

    made = bulk(Claim, [_claim(world, a, j) for a in holders for j in range(CLAIMS)])
    approved = [c for c in made if c.approved_amount is not None]
    bulk(
        Notice,
        [
            Notice(
                claim=c,
                kind=Notice.Kind.APPROVAL,
                year=YEAR,
                sequence=k,
                number=f"基准补〔{YEAR}〕{k}号",
                issued_on=timezone.localdate(c.decided_at),
                amount=c.approved_amount,
            )
            for k, c in zip(world.next(len(approved)), approved, strict=True)
        ],
    )


RETURN_STATUSES = {"accepted": 72, "submitted": 13, "returned": 5, "draft": 7, None: 3}


def _value(world: World, indicator) -> Decimal:
    rng = world.rng
    if "/" in indicator.unit:  # a price
        value = Decimal(rng.randrange(3000, 9000)) / 100
    elif indicator.kind == "integer":
        value = Decimal(rng.randrange(0, 300))
    else:
        value = Decimal(rng.randrange(0, 500000)) / 100
    if indicator.min_value is not None:
        value = max(value, indicator.min_value)
    if indicator.max_value is not None:
        value = min(value, indicator.max_value)
    return value


def survey(world: World, holders: list) -> None:
    """The year's returns of the registered agencies (most accepted, some waiting, returned,
    in draft or missing), every indicator filled, by business format where the form asks."""
    from agencies.models import SurveyReturn, SurveyValue

    rng = world.rng
    returns = []
    for agency in holders:
        status = pick(rng, RETURN_STATUSES)
        if status is None:
            continue
        sent = None if status == "draft" else moment(day_in(rng, YEAR))
        returns.append(
            SurveyReturn(
                form=world.form,
                agency=agency,
                status=status,
                submitted_at=sent,
                submitted_by=world.user if sent else None,
                decided_at=sent if status in ("accepted", "returned") else None,
                decided_by=world.user if status in ("accepted", "returned") else None,
            )
        )
    returns = bulk(SurveyReturn, returns)
    values = []
    for r in returns:
        for indicator in world.indicators:
            formats = world.formats_of[r.agency_id] if indicator.by_format else [None]
            for business_format in formats:
                values.append(
                    SurveyValue(
                        survey_return=r,
                        indicator=indicator,
                        business_format=business_format,
                        value=_value(world, indicator),
                    )
                )
    bulk(SurveyValue, values)


def reconcile(world: World) -> None:
    """The batch's recorded issued figures and the funds' "approved so far" as the rows say,
    so the ledgers' exceptions are the generated ones, not the bulk insert's shortcuts."""
    from subsidies.ledger import DRAWN
    from subsidies.models import Claim, SpecialFund
    from vouchers.models import Voucher, VoucherBatch

    issued = Voucher.objects.filter(batch=world.batch).exclude(status="voided").count()
    VoucherBatch.objects.filter(pk=world.batch.pk).update(
        issued_count=issued, issued_amount=FACE * issued
    )
    drawn = Claim.objects.filter(DRAWN, claim_type__policy_year=YEAR)
    by_type = dict(drawn.values_list("claim_type").annotate(s=Sum("approved_amount")).order_by())
    for fund in SpecialFund.objects.filter(year=YEAR):
        if fund.claim_type_id is None:
            committed = sum(by_type.values(), Decimal(0))
        else:
            committed = by_type.get(fund.claim_type_id, Decimal(0))
        amount = max(fund.amount, (committed * Decimal("1.25")).quantize(Decimal("1")))
        SpecialFund.objects.filter(pk=fund.pk).update(amount=amount, committed=committed)


def add_agencies(world: World, n: int) -> dict:
    """``n`` agencies and everything that hangs off them; the rows written, by kind."""
    agency_rows = agencies(world, n)
    holders = [a for a in agency_rows if a.status in ("registered", "suspended")]
    worker_rows = workers(world, agency_rows)
    training(world, agency_rows, [w.person for w in worker_rows])
    vouchers(world, holders, [w for w in worker_rows if w.left_on is None] + worker_rows)
    claims(world, holders)
    survey(world, holders)
    reconcile(world)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts()


def counts() -> dict:
    from agencies.models import Agency, SurveyReturn, Worker
    from subsidies.models import Claim
    from training.models import Enrolment
    from vouchers.models import Voucher

    return {
        "agencies": Agency.objects.count(),
        "workers": Worker.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "vouchers": Voucher.objects.count(),
        "claims": Claim.objects.count(),
        "survey returns": SurveyReturn.objects.count(),
    }
