"""The annual report's industry section (行业统计调查) shows the survey's accepted figures:
totals as sums, prices as averages, the filing counts, and only what was accepted."""

from __future__ import annotations

import random
from decimal import Decimal

from agencies import survey_selectors
from kunqu_jiafu.reporting.registry import section_for_year, sections
from tests.agencies.survey_helpers import open_form
from tests.agencies.test_survey_figures import _random_returns


def test_the_section_shows_the_accepted_figures_sums_and_average_prices(reviewer, client_for):
    form = open_form()
    accepted = _random_returns(random.Random(7), form, reviewer, 10, "报表")
    computed = section_for_year(sections.get("survey"), form.year)
    figures = {f.key: f for f in computed.data.figures}
    survey = survey_selectors.survey_industry_figures(form.year)

    assert figures["survey.accepted"].value == len(accepted) == survey["returns"]["accepted"]
    assert figures["survey.not_filed"].value == survey["returns"]["not_filed"]
    revenue = sum(Decimal(typed["revenue"]) for typed, _formats in accepted.values())
    assert figures["survey.revenue"].value == revenue
    prices = [Decimal(t["price_cleaning"]) for t, _f in accepted.values() if t["price_cleaning"]]
    assert figures["survey.price_cleaning"].value == (
        (sum(prices) / len(prices)).quantize(Decimal("0.01"))
    )
    assert figures["survey.revenue"].previous is None  # no form the year before: "—"
    # The links list the records behind the figures.
    client = client_for(reviewer)
    for key in ("survey.accepted", "survey.not_filed", "survey.revenue"):
        assert client.get(figures[key].link).status_code == 200, key


def test_a_year_without_a_form_says_so(db):
    computed = section_for_year(sections.get("survey"), 2020)
    assert computed.data.notes and not computed.data.tables[0].rows
    assert {f.key for f in computed.data.figures} == {
        "survey.accepted",
        "survey.waiting",
        "survey.not_filed",
    }
