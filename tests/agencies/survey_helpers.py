"""Shared set-up of the statistical survey tests: the seeded 2026 form opened around today,
and a complete, valid set of figures for an agency."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agencies import survey_rules, survey_selectors
from agencies.models import SurveyForm


def open_form(year: int = 2026, *, days: int = 10) -> SurveyForm:
    today = timezone.localdate()
    form = SurveyForm.objects.get(year=year)
    form.opens_on = today - dt.timedelta(days=days)
    form.closes_on = today + dt.timedelta(days=days)
    form.save()
    return form


def valid_figures(agency, form, **overrides) -> dict[str, str]:
    """Every figure filled in; pre-filled ones equal the records (so no explanation needed)."""
    prefilled = survey_selectors.survey_prefill(agency, form)
    cells = survey_rules.cells(
        survey_selectors.survey_indicators(form), agency.formats.order_by("sort_order", "pk")
    )
    figures = {}
    for cell in cells:
        if cell.indicator.prefill:
            figures[cell.key] = str(prefilled[cell.indicator.code])
        elif cell.indicator.unit in ("元/小时",):
            figures[cell.key] = "45.5"
        elif cell.indicator.unit == "元/月":
            figures[cell.key] = "6500"
        else:
            figures[cell.key] = "10"
    figures.update(overrides)
    return figures
