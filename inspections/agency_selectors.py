"""Reads of inspections and rectifications that depend on who asks: staff and officials see
all, an agency user its own agency's, anyone else nothing."""

from __future__ import annotations

from django.db.models import QuerySet

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member
from kunqu_jiafu.documents.models import Document

from .models import Inspection, Rectification


def inspections_for_user(user) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("round", "agency", "recognition__kind")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(agency_id=user_agency_id(user))
    return qs.none()


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
    from django.contrib.contenttypes.models import ContentType

    return Document.objects.filter(
        owner_type=ContentType.objects.get_for_model(Rectification),
        owner_id=str(rectification.pk),
    ).order_by("created_at", "pk")


def reinspection_of(inspection: Inspection) -> Inspection | None:
    """The re-inspection planned after a failed inspection, if any."""
    return Inspection.objects.filter(parent=inspection).first()
