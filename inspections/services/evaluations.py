"""The yearly performance evaluation (绩效考评), the plan's "按照'五统一'等要求规范运作、绩效考评、
优胜劣汰": a scheme per year with its own criteria and thresholds (data), each registered
agency's evaluation scored per criterion and concluded to 优秀 / 良好 / 合格 / 不合格, the rating
written to the agency's standing through the agencies service (which the excellence award
reads).

The 优秀 quota. At most ``excellent_share`` % of the year's evaluations may be concluded 优秀:
the base is every evaluation of the scheme (one per agency evaluated in the year, concluded or
not), the cap floor(share × base / 100). The cap is checked under a row lock on the scheme, so
two conclusions at the same moment cannot both take the last place. An evaluation whose score
reaches 优秀 when the quota is used is concluded 良好 (its score also reaches 良好), and the
reason says so; it is not refused, so the year can always be concluded. Concluding several at
once takes the highest scores first, so the places go to the best scores, not to the first
clicked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import selectors as agency_selectors
from agencies.services import standing_record_rating
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import permissions, selectors
from ..models import EvaluationCriterion, EvaluationScheme, EvaluationScore, PerformanceEvaluation

Rating = PerformanceEvaluation.Rating

# The default criteria of a first scheme (points sum to 100); a later year copies the last.
DEFAULT_CRITERIA: tuple[tuple[str, str, int, str], ...] = (
    ("service_quality", "服务质量与满意度", 25, "回访满意率、服务规范执行情况"),
    ("standard_operation", "规范经营", 20, "按照“五统一”要求规范运作，证照、制度、收费公开"),
    ("employee_system", "员工制与社会保险", 20, "签订劳动合同并缴纳社会保险的从业人员比例"),
    ("training_employment", "培训与就业带动", 15, "组织培训人次、吸纳就业人数"),
    ("integrity", "诚信与投诉处理", 10, "投诉及时处理，无查实的违规"),
    ("innovation", "创新与品牌建设", 10, "服务创新、品牌创建与宣传"),
)
THRESHOLD_FIELDS = ("excellent_score", "good_score", "qualified_score", "excellent_share")


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def points(value: Decimal) -> str:
    """Points as people write them: 20, 12.5, 0.25 (no trailing zeros, never 2E+1)."""
    text = format(Decimal(value).normalize(), "f")
    return text


def rating_for(score: Decimal, scheme: EvaluationScheme) -> str:
    """The rating a total earns by the scheme's thresholds (each at or above its score)."""
    if score >= scheme.excellent_score:
        return Rating.EXCELLENT
    if score >= scheme.good_score:
        return Rating.GOOD
    if score >= scheme.qualified_score:
        return Rating.QUALIFIED
    return Rating.UNQUALIFIED


# --- the scheme ------------------------------------------------------------------------------


def scheme_create(*, actor: User, year: int) -> EvaluationScheme:
    """The year's scheme, its criteria and thresholds copied from the latest earlier year, or
    the defaults when there is none."""
    _require(permissions.can_evaluate(actor))
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the year of the evaluation, e.g. 2026.")})
    with transaction.atomic():
        if selectors.scheme_for_year(year) is not None:
            raise ValidationError(
                {
                    "year": _("The performance evaluation of %(year)s already exists.")
                    % {"year": year}
                }
            )
        previous = selectors.latest_scheme_before(year)
        values = {name: getattr(previous, name) for name in THRESHOLD_FIELDS} if previous else {}
        scheme = EvaluationScheme.objects.create(year=year, **values)
        if previous is not None:
            criteria = [
                EvaluationCriterion(
                    scheme=scheme,
                    code=c.code,
                    title=c.title,
                    guidance=c.guidance,
                    weight=c.weight,
                    sort_order=c.sort_order,
                )
                for c in previous.criteria.all()
            ]
        else:
            criteria = [
                EvaluationCriterion(
                    scheme=scheme,
                    code=code,
                    title=title,
                    weight=points,
                    guidance=guide,
                    sort_order=i,
                )
                for i, (code, title, points, guide) in enumerate(DEFAULT_CRITERIA, start=1)
            ]
        EvaluationCriterion.objects.bulk_create(criteria)
        audit.log(
            actor,
            scheme,
            "inspections.evaluation_scheme.created",
            after={"year": year, "copied_from": previous.year if previous else None},
        )
    return scheme


