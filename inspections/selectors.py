"""Every read of the inspections area that depends on who asks (scoping happens here, once),
and the figures an inspection computes from the agencies' records (read through agencies'
modules only).

Points of a computed item (decided for issue 12): a share earns ``share % × weight``, rounded
half up to 2 decimal places (the precision scores are stored with), so 11 of 12 workers on an
item of 10 points earn 9.17; the filing item earns its full weight when a filing is in force
on the day, else 0; upheld complaints are not recorded by the portal yet, so that item finds
none and earns its full weight, saying so in its detail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import inspection_figures as agencies
from agencies import selectors as agency_selectors
from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import (
    AGENCY_USER,
    APPROVER,
    REVIEWER,
    STAFF_ROLES,
    is_agency_user,
    is_staff_member,
)
from kunqu_jiafu.documents.models import Document

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    EvaluationScheme,
    FieldVisit,
    Inspection,
    InspectionRound,
    InspectionScore,
    ItemSource,
    PerformanceEvaluation,
    Rectification,
    SpotCheck,
    SpotCheckItem,
)

CENT = Decimal("0.01")
PHOTO_PURPOSE = "inspection photo"
SHARE_SOURCES = {
    ItemSource.HEALTH_CHECK_SHARE: "health_check",
    ItemSource.INSURANCE_SHARE: "insurance",
    ItemSource.CONTRACT_SHARE: "contract",
}


@dataclass(frozen=True)
class Computed:
    """The figure the records give for an item, how it was found, and the points it earns."""

    value: Decimal
    detail: str
    points: Decimal


def share_points(count: int, total: int, weight: Decimal) -> tuple[Decimal, Decimal]:
    """(share in %, points): both rounded half up to 2 decimals; no workers is a share of 0."""
    if total <= 0:
        return Decimal("0.00"), Decimal("0.00")
    share = (Decimal(count) * 100 / Decimal(total)).quantize(CENT, ROUND_HALF_UP)
    points = (Decimal(count) * weight / Decimal(total)).quantize(CENT, ROUND_HALF_UP)
    return share, points


def computed_item(item: ChecklistItem, workers: dict[str, int], filed: bool) -> Computed:
    weight = Decimal(item.weight)
    if item.source in SHARE_SOURCES:
        count, total = workers[SHARE_SOURCES[item.source]], workers["employed"]
        share, points = share_points(count, total, weight)
        detail = _("%(count)s / %(total)s workers") % {"count": count, "total": total}
        return Computed(share, detail, points)
    if item.source == ItemSource.FILING_STATUS:
        if filed:
            return Computed(Decimal("1"), _("Employee-system filing in force"), weight)
        return Computed(Decimal("0"), _("No employee-system filing in force"), Decimal("0.00"))
    if item.source == ItemSource.UPHELD_COMPLAINTS:
        return Computed(
            Decimal("0"), _("No upheld complaints recorded (the portal keeps none yet)"), weight
        )
    raise ValueError(item.source)


def computed_items(inspection: Inspection, on: dt.date | None = None) -> dict[int, Computed]:
    """The computed items of the inspection's template, from the records as of ``on`` (today
    by default): two queries on the agencies' records whatever the number of items."""
    on = on or timezone.localdate()
    items = [item for item in template_items(inspection) if item.computed]
    if not items:
        return {}
    workers = agencies.inspection_worker_figures([inspection.agency_id], on)[inspection.agency_id]
    filed = inspection.agency_id in agencies.agencies_filed_on([inspection.agency_id], on)
    return {item.pk: computed_item(item, workers, filed) for item in items}


def template_items(inspection: Inspection) -> list[ChecklistItem]:
    cached = getattr(inspection, "_template_items", None)
    if cached is None:
        cached = list(ChecklistItem.objects.filter(template_id=inspection.template_id))
        inspection._template_items = cached
    return cached


def scores_of(inspection: Inspection) -> dict[int, InspectionScore]:
    return {score.item_id: score for score in InspectionScore.objects.filter(inspection=inspection)}


def is_assigned(user, inspection: Inspection) -> bool:
    return bool(user.pk) and user.pk in (inspection.inspector_1_id, inspection.inspector_2_id)


def inspections_assigned_to(user) -> QuerySet[Inspection]:
    """The inspections the user is one of the two inspectors of; none for anyone else."""
    if not user.is_authenticated:
        return Inspection.objects.none()
    return Inspection.objects.filter(Q(inspector_1=user) | Q(inspector_2=user))


# Concluded inspections stay on an inspector's list this long, to look back at.
RECENT_DAYS = 30


