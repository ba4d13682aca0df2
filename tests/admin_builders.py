"""Row builders for every model with a ModelAdmin, for the generic query-count walk
(tests/test_admin_query_counts.py).

``BUILDERS[model_label](world, rows, related)`` adds ``rows`` rows of the model (bulk_create,
for its changelist) and returns one object of it that has ``related`` rows of each kind its
change page shows inline or in a panel. A ModelAdmin registered without a builder here fails
test_every_model_admin_has_a_row_builder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Callable
from decimal import Decimal
from functools import cached_property

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from agencies.models import (
    Agency,
    AgencyPolicy,
    AgencyStanding,
    BusinessFormat,
    EmployeeSystemFiling,
    Recognition,
    Street,
    Worker,
)
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.imports.models import ImportJob
from kunqu_jiafu.notifications.models import Notification
from kunqu_jiafu.people.models import Person
from subsidies.models import Claim, ClaimSubject, ClaimType, Notice, SettingChange, SpecialFund
from tests import factories
from tests.agencies import survey_builders
from tests.inspections import admin_builders_evalvisit as evalvisit_builders
from tests.inspections import builders as inspection_builders
from training.models import Course, CourseKind, Enrolment, TrainingSignup, TrainingTarget
from vouchers.models import (
    Application,
    FollowUp,
    Participation,
    Service,
    Settlement,
    TargetGroup,
    Voucher,
    VoucherBatch,
)

_serial = itertools.count(1)
NOW = timezone.now()
TODAY = dt.date(2026, 6, 1)


def _n() -> int:
    return next(_serial)


def people(count: int) -> list[Person]:
    rows = []
    for _ in range(count):
        k = _n()
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=k % 20000)
        person = Person(name=f"测试{k}")
        seq = 2 * (k // 20000 % 499 + 1)
        person.set_id_number(factories.id_number(birth=f"{birth:%Y%m%d}", seq=seq))
        rows.append(person)
    return Person.objects.bulk_create(rows)


def agencies(world: World, count: int) -> list[Agency]:
    rows = Agency.objects.bulk_create(
        Agency(
            name=f"测试家政服务有限公司{k}",
            uscc=factories.credit_code(k),
            legal_representative="张三",
            contact_name="李四",
            phone="13800000000",
            address="昆都仑区钢铁大街1号",
            street=world.street,
            founded_on=dt.date(2018, 5, 1),
            employee_count=10,
            status=Agency.Status.REGISTERED,
            registered_on=dt.date(2024, 3, 1),
        )
        for k in (_n() for _ in range(count))
    )
    through = Agency.formats.through
    through.objects.bulk_create(
        through(agency_id=a.pk, businessformat_id=world.format.pk) for a in rows
    )
    return rows


def workers(world: World, agency: Agency, count: int) -> list[Worker]:
    return Worker.objects.bulk_create(
        Worker(
            person=p,
            agency=agency,
            job="家政服务员",
            hired_on=dt.date(2024, 1, 1),
            contract_kind="labour",
            contract_start=dt.date(2024, 1, 1),
            social_insurance=True,
            insured_since=dt.date(2024, 1, 1),
            health_check_on=dt.date(2026, 1, 1),
            accident_insurance_until=dt.date(2027, 1, 1),
        )
        for p in people(count)
    )


class World:
    """The shared parents of the rows (one of each, made on first use)."""

    @cached_property
    def user(self) -> User:
        return User.objects.create_user(f"builder{_n()}", password="x")

    @cached_property
    def street(self) -> Street:
        return Street.objects.order_by("code").first()

    @cached_property
    def format(self) -> BusinessFormat:
        return BusinessFormat.objects.order_by("code").first()

    @cached_property
    def agency(self) -> Agency:
        return agencies(self, 1)[0]

    @cached_property
    def worker(self) -> Worker:
        return workers(self, self.agency, 1)[0]

    @cached_property
    def kind(self) -> CourseKind:
        return CourseKind.objects.order_by("code").first()

    @cached_property
    def course(self) -> Course:
        return _courses(self, 1)

    @cached_property
    def claim_type(self) -> ClaimType:
        return ClaimType.objects.order_by("-policy_year", "sort_order").first()

    @cached_property
    def batch(self) -> VoucherBatch:
        return _batches(1)[0]

    @cached_property
    def group(self) -> TargetGroup:
        return TargetGroup.objects.order_by("code").first()

    @cached_property
    def document(self) -> Document:
        return _documents(self, 1)


# --- builders, one per model ----------------------------------------------------------


def _groups(world, rows, related):
    made = Group.objects.bulk_create(Group(name=f"测试组{_n()}") for _ in range(rows))
    return made[0]


def _users(world, rows, related):
    made = User.objects.bulk_create(
        User(username=f"user{_n()}", password="!", full_name="测试用户") for _ in range(rows)
    )
    return made[0]


def _audit_entries(world, rows, related):
    ct = ContentType.objects.get_for_model(Agency)
    made = AuditEntry.objects.bulk_create(
        AuditEntry(
            created_at=NOW,
            actor=world.user,
            actor_label="测试",
            action="agencies.agency.updated",
            content_type=ct,
            object_id=str(world.agency.pk),
            object_repr=str(world.agency),
            prev_hash="0" * 64,
            entry_hash=hashlib.sha256(str(_n()).encode()).hexdigest(),
        )
        for _ in range(rows)
    )
    return made[0]


def _people(world, rows, related):
    made = people(rows)
    focus = made[0]
    # A person's page lists their jobs and courses.
    Worker.objects.bulk_create(
        Worker(
            person=focus,
            agency=a,
            job="家政服务员",
            hired_on=dt.date(2024, 1, 1),
            contract_kind="labour",
            contract_start=dt.date(2024, 1, 1),
        )
        for a in agencies(world, min(related, 50))
    )
    return focus


def _notifications(world, rows, related):
    made = Notification.objects.bulk_create(
        Notification(recipient=world.user, title=f"通知{_n()}", url="/portal/") for _ in range(rows)
    )
    return made[0]


def _import_jobs(world, rows, related):
    made = ImportJob.objects.bulk_create(
        ImportJob(
            kind=ImportJob.Kind.WORKERS,
            step=ImportJob.Step.WRITE,
            status=ImportJob.Status.FAILED,
            agency=world.agency,
            created_by=world.user,
            file_name=f"从业人员{_n()}.xlsx",
            sha256="0" * 64,
            error="读取该文件超过了导入的时间上限 60 秒。",
        )
        for _ in range(rows)
    )
    return made[0]


def _report_runs(world, rows, related):
    from reports.models import ReportRun

    made = ReportRun.objects.bulk_create(
        ReportRun(
            year=2020 + n % 6,
            status=ReportRun.Status.FAILED,
            requested_by=world.user,
            error="OSError: 磁盘已满",
        )
        for n in range(rows)
    )
    return made[0]


def _documents(world, rows, related=0):
    made = Document.objects.bulk_create(
        Document(
            file=f"test/{_n()}.pdf",
            original_name="材料.pdf",
            content_type="application/pdf",
            extension="pdf",
            size=1000,
            sha256="0" * 64,
            created_at=NOW,
        )
        for _ in range(rows)
    )
    return made[0]


def _agencies(world, rows, related):
    agencies(world, rows)
    focus = agencies(world, 1)[0]
    workers(world, focus, related)
    Recognition.objects.bulk_create(
        Recognition(agency=focus, kind_id=kind, year=year, granted_on=dt.date(year, 4, 1))
        for kind, year in itertools.islice(
            # past years only, every kind at both sizes: the rows differ in number, not in kind
            ((k, y) for y, k in itertools.product(range(1800, 2000), Recognition.Kind.values)),
            related,
        )
    )
    EmployeeSystemFiling.objects.bulk_create(
        _filing(focus, status="refused") for _ in range(min(related, 200))
    )
    AgencyStanding.objects.bulk_create(
        AgencyStanding(agency=focus, year=year) for year in range(1700, 1700 + min(related, 200))
    )
    return focus


def _filing(agency, status="submitted"):
    return EmployeeSystemFiling(
        agency=agency,
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        submitted_at=NOW,
        status=status,
    )


def _filings(world, rows, related):
    made = EmployeeSystemFiling.objects.bulk_create(_filing(a) for a in agencies(world, rows))
    return made[0]


def _recognitions(world, rows, related):
    made = Recognition.objects.bulk_create(
        Recognition(agency=a, kind_id="station", year=2026, granted_on=dt.date(2026, 4, 1))
        for a in agencies(world, rows)
    )
    return made[0]


def _streets(world, rows, related):
    made = Street.objects.bulk_create(
        Street(code=f"9{_n():08d}", name=f"测试街道{_n()}") for _ in range(rows)
    )
    return made[0]


def _formats(world, rows, related):
    made = BusinessFormat.objects.bulk_create(
        BusinessFormat(code=f"fmt-{_n()}", name=f"测试业态{_n()}") for _ in range(rows)
    )
    return made[0]


def _policies(world, rows, related):
    used = set(AgencyPolicy.objects.values_list("year", flat=True))
    years = [y for y in range(1000, 9999) if y not in used][:rows]
    return AgencyPolicy.objects.bulk_create(AgencyPolicy(year=y) for y in years)[0]


def _standings(world, rows, related):
    made = AgencyStanding.objects.bulk_create(
        AgencyStanding(agency=a, year=2026) for a in agencies(world, rows)
    )
    return made[0]


def _workers(world, rows, related):
    return workers(world, world.agency, rows)[0]


def _course_kinds(world, rows, related):
    made = CourseKind.objects.bulk_create(
        CourseKind(code=f"kind-{_n()}", name=f"测试课程类别{_n()}") for _ in range(rows)
    )
    return made[0]


def _targets(world, rows, related):
    used = set(TrainingTarget.objects.values_list("year", flat=True))
    years = [y for y in range(1000, 9999) if y not in used][:rows]
    return TrainingTarget.objects.bulk_create(TrainingTarget(year=y) for y in years)[0]


def _courses(world, rows, related=0):
    made = Course.objects.bulk_create(
        Course(
            name=f"测试课程{_n()}",
            kind=world.kind,
            provider=world.agency,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 20),
            class_hours=40,
            capacity=2000,
            policy_year=2026,
        )
        for _ in range(rows)
    )
    if related:
        _enrol(made[0], related)
    return made[0]


def _enrol(course, count):
    return Enrolment.objects.bulk_create(
        Enrolment(course=course, person=p, key=f"K{_n():011d}") for p in people(count)
    )


def _enrolments(world, rows, related):
    return _enrol(world.course, rows)[0]


def _signups(world, rows, related):
    made = TrainingSignup.objects.bulk_create(
        TrainingSignup(person=p, phone="13800000000", street=world.street) for p in people(rows)
    )
    return made[0]


def _batches(rows, related=0):
    used = set(VoucherBatch.objects.values_list("year", "name"))
    made = VoucherBatch.objects.bulk_create(
        VoucherBatch(
            year=2026,
            name=f"测试批次{_n()}",
            count=100,
            face_value=Decimal("200.00"),
            total=Decimal("20000.00"),
            applications_open_on=dt.date(2026, 1, 1),
            applications_close_on=dt.date(2026, 12, 31),
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2027, 12, 31),
        )
        for _ in range(rows)
    )
    assert not used & {(b.year, b.name) for b in made}
    return made


def _batches_builder(world, rows, related):
    _batches(rows)
    focus = _batches(1)[0]
    Participation.objects.bulk_create(
        Participation(batch=focus, agency=a, joined_on=dt.date(2026, 1, 1))
        for a in agencies(world, related)
    )
    return focus


def _applications_for(world, persons, status="approved"):
    return Application.objects.bulk_create(
        Application(
            batch=world.batch,
            number=f"JQT-{_n():08d}",
            person=p,
            phone="13800000000",
            address="昆都仑区钢铁大街1号",
            street=world.street,
            target_group=world.group,
            status=status,
            decided_at=None if status == "submitted" else NOW,
        )
        for p in persons
    )


def _applications(world, rows, related):
    return _applications_for(world, people(rows), status="submitted")[0]


def _target_groups(world, rows, related):
    made = TargetGroup.objects.bulk_create(
        TargetGroup(code=f"grp-{_n()}", name=f"测试人群{_n()}") for _ in range(rows)
    )
    return made[0]


def _participations(world, rows, related):
    made = Participation.objects.bulk_create(
        Participation(batch=world.batch, agency=a, joined_on=dt.date(2026, 1, 1))
        for a in agencies(world, rows)
    )
    return made[0]


def _vouchers_for(world, count, **extra):
    apps_ = _applications_for(world, people(count))
    return Voucher.objects.bulk_create(
        Voucher(
            batch=world.batch,
            application=a,
            person=a.person,
            code=f"T{_n():010d}",
            face_value=Decimal("200.00"),
            issued_at=NOW,
            issued_by=world.user,
            valid_until=dt.date(2027, 12, 31),
            **extra,
        )
        for a in apps_
    )


def _vouchers(world, rows, related):
    _vouchers_for(world, rows)
    focus = _vouchers_for(world, 1, agency=world.agency, status="redeemed")[0]
    Service.objects.bulk_create([_service(world, focus)])  # one service per voucher
    FollowUp.objects.bulk_create(
        FollowUp(
            voucher=focus, called_on=TODAY, reached=True, satisfaction=5, recorded_by=world.user
        )
        for _ in range(related)
    )
    return focus


def _service(world, voucher):
    return Service(
        voucher=voucher,
        agency=world.agency,
        service_date=TODAY,
        kind=world.format,
        worker=world.worker,
        hours=Decimal("2"),
        redeemed_at=NOW,
        redeemed_by=world.user,
    )


def _services(world, rows, related):
    vouchers = _vouchers_for(world, rows, agency=world.agency, status="redeemed")
    return Service.objects.bulk_create(_service(world, v) for v in vouchers)[0]


def _follow_ups(world, rows, related):
    vouchers = _vouchers_for(world, rows, agency=world.agency, status="redeemed")
    made = FollowUp.objects.bulk_create(
        FollowUp(voucher=v, called_on=TODAY, reached=True, satisfaction=4, recorded_by=world.user)
        for v in vouchers
    )
    return made[0]


def _settlements(world, rows, related):
    months = [dt.date(1900 + k // 12, k % 12 + 1, 1) for k in range(rows)]
    agency = agencies(world, 1)[0]
    made = Settlement.objects.bulk_create(
        Settlement(
            batch=world.batch,
            agency=agency,
            month=month,
            number=f"测试结〔{_n()}〕",
            voucher_count=1,
            amount=Decimal("200.00"),
            created_by=world.user,
        )
        for month in months
    )
    focus = made[0]
    Voucher.objects.bulk_create(
        Voucher(
            batch=world.batch,
            application=a,
            person=a.person,
            code=f"S{_n():010d}",
            face_value=Decimal("200.00"),
            issued_at=NOW,
            issued_by=world.user,
            valid_until=dt.date(2027, 12, 31),
            agency=agency,
            status="verified",
            verified_at=NOW,
            settlement=focus,
        )
        for a in _applications_for(world, people(related))
    )
    return focus


def _claims_for(world, count, claim_type=None):
    claim_type = claim_type or world.claim_type
    return Claim.objects.bulk_create(
        Claim(agency=a, claim_type=claim_type, period="2026") for a in agencies(world, count)
    )


def _claims(world, rows, related):
    _claims_for(world, rows)
    focus = _claims_for(world, 1)[0]
    ClaimSubject.objects.bulk_create(
        ClaimSubject(
            claim=focus,
            claim_type=focus.claim_type,
            kind="order",
            agency=focus.agency,
            order_number=f"P{_n()}",
            label="测试",
        )
        for _ in range(related)
    )
    return focus


def _claim_types(world, rows, related):
    made = ClaimType.objects.bulk_create(
        ClaimType(
            code=f"type-{_n()}",
            name=f"测试补贴{_n()}",
            group="seven",
            policy_year=2026,
            calculator=world.claim_type.calculator,
            eligibility=world.claim_type.eligibility,
        )
        for _ in range(rows)
    )
    return made[0]


def _funds(world, rows, related):
    used = set(SpecialFund.objects.filter(claim_type=None).values_list("year", flat=True))
    years = [y for y in range(1000, 9999) if y not in used][:rows]
    return SpecialFund.objects.bulk_create(
        SpecialFund(year=y, amount=Decimal("1000000.00")) for y in years
    )[0]


def _setting_changes(world, rows, related):
    """Budget and rate proposals, every other one decided by a second approver."""
    second = User.objects.create_user(f"builder{_n()}", password="x")
    made = SettingChange.objects.bulk_create(
        SettingChange(
            kind="fund" if k % 2 else "rates",
            year=2026 if k % 2 else None,
            amount=Decimal("1000.00") if k % 2 else None,
            claim_type=None if k % 2 else world.claim_type,
            parameters=None if k % 2 else {"cap": "1.00"},
            before={"amount": "900.00"} if k % 2 else {"parameters": {"cap": "2.00"}},
            reason="测试",
            proposed_by=world.user,
            status="approved" if k % 3 == 0 else "proposed",
            decided_by=second if k % 3 == 0 else None,
            decided_at=NOW if k % 3 == 0 else None,
        )
        for k in range(rows)
    )
    return made[0]


def _notices(world, rows, related):
    claims = _claims_for(world, rows)
    made = Notice.objects.bulk_create(
        Notice(
            claim=c,
            kind="approval",
            year=2026,
            sequence=k,
            number=f"测试补〔2026〕{k}号",
            issued_on=TODAY,
            amount=Decimal("100.00"),
        )
        for c, k in ((c, _n()) for c in claims)
    )
    return made[0]


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def _size_thresholds(world, rows, related):
    # One row per enterprise size (大/中/小/微): the table cannot hold more, so both sizes
    # of the walk show the same four rows.
    model = _model("agencies.EnterpriseSizeThreshold")
    existing = model.objects.order_by("pk").first()
    if existing is not None:
        return existing
    sizes = [c[0] for c in model._meta.get_field("size").choices]
    return model.objects.bulk_create(
        model(size=size, min_staff=k, min_revenue=k) for k, size in enumerate(sizes)
    )[0]


def _award_policies(world, rows, related):
    model = _model("subsidies.AwardPolicy")
    used = set(model.objects.values_list("year", flat=True))
    years = [y for y in range(1000, 9999) if y not in used][:rows]
    return model.objects.bulk_create(model(year=y) for y in years)[0]


def _parameter_flags(world, rows, related):
    model = _model("subsidies.ParameterFlag")
    made = model.objects.bulk_create(
        model(claim_type=world.claim_type, name=f"param_{_n()}") for _ in range(rows)
    )
    return made[0]


def _recognition_kinds(world, rows, related):
    model = _model("agencies.RecognitionKind")
    made = model.objects.bulk_create(
        model(code=f"rk-{k}", name=f"测试称号{k}") for k in (_n() for _ in range(rows))
    )
    return made[0]


def _exemption_kinds(world, rows, related):
    model = _model("subsidies.ExemptionServiceKind")
    made = model.objects.bulk_create(
        model(code=f"ek-{k}", name=f"测试服务{k}") for k in (_n() for _ in range(rows))
    )
    return made[0]


def _fee_exemptions(world, rows, related):
    from kunqu_jiafu.people import crypto

    model = _model("subsidies.FeeExemption")
    kind = _model("subsidies.ExemptionServiceKind").objects.order_by("pk").first()
    claim = _claims_for(world, 1)[0]
    address = crypto.encrypt("昆区少先路3号楼2单元501")
    # One household per row: a birth day of its own (the walk may add 1,000).
    heads = [
        factories.id_number(birth=f"{dt.date(1940, 1, 1) + dt.timedelta(days=_n()):%Y%m%d}", seq=7)
        for _ in range(rows)
    ]
    made = model.objects.bulk_create(
        model(
            claim=claim,
            head_id_encrypted=crypto.encrypt(head),
            head_id_hash=crypto.blind_index(head),
            address_encrypted=address,
            street=world.street,
            service_date=TODAY,
            service_kind=kind,
            worker=world.worker,
        )
        for head in heads
    )
    return made[0]


# --- inspections: rectifications (issue 12) ---------------------------------------------


def _rect_failed_inspections(world, count: int) -> list:
    from inspections.models import ChecklistTemplate, Inspection, InspectionRound

    template = ChecklistTemplate.objects.filter(subject_kind="agency").order_by("-version").first()
    if template is None:
        template = ChecklistTemplate.objects.create(subject_kind="agency", version=1, name="年检表")
    # Rounds are one a year: the next year no other builder took.
    used = set(InspectionRound.objects.values_list("year", flat=True))
    year = next(y for y in range(3000, 9999) if y not in used)
    round_ = InspectionRound.objects.create(
        year=year, title=f"{year}年检", starts_on=dt.date(year, 3, 1), due_on=dt.date(year, 9, 1)
    )
    return Inspection.objects.bulk_create(
        Inspection(
            round=round_,
            agency=a,
            subject_kind="agency",
            template=template,
            result="failed",
            score=Decimal("50"),
        )
        for a in agencies(world, count)
    )


def _rectifications(world, rows, related):
    from inspections.models import Rectification

    made = Rectification.objects.bulk_create(
        Rectification(
            inspection=inspection,
            deadline=TODAY + dt.timedelta(days=_n() % 60 - 30),
            requirements="统一制度：5 / 20",
            status="answered",
            answer="已整改",
            answered_at=NOW,
        )
        for inspection in _rect_failed_inspections(world, rows)
    )
    focus = made[0]
    ct = ContentType.objects.get_for_model(Rectification)
    Document.objects.bulk_create(
        Document(
            file=f"test/{_n()}.pdf",
            original_name="整改照片.pdf",
            content_type="application/pdf",
            extension="pdf",
            size=1000,
            sha256="0" * 64,
            created_at=NOW,
            owner_type=ct,
            owner_id=str(focus.pk),
        )
        for _ in range(related)
    )
    return focus


def _spot_check_with(world, vouchers):
    from inspections.models import SpotCheck, SpotCheckItem

    ids = sorted(v.pk for v in vouchers)
    check = SpotCheck.objects.create(
        title=f"测试抽查{_n()}",
        population="vouchers",
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        sample_size=max(len(ids), 1),
        seed=_n(),
        population_size=len(ids),
        population_ids=ids,
        created_by=world.user,
    )
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(
            spot_check=check, position=n, voucher=v, agency=world.agency, assigned_to=world.user
        )
        for n, v in enumerate(vouchers, start=1)
    )
    return check


def _spot_checks(world, rows, related):
    from inspections.models import SpotCheck

    SpotCheck.objects.bulk_create(
        SpotCheck(
            title=f"测试抽查{k}",
            population="claims",
            claim_type_codes=["loan_interest"],
            period_start=dt.date(2026, 1, 1),
            period_end=TODAY,
            sample_rate=Decimal("5"),
            seed=k,
            created_by=world.user,
        )
        for k in (_n() for _ in range(rows))
    )
    return _spot_check_with(world, _vouchers_for(world, related, agency=world.agency))


def _spot_check_items(world, rows, related):
    check = _spot_check_with(world, _vouchers_for(world, rows, agency=world.agency))
    return check.items.order_by("pk").first()


BUILDERS: dict[str, Callable] = {
    "inspections.ChecklistTemplate": inspection_builders.templates,
    "inspections.InspectionRound": inspection_builders.rounds,
    "inspections.Inspection": inspection_builders.inspections,
    "inspections.SpotCheck": _spot_checks,
    "inspections.SpotCheckItem": _spot_check_items,
    "subsidies.SettingChange": _setting_changes,
    "subsidies.ExemptionServiceKind": _exemption_kinds,
    "subsidies.FeeExemption": _fee_exemptions,
    "agencies.RecognitionKind": _recognition_kinds,
    "agencies.EnterpriseSizeThreshold": _size_thresholds,
    "subsidies.AwardPolicy": _award_policies,
    "subsidies.ParameterFlag": _parameter_flags,
    "auth.Group": _groups,
    "accounts.User": _users,
    "audit.AuditEntry": _audit_entries,
    "people.Person": _people,
    "notifications.Notification": _notifications,
    "documents.Document": _documents,
    "imports.ImportJob": _import_jobs,
    "reports.ReportRun": _report_runs,
    "agencies.Agency": _agencies,
    "agencies.EmployeeSystemFiling": _filings,
    "agencies.Recognition": _recognitions,
    "agencies.Street": _streets,
    "agencies.BusinessFormat": _formats,
    "agencies.AgencyPolicy": _policies,
    "agencies.AgencyStanding": _standings,
    "agencies.Worker": _workers,
    "training.CourseKind": _course_kinds,
    "training.TrainingTarget": _targets,
    "training.Course": _courses,
    "training.Enrolment": _enrolments,
    "training.TrainingSignup": _signups,
    "vouchers.Application": _applications,
    "vouchers.TargetGroup": _target_groups,
    "vouchers.VoucherBatch": _batches_builder,
    "vouchers.Participation": _participations,
    "vouchers.Settlement": _settlements,
    "vouchers.Voucher": _vouchers,
    "vouchers.Service": _services,
    "vouchers.FollowUp": _follow_ups,
    "subsidies.Claim": _claims,
    "subsidies.ClaimType": _claim_types,
    "subsidies.SpecialFund": _funds,
    "subsidies.Notice": _notices,
    "inspections.Rectification": _rectifications,
    **evalvisit_builders.BUILDERS,
    **survey_builders.BUILDERS,
}