def _check_thresholds(values: Mapping[str, Decimal]) -> None:
    errors = {}
    for name in THRESHOLD_FIELDS:
        value = values[name]
        if value is None or not Decimal(0) <= Decimal(value) <= Decimal(100):
            errors[name] = _("Enter a number from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    if not values["qualified_score"] <= values["good_score"] <= values["excellent_score"]:
        raise ValidationError(
            {
                "good_score": _(
                    "The thresholds must rise: qualified ≤ good ≤ excellent (e.g. 60, 80, 90)."
                )
            }
        )


def scheme_update(*, actor: User, scheme: EvaluationScheme, data: Mapping) -> EvaluationScheme:
    """Change the thresholds and the 优秀 share; refused once the year is closed."""
    _require(permissions.can_evaluate(actor))
    values = {name: data.get(name, getattr(scheme, name)) for name in THRESHOLD_FIELDS}
    _check_thresholds(values)
    with transaction.atomic():
        locked = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.closed_at is not None:
            raise ValidationError(
                _("The evaluation of %(year)s is closed; its settings can no longer change.")
                % {"year": locked.year}
            )
        before = {name: str(getattr(locked, name)) for name in THRESHOLD_FIELDS}
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(THRESHOLD_FIELDS))
        after = {name: str(getattr(locked, name)) for name in THRESHOLD_FIELDS}
        if before != after:
            audit.log(
                actor, locked, "inspections.evaluation_scheme.updated", before=before, after=after
            )
    return locked


def criteria_editable(scheme: EvaluationScheme) -> bool:
    """Criteria change until the first evaluation of the year is concluded (or it is closed):
    a concluded evaluation keeps the criteria it was scored on."""
    return (
        scheme.closed_at is None
        and not scheme.evaluations.filter(concluded_at__isnull=False).exists()
    )


def criteria_check(scheme: EvaluationScheme) -> None:
    """A scheme evaluates only with criteria whose points sum to 100."""
    weights = [c.weight for c in scheme.criteria.all()]
    if not weights or sum(weights) != 100:
        raise ValidationError(
            _(
                "The criteria of %(year)s add up to %(total)s points; they must add up to 100. "
                "Correct the points on the scheme's page first."
            )
            % {"year": scheme.year, "total": points(sum(weights, Decimal(0)))}
        )


def criteria_save(
    *, actor: User, scheme: EvaluationScheme, changed: Iterable[EvaluationCriterion], deleted=()
) -> None:
    """Save the criteria edited on the scheme's page (audited); refused once an evaluation of
    the year is concluded."""
    _require(permissions.can_evaluate(actor))
    with transaction.atomic():
        EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
        if not criteria_editable(scheme):
            raise ValidationError(
                _("An evaluation of %(year)s is concluded: its criteria can no longer change.")
                % {"year": scheme.year}
            )
        for criterion in deleted:
            if EvaluationScore.objects.filter(criterion=criterion).exists():
                raise ValidationError(
                    _("“%(title)s” has scores already; set its points instead of deleting it.")
                    % {"title": criterion.title}
                )
            audit.log(
                actor,
                scheme,
                "inspections.evaluation_criterion.deleted",
                before={"code": criterion.code},
            )
            criterion.delete()
        for criterion in changed:
            criterion.scheme = scheme
            criterion.full_clean()
            criterion.save()
            audit.log(
                actor,
                scheme,
                "inspections.evaluation_criterion.saved",
                after={
                    "code": criterion.code,
                    "title": criterion.title,
                    "points": str(criterion.weight),
                },
            )


