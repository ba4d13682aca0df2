from django.contrib import admin

from kunqu_jiafu.audit.admin import AuditHistoryMixin

from .models import Agency, AgencyPolicy, BusinessFormat, EmployeeSystemFiling, Recognition, Street, Worker


@admin.register(Agency)
class AgencyAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ("name", "uscc", "street", "status", "registered_on")
    list_filter = ("status", "street")
    search_fields = ("name", "uscc", "legal_representative")


admin.site.register([Street, BusinessFormat, AgencyPolicy, Recognition, Worker, EmployeeSystemFiling])
