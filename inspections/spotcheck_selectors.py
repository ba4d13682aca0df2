"""Reads of spot checks (抽查核实), scoped by who asks: staff read every spot check, an agency
only its own records found false. Lists annotate their counts (no query per row)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member

from .models import SpotCheck, SpotCheckItem

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
