"""Formula injection: text planted in public and agency records never comes back as a live
formula in any spreadsheet staff download.

Issue 11: "a public voucher application with =WEBSERVICE(...) in its address lands as a live
formula in the reviewers' export beside full ID numbers. Every XLSX/CSV writer neutralises cells
that start with = + - @ or control characters; imports read values, never formulas."

The payloads go in through the public application form (name and address) and into an agency's
name, a worker's, a holder's, a course's and a trainee's name; then every admin list export, the
settlement statement, the progress workbook and the roster export are downloaded and every cell
is checked: the only formulas are the writers' own totals, and every text cell that starts
like a formula is a plain string marked as text.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Agency
from kunqu_jiafu.documents import xlsx
from kunqu_jiafu.documents.xlsx import FORMULA_TRIGGERS
from kunqu_jiafu.people.models import Person
from tests import factories
from tests.core.test_xlsx_exports import exporting_admins
from tests.training.test_roster_import import _course
from tests.vouchers import test_documents as base
from tests.vouchers.test_public_apply import post_data
from training.services import enrol
from vouchers import selectors
from vouchers.models import Application

batch, settlement = base.batch, base.settlement

PAYLOADS = ['=WEBSERVICE("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1"]
OWN_TOTALS = re.compile(r"^=(SUM|COUNTA)\([A-Z]+\d+:[A-Z]+\d+\)$")


@pytest.fixture
def planted(batch, settlement, org_a, agency_a, client):
    """Every payload in a public application, and in the names of an agency, a worker, the
    statement's holders, a course and its trainees."""
    for number, payload in enumerate(PAYLOADS, start=1):
        response = client.post(
            "/vouchers/apply/",
            post_data(
                name=payload, address=f"{payload}昆区钢铁大街5号", id_number=factories.id_number()
            ),
            REMOTE_ADDR=f"198.51.100.{number}",  # residents at their own addresses: no challenge
        )
        assert response.status_code == 302, response.context["form"].errors
    assert any("WEBSERVICE" in a.address for a in Application.objects.all())  # encrypted
    Agency.objects.filter(pk=org_a.pk).update(name=PAYLOADS[0])
    holders = [line.person for line in selectors.settlement_lines(settlement)]
    for person, payload in zip(holders, PAYLOADS[1:], strict=False):
        Person.objects.filter(pk=person.pk).update(name=payload)
    factories.make_worker(org_a, person=factories.make_person(PAYLOADS[4]))
    course = _course(agency_a, org_a, name=PAYLOADS[0])
    for payload in PAYLOADS[1:]:
        enrol(actor=agency_a, course=course, id_number=factories.id_number(), name=payload)
    return course


def _downloads(course, settlement, batch, client_for):
    root = client_for(factories.make_user("root-exporter", is_staff=True, is_superuser=True))
    urls = [
        reverse(f"admin:{m.opts.app_label}_{m.opts.model_name}_export") for m in exporting_admins()
    ]
    urls += [
        reverse("admin:vouchers_settlement_xlsx", args=[settlement.pk]),
        reverse("admin:vouchers_progress_xlsx") + f"?batch={batch.pk}",
        reverse("admin:training_course_roster_export", args=[course.pk]),
    ]
    for url in urls:
        response = root.get(url)
        assert response.status_code == 200, url
        yield url, load_workbook(io.BytesIO(response.content))


def test_no_staff_download_holds_a_planted_formula(planted, settlement, batch, client_for):
    found = {payload: 0 for payload in PAYLOADS}
    for url, book in _downloads(planted, settlement, batch, client_for):
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert OWN_TOTALS.match(str(cell.value)), (url, cell.coordinate, cell.value)
                    elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                        assert cell.data_type == "s" and cell.quotePrefix, (url, cell.value)
                    for payload in PAYLOADS:
                        if isinstance(cell.value, str) and cell.value.startswith(payload):
                            found[payload] += 1
    # Each payload reached the downloads (so the checks above did look at it).
    assert all(found.values()), found


def test_the_writer_keeps_numbers_typed_and_drops_characters_a_workbook_cannot_hold():
    data = xlsx.table_xlsx("表", ["a", "b", "c", "d"], [[-5, "-5", "\x01名\x02字", "\r\n@x"]])

    number, text, control, line_break = load_workbook(io.BytesIO(data)).active[2]

    assert number.data_type == "n" and number.value == -5 and not number.quotePrefix
    assert text.data_type == "s" and text.value == "-5" and text.quotePrefix
    assert control.value == "名字"
    assert line_break.data_type == "s" and line_break.quotePrefix


def test_control_characters_in_names_do_not_break_any_download(
    batch, settlement, org_a, agency_a, client_for
):
    """A name holding a character a workbook cannot hold (\\x01, typed into an agency's name
    through the API or pasted into a form) is dropped from the cell, not a 500."""
    Agency.objects.filter(pk=org_a.pk).update(name="甲\x01家政")
    holders = [line.person for line in selectors.settlement_lines(settlement)]
    Person.objects.filter(pk=holders[0].pk).update(name="王\x02芳")
    course = _course(agency_a, org_a, name="育婴\x03班")
    names = set()
    for _url, book in _downloads(course, settlement, batch, client_for):
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                names.update(v for v in row if isinstance(v, str))
    assert "甲家政" in names and "王芳" in names
