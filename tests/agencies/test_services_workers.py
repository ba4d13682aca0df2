"""Worker services: add, update, leave and re-hire, with every kind of bad input refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agencies import services
from agencies.models import Agency, Worker
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.models import Person
from tests import factories


def _data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "job": "家政服务员",
        "hired_on": dt.date(2025, 3, 1),
        "contract_kind": Worker.ContractKind.LABOUR,
        "contract_start": dt.date(2025, 3, 1),
        "contract_end": dt.date(2027, 2, 28),
        "social_insurance": True,
        "insured_since": dt.date(2025, 3, 1),
        "health_check_on": today - dt.timedelta(days=20),
        "accident_insurance_until": today + dt.timedelta(days=100),
    }
    data.update(overrides)
    return data


def _add(actor, agency, number=None, name="王芳", **overrides) -> Worker:
    return services.worker_add(
        actor=actor,
        agency=agency,
        id_number=number or factories.id_number(),
        name=name,
        data=_data(**overrides),
    )


def test_agency_user_adds_a_worker_with_a_new_person(org_a, agency_a):
    number = factories.id_number(birth="19780405", sex="F")
    worker = _add(agency_a, org_a, number=number)
    assert worker.agency == org_a
    assert worker.person.id_number == number
    assert worker.person.birth_date == dt.date(1978, 4, 5)
    assert list(
        AuditEntry.objects.exclude(action__startswith="accounts.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "people.person.created",
        "agencies.worker.added",
    ]


def test_reviewer_adds_a_worker_for_any_agency(org_a, reviewer):
    worker = _add(reviewer, org_a)
    assert worker.agency == org_a
    assert AuditEntry.objects.get(action="agencies.worker.added").actor == reviewer


def test_other_agency_user_and_official_cannot_add_workers(org_a, agency_b, official):
    for actor in (agency_b, official):
        with pytest.raises(PermissionDenied):
            _add(actor, org_a)
    assert not Worker.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.parametrize("status", [Agency.Status.REJECTED, Agency.Status.DEREGISTERED])
def test_workers_cannot_be_added_outside_the_working_statuses(status, db):
    org = factories.make_agency("丁家政", status=status)
    user = factories.make_agency_user("agency_own", org)
    with pytest.raises(PermissionDenied):
        _add(user, org)
    assert not Worker.objects.exists()


def test_duplicate_active_worker_is_refused(org_a, agency_a):
    number = factories.id_number()
    _add(agency_a, org_a, number=number)
    with pytest.raises(ValidationError) as excinfo:
        _add(agency_a, org_a, number=number)
    assert "id_number" in excinfo.value.message_dict
    assert Worker.objects.count() == 1


def test_same_person_may_work_for_two_agencies(org_a, org_b, agency_a, agency_b):
    number = factories.id_number()
    _add(agency_a, org_a, number=number)
    _add(agency_b, org_b, number=number)
    assert Person.objects.count() == 1
    assert Worker.objects.count() == 2


def test_leave_then_rehire_is_allowed(org_a, agency_a):
    number = factories.id_number()
    first = _add(agency_a, org_a, number=number)
    services.worker_leave(actor=agency_a, worker=first, left_on=dt.date(2025, 10, 31))
    first.refresh_from_db()
    assert first.left_on == dt.date(2025, 10, 31)
    again = _add(agency_a, org_a, number=number, hired_on=dt.date(2026, 2, 1))
    assert again.pk != first.pk
    assert again.person_id == first.person_id
    assert Worker.objects.filter(agency=org_a, left_on__isnull=True).get() == again
    actions = list(
        AuditEntry.objects.exclude(action__startswith="accounts.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions.count("agencies.worker.added") == 2
    assert actions.count("agencies.worker.updated") == 1


def test_leaving_before_the_hire_date_is_refused(org_a, agency_a):
    worker = _add(agency_a, org_a)
    with pytest.raises(ValidationError) as excinfo:
        services.worker_leave(actor=agency_a, worker=worker, left_on=dt.date(2025, 1, 1))
    assert "left_on" in excinfo.value.message_dict
    worker.refresh_from_db()
    assert worker.left_on is None


def test_contract_ending_before_it_starts_is_refused(org_a, agency_a):
    with pytest.raises(ValidationError) as excinfo:
        _add(agency_a, org_a, contract_end=dt.date(2025, 2, 1))
    assert "contract_end" in excinfo.value.message_dict
    assert not Worker.objects.exists()
    assert not Person.objects.exists()


def test_insured_without_a_date_is_refused(org_a, agency_a):
    with pytest.raises(ValidationError) as excinfo:
        _add(agency_a, org_a, insured_since=None)
    assert "insured_since" in excinfo.value.message_dict
    assert not Worker.objects.exists()


def test_health_check_in_the_future_is_refused(org_a, agency_a):
    with pytest.raises(ValidationError) as excinfo:
        _add(agency_a, org_a, health_check_on=timezone.localdate() + dt.timedelta(days=1))
    assert "health_check_on" in excinfo.value.message_dict


@pytest.mark.parametrize("missing", ["job", "hired_on", "contract_kind", "contract_start"])
def test_missing_required_field_is_reported_on_that_field(org_a, agency_a, missing):
    data = _data()
    del data[missing]
    with pytest.raises(ValidationError) as excinfo:
        services.worker_add(
            actor=agency_a, agency=org_a, id_number=factories.id_number(), name="王芳", data=data
        )
    assert missing in excinfo.value.message_dict
    assert not Worker.objects.exists()


def test_unknown_contract_kind_is_refused(org_a, agency_a):
    with pytest.raises(ValidationError) as excinfo:
        _add(agency_a, org_a, contract_kind="casual")
    assert "contract_kind" in excinfo.value.message_dict
    assert not Worker.objects.exists()


def test_bad_id_number_is_reported_on_the_id_field(org_a, agency_a):
    with pytest.raises(ValidationError) as excinfo:
        _add(agency_a, org_a, number="150203198502301234")
    assert "id_number" in excinfo.value.message_dict
    assert not Person.objects.exists()


def test_name_mismatch_for_a_known_id_is_reported_on_the_name_field(
    org_a, org_b, agency_a, agency_b
):
    number = factories.id_number()
    _add(agency_a, org_a, number=number, name="王芳")
    with pytest.raises(ValidationError) as excinfo:
        _add(agency_b, org_b, number=number, name="汪芳")
    assert "name" in excinfo.value.message_dict
    assert Worker.objects.count() == 1


def test_update_records_before_and_after(org_a, agency_a):
    worker = _add(agency_a, org_a)
    checked = timezone.localdate() - dt.timedelta(days=1)
    services.worker_update(actor=agency_a, worker=worker, data={"health_check_on": checked})
    worker.refresh_from_db()
    assert worker.health_check_on == checked
    entry = AuditEntry.objects.get(action="agencies.worker.updated")
    assert entry.after["health_check_on"] == checked.isoformat()
    assert entry.before["health_check_on"] != checked.isoformat()


def test_update_validates_the_merged_record(org_a, agency_a):
    worker = _add(agency_a, org_a)
    with pytest.raises(ValidationError) as excinfo:
        services.worker_update(actor=agency_a, worker=worker, data={"insured_since": None})
    assert "insured_since" in excinfo.value.message_dict


def test_update_cannot_move_a_worker_to_another_agency(org_a, org_b, agency_a):
    worker = _add(agency_a, org_a)
    services.worker_update(actor=agency_a, worker=worker, data={"agency": org_b, "job": "育儿嫂"})
    worker.refresh_from_db()
    assert worker.agency == org_a
    assert worker.job == "育儿嫂"


def test_other_agency_user_and_official_cannot_update(org_a, agency_a, agency_b, official):
    worker = _add(agency_a, org_a)
    for actor in (agency_b, official):
        with pytest.raises(PermissionDenied):
            services.worker_update(actor=actor, worker=worker, data={"job": "x"})
        with pytest.raises(PermissionDenied):
            services.worker_leave(actor=actor, worker=worker, left_on=dt.date(2026, 1, 1))
    worker.refresh_from_db()
    assert worker.job == "家政服务员"
    assert worker.left_on is None


def test_clearing_the_leaving_date_of_a_rehired_person_is_refused(org_a, agency_a):
    number = factories.id_number()
    first = _add(agency_a, org_a, number=number)
    services.worker_leave(actor=agency_a, worker=first, left_on=dt.date(2025, 10, 31))
    _add(agency_a, org_a, number=number, hired_on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.worker_update(actor=agency_a, worker=first, data={"left_on": None})
    assert "left_on" in excinfo.value.message_dict
    first.refresh_from_db()
    assert first.left_on == dt.date(2025, 10, 31)
    assert AuditEntry.objects.filter(action="agencies.worker.updated").count() == 1


def test_another_agencys_user_is_refused_before_the_date_is_checked(org_a, agency_b):
    worker = factories.make_worker(org_a)
    with pytest.raises(PermissionDenied):
        services.worker_leave(actor=agency_b, worker=worker, left_on=dt.date(2000, 1, 1))
