from django.contrib import admin

from kunqu_jiafu.audit.admin import AuditHistoryMixin

from .models import Claim, ClaimType, Notice, SpecialFund


@admin.register(Claim)
class ClaimAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = (
        "agency",
        "claim_type",
        "period",
        "status",
        "eligible_amount",
        "approved_amount",
    )


admin.site.register([ClaimType, SpecialFund, Notice])
