from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.second_factor.admin import (
    has_reset_second_factor_permission,
    reset_second_factor,
)

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "phone", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups")
    search_fields = ("username", "full_name", "email", "phone")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Contact"), {"fields": ("full_name", "phone")}),)
    actions = [reset_second_factor]

    def has_reset_second_factor_permission(self, request) -> bool:
        return has_reset_second_factor_permission(request)
