from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER

_MODELS = ("course", "enrolment", "trainingsignup", "coursekind", "trainingtarget")


def _perms(*actions: str, models=_MODELS) -> list[str]:
    return [f"training.{action}_{model}" for action in actions for model in models]


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")
    role_permissions = {
        REVIEWER: _perms("view", "add", "change"),
        APPROVER: _perms("view", "add", "change"),
        OFFICIAL: _perms("view"),
        AGENCY_USER: [],
    }

    def ready(self) -> None:
        from kunqu_jiafu.reporting.registry import sections

        from . import report

        sections.register(report.SECTION)

    def purge_expired(self, *, now, dry_run: bool = False) -> list[tuple[str, int]]:
        from .services import signups_purge

        return [(str(_("Training sign-ups")), signups_purge(now=now, dry_run=dry_run))]

    def dashboard_panels(self, request):
        from django.urls import reverse

        from kunqu_jiafu.accounts.roles import is_staff_member
        from kunqu_jiafu.web.formats import percent_of

        from . import selectors

        if not is_staff_member(request.user):
            return []
        figures = selectors.progress()
        target = figures["target"] or 1
        top_kinds = sorted(figures["by_kind"], key=lambda r: -r["people"])[:5]
        top_streets = sorted(figures["by_street"], key=lambda r: -r["people"])[:5]
        return [
            {
                "title": _("Training %(year)s") % {"year": figures["year"]},
                "training": {
                    **figures,
                    "percent": percent_of(figures["trained"], target, places=1, at_most=100),
                    "reached": figures["trained"] >= figures["target"],
                    "top_kinds": [(r["course__kind__name"], r["people"]) for r in top_kinds],
                    "top_streets": [(r["street"] or "—", r["people"]) for r in top_streets],
                    "courses_url": reverse("admin:training_course_changelist"),
                    "enrolments_url": reverse("admin:training_enrolment_changelist")
                    + f"?completed__exact=1&course__policy_year={figures['year']}",
                    "signups_url": reverse("admin:training_trainingsignup_changelist")
                    + "?status__exact=new",
                },
            }
        ]

    def load_demo(self, *, password: str, stdout) -> None:
        from .demo import load

        load(password=password, stdout=stdout)
