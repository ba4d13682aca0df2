"""The statistical survey's service: checks naming the indicator, the tolerance
explanation, the dates, and the draft → submit → return → resubmit → accept path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agencies.models import SurveyReturn, SurveyValue
from agencies.services import survey as survey_services
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from tests import factories
from tests.agencies.survey_helpers import open_form, valid_figures


def _save(user, agency, form, figures, explanations=None, submit=False):
    return survey_services.survey_return_save(
        actor=user,
        agency=agency,
        form=form,
        figures=figures,
        explanations=explanations or {},
        submit=submit,
    )


def _errors(exc) -> dict[str, str]:
    return {key: " ".join(messages) for key, messages in exc.value.message_dict.items()}


def test_a_draft_may_be_incomplete_but_a_submission_names_each_missing_figure(agency_a, org_a):
    form = open_form()
    draft = _save(agency_a, org_a, form, {"revenue": "120.5"})
    assert draft.status == SurveyReturn.Status.DRAFT
    assert SurveyValue.objects.get(survey_return=draft, indicator__code="revenue").value == 120.5
    with pytest.raises(ValidationError) as exc:
        _save(agency_a, org_a, form, {"revenue": "120.5"}, submit=True)
    errors = _errors(exc)
    assert "households_served__housekeeping" in errors
    assert "服务家庭户数·家政服务" in errors["households_served__housekeeping"]
    assert "price_cleaning" not in errors  # optional
    assert SurveyReturn.objects.get(pk=draft.pk).status == SurveyReturn.Status.DRAFT


@pytest.mark.parametrize(
    ("key", "typed", "words"),
    [
        ("revenue", "一百", "营业收入"),
        ("new_hires", "2.5", "whole number"),
        ("revenue", "-3", "at least 0"),
        ("price_cleaning", "1200", "at most 1000"),
        ("revenue", "1.234", "two decimals"),
    ],
)
def test_a_bad_figure_is_refused_with_the_indicator_named(agency_a, org_a, key, typed, words):
    form = open_form()
    with pytest.raises(ValidationError) as exc:
        _save(agency_a, org_a, form, valid_figures(org_a, form, **{key: typed}), submit=True)
    errors = _errors(exc)
    assert list(errors) == [key]
    label = form.indicators.get(code=key).label
    assert label in errors[key]
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(ValidationError) as english:
            _save(agency_a, org_a, form, valid_figures(org_a, form, **{key: typed}), submit=True)
    assert words in " ".join(english.value.messages) or words in label
    assert not SurveyReturn.objects.exists()


def test_full_width_digits_and_thousands_separators_are_read(agency_a, org_a):
    form = open_form()
    survey_return = _save(agency_a, org_a, form, valid_figures(org_a, form, revenue="１,２３４.５"))
    assert (
        SurveyValue.objects.get(survey_return=survey_return, indicator__code="revenue").value
        == 1234.5
    )


def test_a_difference_beyond_the_tolerance_needs_an_explanation(agency_a, org_a):
    for _ in range(10):
        factories.make_worker(org_a)
    form = open_form()
    figures = valid_figures(org_a, form)
    assert figures["workers_labour"] == "10"
    # 11 is within 10 % of 10: no explanation needed.
    _save(agency_a, org_a, form, {**figures, "workers_labour": "11"})
    with pytest.raises(ValidationError) as exc:
        _save(agency_a, org_a, form, {**figures, "workers_labour": "12"}, submit=True)
    errors = _errors(exc)
    assert list(errors) == ["workers_labour__why"]
    assert "签订劳动合同的从业人员" in errors["workers_labour__why"]
    explained = _save(
        agency_a,
        org_a,
        form,
        {**figures, "workers_labour": "12"},
        {"workers_labour__why": "两人于年末签约，系统尚未录入"},
        submit=True,
    )
    value = SurveyValue.objects.get(survey_return=explained, indicator__code="workers_labour")
    assert (value.value, value.prefilled) == (12, 10)
    assert value.explanation == "两人于年末签约，系统尚未录入"


def test_a_pre_filled_zero_needs_an_explanation_for_any_figure(agency_a, org_a):
    form = open_form()
    with pytest.raises(ValidationError) as exc:
        _save(agency_a, org_a, form, valid_figures(org_a, form, new_hires="1"), submit=True)
    assert "new_hires__why" in _errors(exc)


def test_prefill_counts_the_agency_records_at_the_year_end(org_a, org_b):
    from agencies.survey_selectors import survey_prefill

    form = open_form()
    factories.make_worker(org_a, hired_on=dt.date(2026, 2, 1), is_hard_to_employ=True)
    factories.make_worker(
        org_a, contract_kind="service", social_insurance=False, insured_since=None
    )
    factories.make_worker(org_a, left_on=dt.date(2025, 6, 1))
    factories.make_worker(org_b)
    figures = survey_prefill(org_a, form)
    assert figures["workers_labour"] == 1
    assert figures["workers_service"] == 1
    assert figures["workers_insured"] == 1
    assert figures["new_hires"] == 1
    assert figures["hard_to_employ_hired"] == 1


def test_outside_the_dates_nothing_is_saved_and_the_message_says_when(agency_a, org_a):
    form = open_form()
    today = timezone.localdate()
    form.opens_on, form.closes_on = today + dt.timedelta(days=1), today + dt.timedelta(days=30)
    form.save()
    with pytest.raises(ValidationError) as exc:
        _save(agency_a, org_a, form, valid_figures(org_a, form))
    assert str(form.opens_on) in " ".join(exc.value.messages)
    form.opens_on, form.closes_on = today - dt.timedelta(days=30), today - dt.timedelta(days=1)
    form.save()
    with pytest.raises(ValidationError) as exc:
        _save(agency_a, org_a, form, valid_figures(org_a, form))
    assert str(form.closes_on) in " ".join(exc.value.messages)
    assert not SurveyReturn.objects.exists()


def test_submit_return_resubmit_accept_is_notified_and_audited(agency_a, org_a, reviewer):
    form = open_form()
    submitted = _save(agency_a, org_a, form, valid_figures(org_a, form), submit=True)
    assert submitted.status == SurveyReturn.Status.SUBMITTED
    assert Notification.objects.filter(recipient=reviewer, title__contains=org_a.name).exists()
    with pytest.raises(ValidationError):  # with the bureau: not editable
        _save(agency_a, org_a, form, valid_figures(org_a, form))
    with pytest.raises(ValidationError) as exc:  # a return needs a reason
        survey_services.survey_return_send_back(actor=reviewer, survey_return=submitted, reason="")
    assert "reason" in exc.value.message_dict
    returned = survey_services.survey_return_send_back(
        actor=reviewer, survey_return=submitted, reason="营业收入与纳税申报不符"
    )
    assert returned.status == SurveyReturn.Status.RETURNED
    note = Notification.objects.filter(recipient=agency_a).latest("pk")
    assert "营业收入与纳税申报不符" in note.body and note.url == "/portal/survey/2026/"
    resubmitted = _save(
        agency_a, org_a, form, valid_figures(org_a, form, revenue="88"), submit=True
    )
    assert resubmitted.pk == submitted.pk and resubmitted.status == SurveyReturn.Status.SUBMITTED
    accepted = survey_services.survey_return_accept(actor=reviewer, survey_return=resubmitted)
    assert accepted.status == SurveyReturn.Status.ACCEPTED
    actions = list(
        AuditEntry.objects.filter(
            object_id=str(submitted.pk), action__startswith="agencies.survey."
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "agencies.survey.submitted",
        "agencies.survey.returned",
        "agencies.survey.resubmitted",
        "agencies.survey.accepted",
    ]


def test_agency_b_cannot_decide_nor_fill_in_for_agency_a(agency_a, agency_b, org_a, official):
    form = open_form()
    submitted = _save(agency_a, org_a, form, valid_figures(org_a, form), submit=True)
    for actor in (agency_b, agency_a, official):
        with pytest.raises(PermissionDenied):
            survey_services.survey_return_accept(actor=actor, survey_return=submitted)
    with pytest.raises(PermissionDenied):
        _save(agency_b, org_a, form, valid_figures(org_a, form))
    assert SurveyReturn.objects.get().status == SurveyReturn.Status.SUBMITTED


def test_only_registered_agencies_fill_in_the_survey(db):
    applying = factories.make_agency("申请中家政", status="applying")
    user = factories.make_agency_user("applying_user", applying)
    form = open_form()
    with pytest.raises(PermissionDenied):
        _save(user, applying, form, valid_figures(applying, form))
