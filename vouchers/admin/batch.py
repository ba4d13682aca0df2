"""Target groups, batches with their caps and progress, and the agencies taking part."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import (
    READ_ONLY_BUTTONS,
    ReadOnlyInline,
    ServiceSaveMixin,
    badge,
    short_date,
    status_badge,
)
from kunqu_jiafu.web.admin_kit.reference import ReferenceAdmin

from .. import selectors
from ..models import Participation, TargetGroup, Voucher, VoucherBatch
from ..services.batches import BATCH_FIELDS, participation_set
from .common import (
    BATCH_TONES,
    OfficialsReadOnlyMixin,
    figure,
    file_response,
    message_of,
    percent,
)
from .forms import BatchForm, ParticipationAddForm, ParticipationChangeForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(TargetGroup)
class TargetGroupAdmin(ReferenceAdmin):
    """七类特定群体: data the bureau completes; saved through the audited reference service."""

    list_display = ("name", "code", "description", "evidence_hint", "sort_order", "active")
    list_display_links = ("name",)
    list_filter = ("active",)
    search_fields = ("code", "name")
    fields = ("code", "name", "description", "evidence_hint", "sort_order", "active")

    def get_readonly_fields(self, request, obj=None):
        # Applications and the public page refer to a group by its code.
        return ("code",) if obj is not None else ()


# --- batches -----------------------------------------------------------------------------------


def bar(value, whole, tone: str = "") -> str:
    share = percent(value, whole)
    return format_html(
        '<span class="vc-minibar{}" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
        'aria-valuenow="{}" title="{}%"><span style="width:{}%"></span></span>',
        f" vc-{tone}" if tone else "",
        share,
        share,
        share,
    )


class ParticipationInline(ReadOnlyInline):
    model = Participation
    fields = ("agency_link", "street", "joined", "active", "eligibility", "note")
    readonly_fields = fields
    verbose_name_plural = _("agencies in the programme")
    show_change_link = False  # the agency's name leads to its participation page

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("agency__street", "batch")
        return selectors.with_last_inspection(rows)

    @admin.display(description=_("agency"))
    def agency_link(self, obj):
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            reverse("admin:vouchers_participation_change", args=[obj.pk]),
            gettext("Take part or take out, note"),
            obj.agency.name,
        )

    @admin.display(description=_("street or town"))
    def street(self, obj):
        return obj.agency.street.name

    @admin.display(description=_("joined on"))
    def joined(self, obj):
        return short_date(obj.joined_on)

    @admin.display(description=_("households may choose it"))
    def eligibility(self, obj):
        eligible, reason = selectors.participation_eligibility(obj)
        if eligible:
            return badge("positive", gettext("eligible"))
        return format_html(
            '{} <span class="kj-muted">{}</span>', badge("negative", gettext("no")), reason
        )


@admin.register(VoucherBatch)
class VoucherBatchAdmin(
    OfficialsReadOnlyMixin, AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin
):
    form = BatchForm
    change_form_template = "admin/vouchers/voucherbatch/change_form.html"
    change_list_template = "admin/vouchers/voucherbatch/change_list.html"
    list_display = (
        "__str__",
        "status_display",
        "issued_display",
        "value_display",
        "remaining_display",
        "applications_display",
        "valid_until_display",
        "agencies_display",
    )
    list_filter = ("status", "year")
    list_per_page = 50
    inlines = (ParticipationInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(agencies_total=Count("participations", filter=Q(participations__active=True)))
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": (("year", "name"), "status", "one_per")}),
            (
                _("Vouchers and value"),
                {"fields": (("count", "face_value", "total"),)},
            ),
            (
                _("Dates"),
                {
                    "fields": (
                        ("applications_open_on", "applications_close_on"),
                        ("valid_from", "valid_until"),
                    )
                },
            ),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    _("Out so far (moved only by issuing and voiding)"),
                    {"fields": (("issued_count", "issued_amount_display"), "remaining_display")},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not self.has_change_permission(request, obj):
            return (
                *BATCH_FIELDS,
                "issued_count",
                "issued_amount_display",
                "remaining_display",
            )
        return ("issued_count", "issued_amount_display", "remaining_display")

    def has_delete_permission(self, request, obj=None):
        return False  # applications and vouchers point at their batch

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None and not self.has_change_permission(request, obj):
            extra_context |= READ_ONLY_BUTTONS
        if obj is not None:
            extra_context["participation_add_url"] = (
                reverse("admin:vouchers_participation_add_agencies") + f"?batch={obj.pk}"
            )
            extra_context["progress_url"] = reverse("admin:vouchers_progress") + f"?batch={obj.pk}"
        return super().change_view(request, object_id, form_url, extra_context)

    # --- columns ---

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, BATCH_TONES)

    @admin.display(description=_("vouchers out"), ordering="issued_count")
    def issued_display(self, obj):
        return format_html(
            '<span class="vc-figure">{} / {}</span>{}',
            f"{obj.issued_count:,}",
            f"{obj.count:,}",
            bar(obj.issued_count, obj.count),
        )

    @admin.display(description=_("value out (yuan)"), ordering="issued_amount")
    def value_display(self, obj):
        return format_html(
            '<span class="vc-figure">{} / {}</span>{}',
            figure(obj.issued_amount),
            figure(obj.total),
            bar(obj.issued_amount, obj.total, "blue"),
        )

    @admin.display(description=pgettext_lazy("batch", "remaining"))
    def remaining_display(self, obj):
        return gettext("%(count)s vouchers, %(amount)s yuan") % {
            "count": f"{obj.remaining_count:,}",
            "amount": figure(obj.remaining_amount),
        }

    @admin.display(description=_("value out (yuan)"))
    def issued_amount_display(self, obj):
        return figure(obj.issued_amount)

    @admin.display(description=_("applications taken"))
    def applications_display(self, obj):
        return f"{short_date(obj.applications_open_on)} – {short_date(obj.applications_close_on)}"

    @admin.display(description=_("vouchers valid until"), ordering="valid_until")
    def valid_until_display(self, obj):
        return short_date(obj.valid_until)

    @admin.display(description=_("agencies"), ordering="agencies_total")
    def agencies_display(self, obj):
        url = reverse("admin:vouchers_participation_changelist") + f"?batch__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.agencies_total)

    # --- the progress page (应发尽发) ---

    def get_urls(self):
        return [
            path(
                "progress/",
                self.admin_site.admin_view(self.progress_view),
                name="vouchers_progress",
            ),
            path(
                "progress/xlsx/",
                self.admin_site.admin_view(self.progress_xlsx_view),
                name="vouchers_progress_xlsx",
            ),
            *super().get_urls(),
        ]

    def _progress_batch(self, request) -> VoucherBatch | None:
        raw = request.GET.get("batch") or ""
        if raw.isdecimal():
            return get_object_or_404(VoucherBatch, pk=int(raw))
        return selectors.current_batch()

    def progress_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        batch = self._progress_batch(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Employment vouchers: progress"),
            "subtitle": str(batch) if batch else None,
            "batch": batch,
            "batches": VoucherBatch.objects.order_by("-year", "-id"),
            "p": progress_context(batch) if batch else None,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/vouchers/progress.html", context)

    def progress_xlsx_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        from .. import documents

        batch = self._progress_batch(request)
        if batch is None:
            raise PermissionDenied
        return file_response(
            documents.progress_xlsx(batch), documents.filename_for(batch, "xlsx"), XLSX
        )


def _row_text(row: dict) -> dict:
    return {
        **row,
        "issued_amount_text": figure(row["issued_amount"]),
        "reimbursed_amount_text": figure(row["reimbursed_amount"]),
    }


def _totals(rows: list[dict]) -> dict:
    keys = ("applications", "issued", "redeemed", "verified", "reimbursed")
    out = {k: sum(r[k] for r in rows) for k in keys}
    out["issued_amount_text"] = figure(sum(r["issued_amount"] for r in rows))
    out["reimbursed_amount_text"] = figure(sum(r["reimbursed_amount"] for r in rows))
    return out


def progress_context(batch: VoucherBatch) -> dict:
    """The progress figures of the batch and their texts, for the page and the panel."""
    figures = selectors.progress(batch)
    count, total = figures["count"], figures["total"]
    stages = []
    for key, label in (
        ("redeemed", _("Redeemed (home service given)")),
        ("verified", _("Verified")),
        ("reimbursed", _("Reimbursed to agencies")),
    ):
        amount = figures.get(f"{key}_amount")
        stages.append(
            {
                "key": key,
                "label": label,
                "count": figures[key],
                "amount": figure(amount),
                "percent": percent(figures[key], count),
                "of_issued": percent(figures[key], figures["issued"]),
            }
        )
    by_group = [_row_text(r) for r in figures["by_group"]]
    by_street = [_row_text(r) for r in figures["by_street"]]
    applications = (
        reverse("admin:vouchers_application_changelist") + f"?batch__id__exact={batch.pk}"
    )
    vouchers = reverse("admin:vouchers_voucher_changelist") + f"?batch__id__exact={batch.pk}"
    return {
        **figures,
        "to_verify": Voucher.objects.filter(batch=batch, status=Voucher.Status.REDEEMED).count(),
        "issued_percent": percent(figures["issued"], count),
        "amount_percent": percent(figures["issued_amount"], total),
        "text": {
            "count": f"{count:,}",
            "issued": f"{figures['issued']:,}",
            "remaining": f"{figures['remaining']:,}",
            "total": figure(total),
            "issued_amount": figure(figures["issued_amount"]),
            "remaining_amount": figure(figures["remaining_amount"]),
            "face_value": figure(figures["face_value"]),
        },
        "stages": stages,
        "by_group": by_group,
        "by_street": by_street,
        "group_totals": _totals(figures["by_group"]),
        "street_totals": _totals(figures["by_street"]),
        "links": {
            "waiting": applications + "&status__exact=submitted",
            "approved": applications + "&status__exact=approved",
            "rejected": applications + "&status__exact=rejected",
            "applications": applications,
            "vouchers": vouchers,
            "to_verify": vouchers + "&status__exact=redeemed",
            "xlsx": reverse("admin:vouchers_progress_xlsx") + f"?batch={batch.pk}",
        },
    }


# --- agencies in the programme ------------------------------------------------------------------


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
