from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import user_roles_check


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
    fieldsets = BaseUserAdmin.fieldsets + ((_("Contact"), {"fields": ("full_name", "phone")}),)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only the break-glass superuser makes another; permissions go by role (group).
            readonly += ["is_superuser", "user_permissions"]
        return readonly
