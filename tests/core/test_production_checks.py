"""Production settings (DEBUG off) refuse an e-mail back end that does not send: the
residents' and agencies' e-mails would land in the console, a file or memory instead."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from kunqu_jiafu.web.checks import production_email_backend

ROOT = Path(__file__).resolve().parents[2]

NOT_SENDING = [
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
]


@pytest.mark.parametrize("backend", NOT_SENDING)
def test_production_refuses_an_email_backend_that_does_not_send(settings, backend):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend
    errors = production_email_backend(None)
    assert [e.id for e in errors] == ["kunqu_jiafu.E001"]
    assert backend in errors[0].msg
    with pytest.raises(SystemCheckError, match="kunqu_jiafu.E001"):
        call_command("check", "--deploy")


def test_production_accepts_smtp(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert production_email_backend(None) == []


def test_development_may_print_mail_to_the_console(settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert production_email_backend(None) == []


def _deploy_check(tmp_path, **extra) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "s3cret-" * 10,
        "PERSON_ID_KEYS": "ZGV2LW9ubHkta2V5LWt1bnF1LWppYWZ1LTMyYnl0ZXM=",
        "PERSON_ID_HASH_KEY": "h" * 32,
        "AUDIT_HMAC_KEY": "a" * 32,
        "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # A shared cache, as production must have (the public-form limits' own deploy check).
        "CACHE_URL": "redis://127.0.0.1:6379/15",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_fails_with_console_mail_and_passes_with_smtp(tmp_path):
    refused = _deploy_check(tmp_path, EMAIL_URL="consolemail://")
    assert refused.returncode != 0
    assert "kunqu_jiafu.E001" in refused.stderr
    accepted = _deploy_check(tmp_path, EMAIL_URL="smtp+tls://u:p@smtp.example.cn:587")
    assert accepted.returncode == 0, accepted.stderr


def test_ci_gives_the_deploy_check_an_smtp_server_and_compose_no_console_default():
    ci = (ROOT / ".ci" / "run").read_text()
    deploy = ci[ci.index("deploy_check() {") :]
    assert "EMAIL_URL=smtp" in deploy[: deploy.index("\n}\n")]
    assert "consolemail" not in (ROOT / "docker-compose.yml").read_text()
