"""The hash chain of the audit log, keyed.

Each entry's hash is an HMAC-SHA256, under ``settings.AUDIT_HMAC_KEY`` (from the environment,
never in the database), of the previous entry's hash and every column the audit admin shows:
time, actor, actor name, client address, action, object type, object ID, object name, before,
after and reason. Someone who can write to the database but does not hold the key cannot
compute a hash that verifies, so an edited entry (or a forged one) is found by
``audit_verify`` even if the editor recomputes hashes (plain SHA-256 or any other).

Entries written before the key (plain SHA-256 over fewer columns) were re-chained under this
scheme by migration 0004, after their old chain was verified: one scheme for the whole log,
so no entry stays forgeable."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    # Round-trip through JSON so what we hash equals what the database returns.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def hmac_key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode()


def sign(purpose: str, payload: str) -> str:
    """An HMAC of ``payload`` under the audit key, separated by purpose (entry, anchor)."""
    return hmac.new(hmac_key(), f"{purpose}\n{payload}".encode(), hashlib.sha256).hexdigest()


def compute_hash(
    *,
    prev_hash: str,
    created_at: str,
    actor_id: int | None,
    actor_label: str,
    client_address: str,
    action: str,
    content_type_id: int | None,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    reason: str,
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": created_at,
            "actor": actor_id,
            "actor_label": actor_label,
            "address": client_address,
            "action": action,
            "ct": content_type_id,
            "obj": object_id,
            "obj_repr": object_repr,
            "before": _canonical(before),
            "after": _canonical(after),
            "reason": reason,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return sign("audit-entry-v2", payload)


def entry_hash(entry, prev_hash: str | None = None) -> str:
    """The hash an entry (a model instance, current or historical) must carry."""
    return compute_hash(
        prev_hash=entry.prev_hash if prev_hash is None else prev_hash,
        created_at=entry.created_at.isoformat(timespec="microseconds"),
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        client_address=entry.client_address,
        action=entry.action,
        content_type_id=entry.content_type_id,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        before=entry.before,
        after=entry.after,
        reason=entry.reason,
    )
