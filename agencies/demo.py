"""Demo agencies for ``manage.py load_demo``: two agencies, their users and workers, and their\nstatistical survey returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext
from stdnum.cn import ric, uscc

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import AGENCY_USER, REVIEWER
from kunqu_jiafu.people.models import Person

from . import rules, selectors, survey_rules, survey_selectors
from .models import (
    Agency,
    AgencyMembership,
    BusinessFormat,
    EmployeeSystemFiling,
    Recognition,
    Street,
    SurveyForm,
    SurveyIndicator,
    SurveyReturn,
    Worker,
)

NAMES = [
    "王秀兰",
    "李桂英",
    "张玉梅",
    "刘淑珍",
    "陈红霞",
    "杨丽娟",
    "赵春燕",
    "黄美玲",
    "周海燕",
    "吴建华",
    "徐志强",
    "孙晓东",
    "马丽萍",
    "朱彩云",
    "胡秀珍",
    "郭凤英",
    "何玉兰",
    "高淑华",
    "林秀英",
    "罗桂兰",
    "郑丽华",
    "梁红梅",
    "谢金凤",
    "宋春梅",
]
AGENCIES = [
    {
        "username": "agency_a",
        "full_name": "甲公司管理员",
        "name": "包头市昆区安心家政服务有限公司",
        "body": "92150203MA0A00001",
        "legal": "刘建国",
        "street": "150203005",
        "formats": ["housekeeping", "maternity"],
        "recognition": Recognition.Kind.STATION,
    },
    {
        "username": "agency_b",
        "full_name": "乙公司管理员",
        "name": "包头市昆区康寿养老服务中心",
        "body": "52150203MA0B00002",
        "legal": "马玉珍",
        "street": "150203011",
        "formats": ["eldercare", "patient_care"],
        "recognition": None,
    },
]


def _id(birth: dt.date, seq: int) -> str:
    body = f"150203{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _person(name: str, birth: dt.date, seq: int) -> Person:
    number = _id(birth, seq)
    person = Person.objects.by_id_number(number).first()
    if person is None:
        person = Person(name=name, area_known=True)
        person.set_id_number(number)
        person.save()
    return person


def load(*, password: str, stdout) -> None:
    today = timezone.localdate()
    group = Group.objects.get(name=AGENCY_USER)
    for index, spec in enumerate(AGENCIES):
        code = spec["body"] + uscc.calc_check_digit(spec["body"])
        agency = Agency.objects.filter(uscc=code).first()
        if agency is None:
            agency = Agency.objects.create(
                name=spec["name"],
                uscc=code,
                legal_representative=spec["legal"],
                contact_name=spec["full_name"][:2] + "经理",
                phone=f"1394720{index:04d}",
                address=f"昆都仑区{['钢铁大街', '阿尔丁大街'][index]}{18 + index}号",
                street=Street.objects.get(code=spec["street"]),
                founded_on=dt.date(2016 + index, 4, 1),
                employee_count=12,
                status=Agency.Status.REGISTERED,
                registered_on=dt.date(today.year, 3, 10 + index),
                alliance_member=index == 0,
                alliance_joined_on=dt.date(2021, 6, 1) if index == 0 else None,
            )
            agency.formats.set(BusinessFormat.objects.filter(code__in=spec["formats"]))
            if spec["recognition"]:
                Recognition.objects.create(
                    agency=agency,
                    kind_id=spec["recognition"],
                    year=today.year,
                    granted_on=dt.date(today.year, 4, 1),
                    valid_until=dt.date(today.year + 2, 3, 31),
                )
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={"full_name": spec["full_name"], "email": f"{spec['username']}@example.cn"},
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(group)
        AgencyMembership.objects.get_or_create(user=user, defaults={"agency": agency})
        for n in range(12):
            name = NAMES[(index * 12 + n) % len(NAMES)]
            birth = dt.date(1968 + n * 2, 1 + n % 12, 5 + index)
            person = _person(name, birth, 100 + index * 20 + n * 2 + (1 if n % 3 == 0 else 0))
            if Worker.objects.filter(agency=agency, person=person).exists():
                continue
            expired = n % 4 == 3  # every fourth worker has an expired health check
            Worker.objects.create(
                agency=agency,
                person=person,
                job=["家政服务员", "养老护理员", "育婴员", "病患陪护员"][n % 4],
                hired_on=dt.date(2022, 1 + n % 12, 1),
                contract_kind=Worker.ContractKind.LABOUR if n < 10 else Worker.ContractKind.SERVICE,
                contract_start=dt.date(2024, 1, 1),
                contract_end=dt.date(today.year + 1 + n % 3, 12, 31),
                social_insurance=n < 11,
                insured_since=dt.date(2024, 1, 1) if n < 11 else None,
                health_check_on=today - dt.timedelta(days=500 if expired else 60 + n * 10),
                accident_insurance_until=today + dt.timedelta(days=-20 if n == 5 else 180),
                certificates="家政服务员（五级）" if n % 2 == 0 else "",
                is_hard_to_employ=n in (2, 7),
                is_graduate=n == 4,
            )
        if agency.size_year is None:
            # 甲: 12 staff, 380万元 (小型); 乙: 8 staff (微型).
            Agency.objects.filter(pk=agency.pk).update(
                size_staff=12 - 4 * index,
                size_revenue=Decimal(["380.00", "95.50"][index]),
                size_year=today.year - 1,
            )
        if index == 0:
            _file_employee_system(agency, today)
    _survey_returns(today)
    stdout.write(
        gettext("Demo agencies: %(agencies)s, workers: %(workers)s.")
        % {"agencies": Agency.objects.count(), "workers": Worker.objects.count()}
    )


def _file_employee_system(agency: Agency, today: dt.date) -> None:
    """甲 has been a filed employee-system enterprise since March last year, renewed once."""
    if EmployeeSystemFiling.objects.filter(agency=agency).exists():
        return
    figures = selectors.filing_figures_for(agency)
    common = {
        "agency": agency,
        "signs_customer_contracts": True,
        "dispatches_workers": True,
        "pays_wages_directly": True,
        "trains_continuously": True,
        "total_workers": figures.total_workers,
        "contracted_workers": figures.contracted_workers,
        "insured_workers": figures.insured_workers,
        "qualifying_workers": figures.qualifying_workers,
        "threshold_workers": figures.threshold_workers,
        "threshold_months": figures.threshold_months,
        "meets_threshold": figures.meets_threshold,
    }
    first_from, first_until = rules.filing_term(dt.date(today.year - 1, 3, 1), 12)
    first = EmployeeSystemFiling.objects.create(
        **common,
        status=EmployeeSystemFiling.Status.RENEWED,
        submitted_at=timezone.make_aware(dt.datetime(today.year - 1, 2, 20, 10)),
        decided_at=timezone.make_aware(dt.datetime(today.year - 1, 2, 27, 15)),
        filed_on=dt.date(today.year - 1, 2, 27),
        valid_from=first_from,
        valid_until=first_until,
    )
    start, until = rules.filing_term(first_until + dt.timedelta(days=1), 12)
    EmployeeSystemFiling.objects.create(
        **common,
        status=EmployeeSystemFiling.Status.FILED,
        renews=first,
        submitted_at=timezone.make_aware(dt.datetime(today.year, 1, 15, 9)),
        decided_at=timezone.make_aware(dt.datetime(today.year, 1, 20, 16)),
        filed_on=dt.date(today.year, 1, 20),
        valid_from=start,
        valid_until=until,
    )


def _demo_figures(agency: Agency, form, scale: int) -> dict[str, str]:
    """Plausible figures: the records where pre-filled, the rest by a small scale."""
    prefilled = survey_selectors.survey_prefill(agency, form)
    cells = survey_rules.cells(
        survey_selectors.survey_indicators(form), agency.formats.order_by("sort_order", "pk")
    )
    unit = SurveyIndicator.Unit
    typical = {
        unit.TEN_THOUSAND_YUAN: 38 * scale,
        unit.PERSONS: 6 * scale,
        unit.HOUSEHOLDS: 120 * scale,
        unit.HOURS: 4800 * scale,
        unit.YUAN_PER_HOUR: 45,
        unit.YUAN_PER_MONTH: 6800,
    }
    return {
        cell.key: str(prefilled[cell.indicator.code])
        if cell.indicator.prefill
        else str(typical.get(cell.indicator.unit, scale))
        for cell in cells
    }


def _survey_returns(today: dt.date) -> None:
    """The year's statistical survey, through the services: 甲's return accepted, 乙's
    returned for correction (so 乙 is listed as not filed and can be reminded). The demo opens
    the seeded form around today if its dates have passed."""
    from .services import survey as survey_services

    form = SurveyForm.objects.order_by("-year").first()
    reviewer = User.objects.filter(groups__name=REVIEWER, is_active=True).order_by("pk").first()
    if form is None or reviewer is None or SurveyReturn.objects.filter(form=form).exists():
        return
    if not form.opens_on <= today <= form.closes_on:
        form.opens_on = min(form.opens_on, today)
        form.closes_on = max(form.closes_on, today + dt.timedelta(days=60))
        form.save(update_fields=["opens_on", "closes_on"])
    for index, spec in enumerate(AGENCIES):
        agency = Agency.objects.get(name=spec["name"])
        user = User.objects.get(username=spec["username"])
        survey_return = survey_services.survey_return_save(
            actor=user,
            agency=agency,
            form=form,
            figures=_demo_figures(agency, form, index + 1),
            submit=True,
        )
        if index == 0:
            survey_services.survey_return_accept(actor=reviewer, survey_return=survey_return)
        else:
            survey_services.survey_return_send_back(
                actor=reviewer,
                survey_return=survey_return,
                reason="服务时长与服务户数不匹配，请核实后重新提交。",
            )
