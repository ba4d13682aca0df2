"""The admin home's statistical reports panel: this year's headline charts (agencies, training,
vouchers) and the links to the officials' page, computed at most once per stated time."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import selectors
from tests.factories import make_agency


def test_the_admin_home_shows_the_headline_charts_and_links(official, client_for):
    make_agency("甲家政服务有限公司", registered_on=timezone.localdate())
    page = client_for(official).get("/admin/").content.decode()
    charts = page.split('data-testid="dashboard-charts"', 1)[1].split("</div></div>", 1)[0]
    assert charts.count("<svg") == 3 == len(selectors.DASHBOARD_CHARTS)
    assert "各街镇机构" in charts  # the agencies section's chart, in Chinese
    assert 'href="/reports/"' in page


def test_the_charts_are_computed_once_per_cache_period(official, settings):
    year = timezone.localdate().year
    first = selectors.dashboard_charts(year)
    make_agency("乙家政服务有限公司", registered_on=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        again = selectors.dashboard_charts(year)
    assert again == first and len(queries) == 0  # within the stated time: the cached charts
    settings.REPORT_DASHBOARD_CACHE_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    assert selectors.dashboard_charts(year) != first  # recomputed: the new agency is drawn