def scheme_close(*, actor: User, scheme: EvaluationScheme) -> EvaluationScheme:
    """Close the year: every evaluation concluded; nothing of it changes afterwards."""
    _require(permissions.can_evaluate(actor))
    with transaction.atomic():
        locked = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.closed_at is not None:
            return locked
        open_count = locked.evaluations.filter(concluded_at__isnull=True).count()
        if open_count:
            raise ValidationError(
                _("%(count)s evaluations of %(year)s are not concluded yet; conclude them first.")
                % {"count": open_count, "year": locked.year}
            )
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        audit.log(actor, locked, "inspections.evaluation_scheme.closed")
    return locked


def evaluations_create_for_year(*, actor: User, scheme: EvaluationScheme) -> int:
    """One evaluation for every registered agency not evaluated yet this year, in a fixed
    number of queries whatever the number of agencies; returns how many were made."""
    _require(permissions.can_evaluate(actor))
    with transaction.atomic():
        locked = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.closed_at is not None:
            raise ValidationError(
                _("The evaluation of %(year)s is closed.") % {"year": locked.year}
            )
        criteria_check(locked)
        before = locked.evaluations.count()
        registered = agency_selectors.registered_agencies().values_list("pk", flat=True)
        PerformanceEvaluation.objects.bulk_create(
            [PerformanceEvaluation(scheme=locked, agency_id=pk) for pk in registered],
            ignore_conflicts=True,  # agencies evaluated already keep their evaluation
            batch_size=5000,
        )
        total = locked.evaluations.count()
        made = total - before
        audit.log(
            actor,
            locked,
            "inspections.evaluation.year_created",
            after={"year": locked.year, "created": made, "evaluations": total},
        )
    return made


# --- one evaluation ---------------------------------------------------------------------------


