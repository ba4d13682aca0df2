from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    # Round-trip through JSON so what we hash equals what the database returns.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def compute_hash(
    *,
    prev_hash: str,
    created_at: str,
    actor_id: int | None,
    action: str,
    content_type_id: int | None,
    object_id: str,
    before: Any,
    after: Any,
    reason: str,
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": created_at,
            "actor": actor_id,
            "action": action,
            "ct": content_type_id,
            "obj": object_id,
            "before": _canonical(before),
            "after": _canonical(after),
            "reason": reason,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()
