"""An agency records a 高校毕业生's graduation date with the worker, in the portal and the API;
it is kept on the person record (the social insurance subsidy reads it there)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from agencies.models import Worker
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.services import person_set_target_groups
from tests import factories
from tests.agencies.test_portal_workers import worker_post

pytestmark = pytest.mark.django_db
JSON = "application/json"
ONLY_FOR_GRADUATES = "仅高校毕业生需要登记毕业日期"


def test_portal_add_records_the_graduation_date_on_the_person(client_for, agency_a, org_a):
    data = worker_post(is_graduate="on", graduated_on="2024-07-01")
    response = client_for(agency_a).post(reverse("portal:worker_add"), data)
    assert response.status_code == 302
    worker = Worker.objects.select_related("person").get(agency=org_a)
    assert worker.is_graduate
    assert worker.person.graduated_on == dt.date(2024, 7, 1)
    assert AuditEntry.objects.filter(
        action="people.person.graduation_recorded", object_id=str(worker.person.pk)
    ).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"graduated_on": "2024-07-01"}, ONLY_FOR_GRADUATES),
        ({"is_graduate": "on", "graduated_on": "2999-07-01"}, "毕业日期不能晚于今天"),
    ],
)
def test_portal_refuses_a_graduation_date_naming_the_field(
    client_for, agency_a, org_a, extra, message
):
    response = client_for(agency_a).post(reverse("portal:worker_add"), worker_post(**extra))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["graduated_on"])
    assert not Worker.objects.filter(agency=org_a).exists()
    assert not Person.objects.filter(name="刘春梅").exists()


def test_portal_edit_shows_and_changes_the_graduation_date(client_for, agency_a, org_a):
    worker = factories.make_worker(org_a, is_graduate=True)
    client = client_for(agency_a)
    url = reverse("portal:worker_edit", args=[worker.pk])
    assert client.get(url).context["form"].initial["graduated_on"] is None
    response = client.post(url, worker_post(is_graduate="on", graduated_on="2023-06-30"))
    assert response.status_code == 302
    worker.person.refresh_from_db()
    assert worker.person.graduated_on == dt.date(2023, 6, 30)
    assert client.get(url).context["form"].initial["graduated_on"] == dt.date(2023, 6, 30)


def test_a_date_the_bureau_confirmed_is_not_changed_by_the_agency(
    client_for, agency_a, org_a, reviewer
):
    worker = factories.make_worker(org_a, is_graduate=True)
    person_set_target_groups(
        actor=reviewer,
        person=worker.person,
        is_hard_to_employ=False,
        is_graduate=True,
        graduated_on=dt.date(2022, 7, 1),
    )
    url = reverse("portal:worker_edit", args=[worker.pk])
    client = client_for(agency_a)
    refused = client.post(url, worker_post(is_graduate="on", graduated_on="2025-07-01"))
    assert refused.status_code == 200
    assert "2022-07-01" in " ".join(refused.context["form"].errors["graduated_on"])
    # Saving other fields with the confirmed date as shown works.
    saved = client.post(url, worker_post(is_graduate="on", graduated_on="2022-07-01", job="育婴员"))
    assert saved.status_code == 302
    worker.refresh_from_db()
    worker.person.refresh_from_db()
    assert (worker.job, worker.person.graduated_on) == ("育婴员", dt.date(2022, 7, 1))


def test_api_records_and_shows_the_graduation_date(client_for, agency_a, org_a):
    worker = factories.make_worker(org_a, is_graduate=True)
    client = client_for(agency_a)
    response = client.patch(
        f"/api/workers/{worker.pk}/", {"graduated_on": "2024-07-01"}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert response.json()["graduated_on"] == "2024-07-01"
    worker.person.refresh_from_db()
    assert worker.person.graduated_on == dt.date(2024, 7, 1)
    refused = client.patch(
        f"/api/workers/{worker.pk}/",
        {"is_graduate": False, "graduated_on": "2024-07-01"},
        content_type=JSON,
    )
    assert refused.status_code == 400
    assert ONLY_FOR_GRADUATES in str(refused.json()["graduated_on"])
    worker.refresh_from_db()
    assert worker.is_graduate
