"""Database helpers shared by the core and the apps."""

from __future__ import annotations

from collections.abc import Sequence


def bulk_save_existing(model, objs: Sequence, update_fields: Sequence[str]) -> None:
    """Save many rows already in the table: one INSERT .. ON CONFLICT (id) DO UPDATE per batch.

    Django's ``bulk_update`` builds a CASE expression per field per row (6 s for 2,000
    workers). Every object here is a complete row just read from the table (locked where it
    matters), so the insert half never happens; only ``update_fields`` are written
    (``created_at`` is kept; an ``auto_now`` field listed there is refreshed)."""
    if objs:
        model.objects.bulk_create(
            list(objs), update_conflicts=True, unique_fields=["id"], update_fields=update_fields
        )
