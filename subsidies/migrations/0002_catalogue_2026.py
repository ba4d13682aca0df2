from django.db import migrations

CAP = {"cap": "100000.00"}
TYPES = [
    # code, name, group, calculator, parameters, eligibility, period, attachments
    ("loan_interest", "创业担保贷款贴息", "interest", "interest", {"rate": "1.00"}, "registered",
     "quarter", [["loan_contract", "创业担保贷款合同"], ["interest_receipt", "银行利息支付回单"]]),
    ("station_award", "社区家庭服务中心（站）奖补", "seven", "capped_award", CAP,
     "recognised_station_passed", "year", [["recognition_doc", "认定文件"], ["work_report", "年度工作报告"]]),
    ("market_award", "家庭服务专业市场奖补", "seven", "capped_award", CAP,
     "recognised_market_passed", "year", [["recognition_doc", "认定文件"], ["work_report", "年度工作报告"]]),
    ("excellence_award", "年度业绩考评优秀奖补", "seven", "capped_award", CAP, "rated_excellent",
     "year", [["evaluation_doc", "业绩考评结果"]]),
    ("brand_award", "品牌称号奖补", "seven", "capped_award", CAP, "brand_this_year", "year",
     [["title_doc", "品牌称号证书或文件"]]),
    ("training_subsidy", "从业人员技能培训补贴", "seven", "per_head",
     {"unit_amount": "1500.00", "subject_kind": "enrolment"}, "registered", "month",
     [["roster", "培训花名册"], ["completion", "考勤及结业证明"]]),
    ("certification_subsidy", "职业技能鉴定补贴", "seven", "per_head",
     {"unit_amount": "500.00", "subject_kind": "certificate"}, "registered", "month",
     [["certificates", "职业技能等级证书复印件"]]),
    ("social_insurance", "社会保险补贴", "employee_system", "rate_of_amount",
     {"rate": "1.00", "base_label": "单位为就业困难人员、高校毕业生缴纳的社会保险费", "subject_kind": "person"},
     "filed_employee_system", "quarter", [["payment_proof", "社会保险缴费凭证"]]),
    ("ui_refund", "失业保险费返还（援企稳岗）", "job_stability", "ui_refund",
     {"rate": "1.00", "max_layoff_rate": "0.055", "small_max_layoff_rate": "0.20",
      "small_enterprise_max_insured": 30}, "registered", "year",
     [["ui_statement", "上年度失业保险缴费明细"]]),
    ("accident_insurance", "商业意外伤害保险补贴", "employee_system", "rate_of_amount",
     {"rate": "0.50", "base_label": "实际缴纳的商业意外伤害保险保费"}, "filed_employee_system", "year",
     [["policy", "保险单及缴费凭证"]]),
    ("health_check", "健康体检费用补贴", "employee_system", "cost_per_head",
     {"unit_amount": "200.00", "subject_kind": "person"}, "filed_employee_system", "year",
     [["invoice", "体检机构发票"], ["check_list", "体检人员名单"]]),
    ("fee_exemption", "居民家庭服务费用减免", "exemption", "fixed_per_unit",
     {"unit_amount": "50.00", "subject_kind": "order"}, "registered", "month",
     [["orders", "服务订单及减免明细"]]),
]


def seed(apps, schema_editor):
    ClaimType = apps.get_model("subsidies", "ClaimType")
    for order, (code, name, group, calculator, params, rule, period, attachments) in enumerate(TYPES, 1):
        ClaimType.objects.get_or_create(
            code=code,
            policy_year=2026,
            defaults={
                "name": name, "group": group, "calculator": calculator, "parameters": params,
                "eligibility": rule, "period_kind": period, "required_attachments": attachments,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
