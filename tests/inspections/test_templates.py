"""Checklist templates: the seeded defaults, versioning, thresholds, and no change in place of
a template in use (issue 12: "A template in use is never edited in place: a new version is
made, and old inspections keep their meaning")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import ChecklistItem, ChecklistTemplate, ItemSource, SubjectKind
from inspections.services import templates
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.inspections import factories as inspect

pytestmark = pytest.mark.django_db

FIVE_UNIFIED = ["统一标识", "统一制度", "统一培训", "统一服务规范", "统一收费"]


def _rows(template):
    return list(template.items.order_by("sort_order", "pk").values(*templates.ITEM_FIELDS, "pk"))


def test_each_subject_has_one_current_default_template_whose_points_add_up_to_100():
    """DOMAIN.md: "default items 统一标识, 统一制度, 统一培训, 统一服务规范, 统一收费 plus worker
    health-check and insurance rates computed from records"."""
    current = ChecklistTemplate.objects.filter(current=True)
    assert sorted(t.subject_kind for t in current) == sorted(SubjectKind.values)
    for template in current:
        items = list(template.items.all())
        assert template.version == 1
        assert sum(i.weight for i in items) == Decimal("100")
        assert [i.title for i in items if i.group == "five_unified"] == FIVE_UNIFIED
        assert all(i.guidance for i in items), template
        sources = {i.source for i in items}
        assert {
            ItemSource.HEALTH_CHECK_SHARE,
            ItemSource.INSURANCE_SHARE,
            ItemSource.CONTRACT_SHARE,
            ItemSource.FILING_STATUS,
        } <= sources
        assert ItemSource.UPHELD_COMPLAINTS not in sources  # complaints come with issue 14
        assert (template.pass_score, template.basic_score) == (Decimal("85"), Decimal("70"))


def test_operation_items_fit_the_subject():
    titles = {
        t.subject_kind: {i.title for i in t.items.filter(group="operation")}
        for t in ChecklistTemplate.objects.filter(current=True)
    }
    assert "服务场所与公示" in titles["station"] and "服务场所与公示" in titles["centre"]
    assert "入驻机构管理" in titles["market"]
    assert "品牌标准执行与服务质量" in titles["brand"]
    assert "合同与档案管理" in titles["agency"] and "投诉处理" in titles["agency"]


def test_a_new_version_is_current_and_old_inspections_keep_the_old_items_and_weights():
    reviewer = inspect.bureau_user()
    old = inspect.template("agency")
    old_rows = _rows(old)
    inspection = inspect.make_inspection(template=old)

    new = templates.template_new_version(actor=reviewer, template=old, note="调整权重")
    changed = _rows(new)
    changed[0]["weight"], changed[1]["weight"] = Decimal("15"), Decimal("5")
    templates.template_items_set(actor=reviewer, template=new, rows=changed)

    old.refresh_from_db()
    inspection.refresh_from_db()
    assert (new.version, new.current, old.current) == (2, True, False)
    assert inspection.template_id == old.pk
    assert _rows(old) == old_rows  # the old version's items and weights are untouched
    assert [r["weight"] for r in _rows(new)][:2] == [Decimal("15.00"), Decimal("5.00")]
    assert {r["pk"] for r in _rows(new)}.isdisjoint({r["pk"] for r in old_rows})
    assert inspect.template("agency") == new
    entry = AuditEntry.objects.filter(action="inspections.template.versioned").get()
    assert entry.after == {"template": new.pk, "version": 2}


def test_versioning_again_counts_from_the_latest_version():
    reviewer = inspect.bureau_user()
    v1 = inspect.template("station")
    templates.template_new_version(actor=reviewer, template=v1)
    v3 = templates.template_new_version(actor=reviewer, template=v1, note="")
    assert v3.version == 3
    assert ChecklistTemplate.objects.filter(subject_kind="station", current=True).get() == v3


def test_editing_a_template_in_use_is_refused_and_nothing_changes():
    reviewer = inspect.bureau_user()
    used = inspect.template("agency")
    inspect.make_inspection(template=used)
    rows = _rows(used)
    with pytest.raises(ValidationError) as caught:
        templates.template_update(
            actor=reviewer, template=used, name="改名", pass_score=80, basic_score=60
        )
    assert "new version" in " ".join(caught.value.messages) or "新版本" in " ".join(
        caught.value.messages
    )
    rows[0]["weight"], rows[1]["weight"] = Decimal("11"), Decimal("9")
    with pytest.raises(ValidationError):
        templates.template_items_set(actor=reviewer, template=used, rows=rows)
    used.refresh_from_db()
    assert used.name == "家庭服务机构年检表" and used.pass_score == Decimal("85")
    assert _rows(used)[0]["weight"] == Decimal("10.00")


