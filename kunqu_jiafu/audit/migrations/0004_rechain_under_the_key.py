"""Re-chain the existing entries under the keyed scheme (chain.py).

Entries written before were hashed with plain SHA-256 over fewer columns (not the actor's
name, the object's name nor, now, the client address): anyone with database access could
edit them and recompute. Re-chaining (rather than keeping a version per entry) leaves one
scheme for the whole log, so no old entry stays forgeable and verification has one rule.
It is safe only for a chain that verifies as it stands: the old chain is checked first under
the old rule and the migration stops, changing nothing, if it fails (investigate first)."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

from kunqu_jiafu.audit.chain import GENESIS, entry_hash


def _canonical(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _old_hash(entry) -> str:
    """The hash as 0001/0002's code computed it (frozen here)."""
    payload = json.dumps(
        {
            "prev": entry.prev_hash,
            "at": entry.created_at.isoformat(timespec="microseconds"),
            "actor": entry.actor_id,
            "action": entry.action,
            "ct": entry.content_type_id,
            "obj": entry.object_id,
            "before": _canonical(entry.before),
            "after": _canonical(entry.after),
            "reason": entry.reason,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def rechain(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    entries = list(AuditEntry.objects.order_by("id"))
    head = AuditHead.objects.filter(pk=1).first()
    prev = GENESIS
    for entry in entries:
        if entry.prev_hash != prev or _old_hash(entry) != entry.entry_hash:
            raise RuntimeError(
                f"audit entry #{entry.pk} fails the old verification: the log is not re-chained. "
                "Investigate (manage.py audit_verify on the previous release) before migrating."
            )
        prev = entry.entry_hash
    if entries and (head is None or head.last_hash != prev or head.count != len(entries)):
        raise RuntimeError("the audit head does not match the newest entry: not re-chained.")
    if not entries:
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        prev = GENESIS
        for entry in entries:
            new = entry_hash(entry, prev_hash=prev)
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s",
                [prev, new, entry.pk],
            )
            prev = new
        cursor.execute("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev])
        if postgres:
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_client_address_and_checks")]
    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
