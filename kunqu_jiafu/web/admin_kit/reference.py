"""The admin of reference data the bureau configures (each area registers its own models)."""

from __future__ import annotations

from django.contrib import admin

from kunqu_jiafu.audit import actions as audit_actions
from kunqu_jiafu.audit.admin import AuditHistoryMixin

from .services import reference_save


class ReferenceAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """Reference data, saved through services.reference_save so every change is audited."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # reference_save writes <app>.<model>.created/updated: give those codes their names.
        audit_actions.register_model_saves(model)

    def save_model(self, request, obj, form, change):
        reference_save(actor=request.user, instance=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None):
        return False  # rows are referenced; switch them off with "in use" instead
