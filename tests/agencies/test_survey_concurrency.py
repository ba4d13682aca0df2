"""The statistical survey under concurrency, on PostgreSQL with real threads: one return per
agency and year whatever the timing, and one decision on a submitted return."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from agencies import survey_rules
from agencies.models import SurveyReturn, SurveyValue
from agencies.services import survey as survey_services
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.agencies.survey_helpers import open_form, valid_figures
from tests.concurrency import outcomes, run_together, slowed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
]


def test_two_users_of_one_agency_submitting_at_once_make_one_return(transactional_db, monkeypatch):
    org = factories.make_agency("并发家政服务有限公司")
    users = [factories.make_agency_user(f"survey_user{i}", org) for i in (1, 2)]
    form = open_form()
    figures = valid_figures(org, form)
    slowed(monkeypatch, survey_rules, "check_return")  # both would pass the checks together

    def submit(user):
        return lambda: survey_services.survey_return_save(
            actor=user, agency=org, form=form, figures=figures, submit=True
        )

    oks, errors = outcomes(run_together(*(submit(u) for u in users)))
    assert len(oks) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert SurveyReturn.objects.filter(agency=org, form=form).count() == 1
    survey_return = SurveyReturn.objects.get()
    assert survey_return.status == SurveyReturn.Status.SUBMITTED
    cells = survey_rules.cells(form.indicators.all(), org.formats.all())
    assert SurveyValue.objects.filter(survey_return=survey_return).count() == len(cells)
    assert AuditEntry.objects.filter(action="agencies.survey.submitted").count() == 1


def test_two_drafts_at_once_leave_one_return_with_one_set_of_figures(transactional_db, monkeypatch):
    org = factories.make_agency("并发草稿家政有限公司")
    users = [factories.make_agency_user(f"draft_user{i}", org) for i in (1, 2)]
    form = open_form()
    slowed(monkeypatch, survey_rules, "check_return")

    def save(user, revenue):
        figures = valid_figures(org, form, revenue=revenue)
        return lambda: survey_services.survey_return_save(
            actor=user, agency=org, form=form, figures=figures
        )

    oks, errors = outcomes(run_together(save(users[0], "100"), save(users[1], "200")))
    assert len(oks) == 2 and not errors
    assert SurveyReturn.objects.count() == 1
    revenue = SurveyValue.objects.filter(indicator__code="revenue")
    assert revenue.count() == 1 and revenue.get().value in (100, 200)


def test_accept_and_return_at_once_make_one_decision(transactional_db, monkeypatch):
    from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER

    org = factories.make_agency("并发审核家政有限公司")
    user = factories.make_agency_user("decide_user", org)
    reviewer = factories.make_user("survey_reviewer", REVIEWER)
    approver = factories.make_user("survey_approver", APPROVER)
    form = open_form()
    submitted = survey_services.survey_return_save(
        actor=user, agency=org, form=form, figures=valid_figures(org, form), submit=True
    )
    from agencies import workflow

    slowed(monkeypatch, workflow, "check")
    oks, errors = outcomes(
        run_together(
            lambda: survey_services.survey_return_accept(actor=reviewer, survey_return=submitted),
            lambda: survey_services.survey_return_send_back(
                actor=approver, survey_return=submitted, reason="数据有误"
            ),
        )
    )
    assert len(oks) == 1 and len(errors) == 1
    assert isinstance(errors[0], PermissionDenied)
    decided = AuditEntry.objects.filter(
        action__in=["agencies.survey.accepted", "agencies.survey.returned"]
    )
    assert decided.count() == 1
    assert SurveyReturn.objects.get().status == oks[0].status
