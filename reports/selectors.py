"""Reads of the reports area: the runs a user may see, and the figures of a year (every
registered section, computed once per request for the page, the API and the files alike)."""

from __future__ import annotations

from django.db.models import QuerySet

from kunqu_jiafu.reporting.registry import ComputedSection, report_for_year

from . import permissions
from .models import ReportRun


def runs_for_user(user) -> QuerySet[ReportRun]:
    allowed, _reason = permissions.can_view(user)
    if not allowed:
        return ReportRun.objects.none()
    return ReportRun.objects.select_related("requested_by")


def run_for_user(user, run_id) -> ReportRun | None:
    return runs_for_user(user).filter(pk=run_id).first()


def figures_for_year(year: int) -> list[ComputedSection]:
    """Every section computed for ``year``, each figure with its value a year before."""
    return report_for_year(year)


def available_years(this_year: int) -> list[int]:
    from .services import FIRST_YEAR

    return list(range(this_year, FIRST_YEAR - 1, -1))
