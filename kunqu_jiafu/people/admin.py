"""People in the admin: read-only, ID numbers full only for roles that may see them.

The encrypted column and the blind index are never shown. Exact search by ID number
(through the blind index) is offered to those who may see full numbers; for everyone
else an ID number is just text that matches no name.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.roles import can_see_full_id
from kunqu_jiafu.audit.admin import AuditHistoryMixin

from . import crypto
from .household import address_for, mask_phone, phone_for
from .id_search import request_id_hash
from .idcard import normalize
from .models import Person
from .services import person_flag_identity, person_set_target_groups, target_group_errors

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def search_by_id_number(request, queryset, term: str, lookup: str = "id_hash"):
    """The queryset matching a search by ID number, or None when there is none.

    The number never comes in the address: the search box posts it to ``id_search``, which
    sends the list a token (``?idt=``, id_search.py). A term shaped like an ID number cannot
    reach here either (the middleware refuses such a query string), but is still refused if
    it did. Those who may not see full numbers find nothing by ID number."""
    request.id_search_served = True
    digest = request_id_hash(request)
    if digest is not None:
        if not digest or not can_see_full_id(request.user):
            return queryset.none()
        return queryset.filter(**{lookup: digest})
    number = normalize(term or "")
    if not _ID_SHAPE.match(number) or not can_see_full_id(request.user):
        return None
    token = crypto.blind_index(number)
    _log_id_search(request, queryset.model, token)
    return queryset.filter(**{lookup: token})


def _log_id_search(request, model, token: str) -> None:
    """A search by full ID number is a security event: logged once per request with the list
    searched and the blind-index token (which finds the person's other searches), never the
    number."""
    done = request.__dict__.setdefault("_audit_id_searches", set())
    if (model, token) in done:
        return
    done.add((model, token))
    audit.log(
        request.user,
        None,
        "people.person.searched_by_id",
        after={"list": model._meta.label_lower, "id_hash": token},
    )


class ViewerMixin:
    """Remember who looks at an object, so read-only fields can mask per role."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._admin_viewer = request.user
        return obj

    @staticmethod
    def viewer(obj):
        return getattr(obj, "_admin_viewer", None) or AnonymousUser()

    @staticmethod
    def full_ids(user) -> bool:
        return can_see_full_id(user)

    # A resident's phone and address, masked for whoever may not see full ID numbers.
    @admin.display(description=_("phone"))
    def phone_display(self, obj):
        return phone_for(self.viewer(obj), obj.phone) or "—"

    @admin.display(description=_("address"))
    def address_display(self, obj):
        return address_for(self.viewer(obj), obj.address) or "—"

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        # Replaced per user by phone_column in get_list_display; masked if it ever is not.
        return mask_phone(obj.phone)

    @staticmethod
    def phone_column(user):
        """The list's phone column for this user (list columns do not see the viewer)."""

        @admin.display(description=_("phone"))
        def phone(obj):
            return phone_for(user, obj.phone)

        return phone

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if self.search_fields:
            changelist.search_help_text = (
                gettext("Search by name, or by a full 18-character ID number.")
                if can_see_full_id(request.user)
                else gettext("Search by name.")
            )
        return changelist


class IdentityProblemFilter(admin.SimpleListFilter):
    title = _("identity problem")
    parameter_name = "identity_problem"

    def lookups(self, request, model_admin):
        return (("yes", _("recorded")), ("no", _("none")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(identity_problem="")
        if self.value() == "no":
            return queryset.filter(identity_problem="")
        return queryset


class SexFilter(admin.SimpleListFilter):
    """By the 17th character (odd: male), which the stored mask shows: no column holds sex."""

    title = _("sex")
    parameter_name = "sex"

    def lookups(self, request, model_admin):
        return Person.Sex.choices

    def queryset(self, request, queryset):
        if self.value() == Person.Sex.MALE:
            return queryset.filter(id_masked__regex=r"[13579].$")
        if self.value() == Person.Sex.FEMALE:
            return queryset.filter(id_masked__regex=r"[02468].$")
        return queryset


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ("identity_problem", "is_hard_to_employ", "is_graduate", "graduated_on")

    def clean(self):
        cleaned = super().clean()
        for name, message in target_group_errors(
            cleaned.get("is_graduate", False), cleaned.get("graduated_on")
        ).items():
            self.add_error(name, message)
        return cleaned


@admin.register(Person)
class PersonAdmin(AuditHistoryMixin, ViewerMixin, admin.ModelAdmin):
    search_fields = ("name",)
    list_filter = (SexFilter, "area_known", IdentityProblemFilter)
    list_per_page = 50
    fields = (
        "name",
        "id_display",
        "sex_display",
        "birth_date_display",
        "area_known",
        "phone_display",
        ("is_hard_to_employ", "is_graduate", "graduated_on"),
        "identity_problem",
        "created_at",
    )
    form = PersonAdminForm
    EDITABLE = ("identity_problem", "is_hard_to_employ", "is_graduate", "graduated_on")

    def get_fields(self, request, obj=None):
        # DOMAIN.md: "never a birth date beside a masked number: a mask plus a birth date
        # gives the whole number back." Only those who see the full number see the date.
        if can_see_full_id(request.user):
            return self.fields
        return tuple(f for f in self.fields if f != "birth_date_display")

    def get_readonly_fields(self, request, obj=None):
        # Only the identity problem and the target groups (就业困难人员, 高校毕业生 with the
        # graduation date, read by 社会保险补贴) are edited here, and only through services.
        flat = [f for item in self.fields for f in (item if isinstance(item, tuple) else (item,))]
        if self.has_change_permission(request, obj):
            return [f for f in flat if f not in self.EDITABLE]
        return flat

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        person_flag_identity(
            actor=request.user, person=obj, problem=data.get("identity_problem", "")
        )
        person_set_target_groups(
            actor=request.user,
            person=obj,
            is_hard_to_employ=data.get("is_hard_to_employ", False),
            is_graduate=data.get("is_graduate", False),
            graduated_on=data.get("graduated_on"),
        )

    def has_change_permission(self, request, obj=None):
        return can_see_full_id(request.user) and super().has_change_permission(request, obj)

    def get_list_display(self, request):
        user = request.user

        @admin.display(description=_("ID number"))
        def id_number(person):
            return person.id_for(user)

        if can_see_full_id(user):
            return (
                "name",
                id_number,
                "sex_display",
                "birth_date_display",
                "area_known",
                "created_at",
            )
        return ("name", id_number, "sex_display", "area_known", "created_at")

    def get_search_results(self, request, queryset, search_term):
        found = search_by_id_number(request, queryset, search_term)
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("ID number"))
    def id_display(self, obj):
        return obj.id_for(self.viewer(obj))

    @admin.display(description=_("sex"))
    def sex_display(self, obj):
        return obj.get_sex_display()

    @admin.display(description=_("birth date"))
    def birth_date_display(self, obj):
        # Only in the fields and columns of those who see the full number (above); decrypted
        # here, never stored.
        return obj.birth_date

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
