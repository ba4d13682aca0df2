"""Workers in the admin: status badges and filter, ID search, service-backed forms, import."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.documents.xlsx import attachment_header
from kunqu_jiafu.people.admin import ViewerMixin, search_by_id_number
from kunqu_jiafu.web.admin_kit.common import ExportXlsxMixin, ServiceSaveMixin, badge
from kunqu_jiafu.web.formats import short_date
from kunqu_jiafu.web.forms import show_service_errors

from .. import imports, selectors, workflow
from ..models import (
    Worker,
)
from .common import COLOUR_TONES
from .exports import WorkerExport
from .filters import (
    EmploymentFilter,
    WorkerStatusFilter,
)
from .forms import (
    WorkerAddForm,
    WorkerChangeForm,
    WorkerImportForm,
)


@admin.register(Worker)
class WorkerAdmin(
    AuditHistoryMixin, ViewerMixin, ServiceSaveMixin, ExportXlsxMixin, admin.ModelAdmin
):
    export_resource = WorkerExport
    list_filter = (
        ("agency", admin.RelatedOnlyFieldListFilter),
        WorkerStatusFilter,
        EmploymentFilter,
        "job",
        "contract_kind",
        "social_insurance",
        "is_hard_to_employ",
        "is_graduate",
    )
    search_fields = ("person__name",)
    list_per_page = 50

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if self.has_add_permission(request):
            extra_context["extra_object_tools"] = [
                {
                    "label": gettext("Import from Excel"),
                    "url": reverse("admin:agencies_worker_import")
                    + (
                        f"?agency={request.GET['agency__id__exact']}"
                        if request.GET.get("agency__id__exact", "").isdecimal()
                        else ""
                    ),
                    "css": "kj-import-link",
                }
            ]
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return selectors.workers_for_user(request.user)

    def get_list_display(self, request):
        user = request.user
        today = timezone.localdate()
        policy = selectors.policy_for_year(today.year)

        @admin.display(description=_("ID number"))
        def id_number(worker):
            return worker.person.id_for(user)

        @admin.display(description=_("home-service status"))
        def home_service_status(worker):
            status = selectors.worker_status(worker, today=today, policy=policy)
            return badge(COLOUR_TONES[status.colour], status.label, "；".join(status.reasons))

        return (
            "person_name",
            id_number,
            home_service_status,
            "agency_name",
            "job",
            "contract_kind",
            "social_insurance",
            "health_check_display",
            "accident_insurance_display",
        )

    def get_search_results(self, request, queryset, search_term):
        found = search_by_id_number(request, queryset, search_term, "person__id_hash")
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("full name"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=_("last health check"), ordering="health_check_on")
    def health_check_display(self, obj):
        return short_date(obj.health_check_on)

    @admin.display(
        description=_("accident insurance valid until"), ordering="accident_insurance_until"
    )
    def accident_insurance_display(self, obj):
        return short_date(obj.accident_insurance_until)

    @admin.display(description=_("agency"), ordering="agency__name")
    def agency_name(self, obj):
        return format_html('<span class="kj-clip" title="{0}">{0}</span>', obj.agency.name)

    # --- add / change through the services ---

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = WorkerChangeForm if obj is not None else WorkerAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        work = (
            _("Employment"),
            {
                "fields": (
                    ("job", "hired_on"),
                    "contract_kind",
                    ("contract_start", "contract_end"),
                )
            },
        )
        care = (
            _("Insurance and health"),
            {
                "fields": (
                    ("social_insurance", "insured_since"),
                    "health_check_on",
                    "accident_insurance_until",
                )
            },
        )
        other = (
            _("Training and flags"),
            {"fields": ("certificates", ("is_hard_to_employ", "is_graduate"))},
        )
        if obj is None:
            person = (
                _("Person"),
                {"fields": ("agency", ("name", "id_number"), "person_phone")},
            )
            return (person, work, care, other)
        person = (
            _("Person"),
            {"fields": ("person_display", "agency_link", "status_display")},
        )
        leaving = (_("Leaving"), {"fields": ("left_on",)})
        return (person, work, care, other, leaving)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("person_display", "agency_link", "status_display")

    def has_delete_permission(self, request, obj=None):
        return False  # a worker who leaves gets a leaving date

    @admin.display(description=_("person"))
    def person_display(self, obj):
        return f"{obj.person.name}（{obj.person.id_for(self.viewer(obj))}）"

    @admin.display(description=_("agency"))
    def agency_link(self, obj):
        url = reverse("admin:agencies_agency_change", args=[obj.agency_id])
        return format_html('<a href="{}">{}</a>', url, obj.agency.name)

    @admin.display(description=_("home-service status"))
    def status_display(self, obj):
        status = selectors.worker_status(obj)
        reasons = "；".join(status.reasons)
        return format_html(
            "{} <span class='kj-muted'>{}</span>",
            badge(COLOUR_TONES[status.colour], status.label),
            reasons,
        )

    # --- import from Excel ---

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
        ] + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        agencies = (
            selectors.agencies_for_user(request.user)
            .filter(status__in=workflow.WORKING_STATUSES)
            .order_by("name")
        )
        initial = {"agency": request.GET.get("agency")} if request.GET.get("agency") else {}
        form = WorkerImportForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            agencies=agencies,
            initial=initial,
        )
        if request.method == "POST" and form.is_valid():
            try:
                job = imports.start_workers_import(
                    actor=request.user,
                    agency=form.cleaned_data["agency"],
                    uploaded_file=form.cleaned_data["file"],
                    via_admin=True,
                )
            except ValidationError as exc:
                show_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("imports:job", job_id=job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import workers from Excel"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "template_url": reverse("admin:agencies_worker_import_template"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/agencies/worker/import.html", context)

    def import_template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied

        return HttpResponse(
            imports.build_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                "Content-Disposition": attachment_header(
                    "从业人员导入模板.xlsx", fallback="worker-import-template.xlsx"
                )
            },
        )


# --- recognitions ---------------------------------------------------------------------------
