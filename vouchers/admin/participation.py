"""The agencies taking part in a batch: take part or out, notes, and adding several at once."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import ServiceSaveMixin, badge, short_date

from .. import selectors
from ..models import Participation, VoucherBatch
from ..services.batches import participation_set
from .common import OfficialsReadOnlyMixin, message_of
from .forms import ParticipationAddForm, ParticipationChangeForm


@admin.register(Participation)
class ParticipationAdmin(
    OfficialsReadOnlyMixin, AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin
):
    form = ParticipationChangeForm
    change_list_template = "admin/vouchers/participation/change_list.html"
    list_filter = ("batch", "active", ("agency__street", admin.RelatedFieldListFilter))
    search_fields = ("agency__name", "agency__uscc")
    search_help_text = _("Search by agency name or credit code.")
    list_select_related = ("agency__street", "batch")
    actions = ("take_part", "take_out")
    list_per_page = 100

    def get_fields(self, request, obj=None):
        return ("agency_link", "batch", "joined", "eligibility_detail", "active", "note")

    def get_readonly_fields(self, request, obj=None):
        fixed = ("agency_link", "batch", "joined", "eligibility_detail")
        if obj is not None and not self.has_change_permission(request, obj):
            return (*fixed, "active", "note")
        return fixed

    def has_add_permission(self, request):
        return False  # agencies are added several at a time on the "add agencies" page

    def has_delete_permission(self, request, obj=None):
        return False  # an agency is taken out (not taking part), its history stays

    def get_queryset(self, request):
        # Each row's eligibility reads its agency's latest inspection from the same query.
        rows = super().get_queryset(request).select_related(*self.list_select_related)
        return selectors.with_last_inspection(rows)

    @admin.display(description=_("households may choose it"))
    def eligibility(self, obj):
        eligible, reason = selectors.participation_eligibility(obj)
        if eligible:
            return badge("positive", gettext("eligible"))
        return badge("negative", gettext("no"), reason)

    def get_list_display(self, request):
        return ("agency_name", "street", "batch", "joined", "active", "eligibility", "note")

    def changelist_view(self, request, extra_context=None):
        add_url = reverse("admin:vouchers_participation_add_agencies")
        batch = request.GET.get("batch__id__exact", "")
        extra_context = {
            **(extra_context or {}),
            "add_agencies_url": add_url + (f"?batch={batch}" if batch.isdecimal() else ""),
            "may_add": self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("agency"), ordering="agency__name")
    def agency_name(self, obj):
        return format_html('<span class="kj-clip" title="{0}">{0}</span>', obj.agency.name)

    @admin.display(description=_("agency"))
    def agency_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> <span class="kj-muted">{}</span>',
            reverse("admin:agencies_agency_change", args=[obj.agency_id]),
            obj.agency.name,
            obj.agency.street.name,
        )

    @admin.display(description=_("joined on"), ordering="joined_on")
    def joined(self, obj):
        return short_date(obj.joined_on)

    @admin.display(description=_("street or town"), ordering="agency__street__sort_order")
    def street(self, obj):
        return obj.agency.street.name

    @admin.display(description=_("households may choose it"))
    def eligibility_detail(self, obj):
        eligible, reason = selectors.agency_eligibility(obj.batch, obj.agency)
        if eligible:
            return badge("positive", gettext("eligible"))
        return format_html(
            '{} <span class="kj-muted">{}</span>', badge("negative", gettext("no")), reason
        )

    def _set(self, request, queryset, active: bool) -> None:
        done = 0
        for participation in queryset.select_related("agency", "batch"):
            try:
                participation_set(
                    actor=request.user,
                    batch=participation.batch,
                    agency=participation.agency,
                    active=active,
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{participation.agency.name}：{message_of(exc)}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                (
                    gettext("%(count)s agencies now take part.")
                    if active
                    else gettext("%(count)s agencies were taken out of the programme.")
                )
                % {"count": done},
            )

    @admin.action(description=_("Take part in the programme"), permissions=["change"])
    def take_part(self, request, queryset):
        self._set(request, queryset, True)

    @admin.action(description=_("Take out of the programme"), permissions=["change"])
    def take_out(self, request, queryset):
        self._set(request, queryset, False)

    def get_urls(self):
        return [
            path(
                "add-agencies/",
                self.admin_site.admin_view(self.add_agencies_view),
                name="vouchers_participation_add_agencies",
            ),
            *super().get_urls(),
        ]

    def add_agencies_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        batch = None
        raw = request.POST.get("batch") or request.GET.get("batch") or ""
        if raw.isdecimal():
            batch = VoucherBatch.objects.filter(pk=int(raw)).first()
        batch = batch or selectors.current_batch()
        form = ParticipationAddForm(request.POST if request.method == "POST" else None, batch=batch)
        if request.method == "POST" and form.is_valid():
            chosen = form.cleaned_data["batch"]
            added = []
            for agency in form.cleaned_data["agencies"]:
                try:
                    participation_set(
                        actor=request.user,
                        batch=chosen,
                        agency=agency,
                        active=True,
                        note=form.cleaned_data.get("note") or "",
                    )
                except (ValidationError, PermissionDenied) as exc:
                    messages.error(request, f"{agency.name}：{message_of(exc)}")
                else:
                    added.append(agency.name)
            if added:
                messages.success(
                    request,
                    gettext("%(count)s agencies now take part in %(batch)s: %(names)s.")
                    % {"count": len(added), "batch": chosen, "names": "、".join(added)},
                )
            return redirect(
                reverse("admin:vouchers_participation_changelist")
                + f"?batch__id__exact={chosen.pk}"
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Add agencies to the programme"),
            "subtitle": None,
            "form": form,
            "batch": batch,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/vouchers/participation/add_agencies.html", context)
