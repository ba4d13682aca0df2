"""Field visits (实地走访、调研), the plan's "实地走访家服企业、调研企业发展情况": who went where and
when, why, what they found, the agency's situation and needs, and photos (JPEG/PNG documents
owned by the visit, which only bureau staff open). Bureau reviewers and approvers record and
correct them; every write is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member
from kunqu_jiafu.documents.services import document_delete, document_store, validate_upload

from .. import permissions, selectors
from ..models import FieldVisit

PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTOS = 20
TEXT_FIELDS = ("purpose", "notes", "situation", "needs")
# The earliest date a visit may carry (older records belong in the paper files).
EARLIEST = dt.date(2000, 1, 1)


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def _clean(data: Mapping, *, partial: bool = False) -> dict:
    """Check the fields given; every error names its field and the fix."""
    values, errors = {}, {}
    if not partial or "agency" in data:
        agency = data.get("agency")
        if not isinstance(agency, Agency):
            errors["agency"] = _("Choose the agency that was visited.")
        values["agency"] = agency
    if not partial or "visited_on" in data:
        day = data.get("visited_on")
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            errors["visited_on"] = _("Enter the date of the visit, e.g. 2026-05-20.")
        elif day > timezone.localdate():
            errors["visited_on"] = _("The date of the visit cannot be in the future.")
        elif day < EARLIEST:
            errors["visited_on"] = _("Enter a date from 2000 on.")
        values["visited_on"] = day
    if not partial or "staff" in data:
        staff = list(data.get("staff") or [])
        if not staff:
            errors["staff"] = _("Choose at least one member of staff who went.")
        elif any(not is_staff_member(u) or is_agency_user(u) or u.is_superuser for u in staff):
            errors["staff"] = _("Only bureau staff can be listed as having gone on the visit.")
        values["staff"] = staff
    for name in TEXT_FIELDS:
        if partial and name not in data:
            continue
        values[name] = str(data.get(name) or "").strip()
    if "purpose" in values:
        limit = FieldVisit._meta.get_field("purpose").max_length
        if not values["purpose"]:
            errors["purpose"] = _("Enter the purpose of the visit.")
        elif len(values["purpose"]) > limit:
            errors["purpose"] = _("Keep the purpose to %(limit)s characters.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    return values


def _check_photos(photos: list, already: int = 0) -> None:
    if already + len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("A visit keeps at most %(max)s photos.") % {"max": MAX_PHOTOS}}
        )
    for photo in photos:  # every file checked before anything is stored
        validate_upload(photo, allowed=PHOTO_TYPES, field="photos")


def _store_photos(actor: User, visit: FieldVisit, photos: list) -> list[str]:
    return [
        document_store(
            photo,
            allowed=PHOTO_TYPES,
            field="photos",
            user=actor,
            owner=visit,
            purpose="field visit photo",
        ).original_name
        for photo in photos
    ]


def _snapshot(visit: FieldVisit) -> dict:
    return {
        "agency": visit.agency_id,
        "visited_on": f"{visit.visited_on:%Y-%m-%d}",
        "staff": sorted(u.pk for u in visit.staff.all()),
        **{name: getattr(visit, name) for name in TEXT_FIELDS},
    }


def visit_record(*, actor: User, data: Mapping, photos: Iterable = ()) -> FieldVisit:
    """Record a visit (agency, visited_on, staff, purpose, notes, situation, needs) with its
    photos; nothing is written if any field or photo is refused."""
    _require(permissions.can_record_visit(actor))
    values = _clean(data)
    photos = list(photos)
    _check_photos(photos)
    staff = values.pop("staff")
    with transaction.atomic():
        visit = FieldVisit.objects.create(created_by=actor, **values)
        visit.staff.set(staff)
        stored = _store_photos(actor, visit, photos)
        audit.log(
            actor, visit, "inspections.visit.recorded", after={**_snapshot(visit), "photos": stored}
        )
    return visit


def visit_update(
    *,
    actor: User,
    visit: FieldVisit,
    data: Mapping,
    photos: Iterable = (),
    remove_photos: Iterable[int] = (),
) -> FieldVisit:
    """Correct a visit (only the fields given), add photos and remove some by document id."""
    _require(permissions.can_record_visit(actor))
    values = _clean(data, partial=True)
    photos = list(photos)
    with transaction.atomic():
        locked = FieldVisit.objects.select_for_update().get(pk=visit.pk)
        current = list(selectors.visit_photos(locked))
        remove = {int(pk) for pk in remove_photos}
        unknown = remove - {d.pk for d in current}
        if unknown:
            raise ValidationError({"photos": _("A photo to remove does not belong to this visit.")})
        _check_photos(photos, already=len(current) - len(remove))
        before = _snapshot(locked)
        staff = values.pop("staff", None)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        if staff is not None:
            locked.staff.set(staff)
        removed = [d.original_name for d in current if d.pk in remove]
        for pk in remove:
            document_delete(pk)
        added = _store_photos(actor, locked, photos)
        after = _snapshot(locked)
        if before != after or added or removed:
            audit.log(
                actor,
                locked,
                "inspections.visit.updated",
                before=before,
                after={**after, "photos_added": added, "photos_removed": removed},
            )
    return locked
