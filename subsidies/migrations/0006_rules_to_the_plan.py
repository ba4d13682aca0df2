"""Three rules put right to the plan's words (issue 9).

- 社会保险补贴 "对备案的员工制家庭服务企业吸纳就业困难人员或高校毕业生就业并缴纳社会保险费的": the employer
  contributions actually paid, per named worker and month (calculator insured_months), for
  就业困难人员 and for 高校毕业生 within ``graduate_years`` of graduation (the plan gives no
  figure: a placeholder until the bureau confirms it).
- 失业保险费返还 "对全区不裁员或少裁员的中小微家服企业": medium, small and micro enterprises only.
- 创业担保贷款贴息: the loan is recorded and the interest capped by it (declared figures; the
  type's parameters are unchanged).
"""

from django.db import migrations

SOCIAL_INSURANCE = {
    "calculator": "insured_months",
    "parameters": {"graduate_years": 2, "subject_kind": "person"},
    "period_kind": "quarter",
}
OLD_SOCIAL_INSURANCE = {
    "calculator": "rate_of_amount",
    "parameters": {
        "rate": "1.00",
        "base_label": "单位为就业困难人员、高校毕业生缴纳的社会保险费",
        "subject_kind": "person",
    },
}


def forwards(apps, schema_editor):
    ClaimType = apps.get_model("subsidies", "ClaimType")
    ClaimType.objects.filter(code="social_insurance", calculator="rate_of_amount").update(
        **SOCIAL_INSURANCE
    )
    ClaimType.objects.filter(code="ui_refund", eligibility="registered").update(
        eligibility="small_medium_micro"
    )


def backwards(apps, schema_editor):
    ClaimType = apps.get_model("subsidies", "ClaimType")
    ClaimType.objects.filter(code="social_insurance", calculator="insured_months").update(
        **OLD_SOCIAL_INSURANCE
    )
    ClaimType.objects.filter(code="ui_refund", eligibility="small_medium_micro").update(
        eligibility="registered"
    )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0005_catalogue_headline_and_flags")]
    operations = [migrations.RunPython(forwards, backwards)]


# Idempotent: tests/conftest.py re-runs it after a flush, after 0002's seed.
seed = forwards
