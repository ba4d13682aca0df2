"""The populations a spot check (抽查核实) samples from, read through the owning apps' selectors.

Each population is a list of record ids in ascending order (a stable order anyone can rebuild)
with each record's agency. The sample is ``random.Random(seed).sample(ids, n)``."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from subsidies import selectors as subsidy_selectors
from vouchers import selectors as voucher_selectors

from .models import SpotCheck, SpotCheckItem
from .models.spotchecks import Population

# The item's column that names the sampled record, per population.
RECORD_FIELD = {
    Population.CLAIMS: "claim",
    Population.VOUCHERS: "voucher",
    Population.EXEMPTIONS: "exemption",
}


def population_rows(
    population: str, claim_type_codes: list[str], start: dt.date, end: dt.date
) -> list[tuple[int, int]]:
    """(record id, agency id) of every record in the population, by record id (one query)."""
    if population == Population.CLAIMS:
        qs = subsidy_selectors.claims_decided_between(claim_type_codes, start, end)
        return list(qs.values_list("pk", "agency_id"))
    if population == Population.VOUCHERS:
        qs = voucher_selectors.vouchers_served_between(start, end)
        return list(qs.values_list("pk", "agency_id"))
    qs = subsidy_selectors.exemptions_served_between(start, end)
    return list(qs.values_list("pk", "claim__agency_id"))


def digest(ids: list[int]) -> str:
    """SHA-256 of the ids written in ascending order, comma-separated (e.g. "3,7,12")."""
    return hashlib.sha256(",".join(str(i) for i in ids).encode()).hexdigest()


def sample_count(population_size: int, sample_size: int | None, sample_rate: Decimal | None) -> int:
    """n = the size asked for, or ⌈rate% × population⌉, never more than the population."""
    if sample_size:
        return min(int(sample_size), population_size)
    wanted = math.ceil(Decimal(sample_rate) * population_size / 100)
    return min(max(wanted, 1), population_size)


def draw(ids: list[int], seed: int, n: int) -> list[int]:
    """The sample, in the order drawn: the algorithm the redraw page shows."""
    return random.Random(seed).sample(ids, n)


@dataclass(frozen=True)
class Redraw:
    drawn_ids: list[int]  # the records in the stored sample, by position
    redrawn_ids: list[int]  # the sample drawn again from the recorded population and seed
    population_now: int  # how many records the same query finds today
    unchanged: bool  # today's population is the one recorded (same SHA-256)

    @property
    def matches(self) -> bool:
        return self.drawn_ids == self.redrawn_ids


def redraw(spot_check: SpotCheck) -> Redraw:
    """Draw the sample again (a pure read): from the recorded population with the recorded seed,
    and compare today's population with the recorded one."""
    field = RECORD_FIELD[spot_check.population] + "_id"
    drawn = list(
        SpotCheckItem.objects.filter(spot_check=spot_check)
        .order_by("position")
        .values_list(field, flat=True)
    )
    ids = list(spot_check.population_ids)
    n = sample_count(len(ids), spot_check.sample_size, spot_check.sample_rate)
    now = [
        pk
        for pk, _agency in population_rows(
            spot_check.population,
            spot_check.claim_type_codes,
            spot_check.period_start,
            spot_check.period_end,
        )
    ]
    return Redraw(drawn, draw(ids, spot_check.seed, n), len(now), digest(now) == digest(ids))


def population_in_words(spot_check: SpotCheck) -> str:
    """The population's query in words, for the redraw page."""
    names = {
        "start": date_format(spot_check.period_start),
        "end": date_format(spot_check.period_end),
    }
    if spot_check.population == Population.CLAIMS:
        known = subsidy_selectors.claim_type_names(spot_check.claim_type_codes)
        names["types"] = "、".join(known.get(c, c) for c in spot_check.claim_type_codes)
        return (
            _(
                "Subsidy claims of the types %(types)s that are approved or paid and were approved "
                "between %(start)s and %(end)s (both days included), ordered by claim id."
            )
            % names
        )
    if spot_check.population == Population.VOUCHERS:
        return (
            _(
                "Employment vouchers that are redeemed, verified or reimbursed and whose home "
                "service was between %(start)s and %(end)s (both days included), ordered by "
                "voucher id."
            )
            % names
        )
    return (
        _(
            "Fee exemptions still counted, served between %(start)s and %(end)s (both days "
            "included), whose claim is approved or paid, ordered by exemption id."
        )
        % names
    )


def snippet(spot_check: SpotCheck) -> str:
    """A short Python program that redraws the sample from the recorded ids."""
    n = sample_count(spot_check.population_size, spot_check.sample_size, spot_check.sample_rate)
    return (
        "import random\n"
        "ids = [int(x) for x in open('population.txt').read().split()]  # ascending ids\n"
        f"print(random.Random({spot_check.seed}).sample(ids, {n}))\n"
    )
