"""The statistical survey in the admin: returns with filters and review actions, forms fixed
once in use, the not-filed list with its XLSX, and the ledger."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import SurveyForm, SurveyReturn
from agencies.services import survey as survey_services
from tests import factories
from tests.agencies.survey_helpers import open_form, valid_figures


def _rows(response):
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _submit(user, org, form, **figures):
    return survey_services.survey_return_save(
        actor=user, agency=org, form=form, figures=valid_figures(org, form, **figures), submit=True
    )


def test_returns_changelist_filters_and_searches(
    agency_a, agency_b, org_a, org_b, reviewer, client_for
):
    form = open_form()
    _submit(agency_a, org_a, form)
    survey_services.survey_return_save(actor=agency_b, agency=org_b, form=form, figures={})
    url = reverse("admin:agencies_surveyreturn_changelist")
    client = client_for(reviewer)
    for query, expected in (
        ("?status__exact=submitted", {org_a.name}),
        ("?form__year=2026", {org_a.name, org_b.name}),
        (f"?agency__street__id__exact={org_a.street_id}", {org_a.name, org_b.name}),
        ("?agency__formats__id__exact=999999", set()),
        ("?q=" + org_b.name, {org_b.name}),
    ):
        response = client.get(url + query)
        assert response.status_code == 200, query
        names = {r.agency.name for r in response.context["cl"].result_list}
        assert names == expected, query


def test_a_reviewer_accepts_and_returns_through_the_review_pages(
    agency_a, org_a, reviewer, official, client_for
):
    form = open_form()
    submitted = _submit(agency_a, org_a, form)
    url = reverse("admin:agencies_surveyreturn_review", args=[submitted.pk, "return"])
    response = client_for(reviewer).post(url, {"reason": ""})
    assert response.status_code == 200  # the reason is required
    assert SurveyReturn.objects.get().status == SurveyReturn.Status.SUBMITTED
    assert client_for(official).post(url, {"reason": "x"}).status_code == 403
    client_for(reviewer).post(url, {"reason": "请补充价格"})
    assert SurveyReturn.objects.get().status == SurveyReturn.Status.RETURNED
    page = client_for(reviewer).get(
        reverse("admin:agencies_surveyreturn_change", args=[submitted.pk])
    )
    assert "营业收入" in page.content.decode()


def test_a_form_in_use_is_read_only(agency_a, org_a, reviewer, client_for):
    form = open_form()
    url = reverse("admin:agencies_surveyform_change", args=[form.pk])
    assert client_for(reviewer).get(url).context["has_change_permission"] is True
    _submit(agency_a, org_a, form)
    response = client_for(reviewer).get(url)
    assert response.context["has_change_permission"] is False
    client_for(reviewer).post(url, {"year": "2026", "title": "改过的标题"})
    assert SurveyForm.objects.get(pk=form.pk).title == form.title


def test_not_filed_lists_registered_agencies_without_a_submitted_return(
    agency_a, agency_b, org_a, org_b, reviewer, client_for
):
    form = open_form()
    _submit(agency_a, org_a, form)
    factories.make_agency("申请中家政", status="applying")
    response = client_for(reviewer).get(
        reverse("admin:agencies_surveyform_not_filed", args=[form.pk])
    )
    assert [a.name for a in response.context["agencies"]] == [org_b.name]
    assert 'data-testid="survey-remind"' in response.content.decode()
    xlsx = client_for(reviewer).get(
        reverse("admin:agencies_surveyform_not_filed_xlsx", args=[form.pk])
    )
    rows = _rows(xlsx)
    assert rows[0][0] == "机构名称" or rows[0][0]
    assert [r[0] for r in rows[1:]] == [org_b.name]


def test_the_ledger_has_one_row_per_agency_and_units_in_the_headers(
    agency_a, org_a, reviewer, client_for
):
    form = open_form()
    _submit(agency_a, org_a, form, revenue="321.5")
    response = client_for(reviewer).get(reverse("admin:agencies_surveyform_ledger", args=[form.pk]))
    rows = _rows(response)
    headers = rows[0]
    assert "营业收入（万元）" in headers
    assert "服务家庭户数·家政服务（户）" in headers
    assert "日常保洁服务价格（元/小时）" in headers
    assert len(rows) == 2 and rows[1][0] == org_a.name
    assert rows[1][headers.index("营业收入（万元）")] == 321.5
    total = next(
        h for h in headers if h.startswith("服务家庭户数") and "家政服务" not in h and "·" not in h
    )
    assert rows[1][headers.index(total)] == 20  # 10 for each of the agency's two formats
