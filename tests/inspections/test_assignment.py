"""Two inspectors per inspection (issue 12: "assign inspectors (two per inspection, the
bureau's rule)"; "two inspectors required")."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from inspections.models import Inspection
from inspections.services.assignment import inspectors_assign
from kunqu_jiafu.accounts.roles import APPROVER, OFFICIAL, REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.inspections import factories as inspect

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return (
        inspect.bureau_user("zhao", REVIEWER, full_name="赵经办"),
        inspect.bureau_user("sun", APPROVER, full_name="孙领导"),
    )


def test_two_bureau_staff_are_assigned_to_each_chosen_inspection_and_audited(staff):
    first, second = staff
    chosen = [inspect.make_inspection(), inspect.make_inspection()]
    other = inspect.make_inspection()
    assert (
        inspectors_assign(actor=first, inspections=chosen, inspector_1=first, inspector_2=second)
        == 2
    )
    pairs = dict(Inspection.objects.values_list("pk", "inspector_1_id"))
    assert [pairs[i.pk] for i in chosen] == [first.pk, first.pk] and pairs[other.pk] is None
    assert set(Inspection.objects.filter(inspector_2=second)) == set(chosen)
    entries = AuditEntry.objects.filter(action="inspections.inspection.inspectors_assigned")
    assert entries.count() == 2
    assert entries.first().after == {"inspector_1": first.pk, "inspector_2": second.pk}


def test_the_same_person_twice_is_refused_with_a_message_naming_the_second_inspector(staff):
    first, _ = staff
    inspection = inspect.make_inspection()
    with pytest.raises(ValidationError) as caught:
        inspectors_assign(
            actor=first, inspections=[inspection], inspector_1=first, inspector_2=first
        )
    assert "inspector_2" in caught.value.message_dict
    inspection.refresh_from_db()
    assert inspection.inspector_1_id is None


def test_the_database_refuses_the_same_person_twice_too(staff):
    first, _ = staff
    inspection = inspect.make_inspection()
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=inspection.pk).update(inspector_1=first, inspector_2=first)


@pytest.mark.parametrize("who", ["official", "agency_user", "inactive"])
def test_only_active_bureau_staff_may_be_inspectors(staff, who):
    first, _ = staff
    if who == "official":
        outsider = factories.make_user("official", OFFICIAL)
    elif who == "agency_user":
        outsider = factories.make_agency_user("agency_a", factories.make_agency())
    else:
        outsider = inspect.bureau_user("gone", REVIEWER, is_active=False)
    inspection = inspect.make_inspection()
    with pytest.raises(ValidationError) as caught:
        inspectors_assign(
            actor=first, inspections=[inspection], inspector_1=first, inspector_2=outsider
        )
    assert list(caught.value.message_dict) == ["inspector_2"]
    assert Inspection.objects.filter(inspector_1__isnull=False).count() == 0


def test_a_concluded_inspection_is_not_reassigned_and_nothing_is_written(staff):
    first, second = staff
    open_one = inspect.make_inspection()
    done = inspect.conclude(inspect.make_inspection())
    before = (done.inspector_1_id, done.inspector_2_id)
    with pytest.raises(ValidationError) as caught:
        inspectors_assign(
            actor=first, inspections=[open_one, done], inspector_1=first, inspector_2=second
        )
    assert str(done) in " ".join(caught.value.messages)
    done.refresh_from_db()
    open_one.refresh_from_db()
    assert (done.inspector_1_id, done.inspector_2_id) == before
    assert open_one.inspector_1_id is None


def test_officials_assign_no_one(staff):
    first, second = staff
    official = factories.make_user("official", OFFICIAL)
    inspection = inspect.make_inspection()
    with pytest.raises(PermissionDenied):
        inspectors_assign(
            actor=official, inspections=[inspection], inspector_1=first, inspector_2=second
        )
    inspection.refresh_from_db()
    assert inspection.inspector_1_id is None
