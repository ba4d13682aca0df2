"""Load demo accounts and data, once and idempotently (``make run`` calls it)."""

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, OFFICIAL, REVIEWER

DEMO_PASSWORD = "Demo@2026"
STAFF = [
    ("reviewer", "赵经办", REVIEWER),
    ("approver", "孙领导", APPROVER),
    ("official", "周统计", OFFICIAL),
]


class Command(BaseCommand):
    help = "加载演示账号与演示数据（可重复执行，不会重复创建）。"

    @transaction.atomic
    def handle(self, *args, **options):
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser(
                "admin", "admin@example.cn", DEMO_PASSWORD, full_name="系统管理员"
            )
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
        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo", None)
            if loader is not None:
                loader(password=DEMO_PASSWORD, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已就绪：账号见 README.md（密码 {DEMO_PASSWORD}）。")
        )
