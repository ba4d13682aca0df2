"""The bureau's back office for the agencies area.

Thin over services/selectors: lists read through the selectors, every write goes through
a service (forms in admin_forms.py, review actions in admin_review.py), status changes
only through review actions, exports in admin_exports.py.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.people.admin import ViewerMixin, search_by_id_number

from . import rules, selectors, services, workflow
from .admin_exports import AgencyExport, FilingExport, RecognitionExport, WorkerExport
from .admin_filters import (
    EmploymentFilter,
    FormatFilter,
    RecognitionKindFilter,
    RegistrationYearFilter,
    SubmissionYearFilter,
    WorkerStatusFilter,
)
from .admin_forms import (
    AgencyAdminForm,
    AgencyPolicyForm,
    RecognitionGrantForm,
    WorkerAddForm,
    WorkerChangeForm,
    WorkerImportForm,
    add_service_errors,
)
from .admin_review import STATUS_TONES, ReviewActionsMixin
from .models import (
    Agency,
    AgencyPolicy,
    BusinessFormat,
    EmployeeSystemFiling,
    Recognition,
    Street,
    Worker,
)
from .workflow import STAFF, Transition

COLOUR_TONES = {rules.GREEN: "positive", rules.YELLOW: "warning", rules.RED: "negative"}
READ_ONLY_BUTTONS = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
    "show_delete": False,
}


def badge(tone: str, label, title: str = "") -> str:
    return format_html('<span class="kj-badge kj-{}" title="{}">{}</span>', tone, title, label)


def short_date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def status_badge(obj) -> str:
    return badge(STATUS_TONES.get(obj.status, "muted"), obj.get_status_display())


class ExportXlsxMixin(ExportMixin):
    """Export the current (filtered) list as XLSX; never import through the admin."""

    export_resource = None
    skip_export_form = True
    import_export_change_list_template = None
    change_list_template = "admin/agencies/change_list.html"

    def get_export_formats(self):
        return [XLSX]

    def get_export_resource_classes(self, request):
        return [self.export_resource]

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        return f"{self.opts.verbose_name_plural}-{timezone.localdate():%Y%m%d}.xlsx"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        # import-export writes the file name raw into the header; a Chinese name needs
        # RFC 6266 encoding (filename*=UTF-8''...) to reach the browser intact.
        response = super()._do_file_export(file_format, request, queryset, export_form)
        response["Content-Disposition"] = content_disposition_header(
            True, self.get_export_filename(request, queryset, file_format)
        )
        return response


class ServiceSaveMixin:
    """The form's validation already called the service; the admin must not save again."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        # Inlines here are read-only: nothing to save, but the change message reads these.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecognitionInline(ReadOnlyInline):
    model = Recognition
    fields = ("kind", "year", "granted_on", "valid_until", "status", "status_reason")
    readonly_fields = fields
    verbose_name_plural = _("recognitions")


class FilingInline(ReadOnlyInline):
    model = EmployeeSystemFiling
    fields = ("status", "submitted_at", "qualifying_workers", "threshold_workers", "decided_at")
    readonly_fields = fields
    verbose_name_plural = _("employee-system filings")


# --- agencies -------------------------------------------------------------------------------