def test_an_unused_template_may_be_edited_and_the_change_is_audited():
    reviewer = inspect.bureau_user()
    template = inspect.template("market")
    templates.template_update(
        actor=reviewer, template=template, name="专业市场年检表", pass_score="90", basic_score=75
    )
    template.refresh_from_db()
    assert (template.name, template.pass_score, template.basic_score) == (
        "专业市场年检表",
        Decimal("90"),
        Decimal("75"),
    )
    assert AuditEntry.objects.filter(action="inspections.template.changed").count() == 1


@pytest.mark.parametrize(
    "passing,basic,field",
    [
        (80, 81, "basic_score"),
        (101, 70, "pass_score"),
        ("八十", 70, "pass_score"),
        (85, -1, "basic_score"),
    ],
)
def test_thresholds_out_of_order_are_refused_naming_the_field(passing, basic, field):
    reviewer = inspect.bureau_user()
    template = inspect.template("brand")
    with pytest.raises(ValidationError) as caught:
        templates.template_update(
            actor=reviewer, template=template, name="x", pass_score=passing, basic_score=basic
        )
    assert field in caught.value.message_dict
    template.refresh_from_db()
    assert template.pass_score == Decimal("85")


def test_thresholds_may_be_equal_at_their_edges():
    assert templates.thresholds_check(100, 100) == (Decimal("100.00"), Decimal("100.00"))
    assert templates.thresholds_check(0, 0) == (Decimal("0.00"), Decimal("0.00"))


def test_items_must_add_up_to_100_and_never_count_upheld_complaints():
    reviewer = inspect.bureau_user()
    template = inspect.template("centre")
    rows = _rows(template)
    rows[0]["weight"] = Decimal("11")
    with pytest.raises(ValidationError) as caught:
        templates.template_items_set(actor=reviewer, template=template, rows=rows)
    assert "101" in " ".join(caught.value.messages)
    rows[0]["weight"] = Decimal("10")
    rows[-1]["source"] = ItemSource.UPHELD_COMPLAINTS
    with pytest.raises(ValidationError):
        templates.template_items_set(actor=reviewer, template=template, rows=rows)
    assert not ChecklistItem.objects.filter(source=ItemSource.UPHELD_COMPLAINTS).exists()


def test_items_of_an_unused_template_may_be_replaced_codes_swapped_and_one_removed():
    reviewer = inspect.bureau_user()
    template = inspect.template("centre")
    rows = _rows(template)
    rows[0]["code"], rows[1]["code"] = rows[1]["code"], rows[0]["code"]
    removed = rows.pop(2)
    rows[0]["weight"] += removed["weight"]
    templates.template_items_set(actor=reviewer, template=template, rows=rows)
    after = _rows(template)
    assert len(after) == len(rows)
    assert after[0]["code"] == rows[0]["code"] and after[0]["weight"] == rows[0]["weight"]
    assert sum(r["weight"] for r in after) == Decimal("100")


@pytest.mark.parametrize("who", ["official", "agency"])
def test_only_bureau_staff_change_templates(who):
    from kunqu_jiafu.accounts.roles import OFFICIAL

    if who == "official":
        user = factories.make_user("official", OFFICIAL)
    else:
        user = factories.make_agency_user("agency_a", factories.make_agency())
    with pytest.raises(PermissionDenied):
        templates.template_new_version(actor=user, template=inspect.template("agency"))
    assert ChecklistTemplate.objects.filter(subject_kind="agency").count() == 1


def test_the_seed_is_idempotent_and_its_reverse_keeps_templates_in_use():
    import importlib

    from django.apps import apps

    seeding = importlib.import_module("inspections.migrations.0010_default_checklists")
    used = inspect.template("agency")
    inspect.make_inspection(template=used)
    seeding.seed(apps, None)
    assert ChecklistTemplate.objects.count() == 5
    seeding.unseed(apps, None)
    assert list(ChecklistTemplate.objects.all()) == [used]
    seeding.seed(apps, None)
    assert ChecklistTemplate.objects.count() == 5
    assert ChecklistItem.objects.count() == 5 * 12
