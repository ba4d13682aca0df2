"""The annual round: made once a year, planned in one step with O(1) queries (issue 12: "Plan
the year: one inspection per registered agency, per recognised centre, station and market, and
per brand title, created in one action with O(1) queries whatever the number of agencies")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import services as agency_services
from agencies.models import Agency
from inspections.models import ChecklistTemplate, Inspection
from inspections.services import rounds, templates
from kunqu_jiafu.accounts.roles import OFFICIAL
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.admin_builders import World, agencies
from tests.inspections import factories as inspect

pytestmark = pytest.mark.django_db


def _subjects(round):
    return sorted(
        round.inspections.values_list("agency__name", "subject_kind", "recognition__kind_id")
    )


def test_planning_makes_one_inspection_per_agency_and_per_recognised_subject():
    reviewer = inspect.bureau_user()
    a = factories.make_agency("甲家政")
    b = factories.make_agency("乙养老")
    factories.make_agency("申请中机构", status=Agency.Status.APPLYING)
    suspended = factories.make_agency("暂停机构")
    station = inspect.grant(a, "station")
    inspect.grant(a, "city_brand")
    inspect.grant(a, "training_base")  # not a subject of the annual round
    inspect.grant(b, "market")
    inspect.grant(b, "frontrunner")
    revoked = inspect.grant(b, "centre")
    agency_services.recognition_revoke(actor=reviewer, recognition=revoked, reason="撤销")
    inspect.grant(suspended, "station")
    agency_services.agency_suspend(actor=reviewer, agency=suspended, reason="暂停")
    round = inspect.make_round()

    added = rounds.round_plan(actor=reviewer, round=round)

    assert _subjects(round) == [
        ("乙养老", "agency", None),
        ("乙养老", "brand", "frontrunner"),
        ("乙养老", "market", "market"),
        ("甲家政", "agency", None),
        ("甲家政", "brand", "city_brand"),
        ("甲家政", "station", "station"),
    ]
    assert added == {
        "agency": 2,
        "centre": 0,
        "station": 1,
        "market": 1,
        "brand": 2,
        "total": 6,
    }
    inspection = round.inspections.get(recognition=station)
    assert inspection.template == inspect.template("station")
    assert (inspection.status, inspection.result, inspection.kind) == (
        "planned",
        "pending",
        "annual",
    )
    round.refresh_from_db()
    assert round.planned_by == reviewer and round.planned_at is not None
    entry = AuditEntry.objects.get(action="inspections.round.planned")
    assert entry.after["added"]["total"] == 6 and entry.after["inspections"] == 6


def test_planning_twice_adds_only_what_is_missing():
    reviewer = inspect.bureau_user()
    a = factories.make_agency("甲家政")
    round = inspect.make_round()
    rounds.round_plan(actor=reviewer, round=round)
    first = set(round.inspections.values_list("pk", flat=True))
    inspect.grant(a, "centre")
    factories.make_agency("新登记机构")

    added = rounds.round_plan(actor=reviewer, round=round)

    assert added["total"] == 2 and added["agency"] == 1 and added["centre"] == 1
    assert first < set(round.inspections.values_list("pk", flat=True))
    assert rounds.round_plan(actor=reviewer, round=round)["total"] == 0
    assert round.inspections.count() == 3


def test_new_inspections_take_the_current_version_and_planned_ones_keep_theirs():
    reviewer = inspect.bureau_user()
    factories.make_agency("甲家政")
    round = inspect.make_round()
    rounds.round_plan(actor=reviewer, round=round)
    v2 = templates.template_new_version(actor=reviewer, template=inspect.template("agency"))
    factories.make_agency("乙养老")
    rounds.round_plan(actor=reviewer, round=round)
    versions = dict(round.inspections.values_list("agency__name", "template__version"))
    assert versions == {"甲家政": 1, "乙养老": v2.version}


def _plan_queries(count: int, year: int) -> int:
    agencies(World(), count)
    Agency.objects.filter(status="registered").exclude(name__startswith="测试").update(
        status="deregistered"
    )
    round = inspect.make_round(year=year)
    reviewer = inspect.bureau_user(f"planner{year}")
    reviewer.role_names  # noqa: B018  (the role lookup is the actor's, made once per request)
    with CaptureQueriesContext(connection) as ctx:
        added = rounds.round_plan(actor=reviewer, round=round)
    assert added["agency"] == Agency.objects.filter(status="registered").count()
    return len(ctx.captured_queries)


def test_planning_runs_the_same_number_of_queries_for_5_and_200_agencies():
    few = _plan_queries(5, 2026)
    many = _plan_queries(195, 2027)  # 200 registered agencies now
    assert Inspection.objects.filter(round__year=2027).count() == 200
    assert few == many


def test_planning_without_a_current_template_is_refused_and_writes_nothing():
    reviewer = inspect.bureau_user()
    factories.make_agency()
    ChecklistTemplate.objects.filter(subject_kind="market").update(current=False)
    round = inspect.make_round()
    with pytest.raises(ValidationError):
        rounds.round_plan(actor=reviewer, round=round)
    assert round.inspections.count() == 0
    round.refresh_from_db()
    assert round.planned_at is None


def test_one_round_a_year_and_dates_in_order():
    reviewer = inspect.bureau_user()
    inspect.make_round(reviewer, year=2026)
    with pytest.raises(ValidationError) as caught:
        inspect.make_round(reviewer, year=2026)
    assert "year" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        rounds.round_create(
            actor=reviewer,
            year=2027,
            title="2027",
            starts_on=dt.date(2027, 5, 1),
            due_on=dt.date(2027, 4, 1),
        )
    assert "due_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        rounds.round_create(
            actor=reviewer, year=2027, title=" ", starts_on=dt.date(2027, 5, 1), due_on=None
        )
    assert "title" in caught.value.message_dict


def test_officials_neither_make_nor_plan_a_round():
    official = factories.make_user("official", OFFICIAL)
    round = inspect.make_round()
    factories.make_agency()
    with pytest.raises(PermissionDenied):
        rounds.round_plan(actor=official, round=round)
    with pytest.raises(PermissionDenied):
        inspect.make_round(official, year=2027)
    assert round.inspections.count() == 0
