"""Reads of the reports area: the runs a user may see, and the figures of a year (every
registered section, computed once per request for the page, the API and the files alike)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from kunqu_jiafu.reporting.charts import render_svg
from kunqu_jiafu.reporting.registry import ComputedSection, report_for_year, sections

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


# The sections whose first chart the admin home shows, in this order.
DASHBOARD_CHARTS = ("agencies", "training", "vouchers")


def dashboard_charts(year: int) -> list[str]:
    """This year's headline charts for the admin home, as SVG markup: computed at most once
    per ``REPORT_DASHBOARD_CACHE_SECONDS`` (the home page is opened all day; the figures move
    slowly), in the language of the first page that computed them."""
    key = f"reports.dashboard-charts.{year}"
    charts = cache.get(key)
    if charts is None:
        charts = []
        for section in sections.all():
            if section.key in DASHBOARD_CHARTS:
                data = section.compute(year)
                charts += [render_svg(chart, width=520, height=240) for chart in data.charts[:1]]
        cache.set(key, charts, settings.REPORT_DASHBOARD_CACHE_SECONDS)
    return charts


def available_years(this_year: int) -> list[int]:
    from .services import FIRST_YEAR

    return list(range(this_year, FIRST_YEAR - 1, -1))
