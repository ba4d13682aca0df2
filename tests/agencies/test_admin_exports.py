"""XLSX exports of the admin lists: headers, masking, filters, export only."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from agencies.models import Agency, Worker
from kunqu_jiafu.people.idcard import mask
from tests import factories
from tests.id_search import id_token


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


@pytest.fixture
def worker_a(org_a):
    return factories.make_worker(org_a, person=factories.make_person("王秀兰"))


def test_worker_export_masks_id_numbers_for_official(official, worker_a, client_for):
    rows = _rows(client_for(official).get(reverse("admin:agencies_worker_export")))
    header, data = rows[0], rows[1:]
    id_column = header.index(gettext("ID number"))
    assert data[0][header.index(gettext("full name"))] == "王秀兰"
    assert data[0][id_column] == mask(worker_a.person.id_number)
    assert "*" in data[0][id_column]


def test_worker_export_shows_full_id_numbers_to_reviewer(reviewer, worker_a, client_for):
    rows = _rows(client_for(reviewer).get(reverse("admin:agencies_worker_export")))
    header = rows[0]
    assert rows[1][header.index(gettext("ID number"))] == worker_a.person.id_number


def test_export_headers_are_the_translated_labels_not_attribute_names(official, org_a, client_for):
    header = _rows(client_for(official).get(reverse("admin:agencies_agency_export")))[0]
    for name in ("name", "uscc", "legal_representative", "registered_on"):
        assert _label(Agency, name) in header
    assert not {"uscc", "legal_representative", "registered_on", "id"} & set(header)


def test_export_headers_are_chinese(official, worker_a, client_for):
    if gettext("agency name") == "agency name":
        pytest.skip("the zh_Hans catalogue has no translation for the labels yet")
    for url in ("admin:agencies_agency_export", "admin:agencies_worker_export"):
        header = _rows(client_for(official).get(reverse(url)))[0]
        for title in header:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in title), title


def test_export_respects_the_current_filters(reviewer, org_a, client_for):
    applying = factories.make_agency("丁家政服务有限公司", status=Agency.Status.APPLYING)
    url = reverse("admin:agencies_agency_export") + "?status__exact=applying"
    rows = _rows(client_for(reviewer).get(url))
    names = [row[0] for row in rows[1:]]
    assert names == [applying.name]


def test_worker_export_respects_id_search_for_reviewer(reviewer, worker_a, org_a, client_for):
    factories.make_worker(org_a, person=factories.make_person("李桂英"))
    url = reverse("admin:agencies_worker_export")
    client = client_for(reviewer)
    token = id_token(client, worker_a.person.id_number, reverse("admin:agencies_worker_changelist"))
    rows = _rows(client.get(url, {"idt": token}))
    assert len(rows) == 2 and rows[1][0] == "王秀兰"


def test_recognition_and_filing_lists_export(official, org_a, client_for):
    org_a.recognitions.create(kind_id="station", year=2026, granted_on="2026-04-01")
    client = client_for(official)
    rows = _rows(client.get(reverse("admin:agencies_recognition_export")))
    assert rows[1][0] == org_a.name
    rows = _rows(client.get(reverse("admin:agencies_employeesystemfiling_export")))
    assert len(rows) == 1  # header only


def test_admin_offers_no_import_through_import_export(reviewer, client_for):
    from django.urls import NoReverseMatch

    for model in ("agency", "worker", "recognition", "employeesystemfiling"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:agencies_{model}_process_import")
    listing = client_for(reviewer).get(reverse("admin:agencies_worker_changelist"))
    html = listing.content.decode()
    assert reverse("admin:agencies_worker_export") in html
    assert Worker.objects.count() == 0


def test_export_file_is_named_in_chinese_and_encoded_for_browsers(official, org_a, client_for):
    from urllib.parse import quote

    response = client_for(official).get(reverse("admin:agencies_agency_export"))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("机构") in disposition
    assert 'filename="agency-' in disposition  # the ASCII fallback


def test_admin_greets_staff_by_their_full_name(reviewer, client_for):
    page = client_for(reviewer).get(reverse("admin:index")).content.decode()
    assert "赵经办" in page
