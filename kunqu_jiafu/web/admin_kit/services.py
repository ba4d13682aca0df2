"""The one write of the kit: a reference-data row saved with an audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, SYSTEM_ADMIN, has_role, is_agency_user


def reference_save(*, actor: User, instance, changed: list[str] | tuple[str, ...] = ()):
    """Save a reference-data row (a street, a course kind, a voucher target group...) with an
    audit entry named after its model (``agencies.street.updated``).

    The admin form has validated the row; this checks who saves and records the change.
    """
    if is_agency_user(actor):
        raise PermissionDenied(_("Only bureau staff change reference data."))
    # The ModelAdmin's permissions say which rows the system administrator keeps.
    if not has_role(actor, REVIEWER, APPROVER, SYSTEM_ADMIN):
        raise PermissionDenied(_("Only bureau staff change reference data."))
    model = type(instance)
    created = instance.pk is None
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    with transaction.atomic():
        before = None
        if not created:
            old = model.objects.select_for_update().get(pk=instance.pk)
            before = {f: getattr(old, f) for f in (changed or fields) if f in fields}
        instance.save()
        audit.log(
            actor,
            instance,
            f"{model._meta.app_label}.{model._meta.model_name}."
            f"{'created' if created else 'updated'}",
            before=before,
            after={f: getattr(instance, f) for f in (changed or fields) if f in fields},
        )
    return instance
