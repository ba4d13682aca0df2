"""Roster import pages: portal (own courses) and admin (any course): the upload becomes an
import job that checks it; its page shows the preview, and confirming queues the write."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kunqu_jiafu.people.models import Person
from tests import factories
from tests.import_jobs import confirm_and_run, post_and_run
from tests.training.test_roster_import import _course, _ids, _row, _xlsx
from training import roster_columns as col
from training.models import Enrolment


@pytest.fixture
def course(agency_a, org_a):
    return _course(agency_a, org_a, capacity=50)


def _url(course):
    return reverse("training:roster_import", args=[course.pk])


def _admin_url(course):
    return reverse("admin:training_course_import_roster", args=[course.pk])


def _upload(client, url, rows):
    return post_and_run(client, url, {"file": _xlsx(rows)})


def test_portal_preview_then_confirm_imports_the_same_file(client_for, agency_a, course):
    client = client_for(agency_a)
    numbers = _ids(3)
    page = client.get(_url(course))
    assert page.status_code == 200
    assert reverse("training:roster_template") in page.content.decode()

    preview = _upload(client, _url(course), [_row(**{col.ID_NUMBER: n}) for n in numbers])
    job = preview.job
    assert (job.status, job.step, job.target_id) == ("checked", "check", course.pk)
    assert job.outcome["ok"] and job.outcome["new"] == 3
    assert 'data-testid="confirm"' in preview.content.decode()
    assert Enrolment.objects.count() == 0  # the preview writes nothing

    done = confirm_and_run(client, job)
    assert done.job.status == "done" and 'data-testid="import-done"' in done.content.decode()
    assert "lines" not in done.job.outcome  # the preview's names are not kept once written
    assert reverse("training:course", args=[course.pk]) in done.content.decode()
    assert course.enrolments.count() == 3
    assert {p.id_number for p in Person.objects.all()} == set(numbers)

    again = confirm_and_run(client, job)  # used up: nothing queued, nothing written twice
    assert again.job.status == "done" and course.enrolments.count() == 3


def test_portal_preview_with_errors_shows_them_and_offers_no_confirm(client_for, agency_a, course):
    client = client_for(agency_a)
    number = factories.id_number()
    response = _upload(
        client, _url(course), [_row(**{col.ID_NUMBER: number}), _row(**{col.ID_NUMBER: number})]
    )
    body = response.content.decode()
    assert response.job.status == "refused"
    assert 'data-testid="import-errors"' in body and 'data-testid="confirm"' not in body
    assert (3, col.ID_NUMBER) in {(e["row"], e["field"]) for e in response.context["errors"]}
    assert confirm_and_run(client, response.job).job.status == "refused"  # no confirm possible
    assert Enrolment.objects.count() == 0


def test_only_the_uploader_confirms_and_another_agency_never_sees_the_job(
    client_for, agency_a, agency_b, course, org_a
):
    job = _upload(client_for(agency_a), _url(course), [_row()]).job
    colleague = client_for(factories.make_agency_user("colleague", org_a))
    assert colleague.get(f"/imports/{job.pk}/").status_code == 200
    assert confirm_and_run(colleague, job).job.status == "checked"
    stranger = client_for(agency_b)
    assert stranger.get(f"/imports/{job.pk}/").status_code == 404
    assert stranger.post(f"/imports/{job.pk}/", {"confirm": "1"}).status_code == 404
    assert Enrolment.objects.count() == 0


def test_a_file_changed_on_the_server_after_preview_is_refused(client_for, agency_a, course):
    client = client_for(agency_a)
    job = _upload(client, _url(course), [_row()]).job
    with open(job.file.path, "wb") as stored:
        stored.write(_xlsx([_row(), _row()]).read())
    done = confirm_and_run(client, job)
    assert done.job.status == "failed" and done.job.error in done.content.decode()
    assert Enrolment.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_gets_a_message_not_a_500(client_for, agency_a, course):
    client = client_for(agency_a)
    response = client.post(_url(course), {"file": SimpleUploadedFile("x.xlsx", b"%PDF-1.4")})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_agency_b_gets_404_for_agency_a_course(client_for, agency_b, course):
    client = client_for(agency_b)
    assert client.get(_url(course)).status_code == 404
    assert client.post(_url(course), {"file": _xlsx([_row()])}).status_code == 404
    assert Enrolment.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client, course):
    response = client.post(_url(course), {"file": _xlsx([_row()])})
    assert response.status_code == 302 and "login" in response.url
    assert Enrolment.objects.count() == 0


def test_template_download_is_the_roster_template(client_for, agency_a):
    response = client_for(agency_a).get(reverse("training:roster_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))[col.DATA_SHEET_TITLE]
    assert [c.value for c in sheet[1]] == list(col.HEADERS)
    disposition = response["Content-Disposition"]
    assert 'filename="training-roster-template.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote(col.TEMPLATE_FILENAME)}" in disposition


def test_reviewer_imports_into_any_course_in_the_admin(client_for, reviewer, course):
    client = client_for(reviewer)
    assert client.get(_admin_url(course)).status_code == 200
    preview = _upload(client, _admin_url(course), [_row(), _row()])
    assert preview.job.status == "checked" and preview.job.via_admin
    assert "admin/base" in [t.name for t in preview.templates][1]
    done = confirm_and_run(client, preview.job)
    assert done.job.status == "done"
    assert reverse("admin:training_course_change", args=[course.pk]) in done.content.decode()
    assert course.enrolments.count() == 2
    template = client.get(reverse("admin:training_course_roster_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_official_cannot_import_in_the_admin(client_for, official, course):
    client = client_for(official)
    response = client.post(_admin_url(course), {"file": _xlsx([_row()])})
    assert response.status_code in (302, 403)
    assert Enrolment.objects.count() == 0


def test_agency_user_cannot_use_the_admin_import(client_for, agency_a, course):
    response = client_for(agency_a).post(_admin_url(course), {"file": _xlsx([_row()])})
    assert response.status_code == 302 and "login" in response.url
    assert Enrolment.objects.count() == 0


def test_the_admin_course_page_links_to_the_import(client_for, reviewer, official, course):
    page = client_for(reviewer).get(reverse("admin:training_course_change", args=[course.pk]))
    assert _admin_url(course) in page.content.decode()
    page = client_for(official).get(reverse("admin:training_course_change", args=[course.pk]))
    assert _admin_url(course) not in page.content.decode()
