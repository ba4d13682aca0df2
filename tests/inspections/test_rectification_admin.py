"""The rectifications admin: status and days left on the list, the evidence on the change
page, the action that plans the re-inspection (audited), and the XLSX ledger."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import Inspection
from inspections.services.consequences import after_conclusion
from inspections.services.rectifications import rectification_answer
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories

from . import factories_rectification as fr

pytestmark = pytest.mark.django_db
LIST = reverse("admin:inspections_rectification_changelist")


def _answered(agency, user):
    inspection = fr.concluded(agency)
    after_conclusion(inspection)
    pdf = SimpleUploadedFile("整改照片.pdf", factories.make_pdf(), content_type="application/pdf")
    return rectification_answer(
        actor=user, rectification=inspection.rectification, answer="已整改", files=[pdf]
    )


def test_the_change_page_lists_the_evidence_and_the_list_shows_the_status(
    agency_a, org_a, reviewer, client_for
):
    rectification = _answered(org_a, agency_a)
    client = client_for(reviewer)
    listing = client.get(LIST).content.decode()
    assert "kj-badge" in listing and org_a.name in listing
    page = client.get(reverse("admin:inspections_rectification_change", args=[rectification.pk]))
    assert "整改照片.pdf" in page.content.decode()


def test_the_action_plans_the_reinspection_and_officials_do_not_get_it(
    agency_a, org_a, reviewer, official, client_for
):
    rectification = _answered(org_a, agency_a)
    data = {"action": "plan_reinspection", "_selected_action": [rectification.pk]}
    client_for(official).post(LIST, data)
    assert not Inspection.objects.filter(kind="reinspection").exists()
    client_for(reviewer).post(LIST, data)
    assert Inspection.objects.get(kind="reinspection").parent_id == rectification.inspection_id
    assert AuditEntry.objects.filter(action="inspections.reinspection.planned").count() == 1


def test_the_ledger_is_an_xlsx_of_the_rectifications(agency_a, org_a, reviewer, client_for):
    _answered(org_a, agency_a)
    response = client_for(reviewer).get(reverse("admin:inspections_rectification_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(response.streaming_content if response.streaming else [response.content])
        )
    ).active
    rows = list(sheet.values)
    assert len(rows) == 2 and org_a.name in rows[1]
