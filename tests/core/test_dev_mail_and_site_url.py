"""`make run` keeps its console readable: e-mails in development go to files under var/mail/,
the demo summary is printed last, and links use the configured site address (SITE_URL),
which `make run` sets to http://$(HOST):$(PORT).

Issue 9: "`make run` buries the demo summary under hundreds of lines of console e-mails whose
links say port 8000 whatever the port: e-mails in development go to files under `var/`, the
summary comes last, links use the configured site address."
"""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from kunqu_jiafu.notifications.delivery import notification_send_emails
from kunqu_jiafu.notifications.models import Notification

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_a_fresh_process(**env) -> dict[str, str]:
    """Import the settings module with exactly these variables set (and no .env effect for them)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("EMAIL_URL", "EMAIL_HOST", "SITE_URL", "PORTAL_BASE_URL", "EMAIL_FILE_PATH")
    }
    # read_env(overwrite=False) never overrides what is set: set the unset ones to "".
    clean.update({"EMAIL_URL": "", "EMAIL_HOST": "", "DJANGO_DEBUG": "true", **env})
    code = (
        "import kunqu_jiafu.settings as s;"
        "print(s.EMAIL_BACKEND);print(s.EMAIL_FILE_PATH);print(s.SITE_URL);print(s.PORTAL_BASE_URL)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return dict(zip(("backend", "path", "site", "portal"), out, strict=False))


def test_without_email_url_mails_are_written_to_files_under_var_mail():
    got = _settings_in_a_fresh_process()
    assert got["backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(got["path"]) == ROOT / "var" / "mail"


def test_an_email_url_still_selects_smtp():
    got = _settings_in_a_fresh_process(EMAIL_URL="smtp://mail.example.cn:25")
    assert got["backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_an_email_host_alone_selects_smtp():
    got = _settings_in_a_fresh_process(EMAIL_HOST="mail.example.cn")
    assert got["backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_site_url_is_read_from_the_environment_and_the_old_name_still_works():
    got = _settings_in_a_fresh_process(SITE_URL="http://127.0.0.1:18123/")
    assert got["site"] == got["portal"] == "http://127.0.0.1:18123"
    got = _settings_in_a_fresh_process(PORTAL_BASE_URL="https://jiafu.example.cn")
    assert got["site"] == "https://jiafu.example.cn"


def test_make_run_passes_the_host_and_port_as_the_site_address():
    out = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=18123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = out.splitlines()
    load = next(line for line in lines if "load_demo" in line)
    serve = next(line for line in lines if "runserver" in line)
    assert "SITE_URL='http://127.0.0.1:18123'" in load
    assert "SITE_URL='http://127.0.0.1:18123'" in serve and "127.0.0.1:18123" in serve
    # load_demo comes after every other step but the server, so its summary is last
    assert lines.index(load) == len(lines) - 2


@pytest.mark.django_db
def test_email_links_use_the_configured_site_address(settings, agency_a):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://127.0.0.1:18123"
    note = Notification.objects.create(
        recipient=agency_a, title="测试通知", body="正文", url="/portal/"
    )
    assert notification_send_emails([note.pk]) == 1
    assert "http://127.0.0.1:18123/portal/" in mail.outbox[0].body
    assert "8000" not in mail.outbox[0].body


@pytest.mark.django_db
def test_file_backend_writes_each_mail_under_the_mail_folder(settings, agency_a, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    note = Notification.objects.create(recipient=agency_a, title="测试通知", body="正文", url="")
    notification_send_emails([note.pk])
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 1
    assert "Subject:" in files[0].read_text()


@pytest.mark.django_db(transaction=True)
def test_load_demo_prints_its_summary_last_after_the_mails_of_the_demo(settings, capsys):
    # With console e-mails (what the demo used to do) both go to one stream: every e-mail
    # comes before the summary, because the summary waits until the data has committed and
    # the e-mails queued on commit have been sent.
    settings.DEBUG = True  # the demo loads only in development
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.SITE_URL = "http://127.0.0.1:18123"
    call_command("load_demo")
    console = capsys.readouterr().out
    lines = [line for line in console.splitlines() if line.strip()]
    head = next(n for n, line in enumerate(lines) if "演示数据摘要" in line)
    summary = lines[head:]
    assert summary[-1].startswith("演示数据已就绪")
    assert any("演示就业券" in line for line in summary)
    assert any("http://127.0.0.1:18123/admin/" in line for line in summary)
    assert not any(line.startswith("Subject:") for line in summary)
    assert any(line.startswith("Subject:") for line in lines[:head])  # the demo does send mail
    assert ":8000" not in console


@pytest.mark.django_db
def test_load_demo_says_where_the_mails_went(settings, tmp_path):
    settings.DEBUG = True  # the demo loads only in development
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert f"{tmp_path / 'mail'}/" in out.getvalue()
