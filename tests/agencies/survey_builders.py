"""Row builders of the statistical survey's admins for the query-count walk
(tests/admin_builders.py imports them into BUILDERS): forms with their indicators, and
returns with their figures."""

from __future__ import annotations

import datetime as dt
import itertools

from agencies.models import SurveyForm, SurveyIndicator, SurveyReturn, SurveyValue

_serial = itertools.count(1)


def _forms(count: int) -> list[SurveyForm]:
    used = set(SurveyForm.objects.values_list("year", flat=True))
    years = [y for y in range(1000, 9999) if y not in used][:count]
    return SurveyForm.objects.bulk_create(
        SurveyForm(
            year=y,
            title=f"{y}年度统计调查",
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 12, 31),
        )
        for y in years
    )


def _indicators(form: SurveyForm, count: int) -> list[SurveyIndicator]:
    return SurveyIndicator.objects.bulk_create(
        SurveyIndicator(
            form=form,
            code=f"i{k}",
            label=f"指标{k}",
            unit="人",
            kind="integer",
            by_format=k % 2 == 0,
            sort_order=k,
        )
        for k in range(count)
    )


def survey_forms(world, rows, related):
    _forms(rows)
    focus = _forms(1)[0]
    _indicators(focus, related)
    return focus


def survey_returns(world, rows, related):
    from tests.admin_builders import agencies

    form = _forms(1)[0]
    SurveyReturn.objects.bulk_create(
        SurveyReturn(form=form, agency=a, status="submitted", submitted_at=dt.datetime.now(dt.UTC))
        for a in agencies(world, rows)
    )
    focus = SurveyReturn.objects.create(
        form=form,
        agency=agencies(world, 1)[0],
        status="submitted",
        submitted_at=dt.datetime.now(dt.UTC),
    )
    SurveyValue.objects.bulk_create(
        SurveyValue(
            survey_return=focus,
            indicator=indicator,
            business_format=world.format if indicator.by_format else None,
            value=next(_serial),
        )
        for indicator in _indicators(form, related)
    )
    return focus


BUILDERS = {
    "agencies.SurveyForm": survey_forms,
    "agencies.SurveyReturn": survey_returns,
}
