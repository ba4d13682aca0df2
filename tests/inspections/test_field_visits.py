"""Field visits (实地走访、调研). Issue 12: "Date, agency, staff, purpose, notes, photos, the
agency's situation and needs; listed per agency." Plan: "实地走访家服企业、调研企业发展情况"."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from inspections import selectors
from inspections.models import FieldVisit
from inspections.services import visits as service
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from tests import factories
from tests.url_matrix import PNG

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def photo(name="走访.png", content=PNG, kind="image/png"):
    return SimpleUploadedFile(name, content, content_type=kind)


def data(org, *staff, **extra):
    return {
        "agency": org,
        "visited_on": TODAY - dt.timedelta(days=3),
        "staff": list(staff),
        "purpose": "调研企业发展情况",
        "notes": "现场查看服务台账",
        "situation": "员工20人，业务以月嫂为主",
        "needs": "希望参加家政经理人培训",
        **extra,
    }


def test_a_reviewer_records_a_visit_with_photos_and_it_is_audited(reviewer, approver, org_a):
    visit = service.visit_record(
        actor=reviewer, data=data(org_a, reviewer, approver), photos=[photo(), photo("二.png")]
    )
    assert set(visit.staff.all()) == {reviewer, approver}
    photos = list(selectors.visit_photos(visit))
    assert [p.original_name for p in photos] == ["走访.png", "二.png"]
    assert photos[0].owner == visit
    entry = AuditEntry.objects.get(action="inspections.visit.recorded")
    assert entry.after["photos"] == ["走访.png", "二.png"]
    assert entry.after["needs"] == "希望参加家政经理人培训"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"purpose": " "}, "purpose"),
        ({"visited_on": TODAY + dt.timedelta(days=1)}, "visited_on"),
        ({"visited_on": "2026-13-01"}, "visited_on"),
        ({"agency": None}, "agency"),
        ({"staff": []}, "staff"),
    ],
)
def test_bad_fields_are_refused_naming_the_field_and_nothing_is_written(
    reviewer, org_a, change, field
):
    with pytest.raises(ValidationError) as caught:
        service.visit_record(actor=reviewer, data={**data(org_a, reviewer), **change})
    assert field in caught.value.message_dict
    assert not FieldVisit.objects.exists()


def test_an_agency_user_cannot_be_listed_as_staff_who_went(reviewer, agency_a, org_a):
    with pytest.raises(ValidationError) as caught:
        service.visit_record(actor=reviewer, data=data(org_a, reviewer, agency_a))
    assert "staff" in caught.value.message_dict


def test_a_photo_that_is_not_jpeg_or_png_stops_the_whole_visit(reviewer, org_a):
    pdf = SimpleUploadedFile("照片.png", factories.PDF, content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        service.visit_record(actor=reviewer, data=data(org_a, reviewer), photos=[photo(), pdf])
    assert "photos" in caught.value.message_dict
    assert not FieldVisit.objects.exists()
    assert not Document.objects.filter(purpose="field visit photo").exists()


def test_officials_and_agencies_do_not_record_visits(official, agency_a, org_a, reviewer):
    for user in (official, agency_a):
        with pytest.raises(PermissionDenied):
            service.visit_record(actor=user, data=data(org_a, reviewer))
    assert not FieldVisit.objects.exists()


def test_a_visit_is_corrected_and_photos_removed_with_an_audit_entry(reviewer, org_a):
    visit = service.visit_record(actor=reviewer, data=data(org_a, reviewer), photos=[photo()])
    first = selectors.visit_photos(visit).get()
    service.visit_update(
        actor=reviewer,
        visit=visit,
        data={"needs": "需要场地支持"},
        photos=[photo("新.png")],
        remove_photos=[first.pk],
    )
    visit.refresh_from_db()
    assert visit.needs == "需要场地支持"
    assert [d.original_name for d in selectors.visit_photos(visit)] == ["新.png"]
    entry = AuditEntry.objects.get(action="inspections.visit.updated")
    assert entry.before["needs"] == "希望参加家政经理人培训"
    assert entry.after["photos_removed"] == ["走访.png"]


def test_photos_open_for_reviewers_not_for_officials_or_agencies(
    client_for, reviewer, official, agency_a, org_a
):
    visit = service.visit_record(actor=reviewer, data=data(org_a, reviewer), photos=[photo()])
    url = selectors.visit_photos(visit).get().get_absolute_url() + "?inline=1"
    assert client_for(reviewer).get(url).status_code == 200
    assert client_for(official).get(url).status_code == 404
    assert client_for(agency_a).get(url).status_code == 404


def test_the_admin_lists_visits_per_agency_and_shows_thumbnails(client_for, reviewer, org_a, org_b):
    service.visit_record(actor=reviewer, data=data(org_a, reviewer), photos=[photo()])
    other = service.visit_record(actor=reviewer, data=data(org_b, reviewer, purpose="回访乙机构"))
    client = client_for(reviewer)
    page = client.get(f"/admin/inspections/fieldvisit/?agency__id__exact={org_a.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "调研企业发展情况" in body and "回访乙机构" not in body
    visit = FieldVisit.objects.get(agency=org_a)
    change = client.get(f"/admin/inspections/fieldvisit/{visit.pk}/change/").content.decode()
    assert 'class="kj-thumb"' in change and "?inline=1" in change
    assert f"?agency__id__exact={org_a.pk}" in change
    plain = client.get(f"/admin/inspections/fieldvisit/{other.pk}/change/")
    assert plain.status_code == 200 and "回访乙机构" in plain.content.decode()


def test_officials_read_visits_in_the_admin_without_photos(client_for, reviewer, official, org_a):
    visit = service.visit_record(actor=reviewer, data=data(org_a, reviewer), photos=[photo()])
    page = client_for(official).get(f"/admin/inspections/fieldvisit/{visit.pk}/change/")
    assert page.status_code == 200
    assert 'class="kj-thumb"' not in page.content.decode()
    refused = client_for(official).post(
        f"/admin/inspections/fieldvisit/{visit.pk}/change/", {"purpose": "改"}
    )
    assert refused.status_code == 403
    visit.refresh_from_db()
    assert visit.purpose == "调研企业发展情况"


def test_the_admin_add_form_records_a_visit_and_a_bad_date_is_a_field_error(
    client_for, reviewer, org_a
):
    client = client_for(reviewer)
    form = {
        "agency": org_a.pk,
        "visited_on": "2026-02-30",
        "staff": [reviewer.pk],
        "purpose": "实地走访",
        "photos": photo(),
    }
    bad = client.post("/admin/inspections/fieldvisit/add/", form)
    assert bad.status_code == 200
    assert "visited_on" in bad.context["adminform"].form.errors
    assert not FieldVisit.objects.exists()
    form["visited_on"] = f"{TODAY:%Y-%m-%d}"
    form["photos"] = photo()
    good = client.post("/admin/inspections/fieldvisit/add/", form)
    assert good.status_code == 302
    visit = FieldVisit.objects.get()
    assert selectors.visit_photos(visit).count() == 1


def test_the_visit_ledger_keeps_formula_text_as_text(client_for, reviewer, org_a):
    service.visit_record(
        actor=reviewer,
        data=data(org_a, reviewer, purpose='=HYPERLINK("http://x")', needs="+1 资金"),
    )
    response = client_for(reviewer).get("/admin/inspections/fieldvisit/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    row = [c for c in sheet[2]]
    purpose = row[header.index("目的")] if "目的" in header else row[4]
    assert purpose.value == '=HYPERLINK("http://x")'
    assert purpose.data_type == "s"
    assert any(c.value == "+1 资金" and c.data_type == "s" for c in row)
    assert org_a.name in [c.value for c in row]
