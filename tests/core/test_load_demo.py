"""`make run` loads the demo data with `manage.py load_demo`, once and idempotently."""

import subprocess
import sys
from base64 import b32decode
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, Worker
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.audit.services import audit_verify
from kunqu_jiafu.second_factor.demo import DEMO_RECOVERY_CODES, demo_key_text
from subsidies.models import Claim, Notice
from tests import factories
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
    settings.DEBUG = True  # the demo loads only in development
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
    _demo_staff_pass_the_second_factor_with_the_published_key_and_codes()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == first
    assert audit_verify().ok
    # The summary says how to pass the second factor; the used recovery code is back.
    assert demo_key_text() in out.getvalue() and DEMO_RECOVERY_CODES[0] in out.getvalue()
    assert StaticToken.objects.filter(device__user__username="reviewer").count() == 10


def _demo_staff_pass_the_second_factor_with_the_published_key_and_codes():
    for username in ("admin", "reviewer", "approver", "official"):
        user = User.objects.get(username=username)
        client = Client()
        factories.login_password_only(client, user)
        assert client.get("/admin/")["Location"].startswith("/accounts/second-factor/?")
        code = DEMO_RECOVERY_CODES[0]
        if username == "reviewer":  # the published key, as an authenticator app would use it
            device = TOTPDevice.objects.get(user=user)
            assert b32decode(demo_key_text()) == device.bin_key
            code = factories.totp_code(device)
        assert client.post("/accounts/second-factor/", {"otp_token": code}).status_code == 302
        assert client.get("/admin/").status_code == 200


def test_demo_refuses_to_load_with_debug_off_and_creates_nothing(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="演示数据仅用于开发"):
        call_command("load_demo", stdout=StringIO())
    assert _counts()[:2] == (0, 0)
    assert not User.objects.filter(username="admin").exists()


def test_manage_py_load_demo_exits_non_zero_under_production_settings(settings, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 60,
        "PERSON_ID_KEYS": "ZGV2LW9ubHkta2V5LWt1bnF1LWppYWZ1LTMyYnl0ZXM=",
        "PERSON_ID_HASH_KEY": "k" * 32,
        "AUDIT_HMAC_KEY": "a" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}",
        "EMAIL_URL": "smtp://mail.example.cn:25",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "演示数据仅用于开发" in done.stderr
    assert "演示数据已就绪" not in done.stdout
