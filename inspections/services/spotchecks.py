"""Spot checks of subsidised services (抽查核实): draw a reproducible sample, assign it, record
each record's outcome; a record found false (不属实) is revoked through its owning app.

The sample is ``random.Random(seed).sample(ids, n)`` over the population's record ids in
ascending order; the seed, the ids and their SHA-256 are stored with the spot check, so anyone
can draw the same sample again (inspections.spotcheck_population.redraw and the redraw page)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.documents.sniff import JPEG, PDF, PNG
from subsidies import selectors as subsidy_selectors

from .. import spotcheck_population as pop
from ..models import SpotCheck, SpotCheckItem
from ..models.spotchecks import Population
from ..permissions import can_run_spot_checks

EVIDENCE_TYPES = (PDF, JPEG, PNG)
MAX_SEED = 2**63 - 1


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def _size_or_rate(sample_size, sample_rate) -> tuple[int | None, Decimal | None]:
    if sample_size in (None, "") and sample_rate in (None, ""):
        raise ValidationError(
            {"sample_size": _("Enter a sample size (number of records) or a sample rate (%).")}
        )
    if sample_size not in (None, "") and sample_rate not in (None, ""):
        raise ValidationError(
            {"sample_rate": _("Enter either a sample size or a sample rate, not both.")}
        )
    if sample_size not in (None, ""):
        try:
            size = int(str(sample_size).strip())
        except ValueError:
            size = 0
        if size < 1 or size > 100000:
            raise ValidationError(
                {"sample_size": _("The sample size is a whole number from 1 to 100000.")}
            )
        return size, None
    try:
        rate = Decimal(str(sample_rate).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        rate = Decimal("0")
    if not Decimal("0.01") <= rate <= Decimal("100"):
        raise ValidationError(
            {"sample_rate": _("The sample rate is a percentage from 0.01 to 100, e.g. 5.")}
        )
    return None, rate


def _seed(seed) -> int:
    if seed in (None, ""):
        return secrets.randbits(63)
    try:
        value = int(str(seed).strip())
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise ValidationError(
            {
                "seed": _("The seed is a whole number from 0 to %(max)s, or empty.")
                % {"max": MAX_SEED}
            }
        )
    return value


def _check_choice(
    title: str, population: str, claim_types, period_start, period_end
) -> tuple[str, list[str]]:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title or len(title) > 100:
        errors["title"] = _("Enter a title of at most 100 characters.")
    if population not in Population.values:
        errors["population"] = _("Choose what to sample: claims, vouchers or fee exemptions.")
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date):
        errors["period_start"] = _("Enter the period's first and last day (YYYY-MM-DD).")
    elif period_end < period_start:
        errors["period_end"] = _("The period's last day cannot be before its first day.")
    codes = sorted({str(getattr(t, "code", t)) for t in (claim_types or [])})
    if population == Population.CLAIMS:
        known = set(
            subsidy_selectors.spot_check_claim_types()
            .filter(code__in=codes)
            .values_list("code", flat=True)
        )
        if not codes:
            errors["claim_types"] = _("Choose at least one claim type to sample.")
        elif known != set(codes):
            errors["claim_types"] = _("Unknown claim type: %(codes)s.") % {
                "codes": "、".join(sorted(set(codes) - known))
            }
    else:
        codes = []
    if errors:
        raise ValidationError(errors)
    return title, codes


def spot_check_draw(
    *,
    actor: User,
    title: str,
    population: str,
    claim_types=(),
    period_start: dt.date,
    period_end: dt.date,
    sample_size=None,
    sample_rate=None,
    seed=None,
) -> SpotCheck:
    """Draw the sample and store it with its seed and population (a fixed number of queries)."""
    _require(can_run_spot_checks(actor))
    title, codes = _check_choice(title, population, claim_types, period_start, period_end)
    size, rate = _size_or_rate(sample_size, sample_rate)
    seed = _seed(seed)
    rows = pop.population_rows(population, codes, period_start, period_end)
    if not rows:
        raise ValidationError(
            {
                "population": _(
                    "No records to sample: nothing matches this population in the period. "
                    "Widen the period or choose other claim types."
                )
            }
        )
    ids = [pk for pk, _agency in rows]
    agency_of = dict(rows)
    sample = pop.draw(ids, seed, pop.sample_count(len(ids), size, rate))
    field = pop.RECORD_FIELD[population] + "_id"
    with transaction.atomic():
        spot_check = SpotCheck.objects.create(
            title=title,
            population=population,
            claim_type_codes=codes,
            period_start=period_start,
            period_end=period_end,
            sample_size=size,
            sample_rate=rate,
            seed=seed,
            population_size=len(ids),
            population_ids=ids,
            population_digest=pop.digest(ids),
            created_by=actor,
        )
        SpotCheckItem.objects.bulk_create(
            SpotCheckItem(spot_check=spot_check, position=n, agency_id=agency_of[pk], **{field: pk})
            for n, pk in enumerate(sample, start=1)
        )
        audit.log(
            actor,
            spot_check,
            "inspections.spotcheck.drawn",
            after={
                "population": population,
                "claim_types": codes,
                "period": [period_start, period_end],
                "seed": seed,
                "population_size": len(ids),
                "sample": sample,
            },
        )
    return spot_check


def spot_check_redraw(spot_check: SpotCheck) -> list[int]:
    """The sample drawn again from the recorded population and seed (a pure read)."""
    return pop.redraw(spot_check).redrawn_ids
