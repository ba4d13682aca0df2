from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.second_factor.actions import (
    has_reset_second_factor_permission,
    reset_second_factor,
)

from .models import User
from .services import password_set_by_admin, user_roles_check


class AccountForm(UserChangeForm):
    """The account page: roles that one account may not hold together are refused here, with
    the data layer (services.on_groups_changed) refusing them again for the shell and API."""

    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self):
        data = super().clean()
        groups = data.get("groups")
        if groups is not None:
            superuser = data.get("is_superuser", self.instance.is_superuser)
            try:
                user_roles_check(
                    self.instance, [g.name for g in groups], is_superuser=bool(superuser)
                )
            except ValidationError as exc:
                self.add_error("groups", exc.message_dict["groups"])
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AccountForm
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

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only the break-glass superuser makes another; permissions go by role (group).
            readonly += ["is_superuser", "user_permissions"]
        return readonly
