"""The demo has the year's statistical survey in two states, made through the services."""

from io import StringIO

from django.core.management import call_command

from agencies import survey_selectors
from agencies.models import SurveyReturn
from kunqu_jiafu.audit.models import AuditEntry


def test_the_demo_has_an_accepted_and_a_returned_survey_return(db, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", stdout=StringIO())
    statuses = dict(SurveyReturn.objects.values_list("agency__name", "status"))
    assert statuses == {
        "包头市昆区安心家政服务有限公司": "accepted",
        "包头市昆区康寿养老服务中心": "returned",
    }
    assert AuditEntry.objects.filter(action="agencies.survey.accepted").count() == 1
    form = SurveyReturn.objects.first().form
    figures = survey_selectors.survey_industry_figures(form.year)
    assert figures["returns"]["accepted"] == 1 and figures["returns"]["not_filed"] == 1
    call_command("load_demo", stdout=StringIO())  # a second run adds nothing
    assert SurveyReturn.objects.count() == 2
