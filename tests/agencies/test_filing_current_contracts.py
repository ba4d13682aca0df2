import datetime as dt

from agencies import selectors
from tests import factories


def test_filing_figures_ignore_contracts_that_ended_before_today(org_a):
    today = dt.date.today()
    factories.make_worker(org_a)  # two-year labour contract running
    factories.make_worker(
        org_a,
        contract_start=today - dt.timedelta(days=800),
        contract_end=today - dt.timedelta(days=1),
    )
    figures = selectors.filing_figures_for(org_a)
    assert figures.total_workers == 2
    assert figures.contracted_workers == 1
    assert figures.qualifying_workers == 1
