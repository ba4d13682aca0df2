"""The database refuses TRUNCATE of the audit tables and any write to the head but the
append path's, whoever connects (issue 11).

PostgreSQL: TRUNCATE of entries or head raises, unless the tables' owner (never the
application's role, see docs/operations.md) has set ``audit.allow_truncate`` to ``on`` in its
own transaction (the test suite's flush does; nothing in the application does). The head
cannot be deleted, is inserted once (empty, before any entry), and an UPDATE must move it one
step forward, to an entry whose previous hash is the head's hash: it cannot be rewound or
pointed elsewhere. 0002 already refuses UPDATE and DELETE of entries.

SQLite (development): UPDATE of entries and any head UPDATE but one step forward are
refused; DELETE is left possible (the test suite's flush deletes rows) and SQLite has no
TRUNCATE."""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('audit.allow_truncate', true) = 'on' AND pg_has_role(
        current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE'
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit tables cannot be truncated';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();

CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit head cannot be deleted';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.count <> 0 OR NEW.last_hash <> repeat('0', 64)
           OR EXISTS (SELECT 1 FROM audit_audithead)
           OR EXISTS (SELECT 1 FROM audit_auditentry) THEN
            RAISE EXCEPTION 'the audit head is created once, empty';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.count <> OLD.count + 1 OR NOT EXISTS (
        SELECT 1 FROM audit_auditentry
        WHERE entry_hash = NEW.last_hash AND prev_hash = OLD.last_hash
    ) THEN
        RAISE EXCEPTION 'the audit head only moves forward, to the entry just appended';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_head_guard ON audit_audithead;
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_audithead;
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_head_guard();
DROP FUNCTION IF EXISTS audit_refuse_truncate();
"""
SQLITE_CREATE = [
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER audit_head_guard BEFORE UPDATE ON audit_audithead
    WHEN NEW.id <> OLD.id OR NEW.count <> OLD.count + 1 OR NOT EXISTS (
        SELECT 1 FROM audit_auditentry
        WHERE entry_hash = NEW.last_hash AND prev_hash = OLD.last_hash
    )
    BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward, to the entry just appended');
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_head_guard",
    "DROP TRIGGER IF EXISTS audit_entry_append_only",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_rechain_under_the_key")]
    operations = [migrations.RunPython(forward, backward)]
