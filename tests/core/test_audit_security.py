"""Issue 11, the audit: security events with the client address, a keyed chain over every
column shown, anchors outside the database, scheduled verification with an alert."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kunqu_jiafu import audit
from kunqu_jiafu.audit import context, middleware
from kunqu_jiafu.audit.anchors import read_anchors
from kunqu_jiafu.audit.chain import GENESIS
from kunqu_jiafu.audit.models import AuditCheck, AuditEntry, AuditHead
from kunqu_jiafu.audit.services import audit_anchor, audit_verify
from kunqu_jiafu.audit.tasks import verify_and_anchor_audit_log
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.documents.sniff import PDF
from kunqu_jiafu.people import crypto
from tests import factories, id_search
from tests.core.test_audit import _raw

PASSWORD = factories.PASSWORD
TYPED_PASSWORD = "Wr0ng-Secret-Typed"


def _all_columns(entry: AuditEntry) -> str:
    row = AuditEntry.objects.filter(pk=entry.pk).values().get()
    return json.dumps(row, default=str, ensure_ascii=False)


def _newest(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


# --- sign-in events, with the address ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "via"), [("/accounts/login/", "portal"), ("/admin/login/", "admin")]
)
def test_a_failed_sign_in_keeps_the_name_typed_and_the_address_never_the_password(
    reviewer, url, via, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    client.post(url, {"username": "reviewer", "password": TYPED_PASSWORD})
    entry = _newest("accounts.user.login_failed")
    assert entry.after == {"username": "reviewer", "via": via}
    assert entry.object_id == str(reviewer.pk)  # the account tried
    assert entry.actor is None
    assert entry.client_address == "203.0.113.9"  # the proxy's view, not the proxy
    assert TYPED_PASSWORD not in _all_columns(entry)
    assert audit_verify().ok


def test_sign_in_and_out_are_logged_for_the_portal_and_the_admin(reviewer):
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.post("/admin/login/", {"username": "reviewer", "password": PASSWORD})
    entry = _newest("accounts.user.logged_in")
    assert (entry.actor, entry.after, entry.client_address) == (
        reviewer,
        {"via": "admin"},
        "198.51.100.7",
    )
    client.post(reverse("logout"))
    out = _newest("accounts.user.logged_out")
    assert (out.actor, out.client_address) == (reviewer, "198.51.100.7")
    Client().post("/accounts/login/", {"username": "reviewer", "password": PASSWORD})
    assert _newest("accounts.user.logged_in").after == {"via": "portal"}


def test_the_api_token_endpoint_logs_success_and_failure(agency_a):
    client = Client(REMOTE_ADDR="192.0.2.44")
    good = client.post("/api/auth/token/", {"username": "agency_a", "password": PASSWORD})
    assert good.status_code == 200
    entry = _newest("accounts.user.logged_in")
    assert (entry.actor, entry.after, entry.client_address) == (
        agency_a,
        {"via": "api"},
        "192.0.2.44",
    )
    bad = client.post("/api/auth/token/", {"username": "agency_a", "password": TYPED_PASSWORD})
    assert bad.status_code == 400
    failed = _newest("accounts.user.login_failed")
    assert failed.after == {"username": "agency_a", "via": "api"}
    assert TYPED_PASSWORD not in _all_columns(failed)


def test_a_spoofed_forwarded_header_is_not_recorded_without_a_trusted_proxy(reviewer, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR="1.2.3.4")
    client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    entry = _newest("accounts.user.login_failed")
    assert entry.client_address == "198.51.100.8"
    assert entry.object_id == ""  # no such account: the name typed only


def test_every_entry_written_during_a_request_gets_the_address(reviewer, org_a, rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.10")
    request.user = reviewer
    guarded = middleware.AuditRequestContext(
        lambda req: audit.log(req.user, org_a, "tests.thing.created") and None
    )
    guarded(request)
    assert _newest("tests.thing.created").client_address == "192.0.2.10"
    # outside a request: no address, no actor taken from an earlier request
    assert audit.log(None, org_a, "tests.thing.changed").client_address == ""
    assert context.current_actor() is None


# --- downloads, exports and searches by ID number ------------------------------------------------


@pytest.fixture
def licence(org_a, agency_a):
    return document_store(
        SimpleUploadedFile("营业执照.pdf", factories.PDF),
        allowed=(PDF,),
        field="license",
        user=agency_a,
        owner=org_a,
        purpose="营业执照",
    )


def test_a_personal_data_download_is_logged_once_with_its_document(licence, reviewer, client_for):
    client = client_for(reviewer)
    before = AuditEntry.objects.count()
    response = client.get(f"/files/{licence.uuid}/")
    assert response.status_code == 200
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.action for e in entries] == ["documents.document.downloaded"]
    assert entries[0].actor == reviewer
    assert entries[0].object_id == str(licence.pk)
    assert entries[0].client_address == "127.0.0.1"


def test_every_file_answer_is_logged_as_a_download_without_the_query_string(reviewer, org_a, rf):
    from django.http import HttpResponse

    def export(request):
        response = HttpResponse(b"x", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="workers.xlsx"'
        return response

    request = rf.get("/admin/agencies/worker/export/?q=150203198001011234&status=ok")
    request.user = reviewer
    middleware.AuditRequestContext(export)(request)
    entry = _newest("audit.file.downloaded")
    assert entry.actor == reviewer
    assert entry.after == {
        "path": "/admin/agencies/worker/export/",
        "file": "workers.xlsx",
        "type": "text/csv",
    }
    assert "150203198001011234" not in _all_columns(entry)


def test_an_admin_list_export_is_logged(reviewer, org_a, client_for):
    factories.make_worker(org_a)
    client = client_for(reviewer)
    url = reverse("admin:agencies_worker_export")
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    entry = _newest("audit.file.downloaded")
    assert entry.actor == reviewer
    assert entry.after["path"] == url


def test_a_search_by_full_id_number_stores_the_token_never_the_number(reviewer, org_a, client_for):
    """The search box posts the number (never in an address); the search is logged once, with
    the list searched and the blind index, and paging the list it found logs nothing more."""
    number = factories.id_number()
    factories.make_worker(org_a, person=factories.make_person("王芳", number))
    url = reverse("admin:agencies_worker_changelist")
    client = client_for(reviewer)
    response = id_search.search(client, url, number)
    assert response.status_code == 200
    assert "王芳" in response.content.decode()
    token = id_search.id_token(client, number, url)  # a second search is a second event
    client.get(url, {"idt": token, "o": "1"})
    entry = _newest("people.person.searched_by_id")
    assert entry.actor == reviewer
    assert entry.after == {"list": url, "id_hash": crypto.blind_index(number)}
    assert number not in _all_columns(entry)
    assert number[-6:] not in _all_columns(entry)
    assert AuditEntry.objects.filter(action="people.person.searched_by_id").count() == 2


def test_an_api_search_by_full_id_number_is_logged(reviewer, client_for):
    number = factories.id_number()
    id_search.api_token(client_for(reviewer), number)
    entry = _newest("people.person.searched_by_id")
    assert entry.actor == reviewer
    assert entry.after == {"list": "/api/id-search/", "id_hash": crypto.blind_index(number)}
    assert number not in _all_columns(entry)


# --- accounts, groups, permissions --------------------------------------------------------------


@pytest.fixture
def as_request(rf):
    """Run code as if inside a request by ``user`` (the actor the signal handlers take)."""

    def run(user, fn):
        request = rf.get("/admin/", REMOTE_ADDR="192.0.2.20")
        request.user = user
        middleware.AuditRequestContext(lambda req: fn() and None)(request)

    return run


def test_account_changes_are_logged_with_who_made_them(approver, reviewer, as_request):
    # An account without a business role (a superuser may hold none, 三员分立).
    clerk = factories.make_user("clerk1")

    def promote():
        clerk.is_superuser = True
        clerk.is_active = False
        clerk.save()

    as_request(approver, promote)
    entry = _newest("accounts.user.updated")
    assert (entry.actor, entry.object_id) == (approver, str(clerk.pk))
    assert entry.before == {"is_active": True, "is_superuser": False}
    assert entry.after == {"is_active": False, "is_superuser": True}
    assert entry.client_address == "192.0.2.20"

    def reset_password():
        reviewer.set_password("An0ther-Passw0rd!")
        reviewer.save()

    as_request(approver, reset_password)
    assert _newest("accounts.user.password_set").actor == approver
    assert "An0ther" not in _all_columns(_newest("accounts.user.password_set"))

    def own_password():
        approver.set_password("Own-Passw0rd-2026")
        approver.save()

    as_request(approver, own_password)
    assert _newest("accounts.user.password_changed").object_id == str(approver.pk)


def test_roles_and_permissions_changes_are_logged(approver, reviewer, as_request):
    group = Group.objects.get(name="统计查询")
    permission = Permission.objects.get(codename="view_auditentry")
    as_request(approver, lambda: reviewer.groups.add(group))
    assert _newest("accounts.user.groups_changed").after == {"added": ["统计查询"]}
    as_request(approver, lambda: group.user_set.remove(reviewer))
    entry = _newest("accounts.user.groups_changed")
    assert (entry.object_id, entry.after) == (str(reviewer.pk), {"removed": ["统计查询"]})
    as_request(approver, lambda: reviewer.groups.clear())
    assert _newest("accounts.user.groups_changed").after == {"removed": ["业务经办"]}
    as_request(approver, lambda: reviewer.user_permissions.add(permission))
    assert _newest("accounts.user.permissions_changed").after == {
        "added": ["audit.view_auditentry"]
    }
    as_request(approver, lambda: group.permissions.add(permission))
    entry = _newest("auth.group.permissions_changed")
    assert (entry.actor, entry.object_id) == (approver, str(group.pk))
    new = Group.objects.create(name="临时组")
    assert _newest("auth.group.created").object_id == str(new.pk)
    assert audit_verify().ok


def test_sign_in_does_not_log_an_account_change(reviewer):
    Client().post("/accounts/login/", {"username": "reviewer", "password": PASSWORD})
    assert not AuditEntry.objects.filter(action="accounts.user.updated").exists()


# --- the keyed chain ---------------------------------------------------------------------------


def test_an_editor_who_recomputes_plain_sha256_hashes_is_caught(reviewer, org_a):
    """The attack of issue 11: edit an entry with database access, recompute the hashes of
    it and every later entry with SHA-256 (the old scheme's function) and the head: the
    chain links again, but without the HMAC key no hash verifies."""
    from importlib import import_module

    old = import_module("kunqu_jiafu.audit.migrations.0004_rechain_under_the_key")
    entries = [audit.log(reviewer, org_a, "tests.thing.changed", after={"n": n}) for n in range(3)]
    victim = entries[1]
    _raw("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["forged", victim.pk])
    later = list(AuditEntry.objects.filter(pk__gte=victim.pk).order_by("id"))
    prev = later[0].prev_hash
    for entry in later:
        entry.prev_hash = prev
        new = old._old_hash(entry)
        _raw(
            "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s",
            [prev, new, entry.pk],
        )
        prev = new
    _raw("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev])
    report = audit_verify()
    assert not report.ok
    assert report.entry_id == victim.pk
    assert str(report.problem) == "记录内容与其哈希值不符"


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor_label", "别人"), ("object_repr", "另一家机构"), ("client_address", "10.9.9.9")],
)
def test_every_column_shown_is_covered_by_the_hash(reviewer, org_a, column, value):
    entry = audit.log(reviewer, org_a, "tests.thing.created")
    _raw(f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s", [value, entry.pk])
    report = audit_verify()
    assert (report.ok, report.entry_id) == (False, entry.pk)


def test_a_chain_checked_under_another_key_fails(reviewer, org_a, settings):
    audit.log(reviewer, org_a, "tests.thing.created")
    assert audit_verify().ok
    settings.AUDIT_HMAC_KEY = "someone-elses-key"
    assert not audit_verify().ok


def test_every_column_the_admin_shows_is_hashed():
    """A new column shown in the audit admin fails here until chain.compute_hash covers it."""
    import inspect

    from django.contrib import admin

    from kunqu_jiafu.audit.chain import compute_hash

    hashed = {
        {"actor_id": "actor", "content_type_id": "content_type"}.get(name, name)
        for name in inspect.signature(compute_hash).parameters
    }
    model_admin = admin.site._registry[AuditEntry]
    shown = set(model_admin.fields) | set(model_admin.list_display)
    # the hash itself, and the action's name (a label of the hashed code)
    assert shown - hashed == {"entry_hash", "action_name"}


# --- anchors outside the database -------------------------------------------------------------


def test_deleting_the_tail_and_rewinding_the_head_is_caught_by_the_anchor(reviewer, org_a):
    entries = [audit.log(reviewer, org_a, "tests.thing.changed", after={"n": n}) for n in range(3)]
    report, path = audit_anchor()
    assert report.ok and path
    head = AuditHead.objects.get()
    assert read_anchors()[-1].count == head.count
    # Delete the newest two entries and set the head to the one before: consistent in the DB.
    keep = entries[0]
    _raw("DELETE FROM audit_auditentry WHERE id > %s", [keep.pk])
    _raw(
        "UPDATE audit_audithead SET last_hash = %s, count = %s WHERE id = 1",
        [keep.entry_hash, head.count - 2],
    )
    report = audit_verify()
    assert not report.ok
    assert "锚" in str(report.problem)
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_a_different_hash_at_an_anchored_count_is_caught(reviewer, org_a, settings):
    audit.log(reviewer, org_a, "tests.thing.created")
    audit_anchor()
    anchored = read_anchors()[-1]
    newest = AuditEntry.objects.latest("id")
    # Someone with the key? No: a chain rebuilt from scratch differs at the anchored count.
    _raw("UPDATE audit_auditentry SET entry_hash = %s WHERE id = %s", ["f" * 64, newest.pk])
    _raw("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", ["f" * 64])
    report = audit_verify()
    assert not report.ok
    assert anchored.count >= report.checked


def test_an_edited_or_foreign_anchor_file_is_refused(reviewer, org_a, settings):
    audit.log(reviewer, org_a, "tests.thing.created")
    _report, path = audit_anchor()
    from pathlib import Path

    file = Path(path)
    file.chmod(0o640)
    body = json.loads(file.read_text())
    body["count"] = 1
    file.write_text(json.dumps(body))
    report = audit_verify()
    assert not report.ok
    assert file.name in str(report.problem)


def test_a_failing_chain_is_not_anchored(reviewer, org_a):
    entry = audit.log(reviewer, org_a, "tests.thing.created")
    _raw("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(CommandError, match="未加锚"):
        call_command("audit_anchor")
    assert read_anchors() == []


def test_the_anchor_command_writes_a_signed_file(reviewer, org_a, settings, capsys):
    audit.log(reviewer, org_a, "tests.thing.created")
    call_command("audit_anchor")
    (anchor,) = read_anchors()
    assert anchor.count == AuditHead.objects.get().count
    assert str(settings.AUDIT_ANCHOR_DIR) in capsys.readouterr().out


# --- scheduled verification and its alert --------------------------------------------------------


def test_the_schedule_runs_the_verification_and_the_anchor(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["verify-and-anchor-audit-log"]
    assert entry["task"] == "kunqu_jiafu.audit.tasks.verify_and_anchor_audit_log"
    assert entry["schedule"] <= 60 * 60


def test_a_failed_verification_is_recorded_shown_mailed_and_logged(
    reviewer, approver, org_a, client_for, caplog
):
    auditors = Group.objects.get(name="审计管理员")  # made by the accounts migrations
    watcher = factories.make_user("auditor1")
    watcher.groups.add(auditors)
    factories.make_user("nobody1")
    entry = audit.log(reviewer, org_a, "tests.thing.created")
    _raw("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
    mail.outbox.clear()
    with caplog.at_level(logging.ERROR):
        assert verify_and_anchor_audit_log.delay().get() is False
    check = AuditCheck.objects.get()
    assert (check.ok, check.entry_id) == (False, entry.pk)
    assert any(
        r.levelno == logging.ERROR and "verification failed" in r.getMessage()
        for r in caplog.records
    )
    assert [m.to for m in mail.outbox] == [["auditor1@example.cn"]]
    assert read_anchors() == []
    assert AuditEntry.objects.filter(action="audit.chain.verification_failed").exists()
    page = client_for(approver).get(reverse("admin:audit_auditentry_changelist"))
    assert "定时验证" in page.content.decode() and check.problem in page.content.decode()


def test_the_alert_does_not_fail_when_no_administrator_group_exists(reviewer, org_a):
    entry = audit.log(reviewer, org_a, "tests.thing.created")
    _raw("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
    mail.outbox.clear()
    assert verify_and_anchor_audit_log.delay().get() is False
    assert mail.outbox == []
    assert AuditCheck.objects.get().ok is False


def test_a_passing_verification_is_recorded_and_anchored(reviewer, org_a):
    audit.log(reviewer, org_a, "tests.thing.created")
    assert verify_and_anchor_audit_log.delay().get() is True
    assert AuditCheck.objects.get().ok
    assert len(read_anchors()) == 1


def test_the_audit_admin_shows_the_address(reviewer, approver, org_a, client_for, rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.77")
    request.user = reviewer
    middleware.AuditRequestContext(
        lambda req: audit.log(req.user, org_a, "agencies.agency.suspended") and None
    )(request)
    entry = _newest("agencies.agency.suspended")
    client = client_for(approver)
    listing = client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert "203.0.113.77" in listing and "客户端地址" in listing
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).content.decode()
    assert "203.0.113.77" in detail


# --- the re-chaining migration ----------------------------------------------------------------


def _write_old_chain(n: int, org_a) -> None:
    """Entries as the code before the key wrote them (plain SHA-256, fewer columns)."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.utils import timezone

    old = import_module("kunqu_jiafu.audit.migrations.0004_rechain_under_the_key")
    _raw("DELETE FROM audit_auditentry")
    prev = GENESIS
    for i in range(n):
        at = timezone.now()
        entry = SimpleNamespace(
            prev_hash=prev,
            created_at=at,
            actor_id=None,
            action="tests.old.made",
            content_type_id=None,
            object_id=str(i),
            before=None,
            after={"n": i},
            reason="old",
        )
        digest = old._old_hash(entry)
        _raw(
            "INSERT INTO audit_auditentry (created_at, actor_label, client_address, action, "
            "object_id, object_repr, before, after, reason, prev_hash, entry_hash) "
            "VALUES (%s, '系统', '', 'tests.old.made', %s, %s, NULL, %s, 'old', %s, %s)",
            [at, str(i), org_a.name, json.dumps({"n": i}), prev, digest],
        )
        prev = digest
    _raw("UPDATE audit_audithead SET last_hash = %s, count = %s WHERE id = 1", [prev, n])


def _rechain() -> None:
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module("kunqu_jiafu.audit.migrations.0004_rechain_under_the_key")
    guards = import_module("kunqu_jiafu.audit.migrations.0005_refuse_truncate_and_head_writes")

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    # What the migrations use of a schema editor (a real one cannot open inside a test's
    # transaction on SQLite). As when 0004 runs, 0005's guards do not exist yet.
    editor = SimpleNamespace(connection=connection, execute=execute)
    guards.backward(apps, editor)
    try:
        migration.rechain(apps, editor)
    finally:
        guards.forward(apps, editor)


def test_the_migration_rechains_an_old_chain_under_the_key(reviewer, org_a):
    audit.log(reviewer, org_a, "tests.thing.created")  # the head exists
    _write_old_chain(3, org_a)
    assert not audit_verify().ok  # the old hashes are not keyed
    _rechain()
    report = audit_verify()
    assert report.ok, report
    assert report.checked == 3
    # and the re-chained entries are now keyed: an SHA-256 forger is caught (see above)
    first = AuditEntry.objects.order_by("id").first()
    _raw("UPDATE audit_auditentry SET object_repr = 'x' WHERE id = %s", [first.pk])
    assert not audit_verify().ok


def test_the_migration_refuses_to_bless_a_broken_old_chain(reviewer, org_a):
    audit.log(reviewer, org_a, "tests.thing.created")
    _write_old_chain(3, org_a)
    second = AuditEntry.objects.order_by("id")[1]
    _raw("UPDATE audit_auditentry SET reason = 'edited' WHERE id = %s", [second.pk])
    hashes = list(AuditEntry.objects.order_by("id").values_list("entry_hash", flat=True))
    with pytest.raises(RuntimeError, match=f"#{second.pk}"):
        _rechain()
    # nothing was re-chained: the forgery is not blessed with keyed hashes
    assert list(AuditEntry.objects.order_by("id").values_list("entry_hash", flat=True)) == hashes


def test_an_anchor_directory_that_cannot_be_written_alerts(reviewer, org_a, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.AUDIT_ANCHOR_DIR = blocker / "anchors"
    audit.log(reviewer, org_a, "tests.thing.created")
    assert verify_and_anchor_audit_log.delay().get() is False
    check = AuditCheck.objects.get()
    assert not check.ok
    assert "锚点" in check.problem and str(blocker) in check.problem


def test_a_password_reset_by_its_owner_through_the_mailed_link_is_not_set_by_another(reviewer, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.post("/accounts/reset/x/set-password/")
    request.user = AnonymousUser()

    def reset():
        reviewer.set_password("Reset-Passw0rd-2026")
        reviewer.save()

    middleware.AuditRequestContext(lambda req: reset())(request)
    assert _newest("accounts.user.password_changed").object_id == str(reviewer.pk)
    # from a shell (no request): set by someone else
    reviewer.set_password("Shell-Passw0rd-2026")
    reviewer.save()
    assert _newest("accounts.user.password_set").actor is None


def test_production_refuses_to_start_without_the_audit_key(tmp_path):
    from tests.core.test_production_checks import _deploy_check

    refused = _deploy_check(tmp_path, AUDIT_HMAC_KEY="", EMAIL_URL="smtp://mail.example.cn:25")
    assert refused.returncode != 0
    assert "AUDIT_HMAC_KEY" in refused.stderr
