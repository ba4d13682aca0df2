from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_MODELS = ("agency", "worker", "recognition", "employeesystemfiling")
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
        "业务经办": _perms("view", "change")
        + _perms("add", models=("recognition", "worker"))
        + _perms("view", "change", "add", models=_REFERENCE)
        + ["people.view_person"],
        "审批领导": _perms("view", "change")
        + _perms("view", "change", "add", models=_REFERENCE)
        + ["people.view_person"],
        "统计查询": _perms("view") + _perms("view", models=_REFERENCE) + ["people.view_person"],
        "机构用户": [],
    }

    def ready(self) -> None:
        from kunqu_jiafu.documents.services import register_owner

        from . import permissions
        from .models import Agency

        register_owner(Agency, permissions.can_view_agency)

    def dashboard_panels(self, request):
        from django.urls import reverse

        from kunqu_jiafu.accounts.roles import is_staff_member

        from . import selectors

        if not is_staff_member(request.user):
            return []
        counts = selectors.work_queue_counts()
        return [
            {
                "title": _("Yearly targets"),
                "targets": selectors.yearly_targets(),
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
