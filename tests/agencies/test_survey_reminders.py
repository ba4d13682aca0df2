"""Reminders of the statistical survey: the beat task reminds the registered agencies that
have not filed an open form, at most once in SURVEY_REMINDER_INTERVAL_DAYS; staff's button
sends them now."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agencies import tasks
from agencies.models import SurveyReminder
from agencies.services import survey as survey_services
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from tests import factories
from tests.agencies.survey_helpers import open_form, valid_figures


def test_the_task_is_on_the_beat_schedule():
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "agencies.tasks.remind_survey" in entries


def test_the_task_reminds_those_not_filed_once_per_interval(
    agency_a, agency_b, org_a, org_b, settings, django_capture_on_commit_callbacks
):
    settings.SURVEY_REMINDER_INTERVAL_DAYS = 7
    form = open_form()
    survey_services.survey_return_save(
        actor=agency_a, agency=org_a, form=form, figures=valid_figures(org_a, form), submit=True
    )
    factories.make_agency("申请中家政", status="applying")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_survey.delay().get() == 1
    notes = Notification.objects.filter(title__contains=form.title)
    assert list(notes.values_list("recipient__username", flat=True)) == ["agency_b"]
    assert notes.get().url == reverse("portal:survey", args=[form.year])
    assert [m.to for m in mail.outbox] == [["agency_b@example.cn"]]
    assert AuditEntry.objects.filter(action="agencies.survey.reminded").count() == 1
    # Again the same day: nothing new.
    assert tasks.remind_survey.delay().get() == 0
    assert notes.count() == 1
    # Eight days later, still not filed: reminded again.
    SurveyReminder.objects.update(sent_at=timezone.now() - dt.timedelta(days=8))
    assert tasks.remind_survey.delay().get() == 1
    assert notes.count() == 2


def test_a_closed_form_sends_no_reminders(agency_b, org_b):
    form = open_form()
    form.closes_on = timezone.localdate() - dt.timedelta(days=1)
    form.opens_on = form.closes_on - dt.timedelta(days=30)
    form.save()
    assert tasks.remind_survey.delay().get() == 0
    assert not Notification.objects.exists()


def test_the_admin_button_sends_now_and_only_reviewers_may(
    agency_b, org_b, reviewer, official, client_for
):
    form = open_form()
    url = reverse("admin:agencies_surveyform_remind", args=[form.pk])
    client_for(official).post(url)
    assert not SurveyReminder.objects.exists()
    response = client_for(reviewer).post(url)
    assert response.status_code == 302
    assert SurveyReminder.objects.filter(agency=org_b).count() == 1
    client_for(reviewer).post(url)  # "now" means now, whatever the interval
    assert SurveyReminder.objects.filter(agency=org_b).count() == 2
    entry = AuditEntry.objects.filter(action="agencies.survey.reminded").latest("pk")
    assert entry.actor_id == reviewer.pk
    assert client_for(reviewer).get(url).status_code == 405
