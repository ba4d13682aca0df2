"""`make run` loads the demo data with `manage.py load_demo`, once and idempotently."""

from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command

from agencies.models import Agency, Worker
from kunqu_jiafu.audit.services import audit_verify
from subsidies.models import Claim, Notice
from training.models import Course, Enrolment
from training.selectors import progress


def _counts():
    return (
        Agency.objects.count(),
        Worker.objects.count(),
        Claim.objects.count(),
        Notice.objects.count(),
        Course.objects.count(),
        Enrolment.objects.count(),
    )


def test_demo_loads_every_account_and_area_and_a_second_run_adds_nothing(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", stdout=StringIO())
    first = _counts()
    assert first[0] == 2 and first[1] == 24
    assert first[2] == 4 and first[3] == 2
    assert first[4] == 2 and first[5] == 42
    for username in ("admin", "reviewer", "approver", "official", "agency_a", "agency_b"):
        assert authenticate(username=username, password="Demo@2026") is not None, username
    assert progress(2026)["trained"] == 26
    call_command("load_demo", stdout=StringIO())
    assert _counts() == first
    assert audit_verify().ok