@admin.register(Agency)
class AgencyAdmin(
    ReviewActionsMixin, AuditHistoryMixin, ServiceSaveMixin, ExportXlsxMixin, admin.ModelAdmin
):
    form = AgencyAdminForm
    review_table = workflow.AGENCY_TRANSITIONS
    export_resource = AgencyExport
    change_form_template = "admin/agencies/review_change_form.html"
    list_display = (
        "name",
        "uscc",
        "street",
        "formats_display",
        "status_display",
        "registered_display",
        "alliance_display",
        "recognitions_display",
        "workers_display",
    )
    list_filter = (
        "status",
        "street",
        ("formats", FormatFilter),
        RecognitionKindFilter,
        RegistrationYearFilter,
        "alliance_member",
    )
    search_fields = ("name", "uscc", "legal_representative")
    search_help_text = _("Search by agency name, credit code or legal representative.")
    date_hierarchy = "created_at"
    list_per_page = 50
    inlines = (RecognitionInline, FilingInline)
    readonly_fields = (
        "status_display",
        "status_reason",
        "registered_on",
        "license_link",
        "workers_summary",
        "created_at",
        "updated_at",
    )
    save_on_top = False

    def get_queryset(self, request):
        workers = (
            Worker.objects.filter(agency=OuterRef("pk"), left_on__isnull=True)
            .order_by()
            .values("agency")
            .annotate(n=Count("pk"))
            .values("n")
        )
        recognitions = (
            Recognition.objects.filter(agency=OuterRef("pk"), status=Recognition.Status.VALID)
            .order_by()
            .values("agency")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return selectors.agencies_for_user(request.user).annotate(
            workers_total=Coalesce(Subquery(workers), 0),
            recognitions_total=Coalesce(Subquery(recognitions), 0),
        )

    def get_fieldsets(self, request, obj=None):
        editable = self.has_change_permission(request, obj)
        licence = ("license_link", "license_file") if editable else ("license_link",)
        return (
            (
                _("Registration"),
                {"fields": (("registered_on", "created_at"), "status_reason")},
            ),
            (
                _("Agency details"),
                {
                    "fields": (
                        "name",
                        "uscc",
                        "uscc_override_reason",
                        "legal_representative",
                        ("contact_name", "phone"),
                        "address",
                        "street",
                        "formats",
                        ("founded_on", "employee_count"),
                    )
                },
            ),
            (_("Business licence"), {"fields": licence}),
            (_("Agency alliance"), {"fields": (("alliance_member", "alliance_joined_on"),)}),
            (_("Workers"), {"fields": ("workers_summary",)}),
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # No "add/change street" shortcuts inside an agency form: reference data has its page.
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        return formfield

    def has_add_permission(self, request):
        return False  # agencies apply through the portal

    def has_delete_permission(self, request, obj=None):
        return False  # never deleted: deregister instead

    def review_perform(self, request, obj, action, reason):
        return services.agency_transition(
            actor=request.user, agency=obj, action=action, reason=reason
        )

    def review_summary(self, obj):
        return [
            (gettext("credit code"), obj.uscc),
            (gettext("legal representative"), obj.legal_representative),
            (gettext("street or town"), obj.street.name),
            (gettext("applied at"), timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M")),
            (gettext("reason for the last decision"), obj.status_reason or "—"),
        ]

    @admin.display(description=_("business formats"))
    def formats_display(self, obj):
        return "、".join(f.name for f in obj.formats.all())

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj)

    @admin.display(description=_("registration date"), ordering="registered_on")
    def registered_display(self, obj):
        return short_date(obj.registered_on)

    @admin.display(description=_("alliance"), ordering="alliance_member", boolean=True)
    def alliance_display(self, obj):
        return obj.alliance_member

    @admin.display(description=_("recognitions"), ordering="recognitions_total")
    def recognitions_display(self, obj):
        return getattr(obj, "recognitions_total", None)

    @admin.display(description=_("workers"), ordering="workers_total")
    def workers_display(self, obj):
        count = getattr(obj, "workers_total", None)
        url = reverse("admin:agencies_worker_changelist") + f"?agency__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("business licence"))
    def license_link(self, obj):
        if not obj.license_id:
            return gettext("Not uploaded")
        document = obj.license
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> <span class="kj-muted">{}</span>',
            document.get_absolute_url() + "?inline=1",
            document.original_name,
            filesizeformat(document.size),
        )

    @admin.display(description=_("active workers"))
    def workers_summary(self, obj):
        if obj.pk is None:
            return "—"
        today = timezone.localdate()
        policy = selectors.policy_for_year(today.year)
        counts = selectors.worker_status_counts(
            selectors.active_workers(obj), today=today, policy=policy
        )
        colours = [
            (
                rules.STATUS_LABELS[colour],
                COLOUR_TONES[colour],
                counts[colour],
                reverse("admin:agencies_worker_changelist")
                + f"?agency__id__exact={obj.pk}&employed=yes&colour={colour}",
            )
            for colour in (rules.GREEN, rules.YELLOW, rules.RED)
        ]
        figures = selectors.filing_figures_for(obj, policy)
        return render_to_string(
            "admin/agencies/agency/workers_summary.html",
            {
                "colours": colours,
                "figures": figures,
                "list_url": reverse("admin:agencies_worker_changelist")
                + f"?agency__id__exact={obj.pk}&employed=yes",
            },
        )


# --- workers --------------------------------------------------------------------------------


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
                        if request.GET.get("agency__id__exact", "").isdigit()
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
        result = None
        if request.method == "POST" and form.is_valid():
            from . import importers  # imported here: the admin loads even while it is missing

            agency = form.cleaned_data["agency"]
            try:
                result = importers.workers_import(
                    actor=request.user, agency=agency, uploaded_file=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                if result.ok:
                    messages.success(
                        request,
                        gettext(
                            "Import finished for %(agency)s: %(created)s workers added, "
                            "%(updated)s updated."
                        )
                        % {"agency": agency, "created": result.created, "updated": result.updated},
                    )
                    return redirect(
                        reverse("admin:agencies_worker_changelist")
                        + f"?agency__id__exact={agency.pk}"
                    )
        errors = sorted(result.errors, key=lambda e: (e.row, e.field)) if result else []
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import workers from Excel"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "result": result,
            "errors": errors,
            "template_url": reverse("admin:agencies_worker_import_template"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/agencies/worker/import.html", context)

    def import_template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        from . import importers

        return HttpResponse(
            importers.build_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                "Content-Disposition": content_disposition_header(True, "从业人员导入模板.xlsx")
            },
        )


# --- recognitions ---------------------------------------------------------------------------

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
    export_resource = RecognitionExport
    change_form_template = "admin/agencies/review_change_form.html"
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
        return services.recognition_revoke(actor=request.user, recognition=obj, reason=reason)

    def review_summary(self, obj):
        return [
            (gettext("agency"), obj.agency.name),
            (gettext("recognition"), obj.get_kind_display()),
            (gettext("year"), str(obj.year)),
        ]

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj)


# --- employee-system filings ----------------------------------------------------------------


@admin.register(EmployeeSystemFiling)
class EmployeeSystemFilingAdmin(
    ReviewActionsMixin, AuditHistoryMixin, ExportXlsxMixin, admin.ModelAdmin
):
    review_table = workflow.FILING_TRANSITIONS
    export_resource = FilingExport
    change_form_template = "admin/agencies/review_change_form.html"
    list_display = (
        "agency",
        "status_display",
        "figures_display",
        "meets_threshold",
        "submitted_at",
        "decided_by",
    )
    list_filter = ("status", "meets_threshold", SubmissionYearFilter)
    search_fields = ("agency__name", "agency__uscc")
    date_hierarchy = "submitted_at"
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("agency", "submitted_at")}),
        (
            _("Declarations"),
            {
                "fields": (
                    "signs_customer_contracts",
                    "dispatches_workers",
                    "pays_wages_directly",
                    "trains_continuously",
                )
            },
        ),
        (
            _("Figures from the worker records at submission"),
            {
                "fields": (
                    "total_workers",
                    "contracted_workers",
                    "insured_workers",
                    "qualifying_workers",
                    ("threshold_workers", "threshold_months"),
                    "meets_threshold",
                )
            },
        ),
        (
            _("Decision"),
            {"fields": ("decided_at", "decided_by", "decision_reason", "filed_on")},
        ),
    )

    def get_queryset(self, request):
        return selectors.filings_for_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.opts.fields]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, READ_ONLY_BUTTONS | (extra_context or {})
        )

    def save_model(self, request, obj, form, change):
        pass  # nothing on the page is editable; decisions go through review actions

    def has_add_permission(self, request):
        return False  # agencies file through the portal

    def has_delete_permission(self, request, obj=None):
        return False

    def review_perform(self, request, obj, action, reason):
        return services.filing_decide(actor=request.user, filing=obj, action=action, reason=reason)

    def review_summary(self, obj):
        return [
            (gettext("agency"), obj.agency.name),
            (
                gettext("qualifying workers"),
                f"{obj.qualifying_workers} / {obj.threshold_workers}",
            ),
            (
                gettext("meets the threshold"),
                gettext("Yes") if obj.meets_threshold else gettext("No"),
            ),
        ]

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj)

    @admin.display(description=_("qualifying workers / threshold"), ordering="qualifying_workers")
    def figures_display(self, obj):
        tone = "positive" if obj.meets_threshold else "negative"
        return format_html(
            '<span class="kj-figure kj-{}">{} / {}</span>',
            tone,
            obj.qualifying_workers,
            obj.threshold_workers,
        )


