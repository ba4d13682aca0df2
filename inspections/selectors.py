"""Reads of inspections that depend on who asks; scoping happens here once."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import STAFF_ROLES, is_agency_user, is_staff_member
from kunqu_jiafu.documents.models import Document

from .models import EvaluationScheme, FieldVisit, PerformanceEvaluation

# --- performance evaluation (绩效考评) --------------------------------------------------------


def schemes_for_user(user) -> QuerySet[EvaluationScheme]:
    """Every year's scheme with its figures (evaluations, concluded, rated 优秀) for bureau
    staff and officials; nothing for anyone else."""
    qs = EvaluationScheme.objects.annotate(
        evaluation_count=Count("evaluations", distinct=True),
        concluded_count=Count(
            "evaluations", filter=Q(evaluations__concluded_at__isnull=False), distinct=True
        ),
        excellent_count=Count(
            "evaluations",
            filter=Q(
                evaluations__concluded_at__isnull=False,
                evaluations__rating=PerformanceEvaluation.Rating.EXCELLENT,
            ),
            distinct=True,
        ),
    )
    return qs if _staff(user) else qs.none()


def evaluations_for_user(user) -> QuerySet[PerformanceEvaluation]:
    qs = PerformanceEvaluation.objects.select_related("scheme", "agency", "evaluated_by")
    return qs if _staff(user) else qs.none()


def scheme_for_year(year: int) -> EvaluationScheme | None:
    return EvaluationScheme.objects.filter(year=year).first()


def latest_scheme_before(year: int) -> EvaluationScheme | None:
    return EvaluationScheme.objects.filter(year__lt=year).order_by("-year").first()


def excellent_figures(scheme: EvaluationScheme) -> dict[str, int]:
    """The 优秀 quota of the year: ``base`` evaluations of the scheme (every agency evaluated
    in the year, concluded or not), ``cap`` = floor(share % × base), ``used`` concluded 优秀."""
    counts = scheme.evaluations.aggregate(
        base=Count("pk"),
        used=Count(
            "pk",
            filter=Q(concluded_at__isnull=False, rating=PerformanceEvaluation.Rating.EXCELLENT),
        ),
    )
    cap = int(scheme.excellent_share * counts["base"] // 100)
    return {"base": counts["base"], "cap": cap, "used": counts["used"]}


def excellent_cap(scheme: EvaluationScheme, base: int) -> int:
    return int(scheme.excellent_share * base // 100)


# --- field visits (实地走访、调研) ------------------------------------------------------------


def visits_for_user(user) -> QuerySet[FieldVisit]:
    """Field visits for bureau staff and officials, with their agency, street and staff
    loaded; nothing for agencies or anyone else."""
    qs = FieldVisit.objects.select_related(
        "agency", "agency__street", "created_by"
    ).prefetch_related("staff")
    return qs if _staff(user) else qs.none()


def visit_staff_choices() -> QuerySet[User]:
    """Bureau staff who may have gone on a visit: active reviewers, approvers and officials
    (not the break-glass superuser)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES, is_superuser=False)
        .distinct()
        .order_by("username")
    )


def visit_photos(visit: FieldVisit) -> QuerySet[Document]:
    return Document.objects.filter(
        owner_type=ContentType.objects.get_for_model(FieldVisit), owner_id=str(visit.pk)
    ).order_by("created_at", "pk")


def visit_photos_by_visit(visits) -> dict[int, list[Document]]:
    """The photos of several visits in one query (for lists and the API)."""
    ids = [str(v.pk) for v in visits]
    found: dict[int, list[Document]] = {v.pk: [] for v in visits}
    if not ids:
        return found
    docs = Document.objects.filter(
        owner_type=ContentType.objects.get_for_model(FieldVisit), owner_id__in=ids
    ).order_by("created_at", "pk")
    for doc in docs:
        found[int(doc.owner_id)].append(doc)
    return found


def _staff(user) -> bool:
    return is_staff_member(user) and not is_agency_user(user)
