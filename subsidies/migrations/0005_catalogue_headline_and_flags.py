"""The catalogue put right to the plan's words (issue 9).

- "对考评合格的家庭服务社区中心（站）…给予不超过10万元的奖补": a centre and a station are two awards,
  so the 七补贴 are: centre, station, professional market, 业绩考评优秀, 品牌称号, 技能培训, 鉴定.
- The figures the plan never gives are flagged 待局里确认 until a bureau user confirms them:
  the certification standard, the health-check standard per head and the graduate years of
  the social insurance subsidy (the training standard lives on each course kind).
- The training subsidy is paid at each course kind's standard, no longer capped by a figure
  of the type's own.
- The year's award settings start at the defaults (one award of each kind, no total,
  基本合格 not counted as 合格).
"""

from django.db import migrations

YEAR = 2026
CENTRE = {
    "code": "centre_award",
    "name": "社区家庭服务中心奖补",
    "eligibility": "recognised_centre_passed",
}
STATION_NAME = "社区家庭服务站奖补"
FLAGS = [
    ("certification_subsidy", "unit_amount", "规划未给出鉴定补贴标准，现为占位数"),
    ("health_check", "unit_amount", "规划未给出健康体检补贴每人标准，现为占位数"),
    ("social_insurance", "graduate_years", "规划未给出高校毕业生认定年限，现为占位数"),
]


def seed(apps, schema_editor):
    ClaimType = apps.get_model("subsidies", "ClaimType")
    ParameterFlag = apps.get_model("subsidies", "ParameterFlag")
    AwardPolicy = apps.get_model("subsidies", "AwardPolicy")
    station = ClaimType.objects.filter(code="station_award", policy_year=YEAR).first()
    if station is not None:
        if station.eligibility == "recognised_station_passed" and station.name.endswith(
            "（站）奖补"
        ):
            station.name = STATION_NAME
            station.save(update_fields=["name"])
        if not ClaimType.objects.filter(code=CENTRE["code"], policy_year=YEAR).exists():
            ClaimType.objects.create(
                code=CENTRE["code"],
                policy_year=YEAR,
                name=CENTRE["name"],
                group=station.group,
                calculator=station.calculator,
                parameters=dict(station.parameters),
                eligibility=CENTRE["eligibility"],
                period_kind=station.period_kind,
                required_attachments=list(station.required_attachments),
                description=station.description,
                active=station.active,
                sort_order=station.sort_order,
            )
    training = ClaimType.objects.filter(code="training_subsidy", policy_year=YEAR).first()
    if training is not None and "unit_amount" in (training.parameters or {}):
        training.parameters = {k: v for k, v in training.parameters.items() if k != "unit_amount"}
        training.save(update_fields=["parameters"])
    for code, name, note in FLAGS:
        claim_type = ClaimType.objects.filter(code=code, policy_year=YEAR).first()
        if claim_type is not None:
            ParameterFlag.objects.get_or_create(
                claim_type=claim_type, name=name, defaults={"note": note}
            )
    AwardPolicy.objects.get_or_create(year=YEAR)


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0004_award_settings_parameter_flags")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
