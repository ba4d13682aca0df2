"""Portal: the Excel import page. An upload is screened at once and becomes an import job
whose page shows the outcome; the importer itself is tested with its module."""

from __future__ import annotations

import sys
import types
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import agencies
from agencies.views import workers as worker_views
from kunqu_jiafu.imports.models import ImportJob
from tests.import_jobs import post_and_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(monkeypatch):
    """Replace agencies.imports with a stub whose template is known bytes."""
    stub = types.ModuleType("agencies.imports")
    stub.build_template = lambda: b"PK\x03\x04 template bytes"
    monkeypatch.setitem(sys.modules, "agencies.imports", stub)
    monkeypatch.setattr(agencies, "imports", stub, raising=False)
    monkeypatch.setattr(worker_views, "imports", stub)
    return stub


def xlsx(content: bytes = b"PK\x03\x04 rows") -> SimpleUploadedFile:
    return SimpleUploadedFile("workers.xlsx", content)


def test_import_page_explains_and_links_the_template(client_for, agency_a, importer):
    html = client_for(agency_a).get(reverse("portal:workers_import")).content.decode()
    assert reverse("portal:workers_template") in html


def test_template_downloads_as_an_xlsx_attachment(client_for, agency_a, importer):
    response = client_for(agency_a).get(reverse("portal:workers_template"))
    assert response.status_code == 200
    assert response.content == b"PK\x03\x04 template bytes"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]


def test_template_download_has_an_ascii_file_name_beside_the_chinese_one(
    client_for, agency_a, reviewer
):
    quoted = quote("从业人员导入模板.xlsx")
    for client, name in (
        (client_for(agency_a), "portal:workers_template"),
        (client_for(reviewer), "admin:agencies_worker_import_template"),
    ):
        disposition = client.get(reverse(name))["Content-Disposition"]
        assert 'filename="worker-import-template.xlsx"' in disposition
        assert f"filename*=UTF-8''{quoted}" in disposition


def test_an_upload_becomes_a_job_whose_page_reports_the_counts(client_for, agency_a, org_a):
    from tests import factories

    content = _filled_template(
        [_row("刘一", factories.id_number()), _row("陈二", factories.id_number())]
    )
    response = post_and_run(
        client_for(agency_a),
        reverse("portal:workers_import"),
        {"file": SimpleUploadedFile("花名册.xlsx", content)},
    )
    job = response.job
    assert (job.status, job.kind, job.agency, job.created_by) == (
        "done",
        "workers",
        org_a,
        agency_a,
    )
    assert (job.outcome["created"], job.outcome["updated"]) == (2, 0)
    assert not job.file  # the stored upload is deleted once the job is over
    html = response.content.decode()
    assert 'data-testid="import-done"' in html and reverse("portal:workers") in html


def test_failed_import_lists_the_errors_by_row_on_the_job_page(client_for, agency_a, org_a):
    from tests import factories

    good = factories.id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    content = _filled_template([_row("", factories.id_number()), _row("陈二", bad)])
    response = post_and_run(
        client_for(agency_a),
        reverse("portal:workers_import"),
        {"file": SimpleUploadedFile("花名册.xlsx", content)},
    )
    assert response.job.status == "refused"
    assert [(e["row"], e["field"]) for e in response.context["errors"]] == [
        (2, "姓名"),
        (3, "身份证号"),
    ]
    assert 'data-testid="import-errors"' in response.content.decode()


def test_a_file_the_screen_refuses_shows_the_error_on_the_file_field_and_makes_no_job(
    client_for, agency_a
):
    response = post_and_run(
        client_for(agency_a),
        reverse("portal:workers_import"),
        {"file": SimpleUploadedFile("workers.xlsx", b"%PDF-1.4 not a sheet")},
    )
    assert response.status_code == 200 and response.job is None
    [message] = response.context["form"].errors["file"]
    assert "PDF" in message


def test_posting_without_a_file_asks_for_one_and_makes_no_job(client_for, agency_a):
    response = post_and_run(client_for(agency_a), reverse("portal:workers_import"), {})
    assert "file" in response.context["form"].errors
    assert response.job is None


def test_anonymous_and_staff_cannot_import(client_for, client, reviewer):
    content = _filled_template([_row("刘一", "110101199003070015")])
    url = reverse("portal:workers_import")
    assert post_and_run(client, url, {"file": xlsx(content)}).status_code == 302
    response = post_and_run(client_for(reviewer), url, {"file": xlsx(content)})
    assert response["Location"] == reverse("admin:index")
    assert not ImportJob.objects.exists()


def _filled_template(rows: list[list]) -> bytes:
    """The portal's own template, filled in the way an agency would."""
    import io

    from openpyxl import load_workbook

    from agencies.imports import build_template

    book = load_workbook(io.BytesIO(build_template()))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)  # drop the example row
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(name: str, number: str) -> list:
    import datetime as dt

    day = dt.date.today() - dt.timedelta(days=30)
    return [
        name,
        number,
        "13900000000",
        "家政服务员",
        day,
        "劳动合同",
        day,
        None,
        "是",
        day,
        day,
        day + dt.timedelta(days=400),
        "",
        "否",
        "否",
    ]
