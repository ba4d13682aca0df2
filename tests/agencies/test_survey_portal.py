"""The agency portal's statistical survey page: pre-filled figures, draft and submission,
errors naming the indicator, the dates, and one agency never seeing another's return."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from agencies.models import SurveyReturn
from agencies.services import survey as survey_services
from tests import factories
from tests.agencies.survey_helpers import open_form, valid_figures

URL = "/portal/survey/2026/"


def test_the_urls_follow_the_portal(db):
    assert reverse("portal:survey", args=[2026]) == URL
    assert reverse("portal:survey_list") == "/portal/survey/"


def test_the_page_shows_the_records_pre_filled(agency_a, org_a, client_for):
    for _ in range(3):
        factories.make_worker(org_a)
    open_form()
    response = client_for(agency_a).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["workers_labour"] == "3"
    html = response.content.decode()
    assert "签订劳动合同的从业人员（人）" in html
    assert "服务家庭户数·家政服务（户）" in html and "服务家庭户数·养老服务（户）" in html
    assert 'data-testid="survey-submit"' in html


def test_save_a_draft_then_submit(agency_a, org_a, client_for):
    form = open_form()
    client = client_for(agency_a)
    response = client.post(URL, {"revenue": "99.5", "save": "1"})
    assert response.status_code == 302
    draft = SurveyReturn.objects.get(agency=org_a)
    assert draft.status == SurveyReturn.Status.DRAFT
    page = client.get(URL)
    assert page.context["form"].initial["revenue"] == "99.5"
    response = client.post(URL, {**valid_figures(org_a, form), "submit": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SurveyReturn.Status.SUBMITTED
    html = client.get(URL).content.decode()
    assert 'data-testid="survey-submit"' not in html  # with the bureau now


def test_a_submission_with_errors_names_the_indicator_and_keeps_nothing(
    agency_a, org_a, client_for
):
    form = open_form()
    figures = valid_figures(org_a, form, revenue="很多", workers_labour="5")
    response = client_for(agency_a).post(URL, {**figures, "submit": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert "“营业收入”" in html
    assert "“签订劳动合同的从业人员”" in html  # 5 against 0 in the records, unexplained
    assert not SurveyReturn.objects.exists()


def test_outside_the_dates_the_page_says_so_and_refuses_a_post(agency_a, org_a, client_for):
    form = open_form()
    today = timezone.localdate()
    form.opens_on, form.closes_on = today - dt.timedelta(days=40), today - dt.timedelta(days=1)
    form.save()
    client = client_for(agency_a)
    html = client.get(URL).content.decode()
    assert 'data-testid="survey-closed"' in html
    assert 'data-testid="survey-submit"' not in html
    response = client.post(URL, {**valid_figures(org_a, form), "submit": "1"})
    assert response.status_code == 302
    assert not SurveyReturn.objects.exists()


def test_a_returned_return_shows_the_reason_and_can_be_resubmitted(
    agency_a, org_a, reviewer, client_for
):
    form = open_form()
    submitted = survey_services.survey_return_save(
        actor=agency_a, agency=org_a, form=form, figures=valid_figures(org_a, form), submit=True
    )
    survey_services.survey_return_send_back(
        actor=reviewer, survey_return=submitted, reason="服务时长明显偏高"
    )
    client = client_for(agency_a)
    html = client.get(URL).content.decode()
    assert "服务时长明显偏高" in html and 'data-testid="survey-submit"' in html
    client.post(URL, {**valid_figures(org_a, form, service_hours__housekeeping="5"), "submit": "1"})
    assert SurveyReturn.objects.get().status == SurveyReturn.Status.SUBMITTED


def test_agency_b_never_sees_agency_a_figures(agency_a, agency_b, org_a, client_for):
    form = open_form()
    survey_services.survey_return_save(
        actor=agency_a,
        agency=org_a,
        form=form,
        figures=valid_figures(org_a, form, revenue="31415.92"),
        submit=True,
    )
    for url in (URL, "/portal/survey/"):
        response = client_for(agency_b).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "31415.92" not in html and org_a.name not in html
    assert client_for(agency_b).get(URL).context["current"] is None
    # B's own submission makes B's return, never touches A's.
    client_for(agency_b).post(URL, {"revenue": "1", "save": "1"})
    assert SurveyReturn.objects.count() == 2
    assert SurveyReturn.objects.get(agency=org_a).status == SurveyReturn.Status.SUBMITTED


def test_a_year_without_a_form_is_not_found(agency_a, client_for):
    assert client_for(agency_a).get("/portal/survey/1999/").status_code == 404


def test_the_list_shows_the_forms_and_the_agency_status(agency_a, org_a, client_for):
    form = open_form()
    survey_services.survey_return_save(
        actor=agency_a, agency=org_a, form=form, figures={"revenue": "1"}
    )
    response = client_for(agency_a).get("/portal/survey/")
    html = response.content.decode()
    assert form.title in html and URL in html
    assert "草稿" in html or "draft" in html


def test_the_overview_asks_for_the_open_survey_until_it_is_submitted(agency_a, org_a, client_for):
    form = open_form()
    client = client_for(agency_a)
    html = client.get("/portal/").content.decode()
    assert 'data-testid="survey-due"' in html and URL in html
    survey_services.survey_return_save(
        actor=agency_a, agency=org_a, form=form, figures=valid_figures(org_a, form), submit=True
    )
    assert 'data-testid="survey-due"' not in client.get("/portal/").content.decode()
