"""Vouchers in the admin: the register, the household's agency, voiding, follow-up calls,
verification and the printable voucher. Home services and follow-up calls as read-only records
are in records.py; the search by voucher code in search.py."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.people.admin import ViewerMixin
from kunqu_jiafu.web.admin_kit.common import (
    READ_ONLY_BUTTONS,
    ExportXlsxMixin,
    ReadOnlyInline,
    short_date,
    status_badge,
)

from .. import selectors
from ..models import FollowUp, Voucher
from ..services.choice import voucher_choose_agency
from ..services.issue import voucher_void
from ..services.verification import followup_record, voucher_verify
from ..workflow import VOUCHER_TRANSITIONS
from .common import (
    VOUCHER_TONES,
    VoucherActionsMixin,
    clip,
    figure,
    file_response,
    local_time,
    person_label,
)
from .exports import VoucherExport
from .filters import BatchYearFilter, HasFollowUpFilter, StageFilter
from .forms import ActionReasonForm, ChooseAgencyForm, FollowUpForm, VerifyFailForm, VerifyPassForm
from .search import SearchByCodeMixin


def _last_followup(field: str):
    return Subquery(
        FollowUp.objects.filter(voucher=OuterRef("pk"))
        .order_by("-called_on", "-id")
        .values(field)[:1]
    )


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ("called_on", "reached", "satisfaction", "remarks", "recorded_by", "created_at")
    readonly_fields = fields
    show_change_link = False
    verbose_name_plural = _("follow-up calls")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(Voucher)
class VoucherAdmin(
    SearchByCodeMixin,
    VoucherActionsMixin,
    AuditHistoryMixin,
    ViewerMixin,
    ExportXlsxMixin,
    admin.ModelAdmin,
):
    review_table = VOUCHER_TRANSITIONS
    review_bulk_actions = frozenset({"verify_pass"})
    status_tones = VOUCHER_TONES
    action_tones = {
        "choose_agency": "neutral",
        "void": "negative",
        "verify_pass": "positive",
        "verify_fail": "negative",
        "follow_up": "neutral",
    }
    reason_reader = _("the agency")
    export_resource = VoucherExport
    change_list_template = "admin/vouchers/change_list.html"
    list_filter = (
        "status",
        StageFilter,
        ("agency", admin.RelatedOnlyFieldListFilter),
        ("application__target_group", admin.RelatedFieldListFilter),
        ("application__street", admin.RelatedFieldListFilter),
        "batch",
        BatchYearFilter,
        HasFollowUpFilter,
    )
    search_fields = ("person__name",)
    list_per_page = 50
    empty_value_display = "—"
    inlines = (FollowUpInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code_display",
                    ("holder", "application_link"),
                    ("group", "street"),
                    ("batch", "face_value_display"),
                    ("issued_at_display", "issued_by", "valid_until_display"),
                )
            },
        ),
        (_("Agency chosen by the household"), {"fields": (("agency", "agency_chosen_display"),)}),
        (_("Home service"), {"fields": ("service_display",)}),
        (
            _("Verification and settlement"),
            {
                "fields": (
                    ("verified_at_display", "verified_by"),
                    "verification_note",
                    "settlement_link",
                )
            },
        ),
        (_("Voiding"), {"fields": (("voided_at_display", "voided_by"), "void_reason")}),
    )

    def get_queryset(self, request):
        return selectors.vouchers_for_user(request.user).annotate(
            last_satisfaction=_last_followup("satisfaction"),
            last_called_on=_last_followup("called_on"),
        )

    def get_list_display(self, request):
        user = request.user

        @admin.display(description=_("holder · ID number"), ordering="person__name")
        def holder(voucher):
            return format_html(
                '{}<span class="vc-sub">{}</span>', voucher.person.name, voucher.person.id_for(user)
            )

        return (
            "code_display",
            holder,
            "group_street",
            "agency_name",
            "status_display",
            "issued_on",
            "service_date",
            "satisfaction",
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status != Voucher.Status.VOIDED:
            return self.fieldsets[:-1]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        names = []
        for _name, options in self.get_fieldsets(request, obj):
            for entry in options["fields"]:
                names.extend(entry if isinstance(entry, tuple) else (entry,))
        return names

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = forms.ModelForm  # every field is read only
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        pass  # nothing here is saved by the form; every change is an action through a service

    def has_add_permission(self, request):
        return False  # a voucher is issued from its application

    def has_delete_permission(self, request, obj=None):
        return False  # an unused voucher is voided; its record stays

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = READ_ONLY_BUTTONS | {"title": gettext("Employment voucher")}
        obj = self.get_object(request, object_id)
        if (
            obj is not None
            and obj.status != Voucher.Status.VOIDED
            and self.has_change_permission(request, obj)
        ):
            context["voucher_pdf_url"] = reverse("admin:vouchers_voucher_pdf", args=[obj.pk])
        return super().change_view(request, object_id, form_url, context | (extra_context or {}))

    # --- actions ---

    def review_form(self, request, obj, transition, data):
        action = transition.action
        if action == "choose_agency":
            return ChooseAgencyForm(data, batch=obj.batch, current=obj.agency)
        if action == "follow_up":
            return FollowUpForm(data)
        if action == "verify_pass":
            return VerifyPassForm(data)
        if action == "verify_fail":
            return VerifyFailForm(data)
        return ActionReasonForm(
            data,
            reason_required=True,
            reader=gettext("the household"),
            help_text=gettext(
                "Required and recorded. The voucher's place and value go back to the batch; the "
                "household may be issued a new voucher on the same application."
            ),
        )

    def review_perform(self, request, obj, action, reason, **extra):
        actor = request.user
        if action == "choose_agency":
            return voucher_choose_agency(voucher=obj, agency=extra["agency"], actor=actor)
        if action == "void":
            return voucher_void(actor=actor, voucher=obj, reason=reason)
        if action in ("verify_pass", "verify_fail"):
            return voucher_verify(
                actor=actor, voucher=obj, passed=action == "verify_pass", note=reason
            )
        if action == "follow_up":
            return followup_record(
                actor=actor,
                voucher=obj,
                called_on=extra["called_on"],
                reached=extra["reached"],
                satisfaction=extra.get("satisfaction"),
                remarks=extra.get("remarks") or "",
            )
        raise ValueError(action)

    def review_summary(self, obj):
        rows = [
            (gettext("holder"), person_label(obj.person, self.viewer(obj))),
            (gettext("phone"), obj.application.phone),
            (gettext("address"), f"{obj.application.address}（{obj.application.street.name}）"),
            (gettext("target group"), obj.application.target_group.name),
            (gettext("valid until"), short_date(obj.valid_until)),
        ]
        if obj.agency_id:
            rows.append((gettext("chosen agency"), obj.agency.name))
        service = getattr(obj, "service", None)
        if service is not None:
            rows.append(
                (
                    gettext("home service"),
                    gettext("%(date)s, %(kind)s, %(hours)s h by %(worker)s")
                    % {
                        "date": short_date(service.service_date),
                        "kind": service.kind.name,
                        "hours": service.hours,
                        "worker": service.worker.person.name,
                    },
                )
            )
        return rows

    # --- the printable voucher ---

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="vouchers_voucher_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk: int):
        if not self.has_change_permission(request):
            raise PermissionDenied  # printing a voucher for the household is the bureau's act
        from .. import documents

        voucher = get_object_or_404(self.get_queryset(request), pk=pk)
        if voucher.status == Voucher.Status.VOIDED:
            raise PermissionDenied(gettext("A voided voucher is not printed."))
        return file_response(
            documents.voucher_pdf(voucher),
            documents.filename_for(voucher, "pdf"),
            "application/pdf",
            inline=True,
        )

    # --- columns ---

    @admin.display(description=_("voucher code"), ordering="code")
    def code_display(self, obj):
        return format_html('<span class="vc-code">{}</span>', obj.display_code)

    @admin.display(description=_("holder"), ordering="person__name")
    def holder_name(self, obj):
        return obj.person.name

    @admin.display(description=_("holder"))
    def holder(self, obj):
        return person_label(obj.person, self.viewer(obj))

    @admin.display(description=_("target group"), ordering="application__target_group__sort_order")
    def group(self, obj):
        return obj.application.target_group.name

    @admin.display(description=_("street or town"), ordering="application__street__sort_order")
    def street(self, obj):
        return obj.application.street.name

    @admin.display(description=_("chosen agency"), ordering="agency__name")
    def agency_name(self, obj):
        return clip(obj.agency.name) if obj.agency_id else "—"

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, VOUCHER_TONES)

    @admin.display(description=_("target group · street"), ordering="application__target_group")
    def group_street(self, obj):
        return format_html(
            '{}<span class="vc-sub">{}</span>',
            obj.application.target_group.name,
            obj.application.street.name,
        )

    @admin.display(description=_("issued at · valid until"), ordering="issued_at")
    def issued_on(self, obj):
        return format_html(
            '{}<span class="vc-sub">{}</span>',
            short_date(timezone.localdate(obj.issued_at)),
            gettext("until %(date)s") % {"date": short_date(obj.valid_until)},
        )

    @admin.display(description=_("service date"), ordering="service__service_date")
    def service_date(self, obj):
        service = getattr(obj, "service", None)
        return short_date(service.service_date) if service else "—"

    @admin.display(description=_("satisfaction"), ordering="last_satisfaction")
    def satisfaction(self, obj):
        value = getattr(obj, "last_satisfaction", None)
        if value is None:
            return gettext("not reached") if getattr(obj, "last_called_on", None) else "—"
        return format_html(
            '<span class="vc-stars" title="{}/5" aria-label="{}/5">{}<span>{}</span></span>',
            value,
            value,
            "★" * value,
            "★" * (5 - value),
        )

    @admin.display(description=_("application"))
    def application_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:vouchers_application_change", args=[obj.application_id]),
            obj.application.number,
        )

    @admin.display(description=_("face value (yuan)"))
    def face_value_display(self, obj):
        return figure(obj.face_value)

    @admin.display(description=_("issued at"))
    def issued_at_display(self, obj):
        return local_time(obj.issued_at)

    @admin.display(description=_("valid until"))
    def valid_until_display(self, obj):
        return short_date(obj.valid_until)

    @admin.display(description=_("agency chosen at"))
    def agency_chosen_display(self, obj):
        return local_time(obj.agency_chosen_at)

    @admin.display(description=_("home service"))
    def service_display(self, obj):
        service = getattr(obj, "service", None)  # None until the agency redeems the voucher
        return render_to_string(
            "admin/vouchers/voucher/service.html",
            {
                "service": service,
                "redeemed_at": local_time(service.redeemed_at) if service else "",
                "redeemed_by": service.redeemed_by if service else None,
            },
        )

    @admin.display(description=_("verified at"))
    def verified_at_display(self, obj):
        return local_time(obj.verified_at)

    @admin.display(description=_("settlement statement"))
    def settlement_link(self, obj):
        if not obj.settlement_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a> {}',
            reverse("admin:vouchers_settlement_change", args=[obj.settlement_id]),
            obj.settlement.number,
            obj.settlement.get_status_display(),
        )

    @admin.display(description=_("voided at"))
    def voided_at_display(self, obj):
        return local_time(obj.voided_at)
