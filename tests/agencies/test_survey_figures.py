"""survey_industry_figures(year): the industry figures from the ACCEPTED returns equal sums
over randomised returns (seeded random), in a constant number of queries."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import selectors, survey_rules, survey_selectors
from agencies.models import BusinessFormat, SurveyReturn
from agencies.services import survey as survey_services
from tests import factories
from tests.agencies.survey_helpers import open_form, valid_figures


def _random_returns(rng: random.Random, form, reviewer, count: int, prefix: str):
    """``count`` agencies with random formats, figures and final statuses; returns the
    figures of the accepted ones by agency."""
    formats = list(BusinessFormat.objects.all())
    accepted = {}
    for index in range(count):
        org = factories.make_agency(f"{prefix}{index}家政服务有限公司")
        org.formats.set(rng.sample(formats, rng.randint(1, 3)))
        user = factories.make_agency_user(f"{prefix}_user{index}", org)
        figures = valid_figures(org, form)
        for key in figures:
            if not key.startswith(
                ("workers_labour", "workers_service", "workers_insured", "new_hires", "hard_to")
            ):
                figures[key] = (
                    str(rng.randint(0, 500))
                    if "price" not in key
                    else f"{rng.randint(20, 90)}.{rng.randint(0, 99):02d}"
                )
        if rng.random() < 0.2:
            figures["price_nanny"] = ""  # optional figures may be left out
        fate = rng.choice(["draft", "submitted", "accepted", "accepted", "returned", "none"])
        if fate == "none":
            continue
        survey_return = survey_services.survey_return_save(
            actor=user, agency=org, form=form, figures=figures, submit=fate != "draft"
        )
        if fate == "accepted":
            survey_services.survey_return_accept(actor=reviewer, survey_return=survey_return)
            accepted[org.pk] = (figures, {f.code: f.pk for f in org.formats.all()})
        elif fate == "returned":
            survey_services.survey_return_send_back(
                actor=reviewer, survey_return=survey_return, reason="请核对"
            )
    return accepted


def test_industry_figures_equal_sums_over_random_accepted_returns(reviewer):
    rng = random.Random(20261208)
    form = open_form()
    accepted = _random_returns(rng, form, reviewer, 18, "随机")
    figures = survey_selectors.survey_industry_figures(form.year)
    by_code = {entry["code"]: entry for entry in figures["indicators"]}
    assert [e["code"] for e in figures["indicators"]] == list(
        form.indicators.order_by("sort_order").values_list("code", flat=True)
    )
    for indicator in form.indicators.all():
        entry = by_code[indicator.code]
        assert entry["unit"] == indicator.unit and entry["label"] == indicator.label
        per_return = []
        per_format = defaultdict(list)
        for typed, format_codes in accepted.values():
            if indicator.by_format:
                parts = {
                    code: Decimal(typed[survey_rules.field_key(indicator.code, code)])
                    for code in format_codes
                }
                per_return.append(sum(parts.values()))
                for code, value in parts.items():
                    per_format[code].append(value)
            elif typed.get(indicator.code):
                per_return.append(Decimal(typed[indicator.code]))
        assert entry["sum"] == sum(per_return, Decimal(0)), indicator.code
        assert entry["returns"] == len(per_return)
        expected_avg = (
            (sum(per_return) / len(per_return)).quantize(Decimal("0.01")) if per_return else None
        )
        assert entry["avg"] == expected_avg, indicator.code
        if indicator.by_format:
            got = {row["code"]: row for row in entry["by_format"]}
            assert set(got) == set(per_format)
            for code, values in per_format.items():
                assert got[code]["sum"] == sum(values)
                assert got[code]["returns"] == len(values)
                assert got[code]["avg"] == (sum(values) / len(values)).quantize(Decimal("0.01"))
        else:
            assert "by_format" not in entry
    counts = figures["returns"]
    assert counts["accepted"] == len(accepted)
    assert counts["accepted"] == SurveyReturn.objects.filter(status="accepted").count()
    assert counts["submitted"] == SurveyReturn.objects.filter(status="submitted").count()
    filed = SurveyReturn.objects.filter(status__in=["submitted", "accepted"]).values("agency_id")
    registered = selectors.registered_agencies()
    assert counts["not_filed"] == registered.exclude(pk__in=filed).count()


def test_industry_figures_take_the_same_queries_at_two_sizes(reviewer):
    form = open_form()
    rng = random.Random(7)
    _random_returns(rng, form, reviewer, 3, "小")
    with CaptureQueriesContext(connection) as small:
        survey_selectors.survey_industry_figures(form.year)
    _random_returns(rng, form, reviewer, 12, "大")
    with CaptureQueriesContext(connection) as large:
        survey_selectors.survey_industry_figures(form.year)
    assert len(small) == len(large) <= 6


def test_a_year_without_a_form_has_no_figures(db):
    assert survey_selectors.survey_industry_figures(1999) == {
        "year": 1999,
        "form": None,
        "returns": {},
        "indicators": [],
    }
