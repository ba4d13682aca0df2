"""Demo voucher data for ``manage.py load_demo``, after the agencies' demo (idempotent).

Both demo agencies take part in the 2026 batch; two illustrative target groups are added next
to the three the plan names; 60 households apply (online and at the counter) and their
applications end up waiting, approved, rejected or with a voucher; 40 vouchers are issued (one
voided again), 30 holders choose a demo agency, 22 are redeemed by the agencies' own users with
their workers, 18 get a follow-up call, 16 are verified (one fails) and two monthly settlement
statements are drawn up by the reviewer, one of them paid by the approver (four eyes).

Everything goes through ``vouchers.services`` as staff, residents and agencies would do it,
with one exception: no service issues a voucher in the past, so ``_backdate`` moves each demo
voucher's issue date (and its application's dates) back over the past months. That is what
lets the services record home services in earlier months and settle a past month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext
from stdnum.cn import ric

from agencies import selectors as agency_selectors
from agencies.models import AgencyMembership, Worker
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.people.models import Person

from . import selectors
from .models import (
    Application,
    Participation,
    Service,
    Settlement,
    TargetGroup,
    Voucher,
    VoucherBatch,
)
from .services.applications import application_create, application_decide
from .services.batches import batch_save, participation_set
from .services.choice import voucher_choose_agency
from .services.issue import application_approve_and_issue, voucher_void
from .services.redemption import voucher_redeem, worker_not_green
from .services.settlement import settlement_create, settlement_mark_paid
from .services.verification import followup_record, voucher_verify

YEAR = 2026
BATCH_NAME = "促进就业券"
APPLICATIONS = 60
ISSUED = 40  # households 0-39 get a voucher
CHOSEN = 30  # holders 0-29 choose an agency (even: agency A, odd: agency B)
REDEEMED = 22  # 0-21 are served at home
FOLLOWED_UP = 18  # 0-17 get a follow-up call
VERIFIED = 16  # 0-15 are verified; 15 fails
FAILED = 15
VOIDED = 39  # the holder moved away before using it
WAITING = range(40, 48)  # submitted, awaiting review
APPROVED_ONLY = range(48, 54)  # approved, voucher not yet issued
# 54-59 are rejected

# Illustrative groups: the plan names three of the seven target groups; the bureau completes
# the list. These two stand in for the rest in the demo only.
DEMO_GROUPS = [
    (
        "graduate",
        "高校毕业生",
        "（演示数据，示意）离校两年内未就业的高校毕业生；以人社局公布的人群名单为准",
        "毕业证书及未就业登记证明",
    ),
    (
        "veteran",
        "退役军人",
        "（演示数据，示意）在本区安置或落户的退役军人；以人社局公布的人群名单为准",
        "退役军人证或退出现役证明",
    ),
]
GROUP_CYCLE = [
    "unemployed",
    "hard_to_employ",
    "unemployed",
    "graduate",
    "model_worker",
    "unemployed",
    "veteran",
    "hard_to_employ",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ["淑芬", "桂香", "建军", "玉兰", "志刚", "秀梅", "国强", "凤琴", "海军", "丽华", "春生"]
ROADS = ["钢铁大街", "阿尔丁大街", "少先路", "林荫路", "团结大街", "白云路", "昆工路", "市府东路"]
REJECTIONS = [
    "上传的材料不是失业登记证明，请补充后重新申报。",
    "经核实，申请人已在其他单位参保就业，不属于城镇失业人员。",
    "申请人户籍及居住地均不在昆都仑区。",
]
SATISFACTION_REMARKS = {
    5: "服务人员准时上门，清洁细致，很满意。",
    4: "服务不错，希望下次时间能再长一点。",
    3: "基本满意，服务人员对家电清洁不够熟练。",
}
# A tiny PNG standing in for a resident's photo of their evidence.
_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _id(n: int) -> str:
    birth = dt.date(1960 + n % 40, 1 + n % 12, 1 + (n * 7) % 28)
    body = f"150203{birth:%Y%m%d}{500 + n * 2 + n % 2:03d}"
    return body + ric.calc_check_digit(body + "0")


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 3 + n // len(SURNAMES)) % len(GIVEN)]


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _ensure_groups() -> None:
    # No service creates target groups (the bureau maintains them in the admin).
    last = max(TargetGroup.objects.values_list("sort_order", flat=True), default=0)
    for offset, (code, name, description, evidence) in enumerate(DEMO_GROUPS, 1):
        TargetGroup.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "evidence_hint": evidence,
                "sort_order": last + offset,
            },
        )


def _backdate(voucher: Voucher, issued_on: dt.date) -> None:
    """Move a just-issued demo voucher (and its application) back to ``issued_on``."""
    tz = timezone.get_current_timezone()
    issued_at = dt.datetime.combine(issued_on, dt.time(10, 30), tzinfo=tz)
    Application.objects.filter(pk=voucher.application_id).update(
        created_at=issued_at - dt.timedelta(days=6), decided_at=issued_at - dt.timedelta(hours=2)
    )
    Voucher.objects.filter(pk=voucher.pk).update(issued_at=issued_at)


def _apply(n: int, batch: VoucherBatch, reviewer: User, streets, groups, online: bool):
    street = streets[n % len(streets)]
    kwargs = {
        "batch": batch,
        "id_number": _id(n),
        "name": _name(n),
        "phone": f"1364720{n:04d}",
        "address": f"昆都仑区{ROADS[n % len(ROADS)]}{10 + n}号{1 + n % 6}单元{101 + n % 5}室",
        "street": street,
        "target_group": groups[GROUP_CYCLE[n % len(GROUP_CYCLE)]],
    }
    if online:
        upload = SimpleUploadedFile(f"证明材料{n}.png", _PNG, content_type="image/png")
        return application_create(**kwargs, evidence=upload)
    return application_create(**kwargs, actor=reviewer, note="社区窗口代为申报")


def _demo_batch(reviewer: User | None) -> VoucherBatch | None:
    """The seeded 2026 batch while it takes applications; after that, this year's batch (made
    like the bureau would make it, through the service), so the demo works in any year."""
    today = timezone.localdate()
    seeded = VoucherBatch.objects.filter(year=YEAR, name=BATCH_NAME).first()
    if seeded is not None and seeded.applications_open_on <= today <= seeded.applications_close_on:
        return seeded
    current = VoucherBatch.objects.filter(year=today.year, name=BATCH_NAME).first()
    if current is not None or reviewer is None or today.year <= YEAR:
        return current or seeded
    return batch_save(
        actor=reviewer,
        data={
            "year": today.year,
            "name": BATCH_NAME,
            "count": 5000,
            "face_value": Decimal("200.00"),
            "total": Decimal("1000000.00"),
            "applications_open_on": dt.date(today.year, 1, 1),
            "applications_close_on": dt.date(today.year, 12, 31),
            "valid_from": dt.date(today.year, 1, 1),
            "valid_until": dt.date(today.year + 1, 6, 30),
            "status": VoucherBatch.Status.OPEN,
        },
    )


def _green_on(workers: list[Worker], day: dt.date, n: int) -> Worker:
    """The n-th (in turn) of the workers green on the service day: only they serve households."""
    green = [w for w in workers if not worker_not_green(w, day)] or workers
    return green[n % len(green)]


def load(*, password: str, stdout) -> None:  # noqa: ARG001 - same hook signature
    reviewer = User.objects.filter(username="reviewer", is_active=True).first()
    approver = User.objects.filter(username="approver", is_active=True).first()
    memberships = agency_selectors.memberships_by_username(("agency_a", "agency_b"))
    batch = _demo_batch(reviewer)
    if reviewer is None or approver is None or len(memberships) < 2 or batch is None:
        stdout.write(
            gettext(
                "Demo voucher data: the demo accounts, agencies or the 2026 batch are missing; skipped."
            )
        )
        return
    members = [memberships["agency_a"], memberships["agency_b"]]
    _take_part(batch, members, reviewer)
    _ensure_groups()

    first = Person.objects.by_id_number(_id(0)).first()
    if first is not None and Application.objects.filter(batch=batch, person=first).exists():
        _report(batch, stdout)
        return  # loaded before

    today = timezone.localdate()
    opens = max(batch.valid_from, batch.applications_open_on)
    can_issue = batch.status == VoucherBatch.Status.OPEN and opens <= today <= batch.valid_until
    if batch.status != VoucherBatch.Status.OPEN:
        stdout.write(
            gettext("Demo voucher data: the 2026 batch is not open; applications skipped.")
        )
        return
    applications = _applications(batch, reviewer, today)
    if not can_issue:
        stdout.write(
            gettext(
                "Demo voucher data: today is outside the vouchers' validity; only applications loaded."
            )
        )
        _report(batch, stdout)
        return
    vouchers = _issue(applications, reviewer, opens, today)
    _choose(vouchers, members, reviewer)
    services_done = _redeem(vouchers, members, opens, today)
    _follow_up(vouchers, services_done, reviewer, today)
    _verify(vouchers, reviewer)
    _settle(batch, members, reviewer, approver, today)
    _report(batch, stdout)


def _take_part(batch: VoucherBatch, members: list[AgencyMembership], reviewer: User) -> None:
    """Both demo agencies take part in the batch (once)."""
    for member in members:
        taking_part = Participation.objects.filter(
            batch=batch, agency=member.agency, active=True
        ).exists()
        if not taking_part and member.agency.status == member.agency.Status.REGISTERED:
            participation_set(
                actor=reviewer, batch=batch, agency=member.agency, note="演示：首批签约机构"
            )


def _applications(batch: VoucherBatch, reviewer: User, today: dt.date) -> list[Application]:
    """Every demo household applies (every other one online while applications are open); some
    are approved only, the last ones rejected with a reason."""
    online_open = batch.applications_open_on <= today <= batch.applications_close_on
    streets = list(agency_selectors.street_choices()[:8])
    groups = {g.code: g for g in TargetGroup.objects.filter(active=True)}
    applications = [
        _apply(n, batch, reviewer, streets, groups, online=online_open and n % 2 == 0)
        for n in range(APPLICATIONS)
    ]
    for n in APPROVED_ONLY:
        application_decide(actor=reviewer, application=applications[n], approve=True)
    for n in range(54, APPLICATIONS):
        application_decide(
            actor=reviewer,
            application=applications[n],
            approve=False,
            reason=REJECTIONS[n % len(REJECTIONS)],
        )
    return applications


def _issued_on(n: int, opens: dt.date, today: dt.date) -> dt.date:
    """Issued over the past ~three months (never before the batch opens), oldest first."""
    return max(opens, today - dt.timedelta(days=95 - n))


def _issue(
    applications: list[Application], reviewer: User, opens: dt.date, today: dt.date
) -> list[Voucher]:
    vouchers = []
    for n in range(ISSUED):
        voucher = application_approve_and_issue(actor=reviewer, application=applications[n])
        _backdate(voucher, _issued_on(n, opens, today))
        vouchers.append(voucher)
    voucher_void(actor=reviewer, voucher=vouchers[VOIDED], reason="持券人已迁出本区，申请作废。")
    return vouchers


def _choose(vouchers: list[Voucher], members: list[AgencyMembership], reviewer: User) -> None:
    for n in range(CHOSEN):
        member = members[n % 2]
        # Most holders choose on the status page; every third one at the bureau's counter.
        actor = reviewer if n % 3 == 0 else None
        voucher_choose_agency(voucher=vouchers[n], agency=member.agency, actor=actor)
        # Chosen two days after the (back-dated) issue, so before the service below.
        issued_at = Voucher.objects.values_list("issued_at", flat=True).get(pk=vouchers[n].pk)
        Voucher.objects.filter(pk=vouchers[n].pk).update(
            agency_chosen_at=min(issued_at + dt.timedelta(days=2), timezone.now())
        )


def _redeem(
    vouchers: list[Voucher], members: list[AgencyMembership], opens: dt.date, today: dt.date
) -> list[Service]:
    workers = {
        m.agency.pk: list(
            agency_selectors.active_workers(m.agency).select_related("person", "agency")
        )
        for m in members
    }
    services_done = []
    for n in range(REDEEMED):
        member = members[n % 2]
        agency = member.agency
        # Services from about 75 to 12 days ago: they fall into the last three months.
        service_date = min(
            today,
            max(
                _issued_on(n, opens, today) + dt.timedelta(days=5),
                today - dt.timedelta(days=75 - 3 * n),
            ),
        )
        kind = agency_selectors.formats_of(agency).first()
        service, _replayed = voucher_redeem(
            actor=member.user,
            code=vouchers[n].code,
            service_date=service_date,
            kind=kind,
            worker=_green_on(workers[agency.pk], service_date, n),
            hours=Decimal("2.0") + Decimal("0.5") * (n % 4),
            note="上门服务，持券人签字确认",
            idempotency_key=f"demo-redeem-{n}",
        )
        services_done.append(service)
    return services_done


def _follow_up(
    vouchers: list[Voucher], services_done: list[Service], reviewer: User, today: dt.date
) -> None:
    for n in range(FOLLOWED_UP):
        called_on = min(today, services_done[n].service_date + dt.timedelta(days=3))
        if n == 5:
            followup_record(
                actor=reviewer,
                voucher=vouchers[n],
                called_on=called_on,
                reached=False,
                satisfaction=None,
                remarks="电话无人接听，次日再拨。",
            )
            called_on = min(today, called_on + dt.timedelta(days=1))
        satisfaction = (5, 4, 5, 3, 5)[n % 5]
        followup_record(
            actor=reviewer,
            voucher=vouchers[n],
            called_on=called_on,
            reached=True,
            satisfaction=satisfaction,
            remarks=SATISFACTION_REMARKS[satisfaction],
        )


def _verify(vouchers: list[Voucher], reviewer: User) -> None:
    for n in range(VERIFIED):
        if n == FAILED:
            voucher_verify(
                actor=reviewer,
                voucher=vouchers[n],
                passed=False,
                note="回访中持券人表示服务时长不足 1 小时，与登记的服务时长不符。",
            )
        else:
            voucher_verify(
                actor=reviewer, voucher=vouchers[n], passed=True, note="回访核实，服务属实。"
            )


def _settle(batch, members, reviewer, approver, today) -> None:
    """Agency A: its earliest month with verified services, drawn up and paid (the reviewer draws
    it up, the approver records the payment). Agency B: the latest past month, awaiting payment."""
    this_month = _month_start(today)
    for index, member in enumerate(members):
        dates = sorted(
            Voucher.objects.filter(
                batch=batch,
                agency=member.agency,
                status=Voucher.Status.VERIFIED,
                settlement__isnull=True,
            ).values_list("service__service_date", flat=True)
        )
        if not dates:
            continue
        past = [d for d in dates if _month_start(d) < this_month]
        if index == 0:
            month = _month_start(dates[0])
        else:
            month = _month_start(past[-1]) if past else this_month
        if Settlement.objects.filter(batch=batch, agency=member.agency, month=month).exists():
            continue
        settlement = settlement_create(
            actor=reviewer, batch=batch, agency=member.agency, month=month
        )
        if index == 0:
            settlement_mark_paid(
                actor=approver,
                settlement=settlement,
                paid_on=today,
                reference=f"KQCZ-JQ-{month:%Y%m}-{index + 1:03d}",
            )


def _report(batch: VoucherBatch, stdout) -> None:
    figures = selectors.progress(batch)
    stdout.write(
        gettext(
            "Demo vouchers: %(applications)s applications, %(issued)s issued (%(amount)s yuan), "
            "%(redeemed)s redeemed, %(verified)s verified, %(reimbursed)s settled and paid; "
            "%(settlements)s settlements."
        )
        % {
            "applications": Application.objects.filter(batch=batch).count(),
            "issued": figures["issued"],
            "amount": f"{figures['issued_amount']:,.2f}",
            "redeemed": figures["redeemed"],
            "verified": figures["verified"],
            "reimbursed": figures["reimbursed"],
            "settlements": Settlement.objects.filter(batch=batch).count(),
        }
    )
    # A household a newcomer can try on /vouchers/status/ (demo data only: made-up numbers).
    sample = (
        Voucher.objects.filter(batch=batch, status=Voucher.Status.ISSUED, agency__isnull=True)
        .select_related("application", "person")
        .order_by("application__number")
        .first()
    )
    if sample is not None:
        stdout.write(
            gettext(
                "Demo status look-up (/vouchers/status/): application number %(number)s, "
                "ID number %(id_number)s (voucher issued, no agency chosen yet)."
            )
            % {"number": sample.application.number, "id_number": sample.person.id_number}
        )
