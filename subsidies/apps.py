from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER

_MODELS = (
    "claim",
    "claimtype",
    "specialfund",
    "notice",
    "claimattachment",
    "claimsubject",
    "awardpolicy",
    "parameterflag",
    "exemptionservicekind",
    "feeexemption",
    "settingchange",
)
_BUREAU_KEPT = ("parameterflag", "exemptionservicekind")
# Budgets and rates: set by the approvers (never by 业务经办, who review the claims), each
# change a proposal that a second approver approves (services/changes.py).
_BUDGETS_AND_RATES = ("claimtype", "specialfund", "awardpolicy", "settingchange")


def _perms(*actions: str, models=_MODELS) -> list[str]:
    return [f"subsidies.{action}_{model}" for action in actions for model in models]


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidy claims")
    role_permissions = {
        REVIEWER: _perms("view")
        + ["subsidies.change_claim"]
        + _perms("add", "change", models=_BUREAU_KEPT),
        APPROVER: _perms("view")
        + ["subsidies.change_claim"]
        + _perms("add", "change", models=_BUREAU_KEPT + _BUDGETS_AND_RATES),
        OFFICIAL: _perms("view"),
        AGENCY_USER: [],
    }

    def ready(self) -> None:
        from kunqu_jiafu.documents.services import register_owner
        from kunqu_jiafu.reporting.registry import sections

        from . import ledger_report, permissions, report
        from .models import Claim

        register_owner(Claim, permissions.can_view_claim)
        sections.register(report.SECTION)
        sections.register(ledger_report.SECTION)

    def dashboard_panels(self, request):
        from django.urls import reverse

        from kunqu_jiafu.accounts.roles import is_staff_member

        from . import selectors

        if not is_staff_member(request.user):
            return []
        from django.utils import timezone

        counts = selectors.review_queue_counts()
        year = timezone.localdate().year
        fund = selectors.fund_summary(year)
        changelist = reverse("admin:subsidies_claim_changelist")
        return [
            {
                "title": _("Subsidy claims"),
                "links": [
                    (
                        _("Waiting for first review"),
                        counts["submitted"],
                        changelist + "?status__exact=submitted",
                    ),
                    (
                        _("Waiting for approval"),
                        counts["first_passed"],
                        changelist + "?status__exact=first_passed",
                    ),
                    (
                        _("Approved, not yet paid"),
                        counts["approved"],
                        changelist + "?status__exact=approved",
                    ),
                    *self._failed_notice_links(selectors),
                    (
                        _("Fund ledger: items that do not reconcile"),
                        len(selectors.fund_exceptions(year)),
                        reverse("admin:subsidies_fund_ledger") + f"?year={year}",
                    ),
                ],
                "fund": fund,
                "fund_text": {key: f"{value:,.2f}" for key, value in fund.items()},
                "fund_year": year,
                "fund_url": reverse("admin:subsidies_specialfund_changelist")
                + f"?year__exact={year}",
            },
        ]

    @staticmethod
    def _failed_notice_links(selectors) -> list[tuple]:
        """A notice whose PDF failed is shown on the dashboard until it is regenerated."""
        from django.urls import reverse

        failed = selectors.notices_failed_count()
        if not failed:
            return []
        url = reverse("admin:subsidies_notice_changelist") + "?pdf=failed"
        return [(_("Notices whose PDF failed, to regenerate"), failed, url)]

    def load_demo(self, *, password: str, stdout) -> None:
        from .demo import load

        load(password=password, stdout=stdout)
