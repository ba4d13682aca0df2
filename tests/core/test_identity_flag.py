import pytest
from django.core.exceptions import PermissionDenied

from agencies import rules, selectors
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.services import person_flag_identity
from tests import factories


def test_reviewer_records_an_identity_problem_and_the_worker_turns_red(org_a, reviewer):
    worker = factories.make_worker(org_a)
    person_flag_identity(actor=reviewer, person=worker.person, problem="证件照片与本人不符")
    worker.refresh_from_db()
    worker.person.refresh_from_db()
    assert worker.person.identity_problem == "证件照片与本人不符"
    assert selectors.worker_status(worker).colour == rules.RED
    entry = AuditEntry.objects.get(action="people.person.identity_flagged")
    assert entry.reason == "证件照片与本人不符"


def test_clearing_the_problem_restores_the_worker(org_a, reviewer):
    worker = factories.make_worker(org_a)
    person_flag_identity(actor=reviewer, person=worker.person, problem="待核实")
    person_flag_identity(actor=reviewer, person=worker.person, problem="  ")
    worker = type(worker).objects.select_related("person", "agency").get(pk=worker.pk)
    assert selectors.worker_status(worker).colour == rules.GREEN
    assert AuditEntry.objects.filter(action="people.person.identity_cleared").count() == 1


@pytest.mark.parametrize("actor", ["official", "agency_a"])
def test_officials_and_agencies_cannot_flag_identities(actor, request, org_a):
    person = factories.make_person()
    with pytest.raises(PermissionDenied):
        person_flag_identity(actor=request.getfixturevalue(actor), person=person, problem="x")
    assert Person.objects.get(pk=person.pk).identity_problem == ""


def test_reviewer_flags_through_the_admin_and_official_cannot(reviewer, official, client_for):
    person = factories.make_person()
    url = f"/admin/people/person/{person.pk}/change/"
    response = client_for(reviewer).post(url, {"identity_problem": "身份证已挂失"})
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).identity_problem == "身份证已挂失"
    response = client_for(official).post(url, {"identity_problem": ""})
    assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).identity_problem == "身份证已挂失"
