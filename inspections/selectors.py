"""Reads of the inspections area that depend on who asks. Scoping happens here, once."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from agencies import selectors as agency_selectors
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import (
    AGENCY_USER,
    APPROVER,
    REVIEWER,
    is_agency_user,
    is_staff_member,
)

from .models import ChecklistTemplate, Inspection, InspectionRound


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
