"""Hand-written SQL for the annual report's headline figures, the baseline of
``bench_report.py``: the figures a person would write by hand against the tables, for the
year and the year before (the report computes both, to show the change), in six queries.

``headline(year)`` answers ``{figure key: (value, value a year before)}`` under the report's
own figure keys (``agencies.new``, ``vouchers.issued_amount``, ``survey.revenue``...), and
``subsidies.by_type.<code>.<column>`` for the claims by claim type, so the bench can check the
two give the same numbers before it times them."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection


def _tables() -> dict[str, str]:
    from agencies.models import Agency, SurveyForm, SurveyIndicator, SurveyReturn, SurveyValue
    from subsidies.models import Claim, ClaimType
    from training.models import Course, CourseKind, Enrolment
    from vouchers.models import Voucher, VoucherBatch

    models = {
        "agency": Agency,
        "form": SurveyForm,
        "indicator": SurveyIndicator,
        "return": SurveyReturn,
        "value": SurveyValue,
        "claim": Claim,
        "claimtype": ClaimType,
        "course": Course,
        "kind": CourseKind,
        "enrolment": Enrolment,
        "voucher": Voucher,
        "batch": VoucherBatch,
    }
    return {name: model._meta.db_table for name, model in models.items()}


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _span(year: int) -> list[str]:
    return [f"{year}-01-01", f"{year}-12-31"]


def agencies(t: dict, year: int) -> dict:
    sql = f"""
        SELECT
          count(*) FILTER (WHERE status IN ('registered', 'suspended') AND registered_on <= %s),
          count(*) FILTER (WHERE registered_on BETWEEN %s AND %s),
          count(*) FILTER (WHERE status IN ('registered', 'suspended') AND registered_on <= %s),
          count(*) FILTER (WHERE registered_on BETWEEN %s AND %s)
        FROM {t["agency"]}"""
    now, before = _span(year), _span(year - 1)
    row = _rows(sql, [now[1], *now, before[1], *before])[0]
    return {"agencies.holding": (row[0], row[2]), "agencies.new": (row[1], row[3])}


def training(t: dict, year: int) -> dict:
    done = "e.completed AND e.completed_on BETWEEN %s AND %s"
    columns = f"""
          count(DISTINCT e.person_id) FILTER (WHERE {done} AND NOT k.is_manager_training),
          count(DISTINCT e.person_id) FILTER (WHERE {done} AND k.is_manager_training),
          count(*) FILTER (WHERE {done}),
          count(*) FILTER (WHERE {done} AND e.certificate_number <> ''),
          count(*) FILTER (WHERE c.policy_year = %s)"""
    sql = f"""
        SELECT {columns}, {columns}
        FROM {t["enrolment"]} e
        JOIN {t["course"]} c ON c.id = e.course_id
        JOIN {t["kind"]} k ON k.id = c.kind_id
        WHERE (e.completed AND e.completed_on BETWEEN %s AND %s) OR c.policy_year IN (%s, %s)"""
    params = []
    for y in (year, year - 1):
        params += [*_span(y)] * 4 + [y]
    row = _rows(sql, [*params, _span(year - 1)[0], _span(year)[1], year, year - 1])[0]
    keys = ("people", "managers", "completions", "certificates", "enrolments")
    return {f"training.{key}": (row[i], row[i + 5]) for i, key in enumerate(keys)}


STAGES = {
    "issued": "v.status <> 'voided'",
    "redeemed": "v.status IN ('redeemed', 'verified', 'rejected', 'reimbursed')",
    "verified": "v.status IN ('verified', 'reimbursed')",
    "reimbursed": "v.status = 'reimbursed'",
}


def vouchers(t: dict, year: int) -> dict:
    columns = ", ".join(
        f"count(*) FILTER (WHERE {q}), coalesce(sum(v.face_value) FILTER (WHERE {q}), 0)"
        for q in STAGES.values()
    )
    sql = f"""
        SELECT b.year, {columns}
        FROM {t["voucher"]} v JOIN {t["batch"]} b ON b.id = v.batch_id
        WHERE b.year IN (%s, %s) GROUP BY b.year"""
    by_year = {row[0]: row[1:] for row in _rows(sql, [year, year - 1])}
    zero = (0, Decimal("0.00")) * len(STAGES)
    now, before = by_year.get(year, zero), by_year.get(year - 1, zero)
    out = {}
    for i, stage in enumerate(STAGES):
        out[f"vouchers.{stage}"] = (now[2 * i], before[2 * i])
        out[f"vouchers.{stage}_amount"] = (now[2 * i + 1], before[2 * i + 1])
    return out


def claims(t: dict, year: int) -> dict:
    """By claim type (the report's table) and the totals over the types."""
    sql = f"""
        SELECT t.policy_year, t.code,
          count(c.id) FILTER (WHERE c.status <> 'draft'),
          coalesce(sum(c.eligible_amount) FILTER (WHERE c.status <> 'draft'), 0),
          count(c.id) FILTER (WHERE c.status IN ('approved', 'paid')),
          coalesce(sum(c.approved_amount) FILTER (WHERE c.status IN ('approved', 'paid')), 0),
          count(c.id) FILTER (WHERE c.status = 'paid'),
          coalesce(sum(c.approved_amount) FILTER (WHERE c.status = 'paid'), 0)
        FROM {t["claimtype"]} t LEFT JOIN {t["claim"]} c ON c.claim_type_id = t.id
        WHERE t.policy_year IN (%s, %s) GROUP BY t.id"""
    keys = ("claims", "claimed_amount", "approved", "approved_amount", "paid", "paid_amount")
    totals = {key: [0, 0] for key in keys}
    out = {}
    for policy_year, code, *figures in _rows(sql, [year, year - 1]):
        side = 0 if policy_year == year else 1
        for key, value in zip(keys, figures, strict=True):
            totals[key][side] += value
            if side == 0:
                out[f"subsidies.by_type.{code}.{key}"] = (value, None)
    out.update({f"subsidies.{key}": tuple(pair) for key, pair in totals.items()})
    return out


def survey(t: dict, year: int) -> dict:
    """Returns by state, and each indicator's sum over the accepted returns (its average per
    return for a price: a sum of prices means nothing)."""
    states = f"""
        SELECT f.year, r.status, count(*)
        FROM {t["return"]} r JOIN {t["form"]} f ON f.id = r.form_id
        WHERE f.year IN (%s, %s) GROUP BY f.year, r.status"""
    counts = {(y, status): n for y, status, n in _rows(states, [year, year - 1])}
    figures = f"""
        SELECT f.year, i.code, i.unit, sum(v.value), count(DISTINCT v.survey_return_id)
        FROM {t["value"]} v
        JOIN {t["return"]} r ON r.id = v.survey_return_id
        JOIN {t["form"]} f ON f.id = r.form_id
        JOIN {t["indicator"]} i ON i.id = v.indicator_id
        WHERE f.year IN (%s, %s) AND r.status = 'accepted' AND v.value IS NOT NULL
        GROUP BY f.year, i.code, i.unit"""
    out = {
        "survey.accepted": (counts.get((year, "accepted"), 0), counts.get((year - 1, "accepted"))),
        "survey.waiting": (counts.get((year, "submitted"), 0), counts.get((year - 1, "submitted"))),
    }
    for y, code, unit, total, returns in _rows(figures, [year, year - 1]):
        value = total / returns if "/" in unit else total
        key = f"survey.{code}"
        now, before = out.get(key, (None, None))
        out[key] = (value, before) if y == year else (now, value)
    return out


def headline(year: int) -> dict:
    t = _tables()
    return {
        **agencies(t, year),
        **training(t, year),
        **vouchers(t, year),
        **claims(t, year),
        **survey(t, year),
    }
