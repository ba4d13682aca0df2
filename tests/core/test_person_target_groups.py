"""Reviewers record a person's 就业困难人员 / 高校毕业生 status with the graduation date, which
社会保险补贴 reads ("吸纳就业困难人员或高校毕业生就业"): through a service, audited, in the admin."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.services import person_set_target_groups
from tests import factories


def test_reviewer_records_a_graduate_with_the_date_and_it_is_audited(reviewer):
    person = factories.make_person()
    person_set_target_groups(
        actor=reviewer,
        person=person,
        is_hard_to_employ=False,
        is_graduate=True,
        graduated_on=dt.date(2025, 7, 1),
    )
    person.refresh_from_db()
    assert person.is_graduate and person.graduated_on == dt.date(2025, 7, 1)
    entry = AuditEntry.objects.get(action="people.person.target_groups_set")
    assert entry.after["graduated_on"] == "2025-07-01"


@pytest.mark.parametrize("actor", ["official", "agency_a"])
def test_officials_and_agencies_cannot_record_target_groups(actor, request, db):
    person = factories.make_person()
    with pytest.raises(PermissionDenied):
        person_set_target_groups(
            actor=request.getfixturevalue(actor),
            person=person,
            is_hard_to_employ=True,
            is_graduate=False,
        )
    assert not Person.objects.get(pk=person.pk).is_hard_to_employ


@pytest.mark.parametrize(
    ("is_graduate", "graduated_on"),
    [(True, dt.date(2999, 1, 1)), (False, dt.date(2025, 7, 1))],
)
def test_a_future_date_or_a_date_without_graduate_status_is_refused(
    is_graduate, graduated_on, reviewer
):
    person = factories.make_person()
    with pytest.raises(ValidationError) as caught:
        person_set_target_groups(
            actor=reviewer,
            person=person,
            is_hard_to_employ=False,
            is_graduate=is_graduate,
            graduated_on=graduated_on,
        )
    assert "graduated_on" in caught.value.message_dict


def test_reviewer_records_them_in_the_admin_and_a_bad_date_is_a_form_error(reviewer, client_for):
    person = factories.make_person()
    url = f"/admin/people/person/{person.pk}/change/"
    client = client_for(reviewer)
    page = client.get(url).content.decode()
    assert 'name="graduated_on"' in page and "毕业日期" in page
    response = client.post(
        url, {"identity_problem": "", "is_graduate": "on", "graduated_on": "2999-01-01"}
    )
    assert response.status_code == 200  # the form again, with the message
    assert "毕业日期" in response.content.decode()
    assert Person.objects.get(pk=person.pk).graduated_on is None
    response = client.post(
        url, {"identity_problem": "", "is_graduate": "on", "graduated_on": "2025-07-01"}
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).graduated_on == dt.date(2025, 7, 1)
