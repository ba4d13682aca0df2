"""``manage.py check_filings``: the nightly check of employee-system filings, by hand."""

from django.core.management.base import BaseCommand

from agencies.services.filings import filings_check


class Command(BaseCommand):
    help = "检查员工制家政企业备案：期满未续的失效，从业人员不再达标的撤销备案并通知机构。"

    def handle(self, *args, **options):
        done = filings_check()
        self.stdout.write(
            f"已检查 {done['checked']} 份有效备案：失效 {done['lapsed']} 份，"
            f"撤销 {done['withdrawn']} 份。"
        )
