from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER

_READ_AND_ASK = ["reports.view_reportrun", "reports.request_reportrun"]


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Statistical reports")
    # Officials are the reports' first readers: they see and produce them, as staff do.
    role_permissions = {
        REVIEWER: _READ_AND_ASK,
        APPROVER: _READ_AND_ASK,
        OFFICIAL: _READ_AND_ASK,
        AGENCY_USER: [],
    }

    def dashboard_panels(self, request):
        from django.urls import reverse
        from django.utils import timezone
        from django.utils.safestring import mark_safe

        from . import permissions, selectors

        if not permissions.can_view(request.user)[0]:
            return []
        year = timezone.localdate().year
        return [
            {
                "title": _("Statistical reports"),
                # Our own SVG: every text in it is escaped when drawn (reporting/charts.py).
                "charts": [mark_safe(svg) for svg in selectors.dashboard_charts(year)],
                "links": [
                    (_("This year's figures and the annual report"), "", reverse("reports:index")),
                    (_("Reports produced"), "", reverse("admin:reports_reportrun_changelist")),
                ],
            }
        ]
