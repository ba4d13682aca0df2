"""The claim-types API shows what the catalogue shows (issue 9): the figures the plan never
gave with their 待局里确认 state, and an award's yearly settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from subsidies import services
from subsidies.models import AwardPolicy, ParameterFlag
from tests.subsidies.core_builders import claim_type

pytestmark = pytest.mark.django_db


def _row(client, code: str) -> dict:
    rows = client.get("/api/claim-types/?year=2026").json()["results"]
    return next(row for row in rows if row["code"] == code)


def test_flagged_parameters_show_their_value_and_confirmation(client_for, agency_a, approver):
    client = client_for(agency_a)
    flags = {f["name"]: f for f in _row(client, "loan_interest")["parameter_flags"]}
    assert flags["max_annual_rate"]["value"] == "0.24"
    assert flags["max_annual_rate"]["confirmed"] is False
    assert flags["max_annual_rate"]["confirmed_at"] is None
    assert "24%" in flags["max_annual_rate"]["note"]
    assert _row(client, "ui_refund")["parameter_flags"] == []

    flag = ParameterFlag.objects.get(claim_type=claim_type("loan_interest"), name="max_annual_rate")
    services.parameter_confirm(actor=approver, flag=flag)
    confirmed = _row(client, "loan_interest")["parameter_flags"][0]
    assert confirmed["confirmed"] is True and confirmed["confirmed_at"]


def test_an_award_type_carries_the_years_award_settings(client_for, agency_a, approver):
    client = client_for(agency_a)
    assert _row(client, "loan_interest")["award_policy"] is None
    defaults = _row(client, "excellence_award")["award_policy"]
    assert defaults == {
        "year": 2026,
        "awards_per_year": "each_kind",
        "awards_per_year_display": str(AwardPolicy.Limit.EACH_KIND.label),
        "yearly_total": None,
        "basic_pass_counts": False,
    }
    services.award_policy_save(
        actor=approver,
        year=2026,
        data={"awards_per_year": "one", "yearly_total": "150000", "basic_pass_counts": True},
    )
    policy = _row(client, "excellence_award")["award_policy"]
    assert policy["awards_per_year"] == "one"
    assert Decimal(policy["yearly_total"]) == Decimal("150000")
    assert policy["basic_pass_counts"] is True
