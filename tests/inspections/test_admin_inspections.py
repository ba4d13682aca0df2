"""The inspections admin: templates read-only in use with "make a new version", the round's
"plan the year", the inspections list with "assign inspectors", the read-only change page and
the XLSX ledger; officials read only."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from inspections.models import ChecklistTemplate, Inspection, InspectionRound
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.inspections import factories as inspect

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:inspections_inspection_changelist"


def _items_formset(template, **changes):
    data = {
        "name": template.name,
        "pass_score": str(template.pass_score),
        "basic_score": str(template.basic_score),
        "note": "",
        "items-TOTAL_FORMS": str(template.items.count()),
        "items-INITIAL_FORMS": str(template.items.count()),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, item in enumerate(template.items.order_by("sort_order", "pk")):
        for name in ("sort_order", "group", "code", "title", "weight", "source", "guidance"):
            data[f"items-{n}-{name}"] = str(getattr(item, name))
        data[f"items-{n}-id"] = str(item.pk)
        data[f"items-{n}-template"] = str(template.pk)
    data.update(changes)
    return data


def test_a_template_in_use_is_read_only_and_offers_a_new_version(reviewer, client_for):
    used = inspect.template("agency")
    inspect.make_inspection(template=used)
    client = client_for(reviewer)
    url = reverse("admin:inspections_checklisttemplate_change", args=[used.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="make_new_version"' in body
    assert 'name="items-0-weight"' not in body and 'name="pass_score"' not in body

    response = client.post(url, _items_formset(used, pass_score="60", basic_score="50"))
    used.refresh_from_db()
    assert used.pass_score == 85  # nothing written in place
    assert response.status_code in (200, 302, 403)

    response = client.post(
        reverse("admin:inspections_checklisttemplate_changelist"),
        {"action": "make_new_version", "_selected_action": str(used.pk)},
    )
    new = ChecklistTemplate.objects.get(subject_kind="agency", current=True)
    assert new.version == 2
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:inspections_checklisttemplate_change", args=[new.pk]
    )


def test_an_unused_version_is_edited_with_its_items_through_the_services(reviewer, client_for):
    template = inspect.template("brand")
    url = reverse("admin:inspections_checklisttemplate_change", args=[template.pk])
    client = client_for(reviewer)
    assert 'name="items-0-weight"' in client.get(url).content.decode()
    data = _items_formset(template, **{"items-0-weight": "12", "items-1-weight": "8"})
    response = client.post(url, {**data, "pass_score": "88"})
    assert response.status_code == 302, response.context["errors"]
    template.refresh_from_db()
    weights = list(template.items.order_by("sort_order").values_list("weight", flat=True))
    assert template.pass_score == 88 and weights[:2] == [12, 8]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"inspections.template.changed", "inspections.template.items_changed"} <= actions


def test_items_not_adding_up_to_100_or_thresholds_out_of_order_are_form_errors(
    reviewer, client_for
):
    template = inspect.template("brand")
    url = reverse("admin:inspections_checklisttemplate_change", args=[template.pk])
    client = client_for(reviewer)
    page = client.post(url, _items_formset(template, **{"items-0-weight": "30"}))
    assert page.status_code == 200
    assert "120" in page.content.decode()
    page = client.post(url, _items_formset(template, pass_score="60", basic_score="70"))
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["basic_score"]
    template.refresh_from_db()
    assert template.pass_score == 85 and template.items.get(sort_order=1).weight == 10


def test_a_round_is_made_and_planned_from_the_admin(reviewer, client_for):
    factories.make_agency("甲家政")
    client = client_for(reviewer)
    response = client.post(
        reverse("admin:inspections_inspectionround_add"),
        {
            "year": "2026",
            "title": "2026 年度年检复核",
            "starts_on": "2026-03-01",
            "due_on": "2026-10-31",
        },
    )
    round = InspectionRound.objects.get(year=2026)
    assert response.status_code == 302
    page = client.get(reverse("admin:inspections_inspectionround_change", args=[round.pk]))
    assert 'value="plan_year"' in page.content.decode()
    response = client.post(
        reverse("admin:inspections_inspectionround_changelist"),
        {"action": "plan_year", "_selected_action": str(round.pk)},
        follow=True,
    )
    assert round.inspections.count() == 1
    assert "1" in " ".join(str(m) for m in response.context["messages"])
    listing = client.get(reverse("admin:inspections_inspectionround_changelist"))
    assert listing.status_code == 200
    assert "kj-badge" in listing.content.decode()


def test_a_bad_round_date_is_a_form_error_naming_the_field(reviewer, client_for):
    page = client_for(reviewer).post(
        reverse("admin:inspections_inspectionround_add"),
        {"year": "2026", "title": "x", "starts_on": "2026-05-01", "due_on": "2026-04-01"},
    )
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["due_on"]
    assert not InspectionRound.objects.exists()


def test_inspectors_are_assigned_on_an_intermediate_page(reviewer, approver, client_for):
    first, second = inspect.make_inspection(), inspect.make_inspection()
    done = inspect.conclude(inspect.make_inspection())
    client = client_for(reviewer)
    selected = [str(first.pk), str(second.pk), str(done.pk)]
    page = client.post(
        reverse(CHANGELIST), {"action": "assign_inspectors", "_selected_action": selected}
    )
    assert page.status_code == 200
    assert page.context["skipped"] == [done]
    same = client.post(
        reverse(CHANGELIST),
        {
            "action": "assign_inspectors",
            "_selected_action": selected[:2],
            "post": "yes",
            "inspector_1": reviewer.pk,
            "inspector_2": reviewer.pk,
        },
    )
    assert same.status_code == 200 and same.context["form"].errors["inspector_2"]
    client.post(
        reverse(CHANGELIST),
        {
            "action": "assign_inspectors",
            "_selected_action": selected[:2],
            "post": "yes",
            "inspector_1": reviewer.pk,
            "inspector_2": approver.pk,
        },
    )
    assert set(Inspection.objects.filter(inspector_1=reviewer, inspector_2=approver)) == {
        first,
        second,
    }


def test_the_list_filters_by_inspector_and_searches_by_credit_code(reviewer, approver, client_for):
    mine = inspect.make_inspection(factories.make_agency("甲家政"))
    other = inspect.make_inspection(factories.make_agency("乙养老"))
    Inspection.objects.filter(pk=mine.pk).update(inspector_1=reviewer, inspector_2=approver)
    client = client_for(reviewer)
    listed = client.get(reverse(CHANGELIST), {"inspector": reviewer.pk})
    assert list(listed.context["cl"].result_list) == [mine]
    found = client.get(reverse(CHANGELIST), {"q": other.agency.uscc})
    assert list(found.context["cl"].result_list) == [other]


def test_the_change_page_is_read_only_and_links_to_the_scoring_form(reviewer, client_for):
    inspection = inspect.make_inspection()
    page = client_for(reviewer).get(
        reverse("admin:inspections_inspection_change", args=[inspection.pk])
    )
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    sheet = page.context["sheet_url"]
    assert sheet == "" or str(inspection.pk) in sheet


def test_the_ledger_has_one_row_per_inspection(reviewer, client_for):
    inspection = inspect.conclude(inspect.make_inspection(factories.make_agency("甲家政")))
    response = client_for(reviewer).get(reverse("admin:inspections_inspection_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2
    assert rows[1][0] == 2026  # the year as a number
    assert inspection.agency.uscc in rows[1] and "甲家政" in rows[1]
    assert 1 in rows[1] and 90 in rows[1]  # the template's version; the score as a number


def test_officials_read_but_neither_plan_nor_assign(official, reviewer, client_for):
    round = inspect.make_round()
    factories.make_agency()
    inspection = inspect.make_inspection(round=round)
    client = client_for(official)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert (
        client.get(reverse("admin:inspections_inspectionround_change", args=[round.pk])).status_code
        == 200
    )
    client.post(
        reverse("admin:inspections_inspectionround_changelist"),
        {"action": "plan_year", "_selected_action": str(round.pk)},
    )
    client.post(
        reverse(CHANGELIST),
        {
            "action": "assign_inspectors",
            "_selected_action": [str(inspection.pk)],
            "post": "yes",
            "inspector_1": reviewer.pk,
            "inspector_2": reviewer.pk,
        },
    )
    assert round.inspections.count() == 1 and round.planned_at is None
    inspection.refresh_from_db()
    assert inspection.inspector_1_id is None
