"""Spot checks (抽查核实): a sample drawn with a recorded seed that anyone can redraw.

The plan: "对享受补贴的居民服务业务进行抽查核实"; the issue: "the sample is drawn with a recorded
random seed so anyone can redraw it and get the same sample (a page shows how)"."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections import spotcheck_population as pop
from inspections.models import SpotCheck, SpotCheckItem
from inspections.services.spotchecks import spot_check_draw, spot_check_redraw
from kunqu_jiafu.audit.models import AuditEntry
from subsidies.models import Claim
from tests.inspections.spot_builders import approved_claims, draw_kwargs

pytestmark = pytest.mark.django_db


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(org_a, reviewer):
    """The issue: "the same seed draws the same sample and another seed another"."""
    approved_claims(org_a, 40)
    first = spot_check_draw(actor=reviewer, seed=12345, **draw_kwargs())
    again = spot_check_draw(actor=reviewer, seed=12345, **draw_kwargs())
    other = spot_check_draw(actor=reviewer, seed=54321, **draw_kwargs())

    def sample(check):
        return list(check.items.order_by("position").values_list("claim_id", flat=True))

    assert sample(first) == sample(again)
    assert sample(first) != sample(other)
    assert spot_check_redraw(first) == sample(first)


def test_the_redraw_snippet_algorithm_gives_the_stored_sample(org_a, reviewer):
    """The redraw page's program, run on the recorded ids, prints the stored sample."""
    approved_claims(org_a, 30)
    check = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=7))
    ids = sorted(Claim.objects.values_list("pk", flat=True))
    assert check.population_ids == ids
    printed = []
    program = pop.snippet(check).replace(
        "[int(x) for x in open('population.txt').read().split()]", repr(ids)
    )
    exec(program, {"print": printed.append})  # noqa: S102 - our own snippet
    stored = list(check.items.order_by("position").values_list("claim_id", flat=True))
    assert printed == [stored]
    assert stored == random.Random(check.seed).sample(ids, 7)


def test_a_fresh_seed_is_recorded_when_none_is_given(org_a, reviewer):
    approved_claims(org_a, 10)
    one = spot_check_draw(actor=reviewer, **draw_kwargs())
    two = spot_check_draw(actor=reviewer, **draw_kwargs())
    assert 0 <= one.seed < 2**63 and one.seed != two.seed
    assert SpotCheck.objects.get(pk=one.pk).seed == one.seed


def test_the_rate_rounds_up_and_the_size_is_capped_at_the_population(org_a, reviewer):
    approved_claims(org_a, 21)
    by_rate = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=None, sample_rate="10"))
    assert by_rate.items.count() == 3  # ⌈10% × 21⌉
    assert by_rate.population_size == 21 and by_rate.sample_rate == Decimal("10.00")
    capped = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=500))
    assert capped.items.count() == 21
    positions = list(capped.items.values_list("position", flat=True))
    assert positions == list(range(1, 22))


def test_only_claims_of_the_chosen_types_approved_in_the_period_are_sampled(org_a, reviewer):
    inside = approved_claims(org_a, 3)
    approved_claims(org_a, 2, day=dt.date(2026, 4, 1))  # after the period
    approved_claims(org_a, 2, code="accident_insurance")  # another type
    Claim.objects.filter(pk=inside[0].pk).update(status=Claim.Status.REVOKED)
    check = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=10))
    assert sorted(check.population_ids) == sorted(c.pk for c in inside[1:])
    assert all(item.agency_id == org_a.pk for item in check.items.all())


def test_the_recorded_population_shows_whether_it_changed_since_the_draw(org_a, reviewer):
    claims = approved_claims(org_a, 6)
    check = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=3))
    assert pop.redraw(check).unchanged and pop.redraw(check).matches
    Claim.objects.filter(pk=claims[0].pk).update(status=Claim.Status.REVOKED)
    later = pop.redraw(check)
    assert not later.unchanged and later.population_now == 5
    assert later.matches  # redrawn from the population recorded at the draw


def test_drawing_takes_the_same_queries_for_ten_and_two_hundred_records(org_a, reviewer):
    approved_claims(org_a, 10)
    spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=1))  # the actor's roles cached
    with CaptureQueriesContext(connection) as small:
        spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=10))
    approved_claims(org_a, 190, day=dt.date(2026, 2, 1))
    with CaptureQueriesContext(connection) as large:
        spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=200))
    assert len(small) == len(large)


def test_an_empty_population_is_refused_in_chinese_and_nothing_is_written(org_a, reviewer):
    with pytest.raises(ValidationError) as refused:
        spot_check_draw(actor=reviewer, **draw_kwargs())
    assert "没有可抽取的记录" in " ".join(refused.value.message_dict["population"])
    assert not SpotCheck.objects.exists() and not SpotCheckItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sample_size": None}, "sample_size"),
        ({"sample_size": 3, "sample_rate": "5"}, "sample_rate"),
        ({"sample_size": "三"}, "sample_size"),
        ({"sample_size": 0}, "sample_size"),
        ({"sample_size": None, "sample_rate": "101"}, "sample_rate"),
        ({"sample_size": None, "sample_rate": "abc"}, "sample_rate"),
        ({"seed": "-1"}, "seed"),
        ({"seed": str(2**63)}, "seed"),
        ({"title": " "}, "title"),
        ({"population": "people"}, "population"),
        ({"claim_types": []}, "claim_types"),
        ({"claim_types": ["nonsense"]}, "claim_types"),
        ({"period_end": dt.date(2025, 12, 31)}, "period_end"),
        ({"period_start": "2026-13-01"}, "period_start"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(org_a, reviewer, overrides, field):
    approved_claims(org_a, 5)
    with pytest.raises(ValidationError) as refused:
        spot_check_draw(actor=reviewer, **draw_kwargs(**overrides))
    assert field in refused.value.message_dict
    assert not SpotCheck.objects.exists()


def test_officials_and_agencies_cannot_draw(org_a, official, agency_a):
    approved_claims(org_a, 5)
    for user in (official, agency_a):
        with pytest.raises(PermissionDenied):
            spot_check_draw(actor=user, **draw_kwargs())
    assert not SpotCheck.objects.exists()


def test_the_draw_is_audited_with_its_seed_and_sample(org_a, reviewer):
    approved_claims(org_a, 8)
    check = spot_check_draw(actor=reviewer, seed=7, **draw_kwargs(sample_size=2))
    entry = AuditEntry.objects.for_object(check).get()
    assert entry.action == "inspections.spotcheck.drawn"
    assert entry.after["seed"] == 7 and len(entry.after["sample"]) == 2


def test_the_redraw_page_shows_the_population_in_words_the_seed_and_the_program(
    org_a, reviewer, client_for
):
    """ "a page shows how": the claim types by name, the seed, and the program to run."""
    from django.urls import reverse

    from subsidies.models import ClaimType

    approved_claims(org_a, 5)
    check = spot_check_draw(actor=reviewer, seed=777, **draw_kwargs(sample_size=2))
    page = client_for(reviewer).get(reverse("inspect:spot_check_redraw", args=[check.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    name = ClaimType.objects.filter(code="loan_interest").order_by("-policy_year")[0].name
    assert name in text and "loan_interest" not in text
    assert "random.Random(777).sample(ids, 2)" in text
