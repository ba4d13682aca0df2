"""An agency's yearly standing (annual inspection, performance rating)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user

from ..models import Agency, AgencyStanding


def standing_set(
    *, actor: User, agency: Agency, year: int, inspection: str, rating: str, note: str = ""
) -> AgencyStanding:
    """Record an agency's inspection result and rating for a year (staff only)."""
    if not has_role(actor, REVIEWER, APPROVER) or is_agency_user(actor):
        raise PermissionDenied(_("Only bureau staff record an agency's yearly standing."))
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the year of the standing, e.g. 2026.")})
    if inspection not in AgencyStanding.Inspection.values:
        raise ValidationError({"inspection": _("Choose an inspection result from the list.")})
    if rating not in AgencyStanding.Rating.values:
        raise ValidationError({"rating": _("Choose a rating from the list.")})
    with transaction.atomic():
        standing, created = AgencyStanding.objects.select_for_update().get_or_create(
            agency=agency, year=year
        )
        before = None if created else {"inspection": standing.inspection, "rating": standing.rating}
        standing.inspection, standing.rating, standing.note = inspection, rating, note
        standing.save()
        audit.log(
            actor,
            standing,
            "agencies.standing.set",
            before=before,
            after={"inspection": inspection, "rating": rating},
            reason=note,
        )
    return standing


def _record(agency: Agency, year: int, actor: User, reason: str, **values) -> AgencyStanding:
    with transaction.atomic():
        standing, created = AgencyStanding.objects.select_for_update().get_or_create(
            agency=agency, year=year
        )
        before = None if created else {name: getattr(standing, name) for name in values}
        for name, value in values.items():
            setattr(standing, name, value)
        standing.note = reason
        standing.save()
        audit.log(
            actor,
            standing,
            "agencies.standing.recorded",
            before=before,
            after=values,
            reason=reason,
        )
    return standing


def standing_record_inspection(
    *, actor: User, agency: Agency, year: int, result: str, reason: str
) -> AgencyStanding:
    """Record the year's annual inspection result (合格 / 基本合格 / 不合格). Called by the
    inspections area when an inspection of the agency, or its re-inspection, is concluded: the
    only writer of the result. ``reason`` says which inspection decided it."""
    if result not in AgencyStanding.Inspection.values:
        raise ValidationError({"inspection": _("Choose an inspection result from the list.")})
    return _record(agency, year, actor, reason, inspection=result)


def standing_record_rating(
    *, actor: User, agency: Agency, year: int, rating: str, reason: str
) -> AgencyStanding:
    """Record the year's performance rating (优秀 / 良好 / 合格 / 不合格). Called by the
    inspections area when the year's performance evaluation of the agency is concluded."""
    if rating not in AgencyStanding.Rating.values:
        raise ValidationError({"rating": _("Choose a rating from the list.")})
    return _record(agency, year, actor, reason, rating=rating)