def my_inspections(user) -> QuerySet[Inspection]:
    """The phone list: open ones first (by due date), then those concluded recently."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    return (
        inspections_assigned_to(user)
        .filter(~Q(status=Inspection.Status.CONCLUDED) | Q(concluded_at__gte=since))
        .select_related("round", "agency", "recognition__kind")
        .annotate(
            done=Case(
                When(status=Inspection.Status.CONCLUDED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("done", "round__due_on", "agency__name", "pk")
    )


def photos_of(inspection: Inspection) -> QuerySet[Document]:
    return Document.objects.filter(
        owner_type=ContentType.objects.get_for_model(Inspection),
        owner_id=str(inspection.pk),
        purpose=PHOTO_PURPOSE,
    ).order_by("created_at", "pk")


def inspectors() -> QuerySet[User]:
    """Who may be named an inspector: active reviewers and approvers, no agency account."""
    return (
        User.objects.filter(is_active=True, groups__name__in=(REVIEWER, APPROVER))
        .exclude(groups__name=AGENCY_USER)
        .distinct()
        .order_by("full_name", "username")
    )


def current_templates() -> dict[str, ChecklistTemplate]:
    """The current template of each kind of subject, by kind, in one query."""
    return {t.subject_kind: t for t in ChecklistTemplate.objects.filter(current=True)}


def template_in_use(template: ChecklistTemplate) -> bool:
    return Inspection.objects.filter(template=template).exists()


def templates_for_user(user) -> QuerySet[ChecklistTemplate]:
    if not is_staff_member(user):
        return ChecklistTemplate.objects.none()
    return ChecklistTemplate.objects.annotate(
        items_total=Count("items", distinct=True),
        inspections_total=Count("inspections", distinct=True),
    )


def rounds_for_user(user) -> QuerySet[InspectionRound]:
    """The rounds with their inspections counted by status and result (one query)."""
    if not is_staff_member(user):
        return InspectionRound.objects.none()
    annual = Q(inspections__kind=Inspection.Kind.ANNUAL)
    counts = {"inspections_total": Count("inspections", filter=annual)}
    for status in Inspection.Status.values:
        counts[f"status_{status}"] = Count(
            "inspections", filter=annual & Q(inspections__status=status)
        )
    for result in Inspection.Result.values:
        counts[f"result_{result}"] = Count(
            "inspections", filter=annual & Q(inspections__result=result)
        )
    return InspectionRound.objects.select_related("planned_by").annotate(**counts)


def inspections_for_user(user) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related(
        "round",
        "agency",
        "agency__street",
        "recognition__kind",
        "template",
        "inspector_1",
        "inspector_2",
    )
    if is_staff_member(user):
        return qs
    agency = agency_selectors.agency_of_user(user) if is_agency_user(user) else None
    return qs.filter(agency=agency) if agency is not None else qs.none()


def inspections_published_for_user(user) -> QuerySet[Inspection]:
    """What the portal and the API list: bureau staff and officials every inspection; an
    agency user its own agency's concluded ones only (a planned or running inspection is the
    bureau's business until its result is known)."""
    qs = inspections_for_user(user)
    if is_staff_member(user):
        return qs
    return qs.filter(status=Inspection.Status.CONCLUDED)


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


# --- rectification (整改) ----------------------------------------------------------------


def rectifications_for_user(user) -> QuerySet[Rectification]:
    qs = Rectification.objects.select_related(
        "inspection__round", "inspection__agency", "inspection__recognition__kind"
    )
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(inspection__agency_id=user_agency_id(user))
    return qs.none()


def rectification_evidence(rectification: Rectification) -> QuerySet[Document]:
    """The evidence files the agency sent with its answer (documents owned by it)."""
    return Document.objects.filter(
        owner_type=ContentType.objects.get_for_model(Rectification),
        owner_id=str(rectification.pk),
    ).order_by("created_at", "pk")


def reinspection_of(inspection: Inspection) -> Inspection | None:
    """The re-inspection planned after a failed inspection, if any."""
    return Inspection.objects.filter(parent=inspection).first()


# --- spot checks (抽查核实) --------------------------------------------------------------

OUTCOME = SpotCheckItem.Outcome


def spot_checks_with_progress() -> QuerySet[SpotCheck]:
    """Every spot check with its sample size and how many records are checked, true, false,
    and the total to recover (one query)."""
    return SpotCheck.objects.select_related("created_by").annotate(
        drawn=Count("items"),
        checked=Count("items", filter=~Q(items__outcome=OUTCOME.PENDING)),
        found_true=Count("items", filter=Q(items__outcome=OUTCOME.TRUE)),
        found_false=Count("items", filter=Q(items__outcome=OUTCOME.FALSE)),
        to_recover=Sum("items__recovery_amount"),
    )


def spot_checks_for_user(user) -> QuerySet[SpotCheck]:
    return spot_checks_with_progress() if is_staff_member(user) else SpotCheck.objects.none()


def items_with_records() -> QuerySet[SpotCheckItem]:
    return SpotCheckItem.objects.select_related(
        "spot_check",
        "agency",
        "assigned_to",
        "checked_by",
        "claim",
        "claim__claim_type",
        "voucher",
        "exemption",
        "exemption__service_kind",
    )


def spot_check_items_for_user(user) -> QuerySet[SpotCheckItem]:
    """Staff: every record; an agency user: its own agency's records once checked."""
    if is_staff_member(user):
        return items_with_records()
    if is_agency_user(user) and user_agency_id(user):
        return (
            items_with_records()
            .filter(agency_id=user_agency_id(user))
            .exclude(outcome=OUTCOME.PENDING)
        )
    return SpotCheckItem.objects.none()


def false_items_of_agency(agency) -> QuerySet[SpotCheckItem]:
    """The agency's records a spot check found false (不属实), newest first."""
    return (
        items_with_records()
        .filter(agency=agency, outcome=OUTCOME.FALSE)
        .order_by("-checked_at", "-pk")
    )


def record_label(item: SpotCheckItem) -> str:
    """What was checked, in words (the related rows are selected with the item)."""
    if item.claim_id:
        return f"{item.claim.claim_type.name} {item.claim.period}"
    if item.voucher_id:
        return item.voucher.display_code
    return str(item.exemption)
