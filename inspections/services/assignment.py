"""Assigning inspectors: two different people of the bureau's staff per inspection (the
bureau's rule; the database's check refuses the same person twice as well). A concluded
inspection keeps the inspectors who concluded it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import permissions
from ..models import Inspection


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def _check_inspectors(inspector_1: User | None, inspector_2: User | None) -> None:
    errors = {}
    for field, user in (("inspector_1", inspector_1), ("inspector_2", inspector_2)):
        allowed, reason = permissions.may_inspect(user)
        if not allowed:
            errors[field] = reason
    if errors:
        raise ValidationError(errors)
    if inspector_1.pk == inspector_2.pk:
        raise ValidationError(
            {
                "inspector_2": _(
                    "The two inspectors must be two different people (the bureau's rule): "
                    "choose someone else as the second inspector."
                )
            }
        )


def inspectors_assign(
    *, actor: User, inspections, inspector_1: User | None, inspector_2: User | None
) -> int:
    """Name the two inspectors of each inspection (all or none); returns how many. Refused,
    writing nothing, when any of them is concluded."""
    _require(permissions.can_assign_inspectors(actor))
    _check_inspectors(inspector_1, inspector_2)
    pks = [i.pk for i in inspections]
    if not pks:
        raise ValidationError(_("Choose the inspections to assign."))
    with transaction.atomic():
        locked = list(
            Inspection.objects.select_for_update(of=("self",))
            .select_related("agency", "round", "recognition__kind")
            .filter(pk__in=pks)
            .order_by("pk")
        )
        concluded = [str(i) for i in locked if i.status == Inspection.Status.CONCLUDED]
        if concluded:
            raise ValidationError(
                _("A concluded inspection keeps its inspectors; leave these out: %(names)s.")
                % {"names": "、".join(concluded)}
            )
        Inspection.objects.filter(pk__in=[i.pk for i in locked]).update(
            inspector_1=inspector_1, inspector_2=inspector_2
        )
        for inspection in locked:
            audit.log(
                actor,
                inspection,
                "inspections.inspection.inspectors_assigned",
                before={
                    "inspector_1": inspection.inspector_1_id,
                    "inspector_2": inspection.inspector_2_id,
                },
                after={"inspector_1": inspector_1.pk, "inspector_2": inspector_2.pk},
            )
    return len(locked)
