"""The annual report's industry section (行业统计调查): the figures the agencies filed in the
year's statistical survey, from ACCEPTED returns only (survey_selectors.survey_industry_
figures, one definition shared with the admin), with how many agencies filed. "掌握家服企业
数据、发展水平和市场趋势". Registered with the report's registry in ``AgenciesConfig.ready``."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kunqu_jiafu.reporting.registry import (
    DECIMAL,
    INTEGER,
    Chart,
    Column,
    Figure,
    Section,
    SectionData,
    Series,
    Table,
)

from .survey_selectors import survey_industry_figures


def _returns_link(year: int, status: str = "") -> str:
    link = reverse("admin:agencies_surveyreturn_changelist") + f"?form__year={year}"
    return link + (f"&status__exact={status}" if status else "")


def _filing_figures(year: int, figures: dict) -> list[Figure]:
    counts = figures["returns"]
    form = figures["form"]
    not_filed_link = reverse("admin:agencies_surveyform_not_filed", args=[form.pk]) if form else ""
    agencies = pgettext("unit", "agencies")
    return [
        Figure(
            "survey.accepted",
            _("Survey returns accepted"),
            counts.get("accepted", 0),
            agencies,
            _(
                "Agencies whose return of the year's survey the bureau accepted; the industry figures below count these only."
            ),
            link=_returns_link(year, "accepted"),
        ),
        Figure(
            "survey.waiting",
            _("Survey returns waiting for review"),
            counts.get("submitted", 0),
            agencies,
            _("Returns submitted and not yet accepted or returned."),
            link=_returns_link(year, "submitted"),
        ),
        Figure(
            "survey.not_filed",
            _("Registered agencies that have not filed"),
            counts.get("not_filed", 0),
            agencies,
            _(
                "Registered agencies without a submitted or accepted return (drafts and returns sent back count as not filed)."
            ),
            target_min=0,
            target_max=0,
            link=not_filed_link,
        ),
    ]


def _kind(indicator: dict) -> str:
    return INTEGER if indicator["kind"] == "integer" else DECIMAL


def _indicator_figure(year: int, item: dict) -> Figure:
    """A total (revenue, workers, hours) sums the returns; a price (元/小时, 元/月) is their
    average: a sum of prices means nothing."""
    if "/" in item["unit"]:
        value = item["avg"] or Decimal(0)
        definition = _(
            "Average over the accepted returns of the year's survey that gave it (%(n)s returns)."
        )
    else:
        value = item["sum"] if _kind(item) == DECIMAL else int(item["sum"])
        definition = _(
            "Sum over the accepted returns of the year's survey (%(n)s returns gave it)."
        )
    return Figure(
        f"survey.{item['code']}",
        item["label"],
        value,
        item["unit"],
        definition % {"n": item["returns"]},
        kind=DECIMAL if "/" in item["unit"] else _kind(item),
        link=_returns_link(year, "accepted"),
    )


def compute(year: int) -> SectionData:
    figures = survey_industry_figures(year)
    indicators = figures["indicators"]
    industry = [_indicator_figure(year, item) for item in indicators]
    table = Table(
        "survey.indicators",
        _("Survey indicators"),
        (
            Column(_("Indicator")),
            Column(_("Unit")),
            Column(_("Returns giving it"), pgettext("unit", "agencies"), INTEGER),
            Column(_("Sum"), "", DECIMAL),
            Column(_("Average per return"), "", DECIMAL),
        ),
        [
            (i["label"], i["unit"], i["returns"], i["sum"], i["avg"] or Decimal(0))
            for i in indicators
        ],
        definition=_(
            "From accepted returns only; the average is the sum divided by the returns giving the figure."
        ),
    )
    by_format_rows = [
        (i["label"], f["name"], i["unit"], f["returns"], f["sum"])
        for i in indicators
        for f in i.get("by_format", [])
    ]
    tables = [table]
    if by_format_rows:
        tables.append(
            Table(
                "survey.by_format",
                _("Survey indicators by business format"),
                (
                    Column(_("Indicator")),
                    Column(_("Business format")),
                    Column(_("Unit")),
                    Column(_("Returns giving it"), pgettext("unit", "agencies"), INTEGER),
                    Column(_("Sum"), "", DECIMAL),
                ),
                by_format_rows,
            )
        )
    counts = figures["returns"]
    chart = Chart(
        "survey.returns",
        _("Survey returns by state"),
        [_("accepted"), _("waiting for review"), _("returned for correction"), _("not filed")],
        [
            Series(
                _("Agencies"),
                [counts.get(k, 0) for k in ("accepted", "submitted", "returned", "not_filed")],
            )
        ],
        unit=pgettext("unit", "agencies"),
        kind="hbar",
    )
    notes = [] if figures["form"] else [_("The bureau has not set up a survey form for this year.")]
    return SectionData(
        figures=[*_filing_figures(year, figures), *industry],
        tables=tables,
        charts=[chart],
        notes=notes,
    )


SECTION = Section(
    key="survey",
    title=gettext_lazy("Industry figures from the yearly statistical survey"),
    order=20,
    compute=compute,
)
