from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.second_factor.admin import (
    has_reset_second_factor_permission,
    reset_second_factor,
)

from .models import User
from .services import password_set_by_admin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "phone", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups")
    search_fields = ("username", "full_name", "email", "phone")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Contact"), {"fields": ("full_name", "phone")}),
        (_("Sign-in"), {"fields": ("must_change_password",)}),
    )
    actions = [reset_second_factor]

    def has_reset_second_factor_permission(self, request) -> bool:
        return has_reset_second_factor_permission(request)

    def save_model(self, request, obj, form, change):
        # An account made here has a password its holder did not choose (issue 11).
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was saved
            user = self.get_object(request, unquote(id))
            if user is not None and user.pk != request.user.pk:
                password_set_by_admin(actor=request.user, user=user)
        return response
