"""Audit log: one entry per change, append-only, hash-chained, verifiable by a command."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, close_old_connections, connection, transaction

from kunqu_jiafu import audit
from kunqu_jiafu.audit.models import AppendOnlyError, AuditEntry, AuditHead
from kunqu_jiafu.audit.services import audit_verify

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")


def _log_three(actor, obj) -> list[AuditEntry]:
    return [
        audit.log(actor, obj, "tests.thing.created", after={"n": 1}),
        audit.log(actor, obj, "tests.thing.changed", before={"n": 1}, after={"n": 2}),
        audit.log(actor, obj, "tests.thing.closed", before={"n": 2}, reason="done"),
    ]


def _raw(sql: str, params=None) -> None:
    """Run SQL behind the ORM's back and past the database's own guards, as someone who owns
    the tables (and can switch their triggers off) would."""
    from importlib import import_module

    guards = import_module("kunqu_jiafu.audit.migrations.0005_refuse_truncate_and_head_writes")
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            # Fire the deferred foreign-key checks first: ALTER TABLE refuses to run
            # while trigger events are pending. The test transaction undoes all of it.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in ("audit_auditentry", "audit_audithead"):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for drop in guards.SQLITE_DROP:
                cursor.execute(drop)
        cursor.execute(sql, params or [])
        if ON_POSTGRES:
            for table in ("audit_auditentry", "audit_audithead"):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for create in guards.SQLITE_CREATE:
                cursor.execute(create)


def test_log_records_actor_object_action_and_links_to_the_previous_entry(reviewer, org_a):
    before = AuditHead.objects.get()  # the fixtures' accounts were logged already
    first, second, third = _log_three(reviewer, org_a)
    assert first.prev_hash == before.last_hash
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert third.actor == reviewer
    assert third.actor_label == "赵经办"
    assert third.object_id == str(org_a.pk)
    assert third.object_repr == org_a.name
    assert third.reason == "done"
    assert list(AuditEntry.objects.for_object(org_a).order_by("id")) == [first, second, third]
    head = AuditHead.objects.get()
    assert head.last_hash == third.entry_hash
    assert head.count == before.count + 3


def test_anonymous_actor_is_recorded_as_the_system(anonymous, org_a):
    entry = audit.log(anonymous, org_a, "tests.thing.created")
    assert entry.actor is None
    assert entry.actor_label == "系统"


def test_entry_cannot_be_saved_again(reviewer, org_a):
    entry = audit.log(reviewer, org_a, "tests.thing.created", after={"n": 1})
    entry.reason = "changed afterwards"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_entry_cannot_be_deleted(reviewer, org_a):
    entry = audit.log(reviewer, org_a, "tests.thing.created")
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_are_refused(reviewer, org_a):
    _log_three(reviewer, org_a)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(action="tests.thing.created").update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    entries = list(AuditEntry.objects.all())
    for entry in entries:
        entry.reason = "x"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update(entries, ["reason"])
    assert AuditEntry.objects.filter(action__startswith="tests.").count() == 3
    assert not AuditEntry.objects.filter(reason="x").exists()


def test_verify_command_passes_on_an_intact_chain(reviewer, org_a, capsys):
    _log_three(reviewer, org_a)
    call_command("audit_verify")
    assert f"已验证 {AuditEntry.objects.count()} 条记录" in capsys.readouterr().out
    assert audit_verify().ok


def test_verify_passes_on_an_empty_log(db):
    report = audit_verify()
    assert report.ok
    assert report.checked == 0


def test_verify_fails_when_an_entry_content_is_altered(reviewer, org_a):
    _, second, _ = _log_three(reviewer, org_a)
    _raw("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["edited", second.pk])
    with pytest.raises(CommandError, match=f"#{second.pk}") as failure:
        call_command("audit_verify")
    # The operator reads the problem in Chinese, not the code's English.
    assert "记录内容与其哈希值不符" in str(failure.value)


def test_verify_fails_when_the_json_after_is_altered(reviewer, org_a):
    _, second, _ = _log_three(reviewer, org_a)
    payload = '{"n": 3}'
    _raw("UPDATE audit_auditentry SET after = %s WHERE id = %s", [payload, second.pk])
    report = audit_verify()
    assert not report.ok
    assert report.entry_id == second.pk


def test_verify_fails_when_a_middle_entry_is_removed(reviewer, org_a):
    _, second, third = _log_three(reviewer, org_a)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [second.pk])
    report = audit_verify()
    assert not report.ok
    assert report.entry_id == third.pk
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_verify_fails_when_the_newest_entry_is_removed(reviewer, org_a):
    *_, third = _log_three(reviewer, org_a)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [third.pk])
    with pytest.raises(CommandError, match="最新的记录已被删除"):
        call_command("audit_verify")


def test_verify_fails_when_the_oldest_entry_is_removed(reviewer, org_a):
    first, second, _ = _log_three(reviewer, org_a)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [first.pk])
    report = audit_verify()
    assert not report.ok
    assert report.entry_id == second.pk


@pytest.mark.postgres
@postgres_only
def test_postgres_refuses_raw_update_and_delete(reviewer, org_a):
    entry = audit.log(reviewer, org_a, "tests.thing.created")
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
    assert audit_verify().ok


@pytest.mark.postgres
@postgres_only
def test_concurrent_log_calls_keep_the_chain_unbroken(transactional_db, reviewer, org_a):
    per_thread = 15
    start = AuditEntry.objects.count()  # the fixtures' accounts were logged already
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(label: str) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(per_thread):
                with transaction.atomic():
                    audit.log(reviewer, org_a, f"tests.thing.{label}", after={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    report = audit_verify()
    assert report.ok, report
    assert report.checked == start + 2 * per_thread
    assert AuditHead.objects.get().count == start + 2 * per_thread
    hashes = list(AuditEntry.objects.order_by("id").values_list("prev_hash", "entry_hash"))
    for (_, previous), (linked, _) in zip(hashes, hashes[1:], strict=False):
        assert linked == previous
