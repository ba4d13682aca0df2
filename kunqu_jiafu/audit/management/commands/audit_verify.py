from django.core.management.base import BaseCommand, CommandError

from kunqu_jiafu.audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链：证明没有记录被修改或删除。"

    def handle(self, *args, **options):
        report = audit_verify()
        if not report.ok:
            where = f"（记录 #{report.entry_id}）" if report.entry_id else ""
            raise CommandError(
                f"审计日志校验失败{where}：{report.problem}；已校验 {report.checked} 条。"
            )
        self.stdout.write(self.style.SUCCESS(f"审计日志完整：已校验 {report.checked} 条记录。"))
