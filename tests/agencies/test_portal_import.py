"""Portal: the Excel import page. The importer itself is tested with its module; here a stub
stands in for it so the page's own behaviour (what it passes, what it shows) is tested."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import agencies
from agencies.views import workers as worker_views

pytestmark = pytest.mark.django_db


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class Result:
    ok: bool
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)


@pytest.fixture
def importer(monkeypatch):
    """Replace agencies.imports with a stub recording its calls."""
    stub = types.ModuleType("agencies.imports")
    stub.calls = []
    stub.result = Result(ok=True, created=3, updated=1)
    stub.raise_error = None

    def workers_import(*, actor, agency, uploaded_file):
        stub.calls.append((actor, agency, uploaded_file.read()))
        if stub.raise_error is not None:
            raise stub.raise_error
        return stub.result

    stub.workers_import = workers_import
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


def test_successful_import_reports_the_counts(client_for, agency_a, org_a, importer):
    response = client_for(agency_a).post(
        reverse("portal:workers_import"), {"file": xlsx(b"PK\x03\x04 my rows")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:workers")
    [message] = [str(m) for m in response.context["messages"]]
    assert "3" in message and "1" in message
    [(actor, agency, content)] = importer.calls
    assert (actor, agency, content) == (agency_a, org_a, b"PK\x03\x04 my rows")


def test_failed_import_lists_the_errors_by_row(client_for, agency_a, importer):
    importer.result = Result(
        ok=False,
        errors=[RowError(7, "身份证号码", "校验位错误"), RowError(3, "入职日期", "日期无效")],
    )
    response = client_for(agency_a).post(reverse("portal:workers_import"), {"file": xlsx()})
    assert response.status_code == 200
    assert [e.row for e in response.context["errors"]] == [3, 7]
    html = response.content.decode()
    assert "校验位错误" in html and "日期无效" in html and "身份证号码" in html


def test_a_file_the_importer_refuses_shows_the_error_on_the_file_field(
    client_for, agency_a, importer
):
    importer.raise_error = ValidationError({"file": ["不是 Excel (.xlsx) 文件"]})
    response = client_for(agency_a).post(reverse("portal:workers_import"), {"file": xlsx()})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["不是 Excel (.xlsx) 文件"]


def test_posting_without_a_file_asks_for_one_and_does_not_call_the_importer(
    client_for, agency_a, importer
):
    response = client_for(agency_a).post(reverse("portal:workers_import"), {})
    assert "file" in response.context["form"].errors
    assert importer.calls == []


def test_anonymous_and_staff_cannot_import(client_for, client, reviewer, importer):
    assert client.post(reverse("portal:workers_import"), {"file": xlsx()}).status_code == 302
    response = client_for(reviewer).post(reverse("portal:workers_import"), {"file": xlsx()})
    assert response["Location"] == reverse("admin:index")
    assert importer.calls == []


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


def test_real_import_through_the_portal_creates_the_workers(client_for, agency_a, org_a):
    from agencies.models import Worker
    from tests import factories

    template = client_for(agency_a).get(reverse("portal:workers_template"))
    assert template.status_code == 200
    content = _filled_template(
        [_row("刘一", factories.id_number()), _row("陈二", factories.id_number())]
    )
    response = client_for(agency_a).post(
        reverse("portal:workers_import"), {"file": SimpleUploadedFile("花名册.xlsx", content)}
    )
    assert response.status_code == 302
    assert set(Worker.objects.filter(agency=org_a).values_list("person__name", flat=True)) == {
        "刘一",
        "陈二",
    }


def test_real_import_with_one_bad_row_writes_nothing_and_lists_the_row(client_for, agency_a, org_a):
    from agencies.models import Worker
    from tests import factories

    good = factories.id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    content = _filled_template([_row("刘一", factories.id_number()), _row("陈二", bad)])
    response = client_for(agency_a).post(
        reverse("portal:workers_import"), {"file": SimpleUploadedFile("花名册.xlsx", content)}
    )
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert [(e.row, e.field) for e in errors] == [(3, "身份证号")]
    assert "身份证号" in response.content.decode()
    assert not Worker.objects.filter(agency=org_a).exists()
