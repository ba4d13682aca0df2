"""Reads of the yearly statistical survey (年度统计调查): scoped returns, the figures the
system pre-fills, who has not filed, the ledger and the industry figures the annual report
uses. Re-exported by selectors.py, through which other apps read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member

from . import survey_rules
from .models import Agency, BusinessFormat, EmployeeSystemFiling, Worker
from .permissions import user_agency_id
from .survey_models import SurveyForm, SurveyIndicator, SurveyReminder, SurveyReturn, SurveyValue

FILED_STATUSES = (SurveyReturn.Status.SUBMITTED, SurveyReturn.Status.ACCEPTED)
_IN_FORCE = ("filed", "renewed", "lapsed", "withdrawn")


def survey_returns_for_user(user) -> QuerySet[SurveyReturn]:
    """Staff see every return; an agency user only its own agency's; anyone else none."""
    qs = SurveyReturn.objects.select_related("form", "agency", "agency__street")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(agency_id=user_agency_id(user))
    return qs.none()


def survey_forms() -> QuerySet[SurveyForm]:
    return SurveyForm.objects.order_by("-year")


def survey_form_for_year(year: int) -> SurveyForm | None:
    return SurveyForm.objects.filter(year=year).first()


def survey_open_forms(today: dt.date | None = None) -> QuerySet[SurveyForm]:
    today = today or timezone.localdate()
    return SurveyForm.objects.filter(opens_on__lte=today, closes_on__gte=today)


def survey_forms_due(agency: Agency, today: dt.date | None = None) -> list[SurveyForm]:
    """Open forms the agency has not yet submitted (one query), for its portal's overview."""
    if agency.status != Agency.Status.REGISTERED:
        return []
    filed = SurveyReturn.objects.filter(
        form=OuterRef("pk"), agency=agency, status__in=FILED_STATUSES
    )
    return list(survey_open_forms(today).exclude(Exists(filed)).order_by("-year"))


def survey_indicators(form: SurveyForm) -> list[SurveyIndicator]:
    return list(form.indicators.order_by("sort_order", "pk"))


def survey_form_in_use(form: SurveyForm) -> bool:
    """A form is fixed once any return on it has been submitted."""
    return form.returns.filter(submitted_at__isnull=False).exists()


def survey_return_of(agency: Agency, form: SurveyForm) -> SurveyReturn | None:
    return SurveyReturn.objects.filter(agency=agency, form=form).first()


def survey_values_by_key(survey_return: SurveyReturn | None) -> dict[str, SurveyValue]:
    """A return's figures by their field key (``revenue``, ``households_served__eldercare``)."""
    if survey_return is None:
        return {}
    rows = survey_return.values.select_related("indicator", "business_format")
    return {
        survey_rules.field_key(
            v.indicator.code, v.business_format.code if v.business_format_id else None
        ): v
        for v in rows
    }


def survey_prefill(agency: Agency, form: SurveyForm) -> dict[str, Decimal]:
    """What the agency's own records say for the form's pre-filled indicators, by indicator
    code: workers at the year's end (or today, while the year runs), hires in the year, the
    qualifying workers of the filing then in force. Two queries at most."""
    wanted = dict(form.indicators.exclude(prefill="").values_list("code", "prefill").order_by())
    if not wanted:
        return {}
    on = min(dt.date(form.year, 12, 31), timezone.localdate())
    start = dt.date(form.year, 1, 1)
    employed = Q(hired_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))
    hired = Q(hired_on__gte=start, hired_on__lte=on)
    figures = Worker.objects.filter(agency=agency).aggregate(
        workers=Count("pk", filter=employed),
        workers_labour=Count("pk", filter=employed & Q(contract_kind=Worker.ContractKind.LABOUR)),
        workers_service=Count("pk", filter=employed & Q(contract_kind=Worker.ContractKind.SERVICE)),
        workers_insured=Count(
            "pk", filter=employed & Q(social_insurance=True, insured_since__lte=on)
        ),
        new_hires=Count("pk", filter=hired),
        hard_to_employ_hired=Count("pk", filter=hired & Q(is_hard_to_employ=True)),
    )
    if SurveyIndicator.Prefill.QUALIFYING_WORKERS in wanted.values():
        filing = (
            EmployeeSystemFiling.objects.filter(
                agency=agency, status__in=_IN_FORCE, valid_from__lte=on, valid_until__gte=on
            )
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
            .order_by("-valid_from")
            .values_list("qualifying_workers", flat=True)
            .first()
        )
        figures["qualifying_workers"] = filing or 0
    return {code: Decimal(figures[source]) for code, source in wanted.items()}