# --- reference data -------------------------------------------------------------------------


class ReferenceAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """Reference data, saved through services.reference_save so every change is audited."""

    def save_model(self, request, obj, form, change):
        services.reference_save(actor=request.user, instance=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None):
        return False  # rows are referenced; switch them off with "in use" instead


@admin.register(Street)
class StreetAdmin(ReferenceAdmin):
    list_display = ("code", "name", "sort_order", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")


@admin.register(BusinessFormat)
class BusinessFormatAdmin(ReferenceAdmin):
    list_display = ("name", "code", "is_key_format", "sort_order", "active")
    list_filter = ("is_key_format", "active")
    search_fields = ("code", "name")


@admin.register(AgencyPolicy)
class AgencyPolicyAdmin(ReferenceAdmin):
    form = AgencyPolicyForm
    list_display = (
        "year",
        "agency_target",
        "station_target",
        "filing_min_workers",
        "filing_min_contract_months",
        "health_check_valid_months",
    )
    fieldsets = (
        (None, {"fields": ("year",)}),
        (
            _("Yearly targets"),
            {
                "fields": (
                    ("target_new_agencies_min", "target_new_agencies_max"),
                    ("target_stations_min", "target_stations_max"),
                )
            },
        ),
        (
            _("Employee-system filing threshold"),
            {"fields": ("filing_min_workers", "filing_min_contract_months")},
        ),
        (_("Workers"), {"fields": ("health_check_valid_months",)}),
    )

    @admin.display(description=_("new agencies target"))
    def agency_target(self, obj):
        return f"{obj.target_new_agencies_min}–{obj.target_new_agencies_max}"

    @admin.display(description=_("stations target"))
    def station_target(self, obj):
        return f"{obj.target_stations_min}–{obj.target_stations_max}"
