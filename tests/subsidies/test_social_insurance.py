"""社会保险补贴 to the plan's words: "对备案的员工制家庭服务企业吸纳就业困难人员或高校毕业生就业并缴纳社会保险费的".

Only a filed employee-system enterprise; only workers whose person record is 就业困难人员 or
高校毕业生 (within the bureau's graduate years), hired by the agency and insured by it in the
claimed months; the amount is the employer contributions actually paid; each person-month
is subsidised once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from subsidies import rules, services
from subsidies.models import Claim, ClaimSubject
from tests import factories
from tests.subsidies.core_builders import claim_type, file_employee_system, pdf, set_rates

PLAN = "对备案的员工制家庭服务企业吸纳就业困难人员或高校毕业生就业并缴纳社会保险费的"


def _person(name="王芳", **flags):
    person = factories.make_person(name)
    for flag, value in flags.items():
        setattr(person, flag, value)
    person.save()
    return person


def _worker(agency, name="王芳", *, worker=None, **flags):
    flags.setdefault("is_hard_to_employ", True)
    person = _person(name, **flags)
    factories.make_worker(agency, person=person, **(worker or {}))
    return person


def _create(user, org, lines, period="2026Q3"):
    return services.claim_create(
        actor=user,
        agency=org,
        claim_type=claim_type("social_insurance"),
        period=period,
        declared={},
        subjects=lines,
    )


def _refused(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return "\n".join(caught.value.message_dict["subjects"])


def test_the_catalogue_pays_contributions_per_worker_month_with_a_graduate_setting(db):
    kind = claim_type("social_insurance")
    assert kind.calculator == "insured_months"
    assert kind.eligibility == "filed_employee_system"
    assert int(kind.parameters["graduate_years"]) > 0


def test_an_uninsured_worker_is_not_paid(agency_a, org_a):
    """Today any worker, even uninsured, is paid: the plan says 缴纳社会保险费的."""
    file_employee_system(org_a)
    person = _worker(org_a, "王芳", worker={"social_insurance": False, "insured_since": None})
    message = _refused(lambda: _create(agency_a, org_a, [f"{person.id_number} 2026-07 856.40"]))
    assert "王芳 2026-07" in message and "未由本机构缴纳社会保险" in message
    assert not Claim.objects.exists()


def test_a_worker_neither_hard_to_employ_nor_graduate_is_refused_with_the_reason(agency_a, org_a):
    file_employee_system(org_a)
    person = _worker(org_a, "李娜", is_hard_to_employ=False)
    message = _refused(lambda: _create(agency_a, org_a, [f"{person.id_number} 2026-07 856.40"]))
    assert "李娜" in message and "未登记为就业困难人员或高校毕业生" in message


def test_the_amount_is_the_contributions_actually_paid_for_the_listed_worker_months(
    agency_a, org_a
):
    file_employee_system(org_a)
    wang = _worker(org_a, "王芳")
    li = _worker(org_a, "李娜", is_hard_to_employ=False, is_graduate=True,
                 graduated_on=dt.date(2025, 6, 30))  # fmt: skip
    claim = _create(
        agency_a,
        org_a,
        [
            f"{wang.id_number} 2026-07 856.40",
            f"{wang.id_number}，2026年8月，856.40",
            f"{li.id_number} 2026-09 701.15",
        ],
    )
    assert claim.eligible_amount == Decimal("2413.95")
    assert claim.trace[-1] == "合计 3 人月，2,413.95 元"
    assert "王芳 2026-08：单位实际缴纳 856.40 元" in claim.trace
    assert sorted(claim.subjects.values_list("label", flat=True)) == [
        "李娜 2026-09",
        "王芳 2026-07",
        "王芳 2026-08",
    ]
    # No ID number is kept in the declaration or the subjects.
    stored = str(claim.declared) + str(list(claim.subjects.values()))
    assert wang.id_number not in stored and li.id_number not in stored


@pytest.mark.parametrize(
    ("month", "accepted"),
    [("2026-07", True), ("2026-08", False)],  # just inside, just outside two years
)
def test_a_graduate_counts_within_the_bureaus_years(month, accepted, agency_a, org_a):
    file_employee_system(org_a)
    person = _worker(
        org_a, "赵敏", is_hard_to_employ=False, is_graduate=True, graduated_on=dt.date(2024, 7, 1)
    )
    line = [f"{person.id_number} {month} 700.00"]
    if accepted:
        assert _create(agency_a, org_a, line).eligible_amount == Decimal("700.00")
    else:
        assert "已超过毕业后 2 年" in _refused(lambda: _create(agency_a, org_a, line))


def test_the_graduate_years_are_the_bureaus_setting(agency_a, org_a):
    kind = claim_type("social_insurance")
    kind.parameters = {**kind.parameters, "graduate_years": 3}
    kind.save()
    file_employee_system(org_a)
    person = _worker(
        org_a, "赵敏", is_hard_to_employ=False, is_graduate=True, graduated_on=dt.date(2023, 7, 1)
    )
    assert _create(agency_a, org_a, [f"{person.id_number} 2026-07 700"]).eligible_amount == 700


def test_a_graduate_without_a_graduation_date_is_refused(agency_a, org_a):
    file_employee_system(org_a)
    person = _worker(org_a, "赵敏", is_hard_to_employ=False, is_graduate=True)
    assert "未登记毕业日期" in _refused(
        lambda: _create(agency_a, org_a, [f"{person.id_number} 2026-07 700"])
    )


@pytest.mark.parametrize(
    ("worker", "accepted", "reason"),
    [
        ({"hired_on": dt.date(2026, 7, 31), "insured_since": dt.date(2026, 7, 31)}, True, ""),
        (
            {"hired_on": dt.date(2026, 8, 1), "insured_since": dt.date(2026, 8, 1)},
            False,
            "尚未入职",
        ),
        ({"insured_since": dt.date(2026, 8, 1)}, False, "未由本机构缴纳社会保险"),
        ({"left_on": dt.date(2026, 7, 1)}, True, ""),
        ({"left_on": dt.date(2026, 6, 30)}, False, "已离职"),
    ],
)
def test_the_worker_must_be_hired_and_insured_by_the_agency_in_that_month(
    worker, accepted, reason, agency_a, org_a
):
    file_employee_system(org_a)
    person = _worker(org_a, "王芳", worker=worker)
    line = [f"{person.id_number} 2026-07 800"]
    if accepted:
        assert _create(agency_a, org_a, line).eligible_amount == Decimal("800.00")
    else:
        assert reason in _refused(lambda: _create(agency_a, org_a, line))


def test_another_agencys_worker_and_an_unknown_number_are_refused(agency_a, org_a, org_b):
    file_employee_system(org_a)
    theirs = _worker(org_b, "孙丽")
    stranger = factories.id_number()
    message = _refused(
        lambda: _create(
            agency_a, org_a, [f"{theirs.id_number} 2026-07 800", f"{stranger} 2026-07 800"]
        )
    )
    assert "不是本机构登记的从业人员" in message  # the worker of agency B
    assert stranger in message


@pytest.mark.parametrize(
    "line",
    [
        "{id} 2026-10 800",  # outside the claim period 2026Q3
        "{id} 2026-13 800",
        "{id} 2026-07 0",
        "{id} 2026-07 -5",
        "{id} 2026-07 12.345",
        "{id} 2026-07 900000",
        "{id} 2026-07",
        "{id} 2026-07 abc",
    ],
)
def test_bad_lines_are_refused_and_nothing_is_saved(line, agency_a, org_a):
    file_employee_system(org_a)
    person = _worker(org_a)
    with pytest.raises(ValidationError) as caught:
        _create(agency_a, org_a, [line.format(id=person.id_number)])
    assert list(caught.value.message_dict) == ["subjects"]
    assert not Claim.objects.exists()


def test_one_line_refused_refuses_the_list_and_names_every_bad_line(agency_a, org_a):
    file_employee_system(org_a)
    good = _worker(org_a, "王芳")
    bad = _worker(org_a, "李娜", is_hard_to_employ=False)
    message = _refused(
        lambda: _create(
            agency_a,
            org_a,
            [
                f"{good.id_number} 2026-07 800",
                f"{bad.id_number} 2026-07 800",
                f"{good.id_number} 2026-07 800",
            ],  # fmt: skip
        )
    )
    assert "李娜 2026-07" in message and "王芳 2026-07" in message  # refused, listed twice
    assert "王芳" not in message.split("李娜")[0] or "line 3" in message or "第 3 行" in message


def test_a_person_month_is_subsidised_once_across_agencies(agency_a, org_a, agency_b, org_b):
    file_employee_system(org_a)
    file_employee_system(org_b)
    person = _worker(org_a, "王芳")
    factories.make_worker(org_b, person=person)
    _create(agency_a, org_a, [f"{person.id_number} 2026-07 800"])
    message = _refused(lambda: _create(agency_b, org_b, [f"{person.id_number} 2026-07 800"]))
    assert "王芳 2026-07" in message
    # Another month of the same person is another subsidy.
    assert _create(agency_b, org_b, [f"{person.id_number} 2026-08 800"]).eligible_amount == 800


def test_the_database_refuses_the_same_person_month_twice(agency_a, org_a):
    file_employee_system(org_a)
    person = _worker(org_a)
    claim = _create(agency_a, org_a, [f"{person.id_number} 2026-07 800"])
    subject = claim.subjects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimSubject.objects.create(
            claim=claim,
            claim_type=claim.claim_type,
            kind=subject.kind,
            person=subject.person,
            month=subject.month,
        )


def test_an_agency_without_a_filing_cannot_submit(agency_a, org_a):
    person = _worker(org_a)
    claim = _create(agency_a, org_a, [f"{person.id_number} 2026-07 800"])
    services.claim_attach(actor=agency_a, claim=claim, code="payment_proof", upload=pdf())
    with pytest.raises(ValidationError) as caught:
        services.claim_act(actor=agency_a, claim=claim, action="submit")
    assert "员工制家政企业备案" in str(caught.value)


def test_submission_checks_every_worker_month_again(agency_a, org_a):
    file_employee_system(org_a)
    person = _worker(org_a)
    claim = _create(agency_a, org_a, [f"{person.id_number} 2026-07 800"])
    services.claim_attach(actor=agency_a, claim=claim, code="payment_proof", upload=pdf())
    person.is_hard_to_employ = False
    person.save()
    with pytest.raises(ValidationError) as caught:
        services.claim_act(actor=agency_a, claim=claim, action="submit")
    assert "未登记为就业困难人员或高校毕业生" in str(caught.value)
    person.is_hard_to_employ = True
    person.save()
    claim = services.claim_act(actor=agency_a, claim=claim, action="submit")
    assert claim.status == Claim.Status.SUBMITTED and claim.eligible_amount == 800


def test_an_edit_without_a_new_list_keeps_the_worker_months(agency_a, org_a):
    file_employee_system(org_a)
    person = _worker(org_a)
    claim = _create(agency_a, org_a, [f"{person.id_number} 2026-07 800"])
    claim = services.claim_update(actor=agency_a, claim=claim, declared={})
    assert claim.eligible_amount == 800 and claim.subjects.count() == 1
    claim = services.claim_update(
        actor=agency_a, claim=claim, declared={}, subjects=[f"{person.id_number} 2026-08 650.50"]
    )
    assert claim.eligible_amount == Decimal("650.50")
    assert list(claim.subjects.values_list("label", flat=True)) == ["王芳 2026-08"]


def test_insured_month_rule_edges():
    base = rules.InsuredMonth(
        month=dt.date(2026, 7, 1),
        hard_to_employ=True,
        graduate=False,
        graduated_on=None,
        hired_on=dt.date(2026, 7, 31),
        left_on=None,
        insured=True,
        insured_since=dt.date(2026, 7, 31),
    )
    assert rules.insured_month_problems(base, 2) == []
    assert PLAN  # the sentence the rule follows


def test_the_worker_month_ceiling_is_the_bureaus_flagged_setting(agency_a, org_a, approver):
    """Issue 9: the 20,000 yuan per worker-month ceiling was a code constant; it is the type's
    parameter, marked 待局里确认 until the bureau confirms it, and the claim reads it."""
    file_employee_system(org_a)
    person = _worker(org_a)
    kind = claim_type("social_insurance")
    assert kind.parameters["max_monthly_contribution"] == "20000.00"
    assert kind.parameter_flags.get(name="max_monthly_contribution").confirmed is False
    just_inside = f"{person.id_number} 2026-07 20000"
    message = _refused(lambda: _create(agency_a, org_a, [f"{person.id_number} 2026-07 20000.01"]))
    assert "单人单月超过 20000 元" in message
    kind = set_rates(kind, {**kind.parameters, "max_monthly_contribution": "800.00"})
    message = _refused(lambda: _create(agency_a, org_a, [f"{person.id_number} 2026-07 856.40"]))
    assert "单人单月超过 800 元" in message
    set_rates(kind, {**kind.parameters, "max_monthly_contribution": "20000.00"})
    assert _create(agency_a, org_a, [just_inside]).eligible_amount == Decimal("20000.00")
