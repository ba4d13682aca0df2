from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER, SYSTEM_ADMIN

_MODELS = ("agency", "worker", "recognition", "employeesystemfiling")
_SURVEY = ("surveyform", "surveyindicator", "surveyreturn")
_REFERENCE = (
    "street",
    "businessformat",
    "agencypolicy",
    "agencystanding",
    "enterprisesizethreshold",
    "recognitionkind",
)


def _perms(*actions: str, models=_MODELS) -> list[str]:
    return [f"agencies.{action}_{model}" for action in actions for model in models]


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies")
    # Model permissions per role; object scoping and workflow rules live in permissions.py.
    role_permissions = {
        REVIEWER: _perms("view", "change")
        + _perms("add", models=("recognition", "worker"))
        + _perms("view", "change", "add", models=_REFERENCE)
        + _perms("view", "change", "add", "delete", models=_SURVEY[:2])
        + _perms("view", "change", models=_SURVEY[2:])
        + ["people.view_person"],
        APPROVER: _perms("view", "change")
        + _perms("view", "change", "add", models=_REFERENCE)
        + _perms("view", "change", "add", "delete", models=_SURVEY[:2])
        + _perms("view", "change", models=_SURVEY[2:])
        + ["people.view_person"],
        OFFICIAL: _perms("view")
        + _perms("view", models=_REFERENCE + _SURVEY)
        + ["people.view_person"],
        AGENCY_USER: [],
        # Lists of names, not business decisions: the system administrator keeps them too.
        SYSTEM_ADMIN: _perms("view", "change", "add", models=("street", "businessformat")),
    }

    def ready(self) -> None:
        from kunqu_jiafu.documents.services import register_owner
        from kunqu_jiafu.reporting.registry import sections
        from kunqu_jiafu.web.portal import register_agency_of_user

        from . import permissions, report, selectors, survey_report
        from .models import Agency

        register_owner(Agency, permissions.can_view_agency)
        register_agency_of_user(selectors.agency_of_user)
        sections.register(report.SECTION)
        sections.register(survey_report.SECTION)

    def dashboard_panels(self, request):
        from django.urls import reverse

        from kunqu_jiafu.accounts.roles import is_staff_member

        from . import figures

        if not is_staff_member(request.user):
            return []
        counts = figures.work_queue_counts()
        return [
            {
                "title": _("Yearly targets"),
                "targets": figures.yearly_targets(),
            },
            {
                "title": _("Waiting for review"),
                "links": [
                    (
                        _("Agency registrations"),
                        counts["applying"],
                        reverse("admin:agencies_agency_changelist") + "?status__exact=applying",
                    ),
                    (
                        _("Employee-system filings"),
                        counts["filings_waiting"],
                        reverse("admin:agencies_employeesystemfiling_changelist")
                        + "?status__exact=submitted",
                    ),
                    (
                        _("Registered agencies"),
                        counts["registered"],
                        reverse("admin:agencies_agency_changelist") + "?status__exact=registered",
                    ),
                ],
            },
        ]

    def load_demo(self, *, password: str, stdout) -> None:
        from .demo import load

        load(password=password, stdout=stdout)
