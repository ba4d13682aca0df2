"""The phone-sized form at /inspect/ (issue 12: "record scores, notes and photos on a
phone-sized form that keeps a draft if the connection drops"): only the two assigned
inspectors open it, the draft is saved as JSON, photos become the inspection's documents."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import selectors
from inspections.models import Inspection, InspectionScore
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from tests import factories
from tests.inspections.factories_scoring import items_of, make_inspection, make_template
from tests.url_matrix import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(org_a, reviewer, approver):
    return make_inspection(org_a, reviewer, approver)


def _png(name="现场.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_my_list_shows_only_my_inspections_with_queries_independent_of_their_number(
    client_for, reviewer, approver, reviewer2
):
    template = make_template()
    client = client_for(reviewer)

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/inspect/")
        assert response.status_code == 200
        return len(queries), response.content.decode()

    for n in range(2):
        make_inspection(
            factories.make_agency(f"第{n}家政公司"), reviewer, approver, template=template
        )
    make_inspection(factories.make_agency("别人的公司"), reviewer2, approver, template=template)
    small, body = page_queries()
    assert "第0家政公司" in body and "别人的公司" not in body
    for n in range(2, 14):
        make_inspection(
            factories.make_agency(f"第{n}家政公司"), approver, reviewer, template=template
        )
    large, body = page_queries()
    assert large == small
    assert "第13家政公司" in body or "下一页" in body


@pytest.mark.parametrize("who,status", [("reviewer2", 404), ("official", 403), ("agency_a", 403)])
def test_only_the_assigned_inspectors_open_the_sheet(client_for, inspection, who, status, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/inspect/{inspection.pk}/").status_code == status
    answer = client.post(f"/inspect/{inspection.pk}/draft/", "{}", content_type="application/json")
    assert answer.status_code == status
    inspection.refresh_from_db()
    assert inspection.draft_saved_at is None


def test_anonymous_is_sent_to_sign_in(client, inspection):
    response = client.get(f"/inspect/{inspection.pk}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_sheet_shows_guidance_points_inputs_and_the_computed_figure(
    client_for, inspection, approver, org_a
):
    factories.make_worker(org_a)
    body = client_for(approver).get(f"/inspect/{inspection.pk}/").content.decode()
    items = items_of(inspection)
    assert f'name="score_{items["sign"].pk}"' in body and "检查统一标识" in body
    assert f'name="score_{items["health"].pk}"' not in body  # computed: shown, not typed
    assert "1 / 1 人" in body
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    assert "inspections/sheet.js" in body and 'id="server-draft"' in body
    # CSP: no inline script that runs, no style attribute.
    assert not re.search(r"<script(?![^>]*(src=|application/json))", body)
    assert "style=" not in body


def test_saving_then_concluding_on_the_sheet(client_for, inspection, reviewer):
    items = items_of(inspection)
    data = {f"score_{items[c].pk}": v for c, v in (("sign", "20"), ("rules", "18"))}
    data |= {f"score_{items['training'].pk}": "15", f"score_{items['fees'].pk}": "14.5"}
    data |= {"notes": "整体规范", "inspected_on": timezone.localdate().isoformat()}
    client = client_for(reviewer)
    saved = client.post(f"/inspect/{inspection.pk}/", {**data, "action": "save"})
    assert saved.status_code == 302
    assert InspectionScore.objects.get(inspection=inspection, item=items["fees"]).score == 14.5
    unconfirmed = client.post(f"/inspect/{inspection.pk}/", {**data, "action": "conclude"})
    assert unconfirmed.status_code == 400
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS
    done = client.post(
        f"/inspect/{inspection.pk}/", {**data, "action": "conclude", "confirm": "yes"}
    )
    assert done.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CONCLUDED
    # 67.5 typed + 0 for each share (no workers) + 0 for the filing: 不合格.
    assert inspection.result == Inspection.Result.FAILED
    page = client.get(f"/inspect/{inspection.pk}/").content.decode()
    assert 'name="score_' not in page and 'data-testid="result"' in page


def test_a_bad_score_is_shown_on_the_sheet_and_nothing_is_written(client_for, inspection, reviewer):
    items = items_of(inspection)
    response = client_for(reviewer).post(
        f"/inspect/{inspection.pk}/",
        {f"score_{items['sign'].pk}": "25", f"score_{items['rules'].pk}": "10", "action": "save"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "统一标识" in body and 'value="25"' in body
    assert not InspectionScore.objects.filter(inspection=inspection).exists()


def test_the_draft_is_saved_as_json_and_bad_json_is_refused(client_for, inspection, approver):
    sign = items_of(inspection)["sign"]
    client = client_for(approver)
    url = f"/inspect/{inspection.pk}/draft/"
    draft = {"scores": {str(sign.pk): {"score": "17", "note": ""}}, "notes": "进行中"}
    answer = client.post(url, json.dumps(draft), content_type="application/json")
    assert answer.status_code == 200 and answer.json()["saved_at"]
    inspection.refresh_from_db()
    assert inspection.draft["scores"][str(sign.pk)]["score"] == "17"
    for body in ("{not json", json.dumps({"scores": "x"}), "\xff"):
        refused = client.post(url, body, content_type="application/json")
        assert refused.status_code == 400 and refused.json()["error"]
    assert client.get(url).status_code == 405
    assert AuditEntry.objects.filter(action="inspections.inspection.draft_saved").count() == 1


def test_photos_become_documents_of_the_inspection(client_for, inspection, reviewer):
    client = client_for(reviewer)
    response = client.post(
        f"/inspect/{inspection.pk}/photos/", {"photos": [_png("一.png"), _png("二.png")]}
    )
    assert response.status_code == 302
    photos = list(selectors.photos_of(inspection))
    assert [p.original_name for p in photos] == ["一.png", "二.png"]
    page = client.get(f"/inspect/{inspection.pk}/").content.decode()
    assert f"{photos[0].get_absolute_url()}?inline=1" in page


def test_a_photo_that_is_not_jpeg_or_png_is_refused_and_none_of_the_batch_is_kept(
    client_for, inspection, reviewer
):
    bad = SimpleUploadedFile("扫描.pdf", factories.PDF, content_type="application/pdf")
    response = client_for(reviewer).post(
        f"/inspect/{inspection.pk}/photos/", {"photos": [_png(), bad]}, follow=True
    )
    assert "扫描.pdf" in response.content.decode()
    assert not Document.objects.filter(purpose=selectors.PHOTO_PURPOSE).exists()


def test_who_sees_the_photos(
    client_for, inspection, reviewer, approver, agency_a, agency_b, official
):
    """Bureau reviewers and approvers see them; the agency's own users once it is concluded;
    another agency and officials never."""
    client_for(reviewer).post(f"/inspect/{inspection.pk}/photos/", {"photos": [_png()]})
    url = selectors.photos_of(inspection).get().get_absolute_url() + "?inline=1"
    assert client_for(approver).get(url).status_code == 200
    assert client_for(agency_a).get(url).status_code == 404
    Inspection.objects.filter(pk=inspection.pk).update(
        status=Inspection.Status.CONCLUDED,
        score=90,
        result=Inspection.Result.PASSED,
        inspected_on=timezone.localdate(),
    )
    assert client_for(agency_a).get(url).status_code == 200
    assert client_for(agency_b).get(url).status_code == 404
    assert client_for(official).get(url).status_code == 404
