"""Field visits (实地走访、调研) in the back office: recorded and corrected by reviewers and
approvers through the visits service, read by officials; listed per agency (the agency filter,
``?agency__id__exact=<id>``, linked from each visit), by year and month, street and staff;
photos shown as thumbnails to bureau staff; a ledger in XLSX."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from agencies import selectors as agency_selectors
from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import ExportXlsxMixin, ServiceSaveMixin
from kunqu_jiafu.web.admin_kit.forms import ServiceForm

from .. import permissions, selectors
from ..models import FieldVisit
from ..services import visits as service
from .common import OfficialsReadOnlyMixin
from .visit_exports import VisitExport


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png"})

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class VisitForm(ServiceForm):
    photos = MultiplePhotoField(
        label=_("photos"),
        required=False,
        help_text=_("JPEG or PNG; several may be chosen at once."),
    )
    remove_photos = forms.TypedMultipleChoiceField(
        label=_("remove photos"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FieldVisit
        fields = ("agency", "visited_on", "staff", "purpose", "notes", "situation", "needs")
        widgets = {"staff": forms.CheckboxSelectMultiple}
        labels = {"purpose": pgettext_lazy("field visit", "purpose")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "agency" in self.fields:  # not on the read-only page of officials
            self.fields["agency"].queryset = agency_selectors.all_agencies().order_by("name")
        if "staff" in self.fields:
            self.fields["staff"].queryset = selectors.visit_staff_choices()
            self.fields["staff"].label_from_instance = lambda u: u.get_full_name() or u.username
        if "remove_photos" not in self.fields:
            return
        if self.instance.pk is None:
            del self.fields["remove_photos"]
        else:
            choices = [(d.pk, d.original_name) for d in selectors.visit_photos(self.instance)]
            if choices:
                self.fields["remove_photos"].choices = choices
            else:
                del self.fields["remove_photos"]

    def commit(self, actor):
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        photos = self.cleaned_data.get("photos") or []
        if self.instance.pk is None:
            return service.visit_record(actor=actor, data=data, photos=photos)
        return service.visit_update(
            actor=actor,
            visit=self.instance,
            data=data,
            photos=photos,
            remove_photos=self.cleaned_data.get("remove_photos") or [],
        )


@admin.register(FieldVisit)
class FieldVisitAdmin(
    OfficialsReadOnlyMixin, AuditHistoryMixin, ServiceSaveMixin, ExportXlsxMixin, admin.ModelAdmin
):
    form = VisitForm
    export_resource = VisitExport
    date_hierarchy = "visited_on"
    list_display = (
        "visited_on",
        "agency_link",
        "street",
        "staff_display",
        "purpose_display",
        "created_by",
    )
    list_filter = (
        "agency__street",
        ("staff", admin.RelatedOnlyFieldListFilter),
        ("agency", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("agency__name", "agency__uscc", "purpose", "notes", "situation", "needs")
    list_per_page = 50
    fields = (
        "agency",
        "visited_on",
        "staff",
        "purpose",
        "notes",
        "situation",
        "needs",
        "photos",
        "remove_photos",
    )

    class Media:
        css = {"all": ("css/admin-inspections.css",)}

    def get_queryset(self, request):
        return selectors.visits_for_user(request.user)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_record_visit(request.user)[0]

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj)
            and permissions.can_record_visit(request.user)[0]
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def _shown(self, request, obj) -> tuple[str, ...]:
        photos = (
            "photo_display"
            if permissions.can_view_visit_photo(request.user, obj)[0]
            else "photo_count_display"
        )
        return (photos, "created_by", "agency_visits")

    def get_fields(self, request, obj=None):
        if obj is None:
            return [f for f in self.fields if f != "remove_photos"]
        if not self.has_change_permission(request, obj):
            return (*self.fields[:7], *self._shown(request, obj))
        if not selectors.visit_photos(obj).exists():
            return (*self.fields[:8], *self._shown(request, obj))
        return (*self.fields, *self._shown(request, obj))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not self.has_change_permission(request, obj):
            return self.get_fields(request, obj)
        return self._shown(request, obj)

    @admin.display(description=_("agency"), ordering="agency__name")
    def agency_link(self, obj):
        url = reverse("admin:inspections_fieldvisit_changelist")
        return format_html(
            '<a href="{}?agency__id__exact={}" title="{}">{}</a>',
            url,
            obj.agency_id,
            gettext("All visits to this agency"),
            obj.agency.name,
        )

    @admin.display(description=_("street or town"), ordering="agency__street__name")
    def street(self, obj):
        return obj.agency.street.name if obj.agency.street_id else "—"

    @admin.display(description=_("staff who went"))
    def staff_display(self, obj):
        return "、".join(u.get_full_name() or u.username for u in obj.staff.all())

    @admin.display(description=pgettext_lazy("field visit", "purpose"))
    def purpose_display(self, obj):
        return format_html('<span class="kj-clip" title="{}">{}</span>', obj.purpose, obj.purpose)

    @admin.display(description=_("all visits to the agency"))
    def agency_visits(self, obj):
        url = reverse("admin:inspections_fieldvisit_changelist")
        return format_html(
            '<a href="{}?agency__id__exact={}">{}</a>',
            url,
            obj.agency_id,
            gettext("All field visits to %(agency)s") % {"agency": obj.agency.name},
        )

    @admin.display(description=_("photos on file"))
    def photo_display(self, obj):
        photos = list(selectors.visit_photos(obj))
        if not photos:
            return gettext("No photos.")
        return format_html(
            '<div class="kj-photos">{}</div>',
            format_html_join(
                "",
                '<a href="{0}?inline=1" target="_blank" rel="noopener">'
                '<img class="kj-thumb" src="{0}?inline=1" alt="{1}" loading="lazy"></a>',
                ((d.get_absolute_url(), d.original_name) for d in photos),
            ),
        )

    @admin.display(description=_("photos on file"))
    def photo_count_display(self, obj):
        count = selectors.visit_photos(obj).count()
        return ngettext(
            "%(count)s photo (only bureau reviewers and approvers open photos).",
            "%(count)s photos (only bureau reviewers and approvers open photos).",
            count,
        ) % {"count": count}
