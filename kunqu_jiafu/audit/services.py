from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from . import actions
from .chain import GENESIS, _canonical, compute_hash
from .models import AuditEntry, AuditHead


def _timestamp(value) -> str:
    return value.isoformat(timespec="microseconds")


def audit_log(
    actor,
    obj,
    action: str,
    *,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    action = actions.current(action)  # one tense: a renamed code is stored under its new name
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        content_type = (
            ContentType.objects.get_for_model(obj, for_concrete_model=False)
            if obj is not None
            else None
        )
        created_at = timezone.now()
        entry = AuditEntry(
            created_at=created_at,
            actor=actor,
            actor_label=str(actor) if actor is not None else gettext("the system"),
            action=action,
            content_type=content_type,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            before=_canonical(before),
            after=_canonical(after),
            reason=reason or "",
            prev_hash=head.last_hash,
        )
        entry.entry_hash = compute_hash(
            prev_hash=head.last_hash,
            created_at=_timestamp(created_at),
            actor_id=actor.pk if actor is not None else None,
            action=action,
            content_type_id=content_type.pk if content_type else None,
            object_id=entry.object_id,
            before=entry.before,
            after=entry.after,
            reason=entry.reason,
        )
        entry.save()
        AuditHead.objects.filter(pk=1).update(last_hash=entry.entry_hash, count=head.count + 1)
    return entry


@dataclass
class ChainReport:
    checked: int
    ok: bool
    problem: str = ""
    entry_id: int | None = None


def audit_verify() -> ChainReport:
    """Recompute the chain. Detects edited entries, removed entries and a cut tail."""
    prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return ChainReport(
                checked,
                False,
                _("chain broken: an entry before this one was removed or altered"),
                entry.pk,
            )
        expected = compute_hash(
            prev_hash=entry.prev_hash,
            created_at=_timestamp(entry.created_at),
            actor_id=entry.actor_id,
            action=entry.action,
            content_type_id=entry.content_type_id,
            object_id=entry.object_id,
            before=entry.before,
            after=entry.after,
            reason=entry.reason,
        )
        if expected != entry.entry_hash:
            return ChainReport(checked, False, _("entry content does not match its hash"), entry.pk)
        prev = entry.entry_hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_hash = head.last_hash if head else GENESIS
    head_count = head.count if head else 0
    if head_hash != prev or head_count != checked:
        return ChainReport(
            checked, False, _("the newest entries were removed (head does not match)")
        )
    return ChainReport(checked, True)
