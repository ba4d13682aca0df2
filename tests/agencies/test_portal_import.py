"""Portal: the Excel import page. The importer itself is tested with its module; here a stub
stands in for it so the page's own behaviour (what it passes, what it shows) is tested."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import agencies

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
    """Replace agencies.importers with a stub recording its calls."""
    stub = types.ModuleType("agencies.importers")
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
    monkeypatch.setitem(sys.modules, "agencies.importers", stub)
    monkeypatch.setattr(agencies, "importers", stub, raising=False)
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
