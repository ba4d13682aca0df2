"""The agency portal's inspections pages (issue 12: "the agency sees what to fix in its
portal, answers with evidence"; "the agency is told why")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.services import standing_record_inspection
from inspections.models import Inspection, Rectification
from inspections.services.consequences import after_conclusion
from kunqu_jiafu.documents.models import Document
from tests import factories

from . import factories_rectification as fr

pytestmark = pytest.mark.django_db
LIST = reverse("inspections:list")


def _opened(agency) -> Rectification:
    inspection = fr.concluded(agency)
    standing_record_inspection(
        actor=inspection.concluded_by,
        agency=agency,
        year=inspection.round.year,
        result="failed",
        reason=f"年检 #{inspection.pk}",
    )
    after_conclusion(inspection)
    return inspection.rectification


def test_the_list_shows_the_failed_standing_why_and_the_link_to_rectify(
    agency_a, org_a, client_for
):
    rectification = _opened(org_a)
    html = client_for(agency_a).get(LIST).content.decode()
    assert "本机构 2026 年度年检复核不合格" in html
    assert "不能获得奖补" in html  # why: awards and the voucher list
    assert reverse("inspections:rectification", args=[rectification.pk]) in html
    assert 'data-testid="rectify-link"' in html
    assert "result-failed" in html and ">55<" in html  # result and score of the inspection


def test_another_agencys_rectification_is_not_found(agency_a, org_b, client_for):
    rectification = _opened(org_b)
    url = reverse("inspections:rectification", args=[rectification.pk])
    assert client_for(agency_a).get(url).status_code == 404
    assert reverse("inspections:rectification", args=[rectification.pk]) not in (
        client_for(agency_a).get(LIST).content.decode()
    )


def test_the_rectification_page_shows_what_to_fix_deadline_and_days_left(
    agency_a, org_a, client_for
):
    rectification = _opened(org_a)
    Rectification.objects.filter(pk=rectification.pk).update(
        deadline=timezone.localdate() + dt.timedelta(days=12)
    )
    page = client_for(agency_a).get(reverse("inspections:rectification", args=[rectification.pk]))
    html = page.content.decode()
    assert "统一制度" in html and "制度未公示" in html
    assert "12" in html and 'data-testid="answer-form"' in html


def test_the_agency_answers_with_evidence_through_the_form(agency_a, org_a, client_for):
    rectification = _opened(org_a)
    url = reverse("inspections:rectification", args=[rectification.pk])
    files = [
        SimpleUploadedFile("a.pdf", factories.make_pdf(), content_type="application/pdf"),
        SimpleUploadedFile("b.pdf", factories.make_pdf(), content_type="application/pdf"),
    ]
    response = client_for(agency_a).post(url, {"answer": "已整改", "files": files})
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.ANSWERED
    assert Document.objects.filter(owner_id=str(rectification.pk)).count() == 2
    html = client_for(agency_a).get(url).content.decode()
    assert "a.pdf" in html and 'data-testid="answer-form"' not in html


def test_a_blank_answer_or_a_fake_file_shows_the_field_and_writes_nothing(
    agency_a, org_a, client_for
):
    rectification = _opened(org_a)
    url = reverse("inspections:rectification", args=[rectification.pk])
    client = client_for(agency_a)
    blank = client.post(url, {"answer": " "})
    assert blank.status_code == 200 and "error-summary" in blank.content.decode()
    fake = SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")
    bad = client.post(url, {"answer": "已整改", "files": [fake]})
    assert bad.status_code == 200 and "PDF" in bad.content.decode()
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.OPEN


def test_staff_are_sent_to_the_admin(reviewer, client_for):
    assert client_for(reviewer).get(LIST).status_code == 302


def _rows(agency, n: int) -> None:
    start = 2000 + Inspection.objects.count()
    for year in range(start, start + n):
        inspection = fr.concluded(agency, year=year)
        Rectification.objects.create(
            inspection=inspection, deadline=dt.date(year, 12, 1), requirements="x"
        )


def test_the_list_makes_the_same_number_of_queries_at_two_sizes(agency_a, org_a, client_for):
    client = client_for(agency_a)
    _rows(org_a, 2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST).status_code == 200
    _rows(org_a, 15)
    with CaptureQueriesContext(connection) as large:
        assert client.get(LIST).status_code == 200
    assert len(large) == len(small)


def test_the_voucher_page_tells_the_agency_why_households_cannot_choose_it(
    agency_a, org_a, client_for
):
    """ "…takes the agency out of the voucher programme's choices until it passes, and the
    agency is told why"."""
    url = reverse("vouchers:list")
    assert 'data-testid="failed-inspection"' not in client_for(agency_a).get(url).content.decode()
    _opened(org_a)
    html = client_for(agency_a).get(url).content.decode()
    assert "本机构 2026 年度年检复核不合格" in html and LIST in html


def test_the_inspections_page_links_to_the_spot_checks_page_and_back(agency_a, client_for):
    client = client_for(agency_a)
    page = client.get(reverse("inspections:list")).content.decode()
    link = re.search(r'<a [^>]*data-testid="spot-checks-link"[^>]*>([^<]+)</a>', page)
    assert link is not None and "抽查核实" in link.group(1)
    assert f'href="{reverse("inspections:spot_checks")}"' in link.group(0)
    spot = client.get(reverse("inspections:spot_checks"))
    assert spot.status_code == 200
    assert f'href="{reverse("inspections:list")}"' in spot.content.decode()
