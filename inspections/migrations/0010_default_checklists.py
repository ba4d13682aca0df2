"""The default checklist templates (检查表), version 1, one per kind of subject.

Items follow the plan: the 五统一 (统一标识, 统一制度, 统一培训, 统一服务规范, 统一收费, DOMAIN.md),
规范运作 as fits the subject, and the figures computed from the records (workers' health
checks, accident insurance, labour contracts with social insurance; the employee-system
filing). Upheld complaints wait for the complaints area (issue 14). Each template's points add
up to 100; 合格 from 85, 基本合格 from 70 (data, editable by a new version).

``seed`` is idempotent (a subject that already has a template is left alone), so the tests
restore the templates after a flush; the reverse removes the version 1 templates no inspection
uses.
"""

from decimal import Decimal

from django.db import migrations

FIVE, OPERATION = "five_unified", "operation"

FIVE_UNIFIED = [
    (
        "unified_sign",
        "统一标识",
        "10",
        "查看门头、工作服、胸牌、宣传材料是否统一使用本机构（站、市场）标识。全部统一得满分；"
        "个别不统一每处扣 2 分；未统一标识不得分。",
    ),
    (
        "unified_rules",
        "统一制度",
        "10",
        "查阅管理制度汇编（人员管理、服务流程、安全、财务、投诉处理等）是否成文并上墙公示、"
        "执行有记录。制度齐全且执行得满分；缺一项扣 2 分；无成文制度不得分。",
    ),
    (
        "unified_training",
        "统一培训",
        "10",
        "查阅年度培训计划、签到表、课时与考核记录，抽问从业人员。岗前培训全覆盖且有在岗提升"
        "培训得满分；覆盖率每低 10% 扣 1 分；无培训记录不得分。",
    ),
    (
        "unified_service",
        "统一服务规范",
        "10",
        "查看服务项目、服务标准、操作规程和服务质量回访记录是否统一。规范完整、回访有记录得"
        "满分；缺服务标准或回访记录各扣 3 分。",
    ),
    (
        "unified_fees",
        "统一收费",
        "10",
        "查看收费标准是否明码标价、统一公示，抽查收费凭据与标准是否一致。全部一致得满分；"
        "发现一笔不一致扣 3 分；未公示收费标准不得分。",
    ),
]

COMPUTED = [
    (
        "health_check_share",
        "从业人员健康体检有效率",
        "6",
        "health_check_share",
        "系统按从业人员台账计算：12 个月内有健康体检记录的在岗人员占比。得分 = 分值 × 占比，"
        "检查人员可参考核实后打分。",
    ),
    (
        "insurance_share",
        "意外伤害保险覆盖率",
        "6",
        "insurance_share",
        "系统按从业人员台账计算：意外伤害保险在有效期内的在岗人员占比。得分 = 分值 × 占比。",
    ),
    (
        "contract_share",
        "劳动合同与社会保险覆盖率",
        "4",
        "contract_share",
        "系统按从业人员台账计算：签订劳动合同并参加社会保险的在岗人员占比。得分 = 分值 × 占比。",
    ),
    (
        "filing_status",
        "员工制家政企业备案",
        "4",
        "filing_status",
        "系统读取员工制备案：备案有效得满分，未备案或已失效不得分。",
    ),
]

CONTRACTS = (
    "contracts_records",
    "合同与档案管理",
    "与客户、从业人员签订书面合同，从业人员档案（身份、健康、培训、保险）齐全。抽查 5 份，"
    "每缺一份或档案缺项扣 2 分。",
)
COMPLAINTS = (
    "complaints",
    "投诉处理",
    "有投诉受理渠道和处理记录，投诉按时办结并回访。无记录或有投诉未处理的不得分；"
    "超时办结每件扣 2 分。",
)
PREMISES = (
    "premises_publicity",
    "服务场所与公示",
    "服务场所固定、面积与设施符合认定条件，服务项目、收费标准、投诉电话、认定牌匾在醒目位置"
    "公示。每缺一项扣 2 分。",
)
TENANTS = (
    "tenant_management",
    "入驻机构管理",
    "入驻机构均已登记、证照齐全，市场对入驻机构有准入、考核和退出记录。每发现一家不合规"
    "扣 3 分。",
)
BRAND_QUALITY = (
    "brand_quality",
    "品牌标准执行与服务质量",
    "品牌服务标准在各服务点一致执行，客户满意度调查和服务质量记录完整。标准未执行或满意度"
    "低于 90% 的酌情扣分。",
)
LAWFUL = (
    "lawful_operation",
    "依法诚信经营",
    "证照有效、按时年报，按规定支付从业人员工资，无失信或行政处罚记录。每发现一项问题扣 3 分。",
)


def _operation(*items):
    return [(code, title, str(points), guidance) for (code, title, guidance), points in items]


TEMPLATES = {
    "agency": (
        "家庭服务机构年检表",
        _operation((CONTRACTS, 12), (COMPLAINTS, 10), (LAWFUL, 8)),
    ),
    "centre": (
        "社区家庭服务中心年检复核表",
        _operation((PREMISES, 12), (CONTRACTS, 10), (COMPLAINTS, 8)),
    ),
    "station": (
        "社区家庭服务站年检复核表",
        _operation((PREMISES, 12), (CONTRACTS, 10), (COMPLAINTS, 8)),
    ),
    "market": (
        "家庭服务专业市场年检复核表",
        _operation((TENANTS, 12), (PREMISES, 8), (COMPLAINTS, 10)),
    ),
    "brand": (
        "品牌称号年检复核表",
        _operation((BRAND_QUALITY, 15), (CONTRACTS, 7), (COMPLAINTS, 8)),
    ),
}


def seed(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    for subject, (name, operation) in TEMPLATES.items():
        if Template.objects.filter(subject_kind=subject).exists():
            continue
        template = Template.objects.create(
            subject_kind=subject,
            version=1,
            name=name,
            pass_score=Decimal("85"),
            basic_score=Decimal("70"),
            current=True,
            note="默认检查表（五统一、规范运作及系统计算项）",
        )
        rows = [
            (FIVE, code, title, points, "inspector", guidance)
            for code, title, points, guidance in FIVE_UNIFIED
        ]
        rows += [
            (OPERATION, code, title, points, "inspector", guidance)
            for code, title, points, guidance in operation
        ]
        rows += [
            (OPERATION, code, title, points, source, guidance)
            for code, title, points, source, guidance in COMPUTED
        ]
        assert sum(Decimal(row[3]) for row in rows) == 100, subject
        Item.objects.bulk_create(
            Item(
                template=template,
                group=group,
                code=code,
                title=title,
                weight=Decimal(points),
                source=source,
                guidance=guidance,
                sort_order=order,
            )
            for order, (group, code, title, points, source, guidance) in enumerate(rows, 1)
        )


def unseed(apps, schema_editor):
    """Remove the default templates no inspection uses. Rows are deleted without Django's
    deletion collector: unapplied among many migrations (a migration test going back past
    this app), the collector's related-object queries mix model classes of two historical
    states and fail. Nothing else points at an unused template or its items."""
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    Inspection = apps.get_model("inspections", "Inspection")
    used = Inspection.objects.values("template_id")
    unused = Template.objects.filter(version=1).exclude(pk__in=used)
    ids = list(unused.values_list("pk", flat=True))
    Item.objects.filter(template_id__in=ids)._raw_delete(Item.objects.db)
    Template.objects.filter(pk__in=ids)._raw_delete(Template.objects.db)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
