"""The database itself guards the audit tables (PostgreSQL, as in CI and production):
TRUNCATE and writes to the head but the append path's are refused, whoever asks, and the
application's role (``manage.py audit_db_role``) cannot change or remove entries at all."""

from __future__ import annotations

import uuid

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kunqu_jiafu import audit
from kunqu_jiafu.audit.chain import GENESIS, entry_hash
from kunqu_jiafu.audit.models import AuditEntry, AuditHead
from kunqu_jiafu.audit.services import audit_verify

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")


def _refused(sql: str, params=None, match: str = "") -> None:
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        with connection.cursor() as cursor:
            # the deferred foreign-key checks first, or TRUNCATE refuses for that reason
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql, params or [])


def _two(reviewer, org_a):
    return [audit.log(reviewer, org_a, "tests.thing.changed", after={"n": n}) for n in (1, 2)]


@pytest.mark.postgres
@postgres_only
def test_truncate_of_the_audit_tables_is_refused(reviewer, org_a):
    _two(reviewer, org_a)
    _refused("TRUNCATE audit_auditentry CASCADE", match="cannot be truncated")
    _refused("TRUNCATE audit_audithead", match="cannot be truncated")
    # Setting the switch is not enough for whoever is not the owner (tested with the role
    # below); the owner must mean it, in its own transaction (the test suite's flush does).
    assert AuditEntry.objects.count() >= 2
    assert audit_verify().ok


@pytest.mark.postgres
@postgres_only
def test_the_head_cannot_be_rewound_deleted_or_pointed_elsewhere(reviewer, org_a):
    first, second = _two(reviewer, org_a)
    head = AuditHead.objects.get()
    _refused(
        "UPDATE audit_audithead SET last_hash = %s, count = count - 1 WHERE id = 1",
        [first.entry_hash],
        match="only moves forward",
    )
    _refused("UPDATE audit_audithead SET count = count + 1 WHERE id = 1", match="only moves")
    _refused("DELETE FROM audit_audithead", match="cannot be deleted")
    _refused(
        "INSERT INTO audit_audithead (id, last_hash, count) VALUES (2, %s, 0)",
        [GENESIS],
        match="created once",
    )
    assert AuditHead.objects.get().last_hash == head.last_hash == second.entry_hash
    # the append path still moves it
    audit.log(reviewer, org_a, "tests.thing.closed")
    assert AuditHead.objects.get().count == head.count + 1
    assert audit_verify().ok


@pytest.mark.postgres
@postgres_only
def test_entries_refuse_update_and_delete(reviewer, org_a):
    entry, _ = _two(reviewer, org_a)
    _refused("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk], "append-only")
    _refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk], "append-only")


def test_the_role_command_prints_append_only_grants(capsys):
    call_command("audit_db_role", "kunqu_app")
    out = capsys.readouterr().out
    assert "GRANT SELECT, INSERT ON audit_auditentry TO kunqu_app;" in out
    assert (
        "REVOKE ALL ON audit_auditentry, audit_audithead, audit_auditcheck FROM kunqu_app;" in out
    )
    assert "TRUNCATE" not in out
    with pytest.raises(CommandError, match="角色名"):
        call_command("audit_db_role", "app; DROP TABLE x")


@pytest.fixture
def app_role(transactional_db):
    """A login role set up as docs/operations.md says (CREATE ROLE, then audit_db_role)."""
    name = f"kj_app_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
    call_command("audit_db_role", name, "--apply")
    params = connection.get_connection_params()
    conn = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=name,
        password=password,
        host=params.get("host") or "127.0.0.1",
        port=params.get("port") or 5432,
    )
    conn.autocommit = True
    yield conn
    conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


@pytest.mark.postgres
@postgres_only
def test_the_application_role_appends_but_cannot_change_remove_or_unguard(
    app_role, django_user_model
):
    from tests import factories

    reviewer = factories.make_user("role-reviewer")
    org = factories.make_agency("丙家政服务有限公司")
    entry = audit.log(reviewer, org, "tests.thing.created")
    cursor = app_role.cursor()

    def refused(sql, params=None):
        with pytest.raises(psycopg2.Error) as failure:
            cursor.execute(sql, params or [])
        return str(failure.value)

    assert "permission denied" in refused(
        "UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk]
    )
    assert "permission denied" in refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert "permission denied" in refused("TRUNCATE audit_auditentry CASCADE")
    assert "permission denied" in refused("TRUNCATE audit_audithead")
    # not the owner: it cannot switch the guards off, nor take the truncate switch
    assert "must be owner" in refused("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
    cursor.execute("BEGIN")
    cursor.execute("SET LOCAL audit.allow_truncate = 'on'")
    assert "permission denied" in refused("TRUNCATE audit_audithead")
    cursor.execute("ROLLBACK")
    assert "only moves forward" in refused("UPDATE audit_audithead SET count = count - 1")
    # ... while the application's own tables stay fully writable
    cursor.execute("UPDATE agencies_agency SET name = name WHERE id = %s", [org.pk])
    # and appending works, by the path audit_log takes: lock the head, insert, step the head
    cursor.execute("BEGIN")
    cursor.execute("SELECT last_hash, count FROM audit_audithead WHERE id = 1 FOR UPDATE")
    last_hash, count = cursor.fetchone()
    new = AuditEntry(
        created_at=timezone.now(),
        actor_label="系统",
        client_address="",
        action="tests.thing.appended",
        object_id="",
        object_repr="",
        before=None,
        after={"by": "role"},
        reason="",
        prev_hash=last_hash,
    )
    new.entry_hash = entry_hash(new)
    cursor.execute(
        "INSERT INTO audit_auditentry (created_at, actor_label, client_address, action, "
        "object_id, object_repr, before, after, reason, prev_hash, entry_hash) "
        "VALUES (%s, %s, '', %s, '', '', NULL, %s, '', %s, %s)",
        [new.created_at, new.actor_label, new.action, '{"by": "role"}', last_hash, new.entry_hash],
    )
    cursor.execute(
        "UPDATE audit_audithead SET last_hash = %s, count = %s WHERE id = 1",
        [new.entry_hash, count + 1],
    )
    cursor.execute("COMMIT")
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
    assert AuditEntry.objects.latest("id").action == "tests.thing.appended"
    report = audit_verify()
    assert report.ok, report
