"""Recognitions: grant through the add form, revoke with a reason."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import (
    READ_ONLY_BUTTONS,
    ExportXlsxMixin,
    ServiceSaveMixin,
    status_badge,
)
from kunqu_jiafu.web.admin_kit.review import ReviewActionsMixin
from kunqu_jiafu.workflow import Transition

from .. import selectors
from ..models import (
    Recognition,
)
from ..services import recognitions
from ..workflow import STAFF
from .common import RECOGNITION_ACTION_TONES, RECOGNITION_TONES
from .exports import RecognitionExport
from .forms import (
    RecognitionGrantForm,
)

RECOGNITION_TRANSITIONS = (
    Transition(
        "revoke", Recognition.Status.VALID, Recognition.Status.REVOKED, STAFF, True, _("Revoke")
    ),
    Transition(
        "revoke", Recognition.Status.EXPIRED, Recognition.Status.REVOKED, STAFF, True, _("Revoke")
    ),
)


@admin.register(Recognition)
class RecognitionAdmin(
    ReviewActionsMixin, AuditHistoryMixin, ServiceSaveMixin, ExportXlsxMixin, admin.ModelAdmin
):
    review_table = RECOGNITION_TRANSITIONS
    status_tones = RECOGNITION_TONES
    action_tones = RECOGNITION_ACTION_TONES
    export_resource = RecognitionExport
    change_form_template = "admin/kit/review_change_form.html"
    list_display = ("agency", "kind", "year", "granted_on", "valid_until", "status_display")
    list_filter = ("kind", "year", "status", ("agency", admin.RelatedOnlyFieldListFilter))
    search_fields = ("agency__name", "agency__uscc")
    list_per_page = 50
    fields = ("agency", "kind", "year", "granted_on", "valid_until", "status", "status_reason")

    def get_queryset(self, request):
        return selectors.recognitions_for_user(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RecognitionGrantForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("agency", "kind", "year", "granted_on", "valid_until")
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, READ_ONLY_BUTTONS | (extra_context or {})
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def review_perform(self, request, obj, action, reason):
        return recognitions.recognition_revoke(actor=request.user, recognition=obj, reason=reason)

    def review_summary(self, obj):
        return [
            (gettext("agency"), obj.agency.name),
            (gettext("recognition"), obj.get_kind_display()),
            (gettext("year"), str(obj.year)),
        ]

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, RECOGNITION_TONES)


# --- employee-system filings ----------------------------------------------------------------
