"""`make run` loads the demo data with `manage.py load_demo`, once and idempotently."""

from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command

from agencies.models import Agency, Worker
from kunqu_jiafu.audit.services import audit_verify
from subsidies.models import Claim, Notice
from training.models import Course, Enrolment
from training.selectors import progress
from vouchers import selectors as voucher_selectors
from vouchers.models import Application, FollowUp, Service, Settlement, TargetGroup, Voucher


def _counts():
    return (
        Agency.objects.count(),
        Worker.objects.count(),
        Claim.objects.count(),
        Notice.objects.count(),
        Course.objects.count(),
        Enrolment.objects.count(),
        TargetGroup.objects.count(),
        Application.objects.count(),
        Voucher.objects.count(),
        Service.objects.count(),
        FollowUp.objects.count(),
        Settlement.objects.count(),
    )


def test_demo_loads_every_account_and_area_and_a_second_run_adds_nothing(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", stdout=StringIO())
    first = _counts()
    assert first[0] == 2 and first[1] == 24
    # Claims: loan interest (paid), station award, accident insurance, fee exemption and the
    # social-insurance draft of a 就业困难人员's three months.
    assert first[2] == 5 and first[3] == 2
    assert first[4] == 2 and first[5] == 42
    for username in ("admin", "reviewer", "approver", "official", "agency_a", "agency_b"):
        assert authenticate(username=username, password="Demo@2026") is not None, username
    assert progress(2026)["trained"] == 26
    assert first[6:] == (5, 60, 40, 22, 19, 2)
    vouchers = voucher_selectors.progress()
    assert vouchers["batch"].year == 2026
    assert (vouchers["issued"], vouchers["voided"]) == (39, 1)
    assert vouchers["issued_amount"] == vouchers["batch"].issued_amount == 39 * 200
    assert (vouchers["redeemed"], vouchers["verified"]) == (22, 15)
    assert vouchers["reimbursed"] > 0 and vouchers["applications"]["waiting"] == 8
    paid = Settlement.objects.get(status=Settlement.Status.PAID)
    assert paid.created_by.username == "reviewer" and paid.paid_by.username == "approver"
    assert Settlement.objects.filter(status=Settlement.Status.ISSUED).count() == 1
    assert paid.month <= Settlement.objects.get(status=Settlement.Status.ISSUED).month
    call_command("load_demo", stdout=StringIO())
    assert _counts() == first
    assert audit_verify().ok
