"""The audit log shows Chinese names of actions and filters by them; the codes stay in the
data. Every action code the code base writes has a name, so a new one cannot appear raw.

Issue 9: "The audit log shows raw action codes (`subsidies.claim.approve`): show Chinese names
and filter by them; the codes stay in the data."
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from agencies import workflow as agency_workflow
from kunqu_jiafu import audit
from kunqu_jiafu.audit import actions
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.audit.services import audit_verify
from kunqu_jiafu.web.admin_kit.reference import ReferenceAdmin
from subsidies import workflow as claim_workflow

ROOT = Path(__file__).resolve().parents[2]

# Action codes built at run time from a value the AST cannot see: pattern -> the values.
# A new f-string action code fails test_every_action_code_written_has_a_chinese_name until
# it is listed here (and its codes get names in the app's audit_actions.py).
DYNAMIC = {
    "agencies.agency.{}": lambda: {t.action for t in agency_workflow.AGENCY_TRANSITIONS},
    "agencies.filing.{}": lambda: (
        {"submitted", "resubmitted"} | {t.action for t in agency_workflow.FILING_TRANSITIONS}
    ),
    "subsidies.claim.{}": lambda: {t.action for t in claim_workflow.TRANSITIONS},
    "agencies.survey.{}": lambda: {"saved", "submitted", "resubmitted"},
}


def _reference_models():
    return [m for m, a in admin.site._registry.items() if isinstance(a, ReferenceAdmin)]


# admin_kit.services.reference_save: f"{app_label}.{model_name}.{'created'|'updated'}"
GENERIC = {
    "{}.{}.created": lambda: {f"{m._meta.label_lower}.created" for m in _reference_models()},
    "{}.{}.updated": lambda: {f"{m._meta.label_lower}.updated" for m in _reference_models()},
}


def _source_files():
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents or ".venv" in path.parts:
            continue
        for file in path.rglob("*.py"):
            if "migrations" in file.parts or "tests" in file.parts:
                continue
            yield file


def _is_audit_call(node: ast.Call) -> bool:
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "log":
        return isinstance(func.value, ast.Name) and func.value.id == "audit"
    return isinstance(func, ast.Name) and func.id == "audit_log"


def _values(node, scope) -> list[str] | None:
    """The strings an expression can be: constants, conditionals of them, a local name
    assigned from them, and f-strings (expanded, or a pattern with {} for unknown parts)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        a, b = _values(node.body, scope), _values(node.orelse, scope)
        return None if a is None or b is None else a + b
    if isinstance(node, ast.Name) and scope is not None:
        found: list[str] = []
        for sub in ast.walk(scope):
            if isinstance(sub, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in sub.targets
            ):
                values = _values(sub.value, None)
                if values is None:
                    return None
                found += values
        return found or None
    if isinstance(node, ast.JoinedStr):
        parts: list[list[str]] = []
        for piece in node.values:
            if isinstance(piece, ast.Constant):
                parts.append([piece.value])
            else:
                parts.append(_values(piece.value, None) or ["{}"])
        return ["".join(p) for p in itertools.product(*parts)]
    return None


def _class_audit_actions() -> set[str]:
    """Every ``audit_action = "..."`` of a class body (the import pipeline's ``Importer``
    subclasses name their action so; the pipeline writes ``self.audit_action``)."""
    found = set()
    for file in _source_files():
        for node in ast.walk(ast.parse(file.read_text(), filename=str(file))):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and any(getattr(t, "id", None) == "audit_action" for t in item.targets)
                        and isinstance(item.value, ast.Constant)
                    ):
                        found.add(item.value.value)
    return found


