"""Hostile spreadsheets sent to the worker import pages are refused with a message, before
they are parsed, and nothing is written; an agency still applying cannot import at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agencies import imports
from agencies.models import Agency, Worker
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.imports import reading
from kunqu_jiafu.people.models import Person
from tests import factories
from tests import hostile_files as hostile
from tests.agencies.test_worker_import import HEADERS, _row, _xlsx
from tests.import_jobs import post_and_run

pytestmark = pytest.mark.django_db

ROWS = [HEADERS, [_row().get(h) for h in HEADERS]]


@pytest.fixture
def never_parsed(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the hostile file reached openpyxl")

    monkeypatch.setattr(reading, "load_workbook", refuse)


def _nothing_written(people_before: int) -> bool:
    return (
        not Worker.objects.exists()
        and Person.objects.count() == people_before
        and not AuditEntry.objects.filter(action__contains="import").exists()
    )


@pytest.mark.parametrize(
    ("name", "data", "shown"),
    [
        ("w.xlsx", hostile.declared_range(ROWS, "A1:XFD1048576"), "A1:XFD1048576"),
        ("w.xlsx", hostile.shared_strings_bomb(ROWS), "xl/sharedStrings.xml"),
        ("w.xlsx", hostile.far_column(ROWS, "XFD2"), "XFD"),
        ("w.xlsx", hostile.many_members(ROWS, 2000), "500"),
        ("w.csv", hostile.csv_rows(5200, ",".join(HEADERS), "王芳"), "5000"),
    ],
    ids=["declared-range", "shared-strings-bomb", "far-column", "many-members", "csv-rows"],
)
def test_portal_worker_import_refuses_a_hostile_file(
    agency_a, client_for, never_parsed, name, data, shown
):
    people = Person.objects.count()

    response = client_for(agency_a).post(
        reverse("portal:workers_import"), {"file": hostile.upload(data, name)}
    )

    assert response.status_code == 200
    assert shown in " ".join(response.context["form"].errors["file"])
    assert shown in response.content.decode()
    assert _nothing_written(people)


def test_admin_worker_import_refuses_a_hostile_file(reviewer, org_a, client_for, never_parsed):
    people = Person.objects.count()

    response = client_for(reviewer).post(
        reverse("admin:agencies_worker_import"),
        {"agency": org_a.pk, "file": hostile.upload(hostile.far_row(ROWS), "w.xlsx")},
    )

    assert response.status_code == 200
    assert "5000" in " ".join(response.context["form"].errors["file"])
    assert _nothing_written(people)


# --- an agency not yet registered ----------------------------------------------------------


@pytest.mark.parametrize("status", [Agency.Status.APPLYING, Agency.Status.REJECTED])
def test_an_agency_not_yet_registered_cannot_reach_the_worker_import(client_for, status):
    agency = factories.make_agency("丙家政服务有限公司", status=status)
    user = factories.make_agency_user("applicant", agency)
    client = client_for(user)

    page = client.get(reverse("portal:workers_import"))
    posted = client.post(reverse("portal:workers_import"), {"file": _xlsx([_row()], name="w.xlsx")})

    assert page.status_code == 302 and posted.status_code == 302
    shown = [str(m) for m in page.wsgi_request._messages]
    assert shown and ("Excel" in shown[0] or status == Agency.Status.REJECTED)
    assert not Worker.objects.exists()
    with pytest.raises(PermissionDenied):
        imports.workers_import(actor=user, agency=agency, uploaded_file=_xlsx([_row()]))
    assert not Worker.objects.exists()


def test_an_applying_agency_still_adds_workers_by_hand_but_sees_no_import_link(client_for):
    agency = factories.make_agency("丙家政服务有限公司", status=Agency.Status.APPLYING)
    client = client_for(factories.make_agency_user("applicant", agency))

    workers_page = client.get(reverse("portal:workers")).content.decode()

    assert reverse("portal:worker_add") in workers_page
    assert reverse("portal:workers_import") not in workers_page
    assert client.get(reverse("portal:worker_add")).status_code == 200


def test_a_registered_agency_sees_the_import_link_and_imports(agency_a, client_for):
    client = client_for(agency_a)

    assert (
        reverse("portal:workers_import") in client.get(reverse("portal:workers")).content.decode()
    )
    response = post_and_run(client, reverse("portal:workers_import"), {"file": _xlsx([_row()])})

    assert response.job.status == "done" and Worker.objects.count() == 1


def test_staff_may_import_for_an_applying_agency_in_the_admin(reviewer, client_for):
    agency = factories.make_agency("丙家政服务有限公司", status=Agency.Status.APPLYING)

    response = post_and_run(
        client_for(reviewer),
        reverse("admin:agencies_worker_import"),
        {"agency": agency.pk, "file": _xlsx([_row()])},
    )

    assert response.job.status == "done" and Worker.objects.filter(agency=agency).count() == 1
