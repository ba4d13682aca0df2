"""Recognitions (认定/称号): granted and revoked by bureau staff."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user
from kunqu_jiafu.notifications.services import notify

from ..models import Agency, Recognition, RecognitionKind
from ..selectors import agency_users


def recognition_grant(
    *,
    actor: User,
    agency: Agency,
    kind: RecognitionKind | str,
    year: int,
    granted_on: dt.date,
    valid_until: dt.date | None,
) -> Recognition:
    """Grant a recognition of a kind in use (the kind or its code)."""
    if not has_role(actor, REVIEWER, APPROVER) or is_agency_user(actor):
        raise PermissionDenied(_("Only bureau staff grant recognitions."))
    if agency.status != Agency.Status.REGISTERED:
        raise ValidationError({"agency": _("Only a registered agency can be recognised.")})
    code = kind.code if isinstance(kind, RecognitionKind) else kind
    kind = RecognitionKind.objects.filter(code=code, active=True).first()
    if kind is None:
        raise ValidationError(
            {"kind": _("Choose a recognition from the list the bureau keeps (in use).")}
        )
    if valid_until and valid_until < granted_on:
        raise ValidationError({"valid_until": _("The validity must end after the grant date.")})
    try:
        with transaction.atomic():
            recognition = Recognition.objects.create(
                agency=agency, kind=kind, year=year, granted_on=granted_on, valid_until=valid_until
            )
            audit.log(
                actor,
                recognition,
                "agencies.recognition.granted",
                after={"kind": kind.code, "year": year, "valid_until": valid_until},
            )
            notify(
                agency_users(agency),
                _("Recognition granted: %(r)s") % {"r": recognition.get_kind_display()},
                "",
                reverse("portal:dashboard"),
            )
    except IntegrityError:
        raise ValidationError(
            {"kind": _("The agency already holds this recognition for that year.")}
        ) from None
    return recognition


def recognition_revoke(*, actor: User | None, recognition: Recognition, reason: str) -> Recognition:
    """Revoke a recognition with a reason. ``actor`` None is the system: the inspections
    area's nightly check when a rectification deadline is missed (优胜劣汰)."""
    if actor is not None and (not has_role(actor, REVIEWER, APPROVER) or is_agency_user(actor)):
        raise PermissionDenied(_("Only bureau staff revoke recognitions."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give the reason for revoking the recognition.")})
    with transaction.atomic():
        recognition = (
            Recognition.objects.select_for_update()
            .select_related("agency", "kind")
            .get(pk=recognition.pk)
        )
        if recognition.status == Recognition.Status.REVOKED:
            raise ValidationError(_("The recognition is already revoked."))
        before = {"status": recognition.status}
        recognition.status = Recognition.Status.REVOKED
        recognition.status_reason = reason.strip()
        recognition.save(update_fields=["status", "status_reason"])
        audit.log(
            actor,
            recognition,
            "agencies.recognition.revoked",
            before=before,
            after={"status": recognition.status},
            reason=reason,
        )
        notify(
            agency_users(recognition.agency),
            _("Recognition revoked: %(r)s") % {"r": recognition.get_kind_display()},
            reason,
            reverse("portal:dashboard"),
        )
    return recognition
