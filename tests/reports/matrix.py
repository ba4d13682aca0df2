"""The reports objects of the permission matrix's world (tests/url_matrix.py): one finished
annual report run with both files, asked for by the official."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from kunqu_jiafu.documents.xlsx import table_xlsx
from reports.models import ReportRun


def world_objects(official) -> dict[str, object]:
    run = ReportRun(
        year=timezone.localdate().year - 1,
        requested_by=official,
        status=ReportRun.Status.DONE,
        steps_total=3,
        steps_done=3,
        finished_at=timezone.now(),
    )
    run.pdf.save("r.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    workbook = table_xlsx("统计报表", ["指标"], [["在册机构"]])
    run.xlsx.save("r.xlsx", ContentFile(workbook), save=False)
    run.save()
    return {"report_run": run}


def fingerprint() -> dict[str, object]:
    """What a forbidden request must leave exactly as it was."""
    return {"report_runs": sorted(ReportRun.objects.values_list("pk", "status", "attempts"))}
