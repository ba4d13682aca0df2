"""Staff admin for workers: ID numbers per role, ID search, status colours, add and import."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import agencies
from agencies import rules, selectors
from agencies.admin import worker as worker_admin
from agencies.models import Agency, Worker
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.idcard import mask
from kunqu_jiafu.people.models import Person
from tests import factories
from tests.id_search import search

CHANGELIST = "admin:agencies_worker_changelist"


def _ids_on_page(response) -> list[int]:
    return [w.pk for w in response.context["cl"].result_list]


@pytest.fixture
def worker_a(org_a):
    number = factories.id_number(birth="19800101", seq=123)
    return factories.make_worker(org_a, person=factories.make_person("王秀兰", number))


def test_reviewer_sees_full_id_numbers_and_official_sees_them_masked(
    reviewer, official, worker_a, client_for
):
    number = worker_a.person.id_number
    full = client_for(reviewer).get(reverse(CHANGELIST)).content.decode()
    masked = client_for(official).get(reverse(CHANGELIST)).content.decode()
    assert number in full
    assert number not in masked
    assert mask(number) in masked


def test_id_search_works_for_reviewer_and_not_for_official(
    reviewer, official, worker_a, org_a, client_for
):
    factories.make_worker(org_a, person=factories.make_person("李桂英"))
    number = worker_a.person.id_number
    spaced = f" {number[:6]} {number[6:14]} {number[14:].lower()} "
    found = search(client_for(reviewer), reverse(CHANGELIST), spaced)
    assert _ids_on_page(found) == [worker_a.pk]
    hidden = search(client_for(official), reverse(CHANGELIST), number)
    assert _ids_on_page(hidden) == []


def test_name_search_works_for_everyone(official, worker_a, client_for):
    response = client_for(official).get(reverse(CHANGELIST), {"q": "秀兰"})
    assert _ids_on_page(response) == [worker_a.pk]


def test_status_colour_filter_matches_the_rules(reviewer, org_a, client_for):
    today = timezone.localdate()
    green = factories.make_worker(org_a)
    stale = factories.make_worker(org_a, health_check_on=today - dt.timedelta(days=400))
    uninsured = factories.make_worker(org_a, accident_insurance_until=None)
    suspended = factories.make_agency("暂停机构", status=Agency.Status.SUSPENDED)
    red = factories.make_worker(suspended)
    expected = {rules.GREEN: [green], rules.YELLOW: [stale, uninsured], rules.RED: [red]}
    client = client_for(reviewer)
    for colour, workers in expected.items():
        response = client.get(reverse(CHANGELIST), {"colour": colour})
        assert sorted(_ids_on_page(response)) == sorted(w.pk for w in workers)
        for worker in Worker.objects.filter(pk__in=[w.pk for w in workers]):
            assert selectors.worker_status(worker).colour == colour


def test_official_cannot_add_workers_or_import(official, client_for):
    client = client_for(official)
    assert client.get(reverse("admin:agencies_worker_add")).status_code == 403
    assert client.get(reverse("admin:agencies_worker_import")).status_code == 403
    listing = client.get(reverse(CHANGELIST))
    assert listing.context["action_form"] is None
    assert "extra_object_tools" not in listing.context


def test_reviewer_adds_a_worker_with_name_and_id_number(reviewer, org_a, client_for):
    number = factories.id_number(birth="19900202", seq=345)
    data = {
        "agency": org_a.pk,
        "name": "张玉梅",
        "id_number": number[:17] + number[17].lower(),
        "person_phone": "13800001111",
        "job": "家政服务员",
        "hired_on": "2026-01-05",
        "contract_kind": "labour",
        "contract_start": "2026-01-05",
        "contract_end": "2027-01-04",
        "social_insurance": "on",
        "insured_since": "2026-01-05",
        "health_check_on": "2026-01-01",
        "accident_insurance_until": "2026-12-31",
        "certificates": "",
    }
    response = client_for(reviewer).post(reverse("admin:agencies_worker_add"), data)
    assert response.status_code == 302
    person = Person.objects.by_id_number(number).get()
    worker = Worker.objects.get(person=person, agency=org_a)
    assert person.name == "张玉梅" and worker.social_insurance
    assert AuditEntry.objects.for_object(worker).filter(action="agencies.worker.added").exists()


def test_bad_id_number_on_add_is_a_form_error_and_writes_nothing(reviewer, org_a, client_for):
    number = factories.id_number(birth="19900202", seq=347)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    data = {
        "agency": org_a.pk,
        "name": "张玉梅",
        "id_number": wrong,
        "job": "家政服务员",
        "hired_on": "2026-01-05",
        "contract_kind": "labour",
        "contract_start": "2026-01-05",
    }
    response = client_for(reviewer).post(reverse("admin:agencies_worker_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"]
    assert not Worker.objects.filter(agency=org_a).exists()


def test_reviewer_records_leaving_through_the_service(reviewer, worker_a, client_for):
    client = client_for(reviewer)
    url = reverse("admin:agencies_worker_change", args=[worker_a.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    too_early = client.post(url, {**data, "left_on": "2020-01-01"})
    assert too_early.status_code == 200
    assert too_early.context["adminform"].form.errors["left_on"]
    response = client.post(url, {**data, "left_on": "2026-06-30"})
    assert response.status_code == 302
    worker_a.refresh_from_db()
    assert worker_a.left_on == dt.date(2026, 6, 30)


def _fake_importers(monkeypatch, error=None):
    calls = []

    def start_workers_import(*, actor, agency, uploaded_file, via_admin=False):
        calls.append((actor, agency, uploaded_file.name, via_admin))
        if error is not None:
            raise error
        return types.SimpleNamespace(pk="5b0f2d8e-3a52-4c8e-9a3e-2f3b8e0d7a11")

    module = types.SimpleNamespace(
        start_workers_import=start_workers_import, build_template=lambda: b"PK-x"
    )
    monkeypatch.setitem(sys.modules, "agencies.imports", module)
    monkeypatch.setattr(agencies, "imports", module, raising=False)
    monkeypatch.setattr(worker_admin, "imports", module)
    return calls


def _upload():
    return SimpleUploadedFile(
        "workers.xlsx", b"PK\x03\x04 not really", content_type="application/zip"
    )


def test_import_view_starts_a_job_for_the_chosen_agency_and_shows_its_page(
    reviewer, org_a, monkeypatch, client_for
):
    calls = _fake_importers(monkeypatch)
    response = client_for(reviewer).post(
        reverse("admin:agencies_worker_import"), {"agency": org_a.pk, "file": _upload()}
    )
    assert response.status_code == 302
    assert response["Location"] == "/imports/5b0f2d8e-3a52-4c8e-9a3e-2f3b8e0d7a11/"
    assert calls == [(reviewer, org_a, "workers.xlsx", True)]


def test_import_view_shows_a_file_error_instead_of_failing(
    reviewer, org_a, monkeypatch, client_for
):
    _fake_importers(monkeypatch, error=ValidationError({"file": "不是 Excel 文件"}))
    response = client_for(reviewer).post(
        reverse("admin:agencies_worker_import"), {"agency": org_a.pk, "file": _upload()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["不是 Excel 文件"]


def test_import_template_downloads_as_xlsx(reviewer, monkeypatch, client_for):
    _fake_importers(monkeypatch)
    response = client_for(reviewer).get(reverse("admin:agencies_worker_import_template"))
    assert response.status_code == 200
    assert response.content == b"PK-x"
    assert "attachment" in response["Content-Disposition"]
