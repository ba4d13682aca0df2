from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER

_MODELS = (
    "checklisttemplate",
    "checklistitem",
    "inspectionround",
    "inspection",
    "inspectionscore",
    "rectification",
    "evaluationscheme",
    "evaluationcriterion",
    "performanceevaluation",
    "evaluationscore",
    "spotcheck",
    "spotcheckitem",
    "fieldvisit",
)


def _perms(*actions: str, models=_MODELS) -> list[str]:
    return [f"inspections.{action}_{model}" for action in actions for model in models]


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and evaluation")
    role_permissions = {
        REVIEWER: _perms("view", "add", "change"),
        APPROVER: _perms("view", "add", "change"),
        OFFICIAL: _perms("view"),
        AGENCY_USER: [],
    }

    def ready(self) -> None:
        from kunqu_jiafu.documents.services import register_owner
        from kunqu_jiafu.reporting.registry import sections

        from . import permissions, report
        from .models import FieldVisit, Inspection, Rectification

        # Evidence sent with a rectification's answer: bureau staff and that agency.
        register_owner(Rectification, permissions.can_view_rectification)
        # Photos taken at an inspection are documents owned by it.
        register_owner(Inspection, permissions.can_view_inspection_photo)
        # Field-visit photos: bureau staff only (officials see no files).
        register_owner(FieldVisit, permissions.can_view_visit_photo)
        sections.register(report.SECTION)

    def load_demo(self, *, password: str, stdout) -> None:
        from .demo import load

        load(password=password, stdout=stdout)
