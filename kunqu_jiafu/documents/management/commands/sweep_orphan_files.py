"""``manage.py sweep_orphan_files``: delete uploads left behind by rolled-back transactions."""

from django.core.management.base import BaseCommand

from kunqu_jiafu.documents.services import sweep_orphan_files


class Command(BaseCommand):
    help = "删除没有记录对应的上传文件（事务回滚后留下的），默认只处理 24 小时以前的文件。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=24, metavar="HOURS", help="只处理早于此小时数的文件。"
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除。")

    def handle(self, *args, older_than=24, dry_run=False, **options):
        orphans = sweep_orphan_files(older_than_hours=older_than, dry_run=dry_run)
        for path in orphans:
            self.stdout.write(path)
        verb = "发现" if dry_run else "已删除"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} 个无记录的上传文件。"))
