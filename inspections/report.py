"""The annual report's inspections section (检查、抽查与走访): the year's annual inspection
round (planned, concluded, by result and by subject), rectifications and re-inspections,
failures that revoked recognitions, registered agencies left uninspected (the rule: every
agency is inspected each year), the 绩效考评 ratings, the spot checks drawn in the year and
the field visits. Registered in ``InspectionsConfig.ready``; every figure is one SQL
aggregate, and the section takes the same number of queries whatever the data."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies import selectors as agency_selectors
from kunqu_jiafu.reporting.registry import (
    INTEGER,
    MONEY,
    Chart,
    Column,
    Figure,
    Section,
    SectionData,
    Series,
    Table,
)

from .models import (
    FieldVisit,
    Inspection,
    PerformanceEvaluation,
    Rectification,
    SpotCheckItem,
    SubjectKind,
)
from .models.spotchecks import Population

RESULTS = (
    Inspection.Result.PASSED,
    Inspection.Result.BASICALLY_PASSED,
    Inspection.Result.FAILED,
)
RATINGS = (
    PerformanceEvaluation.Rating.EXCELLENT,
    PerformanceEvaluation.Rating.GOOD,
    PerformanceEvaluation.Rating.QUALIFIED,
    PerformanceEvaluation.Rating.UNQUALIFIED,
)
R = Rectification.Status
OUTCOME = SpotCheckItem.Outcome
ANNUAL = Q(kind=Inspection.Kind.ANNUAL)
CONCLUDED = Q(status=Inspection.Status.CONCLUDED)


def _url(model: str, **filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return reverse(f"admin:inspections_{model}_changelist") + (f"?{query}" if query else "")


def _money_sum(field: str, condition: Q):
    return Coalesce(
        Sum(field, filter=condition),
        Value(0),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def _inspections(year: int) -> dict:
    """The round's annual inspections by subject and result, and its re-inspections (1 query)."""
    counts: dict = {
        "planned": Count("pk", filter=ANNUAL),
        "concluded": Count("pk", filter=ANNUAL & CONCLUDED),
        "reinspections": Count("pk", filter=Q(kind=Inspection.Kind.REINSPECTION)),
        "reinspections_failed": Count(
            "pk", filter=Q(kind=Inspection.Kind.REINSPECTION, result=Inspection.Result.FAILED)
        ),
    }
    for result in RESULTS:
        counts[result] = Count("pk", filter=ANNUAL & CONCLUDED & Q(result=result))
    for subject in SubjectKind.values:
        mine = ANNUAL & Q(subject_kind=subject)
        counts[f"{subject}_planned"] = Count("pk", filter=mine)
        counts[f"{subject}_concluded"] = Count("pk", filter=mine & CONCLUDED)
        for result in RESULTS:
            counts[f"{subject}_{result}"] = Count("pk", filter=mine & CONCLUDED & Q(result=result))
    return Inspection.objects.filter(round__year=year).aggregate(**counts)


def _rectifications(year: int) -> dict:
    return Rectification.objects.filter(inspection__round__year=year).aggregate(
        opened=Count("pk"),
        waiting=Count("pk", filter=Q(status__in=(R.OPEN, R.ANSWERED))),
        passed=Count("pk", filter=Q(status=R.PASSED)),
        failed=Count("pk", filter=Q(status=R.FAILED)),
        lapsed=Count("pk", filter=Q(status=R.LAPSED)),
    )


def _ratings(year: int) -> dict:
    concluded = Q(concluded_at__isnull=False)
    counts = {rating: Count("pk", filter=concluded & Q(rating=rating)) for rating in RATINGS}
    return PerformanceEvaluation.objects.filter(scheme__year=year).aggregate(
        evaluated=Count("pk", filter=concluded), **counts
    )


def _spot_checks(year: int) -> dict:
    """Records of the spot checks drawn in the year, by population (1 query)."""
    checked, false = ~Q(outcome=OUTCOME.PENDING), Q(outcome=OUTCOME.FALSE)
    counts: dict = {
        "drawn": Count("pk"),
        "checked": Count("pk", filter=checked),
        "false": Count("pk", filter=false),
        "recovery": _money_sum("recovery_amount", false),
    }
    for population in Population.values:
        mine = Q(spot_check__population=population)
        counts[f"{population}_drawn"] = Count("pk", filter=mine)
        counts[f"{population}_checked"] = Count("pk", filter=mine & checked)
        counts[f"{population}_false"] = Count("pk", filter=mine & false)
        counts[f"{population}_recovery"] = _money_sum("recovery_amount", mine & false)
    return SpotCheckItem.objects.filter(spot_check__created_at__year=year).aggregate(**counts)