def _written_codes() -> tuple[set[str], list[str]]:
    codes: set[str] = set()
    problems: list[str] = []
    for file in _source_files():
        tree = ast.parse(file.read_text(), filename=str(file))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_audit_call(node)):
                continue
            if file.name == "__init__.py" and file.parent.name == "audit":
                continue  # audit.log itself passes its argument on
            arg = node.args[2] if len(node.args) > 2 else None
            arg = arg or next((k.value for k in node.keywords if k.arg == "action"), None)
            scope = next(
                (f for f in functions if f.lineno <= node.lineno <= (f.end_lineno or 0)), None
            )
            values = _values(arg, scope) if arg is not None else None
            if values is None and isinstance(arg, ast.Attribute) and arg.attr == "audit_action":
                values = sorted(_class_audit_actions())  # the import pipeline's subclasses
            where = f"{file.relative_to(ROOT)}:{node.lineno}"
            if values is None:
                problems.append(f"{where}: action code not readable from the source")
                continue
            for value in values:
                if "{}" not in value:
                    codes.add(value)
                elif value in DYNAMIC:
                    codes |= {value.replace("{}", v) for v in DYNAMIC[value]()}
                elif value in GENERIC:
                    codes |= GENERIC[value]()
                else:
                    problems.append(f"{where}: dynamic action code {value!r} not listed in DYNAMIC")
    return codes, problems


def test_the_source_scan_finds_the_codes_of_every_area():
    codes, _ = _written_codes()
    assert {
        "subsidies.claim.approve",
        "vouchers.voucher.redeemed",
        "agencies.agency.register",
    } <= codes
    assert "people.person.identity_flagged" in codes  # assigned to a local name first
    assert "agencies.street.updated" in codes  # the reference-data kit's generic codes
    assert len(codes) > 50


def test_every_action_code_written_has_a_chinese_name():
    codes, problems = _written_codes()
    assert not problems, "\n".join(problems)
    unnamed = sorted(code for code in codes if not actions.is_named(code))
    assert not unnamed, (
        "These audit action codes have no name: add them to ACTIONS in the app's "
        "audit_actions.py (with a zh_Hans translation): " + ", ".join(unnamed)
    )


