from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER

_MODELS = (
    "targetgroup",
    "voucherbatch",
    "participation",
    "application",
    "voucher",
    "service",
    "followup",
    "settlement",
)


def _perms(*actions: str, models=_MODELS) -> list[str]:
    return [f"vouchers.{action}_{model}" for action in actions for model in models]


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = _("Employment voucher programme")
    role_permissions = {
        REVIEWER: _perms("view", "add", "change"),
        APPROVER: _perms("view", "add", "change"),
        OFFICIAL: _perms("view"),
        AGENCY_USER: [],
    }

    def ready(self) -> None:
        from kunqu_jiafu.documents.services import register_owner
        from kunqu_jiafu.reporting.registry import sections

        from . import ledger_report, report
        from .models import Application

        def evidence_rule(user, application):
            from kunqu_jiafu.accounts.roles import is_staff_member

            if is_staff_member(user):
                return True, ""
            return False, _("Only bureau staff see a household's evidence.")

        register_owner(Application, evidence_rule)
        sections.register(report.SECTION)
        sections.register(ledger_report.SECTION)

    def purge_expired(self, *, now, dry_run: bool = False) -> list[tuple[str, int]]:
        from .services.retention import applications_purge_rejected

        count = applications_purge_rejected(now=now, dry_run=dry_run)
        return [(str(_("Rejected voucher applications")), count)]

    def dashboard_panels(self, request):
        from django.urls import reverse

        from kunqu_jiafu.accounts.roles import is_staff_member

        from . import selectors
        from .admin.progress import progress_context

        if not is_staff_member(request.user):
            return []
        batch = selectors.current_batch()
        if batch is None:
            return []
        figures = progress_context(batch)  # the same figures and texts as the progress page
        return [
            {
                "title": _("Employment vouchers: %(batch)s") % {"batch": figures["batch"]},
                "vouchers": {
                    **figures,
                    "top_groups": sorted(figures["by_group"], key=lambda r: -r["issued"])[:5],
                    "top_streets": sorted(figures["by_street"], key=lambda r: -r["issued"])[:5],
                    "applications_url": reverse("admin:vouchers_application_changelist")
                    + "?status__exact=submitted",
                    "vouchers_url": reverse("admin:vouchers_voucher_changelist"),
                    "verify_url": reverse("admin:vouchers_voucher_changelist")
                    + "?status__exact=redeemed",
                    "progress_url": reverse("admin:vouchers_progress") + f"?batch={batch.pk}",
                },
            }
        ]

    def fund_ledger_sections(self, year: int) -> list[dict]:
        """The voucher settlement ledger on the 资金台账 page (subsidies' admin) and in its XLSX:
        the page reads it through this hook, never by importing this app."""
        from .ledger import settlement_ledger, settlement_ledger_sheets

        ledger = settlement_ledger(year)
        return [
            {
                "title": _("Voucher settlements against the batch"),
                "template": "admin/vouchers/_settlement_ledger.html",
                "ledger": ledger,
                "sheets": settlement_ledger_sheets(ledger),
                "definitions": ledger["definitions"],
            }
        ]

    def load_demo(self, *, password: str, stdout) -> None:
        from .demo import load

        load(password=password, stdout=stdout)