def _parse_scores(criteria, scores: Mapping) -> dict[int, Decimal]:
    by_id = {c.pk: c for c in criteria}
    parsed, errors = {}, {}
    for key, raw in scores.items():
        try:
            criterion = by_id[int(key)]
        except (KeyError, TypeError, ValueError):
            errors["scores"] = _("A score names a criterion not in this year's scheme.")
            continue
        field = f"score_{criterion.pk}"
        if raw is None or raw == "":
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            errors[field] = _("“%(title)s”: enter a number of points.") % {"title": criterion.title}
            continue
        if not value.is_finite() or not Decimal(0) <= value <= criterion.weight:
            errors[field] = _("“%(title)s”: enter 0 to %(max)s points.") % {
                "title": criterion.title,
                "max": points(criterion.weight),
            }
        elif value.as_tuple().exponent < -2:
            errors[field] = _("“%(title)s”: at most two decimal places.") % {
                "title": criterion.title
            }
        else:
            parsed[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    return parsed


def _lock_open(evaluation: PerformanceEvaluation) -> PerformanceEvaluation:
    locked = (
        PerformanceEvaluation.objects.select_for_update()
        .select_related("scheme", "agency")
        .get(pk=evaluation.pk)
    )
    if locked.concluded_at is not None:
        raise ValidationError(
            _("This evaluation was concluded on %(date)s and can no longer change.")
            % {"date": f"{timezone.localtime(locked.concluded_at):%Y-%m-%d}"}
        )
    if locked.scheme.closed_at is not None:
        raise ValidationError(
            _("The evaluation of %(year)s is closed.") % {"year": locked.scheme.year}
        )
    return locked


def evaluation_score(
    *, actor: User, evaluation: PerformanceEvaluation, scores: Mapping, notes: str = ""
) -> PerformanceEvaluation:
    """Record the points per criterion (``scores``: criterion id → points, 0 to the
    criterion's points; an empty value leaves it unscored) and the notes. The total is kept
    once every criterion is scored."""
    _require(permissions.can_evaluate(actor))
    with transaction.atomic():
        locked = _lock_open(evaluation)
        criteria = list(locked.scheme.criteria.all())
        parsed = _parse_scores(criteria, scores)
        existing = {s.criterion_id: s for s in locked.scores.all()}
        before = {str(k): str(s.score) for k, s in existing.items()}
        for criterion_id, value in parsed.items():
            row = existing.get(criterion_id)
            if row is None:
                existing[criterion_id] = EvaluationScore.objects.create(
                    evaluation=locked, criterion_id=criterion_id, score=value
                )
            elif row.score != value:
                row.score = value
                row.save(update_fields=["score"])
        complete = all(c.pk in existing for c in criteria)
        locked.score = sum((s.score for s in existing.values()), Decimal(0)) if complete else None
        locked.notes = notes or ""
        locked.evaluated_by = actor
        locked.save(update_fields=["score", "notes", "evaluated_by"])
        audit.log(
            actor,
            locked,
            "inspections.evaluation.scored",
            before=before or None,
            after={str(k): str(s.score) for k, s in existing.items()},
        )
    return locked


def evaluation_conclude(
    *, actor: User, evaluation: PerformanceEvaluation
) -> tuple[PerformanceEvaluation, bool]:
    """Conclude: the total's rating by the thresholds, 优秀 only within the year's quota (else
    良好), written to the agency's standing. Returns the evaluation and whether the quota
    turned 优秀 into 良好."""
    _require(permissions.can_evaluate(actor))
    with transaction.atomic():
        # The scheme's row lock serialises conclusions of the year: the quota holds.
        scheme = EvaluationScheme.objects.select_for_update().get(pk=evaluation.scheme_id)
        locked = _lock_open(evaluation)
        criteria_check(scheme)
        criteria_ids = {c.pk for c in scheme.criteria.all()}
        scores = {s.criterion_id: s.score for s in locked.scores.all()}
        missing = criteria_ids - scores.keys()
        if missing:
            raise ValidationError(
                _("Score every criterion before concluding (%(count)s not scored yet).")
                % {"count": len(missing)}
            )
        total = sum(scores.values(), Decimal(0))
        rating = rating_for(total, scheme)
        capped = False
        if rating == Rating.EXCELLENT:
            figures = selectors.excellent_figures(scheme)
            if figures["used"] >= figures["cap"]:
                rating, capped = Rating.GOOD, True
        reason = _("Performance evaluation %(year)s: %(score)s points, %(rating)s") % {
            "year": scheme.year,
            "score": points(total),
            "rating": Rating(rating).label,
        }
        if capped:
            reason += _(
                " (the score reaches excellent, but the year's quota of %(cap)s excellent "
                "ratings, %(share)s%% of %(base)s evaluations, is used)"
            ) % {
                "cap": figures["cap"],
                "share": points(scheme.excellent_share),
                "base": figures["base"],
            }
        locked.score, locked.rating = total, rating
        locked.concluded_at = timezone.now()
        locked.evaluated_by = actor
        locked.save(update_fields=["score", "rating", "concluded_at", "evaluated_by"])
        audit.log(
            actor,
            locked,
            "inspections.evaluation.concluded",
            after={"score": str(total), "rating": rating, "quota_reached": capped},
            reason=reason,
        )
        standing_record_rating(
            actor=actor, agency=locked.agency, year=scheme.year, rating=rating, reason=reason
        )
    return locked, capped


def evaluations_conclude(
    *, actor: User, evaluations: Iterable[PerformanceEvaluation]
) -> list[tuple[PerformanceEvaluation, bool | Exception]]:
    """Conclude several, the highest totals first (so the 优秀 places go to the best scores);
    each on its own, a refused one does not stop the rest. Returns (evaluation, capped or the
    refusal) in that order."""
    ordered = sorted(evaluations, key=lambda e: (e.score is None, -(e.score or 0), e.pk))
    results: list[tuple[PerformanceEvaluation, bool | Exception]] = []
    for evaluation in ordered:
        try:
            results.append(evaluation_conclude(actor=actor, evaluation=evaluation))
        except (ValidationError, PermissionDenied) as exc:
            results.append((evaluation, exc))
    return results