def test_every_name_is_chinese(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        english = [
            code
            for code in actions.named_codes()
            if not any("\u4e00" <= ch <= "\u9fff" for ch in actions.label(code))
        ]
    assert not english, english


def test_an_unknown_code_is_shown_as_the_code_never_an_error():
    assert actions.label("some.new.thing") == "some.new.thing"


@pytest.fixture
def trail(db, reviewer, org_a):
    first = audit.log(reviewer, org_a, "agencies.agency.registered", reason="材料齐全")
    second = audit.log(reviewer, org_a, "agencies.agency.suspended", reason="检查发现问题")
    return first, second


def test_audit_list_shows_chinese_names_and_keeps_the_codes_in_the_data(
    trail, approver, client_for
):
    response = client_for(approver).get(reverse("admin:audit_auditentry_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "准予登记" in html and "暂停机构" in html
    assert ">agencies.agency.registered<" not in html  # only as a tooltip
    assert set(
        AuditEntry.objects.filter(action__startswith="agencies.").values_list("action", flat=True)
    ) == {
        "agencies.agency.registered",
        "agencies.agency.suspended",
    }
    assert audit_verify().ok


def test_audit_list_filters_by_action_named_in_chinese(trail, approver, client_for):
    url = reverse("admin:audit_auditentry_changelist")
    client = client_for(approver)
    html = client.get(url).content.decode()
    assert '?action=agencies.agency.suspended"' in html  # the filter's choice, named 暂停机构
    response = client.get(url, {"action": "agencies.agency.suspended"})
    assert [e.action for e in response.context["cl"].result_list] == ["agencies.agency.suspended"]


def test_audit_list_offers_only_the_kinds_of_record_it_holds(trail, approver, client_for):
    """The object-type filter lists the kinds the log has entries about, not every model
    (sessions, content types, the two token models both named 令牌)."""
    from django.contrib.contenttypes.models import ContentType

    response = client_for(approver).get(reverse("admin:audit_auditentry_changelist"))
    spec = next(s for s in response.context["cl"].filter_specs if s.title == "对象类型")
    offered = {pk for pk, _label in spec.lookup_choices}
    held = set(AuditEntry.objects.values_list("content_type", flat=True).distinct())
    assert offered == held
    session = ContentType.objects.get(app_label="sessions", model="session")
    assert session.pk not in offered


def test_audit_list_search_by_chinese_name(trail, approver, client_for):
    url = reverse("admin:audit_auditentry_changelist")
    response = client_for(approver).get(url, {"q": "暂停"})
    assert [e.action for e in response.context["cl"].result_list] == ["agencies.agency.suspended"]
    # a name search still respects the other filters
    response = client_for(approver).get(url, {"q": "暂停", "action": "agencies.agency.registered"})
    assert list(response.context["cl"].result_list) == []


def test_audit_entry_page_shows_the_name_and_the_code(trail, approver, client_for):
    first, _ = trail
    url = reverse("admin:audit_auditentry_change", args=[first.pk])
    html = client_for(approver).get(url).content.decode()
    assert "准予登记" in html and "agencies.agency.registered" in html


def test_history_page_shows_names_and_filters_by_action(trail, reviewer, org_a, client_for):
    url = reverse("admin:agencies_agency_history", args=[org_a.pk])
    client = client_for(reviewer)
    html = client.get(url).content.decode()
    assert "准予登记" in html and "暂停机构" in html
    assert "<code>agencies.agency" not in html
    assert 'data-testid="action-filter"' in html
    filtered = client.get(url, {"action": "agencies.agency.suspended"})
    assert [e.action for e in filtered.context["entries"]] == ["agencies.agency.suspended"]
    # an action this object never had shows the whole trail, not an empty page
    everything = client.get(url, {"action": "no.such.action"})
    assert len(everything.context["entries"]) == 2


def test_a_renamed_code_is_stored_under_its_past_tense_name(db, reviewer, org_a):
    entry = audit.log(reviewer, org_a, "agencies.agency.register", reason="材料齐全")
    entry.refresh_from_db()
    assert entry.action == "agencies.agency.registered"
    assert audit_verify().ok


def test_every_code_is_named_in_the_past_tense():
    present = [code for code in actions.named_codes() if code.rsplit(".", 1)[-1] in {
        "register", "reject", "approve", "submit", "resubmit", "withdraw", "return",
        "refuse", "pay", "revoke", "suspend", "reinstate", "deregister", "reapply",
        "regenerate", "first_pass",
    }]  # fmt: skip
    assert present == []


@pytest.fixture
def old_trail(db, reviewer, org_a):
    """Entries written before the rename keep their old codes: the hash chain covers them."""
    with mock.patch.object(actions, "current", lambda code: code):
        audit.log(reviewer, org_a, "agencies.agency.register", reason="材料齐全")
    audit.log(reviewer, org_a, "agencies.agency.suspended", reason="检查发现问题")
    audit.log(reviewer, org_a, "agencies.agency.registered", reason="恢复后重新登记")


def test_an_old_code_reads_filters_and_searches_as_its_new_name(
    old_trail, approver, reviewer, org_a, client_for
):
    agency_actions = AuditEntry.objects.filter(action__startswith="agencies.")
    assert sorted(agency_actions.values_list("action", flat=True)) == [
        "agencies.agency.register",
        "agencies.agency.registered",
        "agencies.agency.suspended",
    ]
    assert audit_verify().ok
    assert actions.label("agencies.agency.register") == actions.label("agencies.agency.registered")
    url = reverse("admin:audit_auditentry_changelist")
    client = client_for(approver)
    html = client.get(url).content.decode()
    assert '?action=agencies.agency.register"' not in html  # one choice for both spellings
    listed = client.get(url, {"action": "agencies.agency.registered"}).context["cl"].result_list
    assert sorted(e.action for e in listed) == [
        "agencies.agency.register",
        "agencies.agency.registered",
    ]
    found = client.get(url, {"q": "准予登记"}).context["cl"].result_list
    assert len(found) == 2
    history = reverse("admin:agencies_agency_history", args=[org_a.pk])
    filtered = client_for(reviewer).get(history, {"action": "agencies.agency.register"})
    assert len(filtered.context["entries"]) == 2