def _visits(year: int) -> int:
    return FieldVisit.objects.filter(visited_on__year=year).count()


def _uninspected(year: int) -> int:
    """Agencies registered now (and by 31 December) without a concluded annual inspection of
    the agency itself in the year's round."""
    inspected = Inspection.objects.filter(
        ANNUAL & CONCLUDED,
        agency=OuterRef("pk"),
        round__year=year,
        subject_kind=SubjectKind.AGENCY,
    )
    return (
        agency_selectors.registered_agencies()
        .filter(registered_on__lte=dt.date(year, 12, 31))
        .exclude(Exists(inspected))
        .count()
    )


def _round_figures(year: int, counts: dict, uninspected: int) -> list[Figure]:
    annual = {"round__year": year, "kind__exact": Inspection.Kind.ANNUAL}
    done = {**annual, "status__exact": Inspection.Status.CONCLUDED}
    figures = [
        Figure(
            "inspections.planned",
            _("Annual inspections planned"),
            counts["planned"],
            _("inspections"),
            _("Annual inspections of the year's round: each registered agency and recognition."),
            link=_url("inspection", **annual),
        ),
        Figure(
            "inspections.concluded",
            _("Annual inspections concluded"),
            counts["concluded"],
            _("inspections"),
            _("Annual inspections of the year's round scored and concluded."),
            link=_url("inspection", **done),
        ),
    ]
    for result in RESULTS:
        figures.append(
            Figure(
                f"inspections.{result}",
                _("Concluded as %(result)s") % {"result": Inspection.Result(result).label},
                counts[result],
                _("inspections"),
                _("Annual inspections of the year's round concluded with this result."),
                link=_url("inspection", **done, result__exact=result),
            )
        )
    figures.append(
        Figure(
            "inspections.uninspected",
            _("Registered agencies not inspected"),
            uninspected,
            _("agencies"),
            _(
                "Agencies registered now, registered by 31 December, without a concluded annual "
                "inspection of the agency in the year's round. Every agency is inspected each "
                "year: the target is 0. The list shows the round's agency inspections not yet "
                "concluded (an agency left out of the round is not on it)."
            ),
            target_min=0,
            target_max=0,
            link=_url(
                "inspection",
                **annual,
                subject_kind__exact=SubjectKind.AGENCY,
                result__exact=Inspection.Result.PENDING,
            ),
        )
    )
    figures.append(
        Figure(
            "inspections.reinspections",
            _("Re-inspections"),
            counts["reinspections"],
            _("inspections"),
            _("Re-inspections after a failed inspection, in the year's round."),
            link=_url("inspection", round__year=year, kind__exact=Inspection.Kind.REINSPECTION),
        )
    )
    return figures


def _rectification_figures(year: int, rect: dict) -> list[Figure]:
    def link(*statuses) -> str:
        filters = {"inspection__round__year": year}
        if len(statuses) == 1:
            filters["status__exact"] = statuses[0]
        elif statuses:
            filters["status__in"] = ",".join(statuses)
        return _url("rectification", **filters)

    return [
        Figure(
            "inspections.rectifications",
            _("Rectifications opened"),
            rect["opened"],
            _("items"),
            _("Rectifications ordered after a failed inspection of the year's round."),
            link=link(),
        ),
        Figure(
            "inspections.rectifications_closed",
            _("Rectifications closed by a re-inspection"),
            rect["passed"] + rect["failed"],
            _("items"),
            _("Rectifications whose re-inspection passed or failed."),
            link=link(R.PASSED, R.FAILED),
        ),
        Figure(
            "inspections.rectifications_lapsed",
            _("Rectifications lapsed"),
            rect["lapsed"],
            _("items"),
            _("Rectifications whose deadline passed without an answer."),
            link=link(R.LAPSED),
        ),
        Figure(
            "inspections.revocations",
            _("Failures that revoked recognitions"),
            rect["failed"] + rect["lapsed"],
            _("items"),
            _(
                "Rectifications that failed the re-inspection or lapsed: each revoked the "
                "recognitions involved (优胜劣汰)."
            ),
            link=link(R.FAILED, R.LAPSED),
        ),
    ]


