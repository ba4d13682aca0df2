"""An agency's yearly standing (annual inspection, performance rating), written by the
inspections area alone (issue 12): nobody types it in the admin."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from ..models import Agency, AgencyStanding


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
