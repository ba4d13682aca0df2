"""Selectors: who sees which records, worker status as the portal shows it, yearly policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies import figures, rules, selectors
from agencies.models import Agency, AgencyPolicy, EmployeeSystemFiling, Recognition, Worker
from kunqu_jiafu.accounts.roles import AGENCY_USER
from tests import factories


@pytest.fixture
def records(org_a, org_b):
    worker_a = factories.make_worker(org_a)
    worker_b = factories.make_worker(org_b)
    rec_a = Recognition.objects.create(
        agency=org_a, kind_id="station", year=2026, granted_on=dt.date(2026, 1, 5)
    )
    rec_b = Recognition.objects.create(
        agency=org_b, kind_id="station", year=2026, granted_on=dt.date(2026, 1, 5)
    )
    filing_b = EmployeeSystemFiling.objects.create(
        agency=org_b,
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        submitted_at=timezone.now(),
    )
    return {
        "worker_a": worker_a,
        "worker_b": worker_b,
        "rec_a": rec_a,
        "rec_b": rec_b,
        "filing_b": filing_b,
    }


def test_agency_user_sees_only_its_own_records(agency_a, org_a, records):
    assert list(selectors.agencies_for_user(agency_a)) == [org_a]
    assert list(selectors.workers_for_user(agency_a)) == [records["worker_a"]]
    assert list(selectors.recognitions_for_user(agency_a)) == [records["rec_a"]]
    assert list(selectors.filings_for_user(agency_a)) == []
    assert selectors.agency_of_user(agency_a) == org_a


def test_agency_b_cannot_reach_agency_a_records_by_id(agency_b, org_a, records):
    assert not selectors.agencies_for_user(agency_b).filter(pk=org_a.pk).exists()
    assert not selectors.workers_for_user(agency_b).filter(pk=records["worker_a"].pk).exists()
    assert not selectors.recognitions_for_user(agency_b).filter(pk=records["rec_a"].pk).exists()
    assert selectors.filings_for_user(agency_b).get() == records["filing_b"]


@pytest.mark.parametrize("actor", ["reviewer", "approver", "official"])
def test_staff_and_officials_see_everything(actor, request, records):
    user = request.getfixturevalue(actor)
    assert selectors.agencies_for_user(user).count() == 2
    assert selectors.workers_for_user(user).count() == 2
    assert selectors.recognitions_for_user(user).count() == 2
    assert selectors.filings_for_user(user).count() == 1


def test_anonymous_and_roleless_users_see_nothing(anonymous, records):
    roleless = factories.make_user("nobody")
    for user in (anonymous, roleless):
        assert not selectors.agencies_for_user(user).exists()
        assert not selectors.workers_for_user(user).exists()
        assert not selectors.recognitions_for_user(user).exists()
        assert not selectors.filings_for_user(user).exists()
    assert selectors.agency_of_user(anonymous) is None
    assert selectors.agency_of_user(roleless) is None


def test_agency_user_without_membership_sees_nothing(records):
    stray = factories.make_user("stray", AGENCY_USER)
    assert not selectors.agencies_for_user(stray).exists()
    assert not selectors.workers_for_user(stray).exists()


def test_deactivated_agency_user_sees_nothing(agency_a, records):
    agency_a.is_active = False
    agency_a.save()
    assert not selectors.agencies_for_user(agency_a).exists()


# --- worker status ----------------------------------------------------------------


def test_worker_of_a_registered_agency_with_valid_checks_is_green(org_a):
    worker = factories.make_worker(org_a)
    assert selectors.worker_status(worker).colour == rules.GREEN


@pytest.mark.parametrize(
    "status", [Agency.Status.SUSPENDED, Agency.Status.DEREGISTERED, Agency.Status.REJECTED]
)
def test_worker_of_an_inactive_agency_is_red(status, db):
    worker = factories.make_worker(factories.make_agency("丁家政", status=status))
    assert selectors.worker_status(worker).colour == rules.RED


def test_worker_with_a_flagged_identity_is_red(org_a):
    person = factories.make_person()
    person.identity_problem = "证件照片与本人不符"
    person.save()
    worker = factories.make_worker(org_a, person=person)
    assert selectors.worker_status(worker).colour == rules.RED


def test_worker_with_an_unknown_area_code_is_only_yellow(org_a):
    person = factories.make_person()
    person.area_known = False
    person.save()
    worker = factories.make_worker(org_a, person=person)
    status = selectors.worker_status(worker)
    assert status.colour == rules.YELLOW
    assert any("地区码" in reason for reason in status.reasons)


def test_kundulun_worker_born_before_1983_is_not_flagged(org_a, agency_a):
    from agencies import services

    number = factories.id_number(birth="19700101")
    worker = services.worker_add(
        actor=agency_a,
        agency=org_a,
        id_number=number,
        name="老王",
        data={
            "job": "家政服务员",
            "hired_on": dt.date(2025, 3, 1),
            "contract_kind": "labour",
            "contract_start": dt.date(2025, 3, 1),
            "health_check_on": timezone.localdate() - dt.timedelta(days=10),
            "accident_insurance_until": timezone.localdate() + dt.timedelta(days=10),
        },
    )
    assert worker.person.area_known
    assert selectors.worker_status(worker).colour == rules.GREEN


def test_old_health_check_and_expired_insurance_are_yellow(org_a):
    today = timezone.localdate()
    old_check = factories.make_worker(
        org_a, health_check_on=rules.add_months(today, -12) - dt.timedelta(days=1)
    )
    expired = factories.make_worker(org_a, accident_insurance_until=today - dt.timedelta(days=1))
    missing = factories.make_worker(org_a, health_check_on=None)
    for worker in (old_check, expired, missing):
        assert selectors.worker_status(worker).colour == rules.YELLOW


def test_health_check_validity_follows_the_yearly_policy(org_a):
    today = timezone.localdate()
    worker = factories.make_worker(org_a, health_check_on=rules.add_months(today, -7))
    assert selectors.worker_status(worker).colour == rules.GREEN
    AgencyPolicy.objects.update_or_create(
        year=today.year, defaults={"health_check_valid_months": 6}
    )
    assert selectors.worker_status(worker).colour == rules.YELLOW


def test_status_filter_in_the_database_agrees_with_the_rule(org_a, db):
    today = timezone.localdate()
    suspended = factories.make_agency("暂停家政", status=Agency.Status.SUSPENDED)
    flagged = factories.make_person("黄某")
    flagged.identity_problem = "身份证已挂失"
    flagged.save()
    unknown_area = factories.make_person("蓝某")
    unknown_area.area_known = False
    unknown_area.save()
    boundary = rules.add_months(today, -12)
    workers = [
        factories.make_worker(org_a),
        factories.make_worker(org_a, health_check_on=boundary),
        factories.make_worker(org_a, health_check_on=boundary - dt.timedelta(days=1)),
        factories.make_worker(org_a, health_check_on=None),
        factories.make_worker(org_a, accident_insurance_until=today),
        factories.make_worker(org_a, accident_insurance_until=today - dt.timedelta(days=1)),
        factories.make_worker(org_a, accident_insurance_until=None),
        factories.make_worker(suspended),
        factories.make_worker(org_a, person=flagged),
        factories.make_worker(org_a, person=unknown_area),
    ]
    everyone = Worker.objects.all()
    for colour in (rules.GREEN, rules.YELLOW, rules.RED):
        in_db = set(selectors.workers_by_status(everyone, colour).values_list("pk", flat=True))
        by_rule = {w.pk for w in workers if selectors.worker_status(w).colour == colour}
        assert in_db == by_rule, colour
    assert len(by_rule) == 2  # red: the suspended agency's worker and the flagged person


# --- policy and targets -----------------------------------------------------------


def test_year_without_a_policy_uses_the_latest_earlier_one_without_writing(db):
    AgencyPolicy.objects.update_or_create(year=2026, defaults={"filing_min_workers": 7})
    policy = selectors.policy_for_year(2028)
    assert policy.year == 2028
    assert policy.filing_min_workers == 7
    assert policy.pk is None
    assert not AgencyPolicy.objects.filter(year=2028).exists()


def test_year_before_any_policy_gets_the_defaults(db):
    policy = selectors.policy_for_year(2001)
    assert policy.filing_min_workers == 10
    assert policy.health_check_valid_months == 12


def test_yearly_targets_count_registrations_and_stations_of_the_year(db):
    year = timezone.localdate().year
    factories.make_agency("一", registered_on=dt.date(year, 2, 1))
    factories.make_agency("二", registered_on=dt.date(year - 1, 2, 1))
    station = factories.make_agency("三", registered_on=dt.date(year, 3, 1))
    Recognition.objects.create(
        agency=station, kind_id="station", year=year, granted_on=dt.date(year, 3, 2)
    )
    Recognition.objects.create(
        agency=station,
        kind_id="centre",
        year=year,
        granted_on=dt.date(year, 3, 2),
        status="revoked",
    )
    Recognition.objects.create(
        agency=station, kind_id="market", year=year, granted_on=dt.date(year, 3, 2)
    )
    Recognition.objects.create(
        agency=factories.make_agency("四"),
        kind_id="centre",
        year=year,
        granted_on=dt.date(year, 4, 1),
    )
    agencies_target, stations_target, centres, brands = figures.yearly_targets(year)
    assert (agencies_target.actual, agencies_target.minimum, agencies_target.maximum) == (2, 5, 10)
    assert agencies_target.percent == 40
    assert not agencies_target.reached
    # "认定社区家庭服务站3-5个" counts stations only; the valid centre has its own figure.
    assert (stations_target.actual, stations_target.minimum) == (1, 3)
    assert stations_target.label == "本年认定社区家庭服务站"
    assert (centres.label, centres.actual) == ("本年认定社区家庭服务中心", 1)
    # "力争打造包头市特色家政服务品牌1-2户"
    assert (brands.actual, brands.minimum, brands.maximum) == (0, 1, 2)
    Recognition.objects.create(
        agency=station, kind_id="city_brand", year=year, granted_on=dt.date(year, 5, 1)
    )
    assert figures.yearly_targets(year)[3].actual == 1


def test_live_filing_ignores_refused_ones(org_a):
    assert selectors.live_filing(org_a) is None
    EmployeeSystemFiling.objects.create(
        agency=org_a,
        status="refused",
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        submitted_at=timezone.now(),
    )
    assert selectors.live_filing(org_a) is None
