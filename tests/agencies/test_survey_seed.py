"""The 2026 survey form is seeded by a data migration that unapplies cleanly (plain deletes,
no deletion collector) and keeps a form that returns were filed on."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from agencies.models import SurveyForm, SurveyIndicator

SEEDED = ("agencies", "0011_statistical_survey_2026")
BEFORE = ("agencies", "0010_statistical_survey")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_the_2026_form_holds_the_indicators_the_plan_asks_for(db):
    form = SurveyForm.objects.get(year=2026)
    codes = set(form.indicators.values_list("code", flat=True))
    assert {
        "revenue",
        "workers_by_format",
        "workers_labour",
        "workers_service",
        "households_served",
        "service_hours",
        "new_hires",
        "hard_to_employ_hired",
        "workers_trained",
        "price_cleaning",
        "price_nanny",
    } <= codes
    units = dict(form.indicators.values_list("code", "unit"))
    assert units["price_cleaning"] == "元/小时" and units["price_nanny"] == "元/月"
    assert set(form.indicators.filter(by_format=True).values_list("code", flat=True)) == {
        "workers_by_format",
        "households_served",
        "service_hours",
    }


def test_the_seed_unapplies_and_applies_again(transactional_db):
    _migrate(BEFORE)
    assert not SurveyForm.objects.filter(year=2026).exists()
    assert not SurveyIndicator.objects.exists()
    _migrate(SEEDED)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    MigrationExecutor(connection).migrate(leaves)
    assert SurveyForm.objects.get(year=2026).indicators.count() == 14
