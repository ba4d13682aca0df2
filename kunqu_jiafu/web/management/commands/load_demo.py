"""Load demo accounts and data, once and idempotently (``make run`` calls it)."""

from io import StringIO

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import (
    APPROVER,
    AUDIT_ADMIN,
    OFFICIAL,
    REVIEWER,
    SECURITY_ADMIN,
    SYSTEM_ADMIN,
)
from kunqu_jiafu.second_factor.demo import DEMO_RECOVERY_CODES, demo_key_text, demo_second_factor

DEMO_PASSWORD = "Demo@2026"
# Demo accounts' names, as the bureau would enter them (data, not interface text).
STAFF = [
    ("reviewer", "赵经办", REVIEWER),
    ("approver", "孙领导", APPROVER),
    ("official", "周统计", OFFICIAL),
    # A second approver: a budget or rate proposed by one is approved by the other.
    ("approver2", "李领导", APPROVER),
    # 三员分立: one account per administration role, none with a business role.
    ("sysadmin", "吴系统", SYSTEM_ADMIN),
    ("secadmin", "郑安全", SECURITY_ADMIN),
    ("auditadmin", "王审计", AUDIT_ADMIN),
]


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _("Load the demo accounts and data (safe to run again: nothing is created twice).")

    def handle(self, *args, **options):
        # The demo's accounts share one published password: never on a production database.
        # There is deliberately no flag to override this.
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "The demo data is only for development: it creates accounts with a published "
                    "password. DEBUG is off (production settings), so nothing was loaded."
                )
            )
        # The apps' loaders write into a buffer that is printed after the transaction has
        # committed, i.e. after the e-mails and documents queued on commit: the summary is
        # the last thing `make run` shows before the server starts.
        summary = StringIO()
        with transaction.atomic():
            self._load(OutputWrapper(summary))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Demo data summary")))
        self.stdout.write(summary.getvalue().rstrip("\n"))
        self.stdout.write(
            _("Site: %(site)s/    Back office: %(site)s/admin/") % {"site": settings.SITE_URL}
        )
        mail_note = _mail_note()
        if mail_note:
            self.stdout.write(mail_note)
        self.stdout.write(
            _(
                "Staff and administrator accounts (%(accounts)s) also ask for a code: add "
                "the key %(key)s (time-based) to an authenticator app, or run `oathtool --totp "
                "-b %(key)s`; or enter a recovery code: %(codes)s (each works once, all given "
                "back by the next load_demo)."
            )
            % {
                "accounts": "、".join(["admin", *(username for username, _n, _r in STAFF)]),
                "key": demo_key_text(),
                "codes": " ".join(DEMO_RECOVERY_CODES),
            }
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("The demo data is ready: the accounts are in README.md (password %(password)s).")
                % {"password": DEMO_PASSWORD}
            )
        )

    def _load(self, out: OutputWrapper) -> None:
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser(
                "admin", "admin@example.cn", DEMO_PASSWORD, full_name="超级管理员（应急）"
            )
        demo_second_factor(User.objects.get(username="admin"))
        for username, full_name, role in STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "email": f"{username}@example.cn",
                    "is_staff": True,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            demo_second_factor(user)
        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo", None)
            if loader is not None:
                loader(password=DEMO_PASSWORD, stdout=out)


def _mail_note() -> str:
    """Where the e-mails of the demo went, so nobody looks for them on the console."""
    if settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
        return _(
            "The e-mails sent during the demo were not printed to the console; each was written "
            "to the folder %(folder)s/."
        ) % {"folder": settings.EMAIL_FILE_PATH}
    return ""