def survey_not_filed(form: SurveyForm) -> QuerySet[Agency]:
    """Registered agencies without a submitted (or accepted) return on the form: a draft and
    a return sent back for correction count as not filed. Each row carries its return's
    status (or None) and when it was last reminded (or None)."""
    filed = SurveyReturn.objects.filter(form=form, agency=OuterRef("pk"), status__in=FILED_STATUSES)
    reminders = (
        SurveyReminder.objects.filter(form=form, agency=OuterRef("pk"))
        .order_by("-sent_at")
        .values("sent_at")[:1]
    )
    status = SurveyReturn.objects.filter(form=form, agency=OuterRef("pk")).values("status")[:1]
    return (
        Agency.objects.filter(status__in=[Agency.Status.REGISTERED])
        .exclude(Exists(filed))
        .select_related("street")
        .annotate(last_reminded=Subquery(reminders), return_status=Subquery(status))
        .order_by("street__sort_order", "name", "pk")
    )


def survey_to_remind(form: SurveyForm, *, since: dt.datetime | None) -> list[int]:
    """Ids of the agencies not filed that have had no reminder since ``since`` (None: all)."""
    qs = survey_not_filed(form)
    if since is not None:
        recent = SurveyReminder.objects.filter(form=form, agency=OuterRef("pk"), sent_at__gte=since)
        qs = qs.exclude(Exists(recent))
    return list(qs.values_list("pk", flat=True))


def survey_return_counts(form: SurveyForm) -> dict[str, int]:
    """Returns on the form by status, and the registered agencies not filed (two queries)."""
    counts = SurveyReturn.objects.filter(form=form).aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in SurveyReturn.Status.values}
    )
    counts["not_filed"] = survey_not_filed(form).count()
    return counts


def survey_ledger(form: SurveyForm) -> tuple[list[SurveyIndicator], list, list[SurveyReturn]]:
    """The ledger of a form's returns (one row per agency): the indicators, the business
    formats their broken-down figures use, the returns with their figures. Four queries."""
    indicators = survey_indicators(form)
    returns = list(
        SurveyReturn.objects.filter(form=form)
        .select_related("agency", "agency__street")
        .prefetch_related("values")
        .order_by("agency__street__sort_order", "agency__name", "pk")
    )
    formats = list(BusinessFormat.objects.order_by("sort_order", "pk"))
    return indicators, formats, returns


def survey_industry_figures(year: int) -> dict:
    """The industry figures of a year from the ACCEPTED returns, for the annual report; a
    constant number of queries (six) whatever the number of returns.

    Returns::

        {
          "year": 2026,
          "form": <SurveyForm> | None,
          "returns": {"accepted": n, "submitted": n (waiting for review), "returned": n,
                      "draft": n, "not_filed": n (registered agencies without a submitted
                      or accepted return)},
          "indicators": [
            {"code", "label", "unit", "kind",
             "returns": n (accepted returns that gave the figure),
             "sum": Decimal, "avg": Decimal | None (per return: for a broken-down
                    indicator, the average of each return's total),
             "by_format": [{"code", "name", "returns", "sum", "avg"}, ...]  (only for
                    indicators broken down by business format; formats with figures)},
            ...
          ],
        }
    """
    form = survey_form_for_year(year)
    if form is None:
        return {"year": year, "form": None, "returns": {}, "indicators": []}
    accepted = SurveyValue.objects.filter(
        survey_return__form=form,
        survey_return__status=SurveyReturn.Status.ACCEPTED,
        value__isnull=False,
    )
    totals = {
        row["indicator_id"]: row
        for row in accepted.values("indicator_id")
        .annotate(
            sum=Sum("value"), returns=Count("survey_return_id", distinct=True), rows=Count("pk")
        )
        .order_by()
    }
    by_format: dict[int, list[dict]] = {}
    for row in (
        accepted.filter(business_format__isnull=False)
        .values("indicator_id", "business_format__code", "business_format__name")
        .annotate(sum=Sum("value"), avg=Avg("value"), returns=Count("survey_return_id"))
        .order_by("indicator_id", "business_format__sort_order", "business_format_id")
    ):
        by_format.setdefault(row["indicator_id"], []).append(
            {
                "code": row["business_format__code"],
                "name": row["business_format__name"],
                "returns": row["returns"],
                "sum": row["sum"],
                "avg": _rounded(row["avg"]),
            }
        )
    indicators = []
    for indicator in survey_indicators(form):
        row = totals.get(indicator.pk, {"sum": Decimal(0), "returns": 0})
        entry = {
            "code": indicator.code,
            "label": indicator.label,
            "unit": indicator.unit,
            "kind": indicator.kind,
            "returns": row["returns"],
            "sum": row["sum"] or Decimal(0),
            "avg": _rounded(row["sum"] / row["returns"]) if row["returns"] else None,
        }
        if indicator.by_format:
            entry["by_format"] = by_format.get(indicator.pk, [])
        indicators.append(entry)
    return {
        "year": year,
        "form": form,
        "returns": survey_return_counts(form),
        "indicators": indicators,
    }


def _rounded(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))
