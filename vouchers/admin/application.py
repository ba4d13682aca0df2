"""人员申报 in the admin: the queue of applications, entry on a household's behalf, decisions
(approve, reject with a reason, approve and issue, issue) on the page or in bulk."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit import actions as audit_actions
from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.admin import ViewerMixin, search_by_id_number
from kunqu_jiafu.web.admin_kit.common import (
    READ_ONLY_BUTTONS,
    ExportXlsxMixin,
    ServiceSaveMixin,
    status_badge,
)

from .. import selectors
from ..models import Application, Voucher
from ..services.applications import application_decide
from ..services.issue import application_approve_and_issue, voucher_issue
from ..workflow import APPLICATION_TRANSITIONS
from .common import (
    APPLICATION_TONES,
    VOUCHER_TONES,
    VoucherActionsMixin,
    local_time,
    person_label,
)
from .exports import ApplicationExport
from .forms import ApplicationAddForm

# What each audited step of an application (and of its vouchers) is called in its history.
HISTORY_LABELS = {
    "vouchers.application.created": _("Application received"),
    "vouchers.application.approved": _("Approved"),
    "vouchers.application.rejected": _("Rejected"),
    "vouchers.voucher.issued": _("Voucher issued"),
    "vouchers.voucher.voided": _("Voucher voided"),
    "vouchers.voucher.agency_chosen": _("Agency chosen"),
    "vouchers.voucher.redeemed": _("Home service recorded, voucher redeemed"),
    "vouchers.voucher.followed_up": _("Follow-up call recorded"),
    "vouchers.voucher.verified": _("Verification passed"),
    "vouchers.voucher.verification_failed": _("Verification failed"),
}
ADD_FIELDS = (
    "batch",
    "id_number",
    "name",
    "phone",
    "head_id_number",
    "address",
    "street",
    "target_group",
    "evidence_file",
    "note",
)
READ_FIELDSETS = (
    (
        None,
        {
            "fields": (
                ("number", "batch"),
                "person_display",
                ("name_given", "name_differs"),
                ("phone_display", "street"),
                "address_display",
                "target_group",
                "evidence_display",
                "note",
                ("channel_display", "entered_by", "applied_at"),
            )
        },
    ),
    (
        _("Decision"),
        {"fields": (("decided_by", "decided_at_display"), "decision_reason", "vouchers_display")},
    ),
    (_("History"), {"fields": ("history_display",)}),
)


# Steps a household takes itself, without an account (the service is called without an actor).
HOUSEHOLD_STEPS = {"vouchers.application.created", "vouchers.voucher.agency_chosen"}


def _actor(entry) -> str:
    if entry.actor_id:
        return entry.actor.get_full_name() or entry.actor.get_username()
    if entry.action in HOUSEHOLD_STEPS:
        return gettext("the household (online)")
    return entry.actor_label or "—"


def history(obj, vouchers=()) -> list[dict]:
    entries = list(AuditEntry.objects.for_object(obj).select_related("actor"))
    for voucher in vouchers:
        entries += list(AuditEntry.objects.for_object(voucher).select_related("actor"))
    entries.sort(key=lambda e: (e.created_at, e.pk))
    return [
        {
            "when": local_time(e.created_at),
            # A step without a label of its own reads the audit registry's name.
            "what": HISTORY_LABELS.get(e.action) or audit_actions.label(e.action),
            "who": _actor(e),
            "reason": e.reason,
        }
        for e in entries
    ]


@admin.register(Application)
class ApplicationAdmin(
    VoucherActionsMixin,
    AuditHistoryMixin,
    ViewerMixin,
    ServiceSaveMixin,
    ExportXlsxMixin,
    admin.ModelAdmin,
):
    form = ApplicationAddForm
    review_table = APPLICATION_TRANSITIONS
    status_tones = APPLICATION_TONES
    action_tones = {
        "approve": "positive",
        "approve_issue": "positive",
        "issue": "positive",
        "reject": "negative",
    }
    actions_without_reason = frozenset({"issue", "approve_issue"})
    export_resource = ApplicationExport
    change_list_template = "admin/vouchers/change_list.html"
    list_filter = (
        "status",
        "name_differs",
        "target_group",
        "street",
        "channel",
        "batch",
    )
    search_fields = ("number", "person__name")
    list_per_page = 50
    empty_value_display = "—"

    def get_queryset(self, request):
        return selectors.applications_for_user(request.user)

    def get_list_display(self, request):
        user = request.user

        @admin.display(description=_("ID number"))
        def id_number(application):
            return application.person.id_for(user)

        return (
            "number",
            "person_name",
            "name_check",
            id_number,
            self.phone_column(user),
            "street",
            "target_group",
            "channel_display",
            "status_display",
            "applied_at",
        )

    def get_search_results(self, request, queryset, search_term):
        found = search_by_id_number(request, queryset, search_term, "person__id_hash")
        if found is not None:
            return found, False
        term = (search_term or "").strip().upper().replace(" ", "")
        if term.startswith("JQ"):
            return queryset.filter(number__startswith=term), False
        return super().get_search_results(request, queryset, search_term)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.search_help_text = (
            gettext("Search by application number, name, or a full 18-character ID number.")
            if self.full_ids(request.user)
            else gettext("Search by application number or name.")
        )
        return changelist

    # --- pages ---

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ADD_FIELDS}),)
        return READ_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        names = []
        for _name, options in READ_FIELDSETS:
            for entry in options["fields"]:
                names.extend(entry if isinstance(entry, tuple) else (entry,))
        return names

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # No "add/change" shortcuts for batch, street and group: reference data has its page.
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            # The page is read only: an empty form, so a POST to it can change nothing.
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # an application is rejected, never deleted

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = READ_ONLY_BUTTONS | {"title": gettext("Voucher application")}
        return super().change_view(request, object_id, form_url, context | (extra_context or {}))

    def add_view(self, request, form_url="", extra_context=None):
        context = {
            "title": gettext("Enter an application for a household"),
            "show_save_and_add_another": True,
        }
        return super().add_view(request, form_url, context | (extra_context or {}))

    # --- actions ---

    def review_perform(self, request, obj, action, reason, **extra):
        if action == "approve":
            return application_decide(
                actor=request.user, application=obj, approve=True, reason=reason
            )
        if action == "reject":
            return application_decide(
                actor=request.user, application=obj, approve=False, reason=reason
            )
        if action == "approve_issue":
            return application_approve_and_issue(actor=request.user, application=obj)
        if action == "issue":
            return voucher_issue(actor=request.user, application=obj)
        raise ValueError(action)

    def review_context(self, request, obj, transition) -> dict:
        context = super().review_context(request, obj, transition)
        if transition.action in ("issue", "approve_issue"):
            context["exhausted"] = obj.batch.remaining_count <= 0
        return context

    def review_summary(self, obj):
        batch = obj.batch
        return [
            (gettext("applicant"), person_label(obj.person, self.viewer(obj))),
            (gettext("target group"), obj.target_group.name),
            (gettext("street or town"), obj.street.name),
            (gettext("applied at"), local_time(obj.created_at)),
            (
                gettext("batch"),
                gettext("%(batch)s: %(left)s of %(count)s vouchers left")
                % {
                    "batch": batch,
                    "left": f"{batch.remaining_count:,}",
                    "count": f"{batch.count:,}",
                },
            ),
        ]

    # --- columns and blocks ---

    @admin.display(description=_("full name"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=_("name given"), ordering="name_differs")
    def name_check(self, obj):
        """Online, a name that differs from the record is taken (the page must answer the same
        either way): staff see it here and check the identity before approving."""
        if not obj.name_differs:
            return ""
        return format_html(
            '<span class="kj-flag" title="{}">⚠ {}</span>',
            gettext("The name given differs from the name registered for this ID number."),
            obj.name_given,
        )

    @admin.display(description=_("channel"), ordering="channel")
    def channel_display(self, obj):
        return (
            gettext("online")
            if obj.channel == Application.Channel.ONLINE
            else gettext("at the counter")
        )

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, APPLICATION_TONES)

    @admin.display(description=_("applied at"), ordering="created_at")
    def applied_at(self, obj):
        return local_time(obj.created_at)

    @admin.display(description=_("applicant"))
    def person_display(self, obj):
        return person_label(obj.person, self.viewer(obj))

    @admin.display(description=_("decided at"))
    def decided_at_display(self, obj):
        return local_time(obj.decided_at)

    @admin.display(description=_("evidence"))
    def evidence_display(self, obj):
        if obj.evidence_id and not self.full_ids(self.viewer(obj)):
            return gettext("uploaded (shown to reviewers and approvers only)")
        if not obj.evidence_id:
            return format_html('<span class="kj-muted">{}</span>', gettext("none uploaded"))
        return format_html(
            '<a href="{}?inline=1" target="_blank" rel="noopener" data-testid="evidence-link">{}</a>',
            obj.evidence.get_absolute_url(),
            obj.evidence.original_name,
        )

    def _vouchers(self, obj):
        if not hasattr(obj, "_vouchers_cache"):
            obj._vouchers_cache = list(
                Voucher.objects.filter(application=obj).select_related("agency").order_by("pk")
            )
        return obj._vouchers_cache

    @admin.display(description=_("vouchers"))
    def vouchers_display(self, obj):
        vouchers = self._vouchers(obj)
        if not vouchers:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> {}',
            (
                (
                    reverse("admin:vouchers_voucher_change", args=[v.pk]),
                    v.display_code,
                    status_badge(v, VOUCHER_TONES),
                )
                for v in vouchers
            ),
        )

    @admin.display(description=_("history"))
    def history_display(self, obj):
        return render_to_string(
            "admin/vouchers/history.html", {"rows": history(obj, self._vouchers(obj))}
        )