def _other_figures(year: int, ratings: dict, spot: dict, visits: int) -> list[Figure]:
    items = {"drawn_year": year}
    return [
        Figure(
            "inspections.evaluated",
            _("Agencies rated in the performance evaluation"),
            ratings["evaluated"],
            _("agencies"),
            _("Concluded performance evaluations (绩效考评) of the year."),
            link=_url("performanceevaluation", scheme__year=year, state="concluded"),
        ),
        Figure(
            "inspections.excellent",
            _("Agencies rated excellent"),
            ratings[PerformanceEvaluation.Rating.EXCELLENT],
            _("agencies"),
            _("Concluded performance evaluations of the year rated 优秀."),
            link=_url(
                "performanceevaluation",
                scheme__year=year,
                state="concluded",
                rating__exact=PerformanceEvaluation.Rating.EXCELLENT,
            ),
        ),
        Figure(
            "inspections.spot_checked",
            _("Records spot-checked"),
            spot["checked"],
            _("records"),
            _("Records of the spot checks drawn in the year whose outcome is recorded."),
            link=_url("spotcheckitem", **items, outcome__in="true,false"),
        ),
        Figure(
            "inspections.spot_false",
            _("Records found false"),
            spot["false"],
            _("records"),
            _("Records of the spot checks drawn in the year found false (不属实)."),
            link=_url("spotcheckitem", **items, outcome__exact=OUTCOME.FALSE),
        ),
        Figure(
            "inspections.spot_recovery",
            _("Amount to recover after spot checks"),
            spot["recovery"],
            _("yuan"),
            _("The amounts to recover recorded on the records found false."),
            kind=MONEY,
            link=_url("spotcheckitem", **items, outcome__exact=OUTCOME.FALSE),
        ),
        Figure(
            "inspections.visits",
            _("Field visits"),
            visits,
            _("visits"),
            _("Field visits (实地走访) made in the year."),
            link=_url("fieldvisit", visited_on__year=year),
        ),
    ]


def _tables(counts: dict, ratings: dict, spot: dict) -> list[Table]:
    result_columns = [
        Column(Inspection.Result(r).label, _("inspections"), INTEGER) for r in RESULTS
    ]
    subjects = [
        (
            label,
            counts[f"{subject}_planned"],
            counts[f"{subject}_concluded"],
            *(counts[f"{subject}_{result}"] for result in RESULTS),
        )
        for subject, label in SubjectKind.choices
    ]
    populations = [
        (
            label,
            spot[f"{population}_drawn"],
            spot[f"{population}_checked"],
            spot[f"{population}_false"],
            spot[f"{population}_recovery"],
        )
        for population, label in Population.choices
    ]
    rating_rows = [(PerformanceEvaluation.Rating(r).label, ratings[r]) for r in RATINGS]
    return [
        Table(
            "inspections.by_subject",
            _("Annual inspections by subject and result"),
            (
                Column(_("Subject")),
                Column(_("Planned"), _("inspections"), INTEGER),
                Column(_("Concluded"), _("inspections"), INTEGER),
                *result_columns,
            ),
            subjects,
            total=True,
        ),
        Table(
            "inspections.ratings",
            _("Performance evaluation by rating"),
            (Column(_("Rating")), Column(_("Agencies"), _("agencies"), INTEGER)),
            rating_rows,
            total=True,
        ),
        Table(
            "inspections.spot_checks",
            _("Spot checks by population"),
            (
                Column(_("Population")),
                Column(_("Drawn"), _("records"), INTEGER),
                Column(_("Checked"), _("records"), INTEGER),
                Column(_("Found false"), _("records"), INTEGER),
                Column(_("To recover"), _("yuan"), MONEY),
            ),
            populations,
            definition=_("Records of the spot checks drawn in the year."),
            total=True,
        ),
    ]


def compute(year: int) -> SectionData:
    counts = _inspections(year)
    rect = _rectifications(year)
    ratings = _ratings(year)
    spot = _spot_checks(year)
    figures = [
        *_round_figures(year, counts, _uninspected(year)),
        *_rectification_figures(year, rect),
        *_other_figures(year, ratings, spot, _visits(year)),
    ]
    tables = _tables(counts, ratings, spot)
    results = [Inspection.Result(r).label for r in RESULTS]
    charts = [
        Chart(
            "inspections.results",
            _("Annual inspection results"),
            results,
            [Series(_("Inspections"), [counts[r] for r in RESULTS])],
            unit=_("inspections"),
        ),
        Chart(
            "inspections.ratings",
            _("Performance evaluation by rating"),
            [row[0] for row in tables[1].rows],
            [Series(_("Agencies"), [row[1] for row in tables[1].rows])],
            unit=_("agencies"),
            kind="hbar",
        ),
    ]
    return SectionData(figures=figures, tables=tables, charts=charts)


SECTION = Section(
    key="inspections",
    title=gettext_lazy("Inspections, spot checks and visits"),
    order=60,
    compute=compute,
)
