"""The claim's read-only page in the review queue: its fieldsets and the blocks that show the
declared figures, the calculation, eligibility, subjects, fee exemptions, attachments and notices.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import can_see_full_id
from kunqu_jiafu.people.household import mask_address
from kunqu_jiafu.web.formats import figure, local_time

from .. import rules, selectors
from ..exemptions import is_exemption_type
from ..models import Claim
from .figures import fund_rows, yuan


class ClaimPageMixin:
    """The claim admin's change page: every field read only, each block rendered by a template."""

    # --- the change page --------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        subjects = obj is not None and obj.claim_type.parameters.get("subject_kind")
        amounts = ["eligible_display", "approved_display"]
        if obj is not None and obj.recovery_amount is not None:
            amounts.append("recovery_display")
        fieldsets = [
            (
                None,
                {
                    "fields": (
                        "agency_link",
                        "claim_type_display",
                        "period",
                        ("created_by", "submitted_at_display"),
                    )
                },
            ),
            (_("Amounts"), {"fields": (tuple(amounts), "fund_display")}),
            (_("Declared figures"), {"fields": ("declared_display",)}),
            (
                _("Calculation and eligibility"),
                {"fields": ("trace_display", "eligibility_display")},
            ),
        ]
        if subjects:
            fieldsets.append((_("Subsidised subjects"), {"fields": ("subjects_display",)}))
        if obj is not None and is_exemption_type(obj.claim_type):
            fieldsets.append((_("Fee exemptions"), {"fields": ("exemptions_display",)}))
        fieldsets += [
            (_("Attachments"), {"fields": ("attachments_display",)}),
            (
                _("Review"),
                {
                    "fields": (
                        ("first_reviewed_by", "first_reviewed_display"),
                        ("decided_by", "decided_display"),
                        "last_reason",
                    )
                },
            ),
            (_("Notices"), {"fields": ("notices_display",)}),
            (_("Payment"), {"fields": (("paid_on", "bank_reference"),)}),
        ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        names = []
        for _name, options in self.get_fieldsets(request, obj):
            for entry in options["fields"]:
                names.extend(entry if isinstance(entry, tuple) else (entry,))
        return names

    # --- change page blocks -----------------------------------------------------------------

    @admin.display(description=_("agency"))
    def agency_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> <span class="kj-muted">{} · {}</span>',
            reverse("admin:agencies_agency_change", args=[obj.agency_id]),
            obj.agency.name,
            obj.agency.uscc,
            obj.agency.street.name,
        )

    @admin.display(description=_("claim type"))
    def claim_type_display(self, obj):
        return format_html(
            '{} <span class="kj-muted">{} · {}</span>',
            obj.claim_type,
            obj.claim_type.get_group_display(),
            obj.claim_type.get_period_kind_display(),
        )

    @admin.display(description=_("recovery"))
    def recovery_display(self, obj):
        return yuan(obj.recovery_amount)

    @admin.display(description=_("submitted at"))
    def submitted_at_display(self, obj):
        return local_time(obj.submitted_at)

    @admin.display(description=_("first reviewed at"))
    def first_reviewed_display(self, obj):
        return local_time(obj.first_reviewed_at)

    @admin.display(description=_("decided at"))
    def decided_display(self, obj):
        return local_time(obj.decided_at)

    @admin.display(description=_("special fund"))
    def fund_display(self, obj):
        return render_to_string(
            "admin/subsidies/fund_bars.html",
            {
                "fund_rows": fund_rows(selectors.funds_for_claim_type(obj.claim_type)),
                "fund_year": obj.claim_type.policy_year,
                "claim": obj,
                "approved_text": figure(obj.approved_amount),
            },
        )

    @admin.display(description=_("declared figures"))
    def declared_display(self, obj):
        calculator = rules.CALCULATORS.get(obj.claim_type.calculator)
        fields = calculator.fields if calculator else ()
        rows = []
        for spec in fields:
            raw = obj.declared.get(spec.name)
            rows.append((spec.label, self._figure(raw, spec.kind), spec.kind))
        known = {spec.name for spec in fields}
        if obj.claim_type.calculator == "insured_months":
            # 社会保险补贴: one row per worker-month with the employer contribution paid.
            known.add("rows")
            rows += [
                (
                    f"{row.get('name')} {row.get('month')}",
                    self._figure(row.get("paid"), "money"),
                    "money",
                )
                for row in obj.declared.get("rows") or []
                if isinstance(row, dict)
            ]
        rows += [(name, value, "text") for name, value in obj.declared.items() if name not in known]
        return render_to_string("admin/subsidies/claim/declared.html", {"rows": rows})

    @staticmethod
    def _figure(raw, kind: str) -> str:
        if raw in (None, ""):
            return "—"
        if kind == "money":
            try:
                return rules.yuan(Decimal(str(raw).replace(",", "")))
            except ArithmeticError:
                return str(raw)
        return str(raw)

    @admin.display(description=_("calculation"))
    def trace_display(self, obj):
        return render_to_string(
            "admin/subsidies/claim/trace.html",
            {"trace": obj.trace, "claim": obj, "eligible_text": figure(obj.eligible_amount)},
        )

    @admin.display(description=_("eligibility"))
    def eligibility_display(self, obj):
        # A claim awaiting a decision is checked against today's records, not only the notes
        # kept when it was last saved.
        current = (
            self._current_problems(obj)
            if obj.status in (Claim.Status.SUBMITTED, Claim.Status.FIRST_PASSED)
            else None
        )
        return render_to_string(
            "admin/subsidies/claim/eligibility.html",
            {"notes": obj.eligibility_notes, "current": current},
        )

    @admin.display(description=_("subsidised subjects"))
    def subjects_display(self, obj):
        kind, rows = selectors.subject_rows(obj, getattr(obj, "_viewer", None))
        return render_to_string("admin/subsidies/claim/subjects.html", {"rows": rows, "kind": kind})

    @admin.display(description=_("fee exemptions"))
    def exemptions_display(self, obj):
        viewer = getattr(obj, "_viewer", None)
        full = viewer is not None and can_see_full_id(viewer)
        rows = [
            {
                "service_date": e.service_date,
                "head_id": e.head_id_number if full else e.head_id_masked,
                "address": e.address if full else mask_address(e.address),
                "street": e.street.name,
                "kind": e.service_kind.name,
                "worker": e.worker.person.name,
                "live": e.live,
            }
            for e in obj.fee_exemptions.select_related("street", "service_kind", "worker__person")
        ]
        list_url = (
            reverse("admin:subsidies_feeexemption_changelist") + f"?claim__id__exact={obj.pk}"
        )
        return render_to_string(
            "admin/subsidies/claim/exemptions.html", {"rows": rows, "list_url": list_url}
        )

    @admin.display(description=_("attachments"))
    def attachments_display(self, obj):
        attachments = list(obj.attachments.select_related("document"))
        groups = []
        for code, label in obj.claim_type.required_attachments:
            files = [a.document for a in attachments if a.code == code]
            groups.append({"label": label, "files": files, "required": True})
        required = {code for code, _label in obj.claim_type.required_attachments}
        others = [a.document for a in attachments if a.code not in required]
        if others:
            groups.append({"label": gettext("other"), "files": others, "required": False})
        return render_to_string("admin/subsidies/claim/attachments.html", {"groups": groups})

    @admin.display(description=_("notices"))
    def notices_display(self, obj):
        notices = list(obj.notices.select_related("document").order_by("issued_on", "pk"))
        for notice in notices:
            notice.amount_text = figure(notice.amount)
        return render_to_string("admin/subsidies/claim/notices.html", {"notices": notices})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # The subjects block shows ID numbers in full or masked, depending on who looks.
            obj._viewer = request.user
        return obj
