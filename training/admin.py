"""Training in the staff admin: course kinds, yearly targets, courses, enrolments, sign-ups.

Writes go through training.services (reference rows through the admin kit's reference_save);
officials (统计查询) only hold view permissions, so every page is read-only for them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies import selectors as agency_selectors
from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.people.admin import ViewerMixin, search_by_id_number
from kunqu_jiafu.people.fields import contact_index
from kunqu_jiafu.people.id_search import request_phone_index
from kunqu_jiafu.people.phone import is_phone, normalize_phone
from kunqu_jiafu.web.admin_kit.common import ExportXlsxMixin, ServiceSaveMixin
from kunqu_jiafu.web.admin_kit.exports import UserResource, col
from kunqu_jiafu.web.admin_kit.reference import ReferenceAdmin
from kunqu_jiafu.web.formats import short_date
from kunqu_jiafu.web.forms import show_service_errors

from . import selectors, services
from .admin_filters import (
    CertificateFilter,
    CompletedYearFilter,
    StreetOfCourseFilter,
    TraineeStreetFilter,
)
from .admin_import import RosterImportAdminMixin
from .forms import CourseForm, RecordForm, SignupEnrolForm
from .models import Course, CourseKind, Enrolment, TrainingSignup, TrainingTarget


@admin.register(CourseKind)
class CourseKindAdmin(ReferenceAdmin):
    list_display = (
        "name",
        "code",
        "subsidy_standard",
        "standard_status",
        "is_manager_training",
        "sort_order",
        "active",
    )
    list_filter = ("is_manager_training", "active")
    search_fields = ("code", "name")
    fields = (
        "code",
        "name",
        "subsidy_standard",
        "standard_status",
        "is_manager_training",
        "sort_order",
        "active",
    )
    readonly_fields = ("standard_status",)
    actions = ("confirm_standards",)

    @admin.display(description=_("standard confirmed"))
    def standard_status(self, obj):
        if obj.pk and obj.standard_is_confirmed:
            return format_html(
                '<span class="kj-ok">✓ {}</span>',
                gettext("confirmed by %(who)s on %(when)s")
                % {"who": obj.standard_confirmed_by, "when": short_date(obj.standard_confirmed_at)},
            )
        return format_html(
            '<strong class="kj-unconfirmed" data-testid="unconfirmed">{}</strong>',
            gettext("To be confirmed by the bureau"),
        )

    def has_confirm_permission(self, request):
        return self.has_change_permission(request)

    @admin.action(description=_("Confirm the subsidy standards"), permissions=["confirm"])
    def confirm_standards(self, request, queryset):
        done = []
        for kind in queryset:
            try:
                services.course_kind_confirm_standard(actor=request.user, kind=kind)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{kind}：{' '.join(getattr(exc, 'messages', [str(exc)]))}")
            else:
                done.append(f"{kind.name} {kind.subsidy_standard}")
        if done:
            messages.success(request, gettext("Confirmed: %(list)s.") % {"list": "、".join(done)})


@admin.register(TrainingTarget)
class TrainingTargetAdmin(ReferenceAdmin):
    list_display = ("year", "people")


# --- courses ----------------------------------------------------------------------------


class CourseAdminForm(CourseForm):
    """Plans or changes a course through the services; the admin then saves nothing."""

    class Meta(CourseForm.Meta):
        fields = ("provider", *CourseForm.Meta.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "provider" in self.fields:
            self.fields["provider"].queryset = agency_selectors.registered_agencies()

    def _post_clean(self):
        if self.errors:
            return
        data = dict(self.cleaned_data)
        try:
            if self.instance.pk:
                data.pop("provider", None)
                self.instance = services.course_update(
                    actor=self.request.user, course=self.instance, data=data
                )
            else:
                provider = data.pop("provider")
                self.instance = services.course_create(
                    actor=self.request.user, provider=provider, data=data
                )
        except ValidationError as exc:
            show_service_errors(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))


@admin.register(Course)
class CourseAdmin(RosterImportAdminMixin, AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin):
    form = CourseAdminForm
    list_display = (
        "name",
        "kind",
        "provider_name",
        "dates",
        "class_hours",
        "enrolled_display",
        "completed_display",
        "status",
        "policy_year",
    )
    list_filter = (
        "kind",
        ("provider", admin.RelatedOnlyFieldListFilter),
        "status",
        "policy_year",
        StreetOfCourseFilter,
    )
    search_fields = ("name", "provider__name")
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.enrolment_counts(selectors.courses_for_user(request.user))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["provider", *(f for f in CourseForm.Meta.fields if f != "status")]
        return list(CourseForm.Meta.fields)

    def has_delete_permission(self, request, obj=None):
        return False  # a course that will not run is cancelled

    @admin.display(description=_("provider"), ordering="provider__name")
    def provider_name(self, obj):
        return format_html('<span class="kj-clip" title="{0}">{0}</span>', obj.provider.name)

    @admin.display(description=_("dates"), ordering="starts_on")
    def dates(self, obj):
        return f"{short_date(obj.starts_on)} – {short_date(obj.ends_on)}"

    @admin.display(description=_("enrolled / capacity"), ordering="enrolled")
    def enrolled_display(self, obj):
        url = reverse("admin:training_enrolment_changelist") + f"?course__id__exact={obj.pk}"
        return format_html('<a href="{}">{} / {}</a>', url, obj.enrolled, obj.capacity)

    @admin.display(description=_("completed"), ordering="completed_count")
    def completed_display(self, obj):
        return obj.completed_count


# --- enrolments -------------------------------------------------------------------------


class EnrolmentExport(UserResource):
    name = col(_("full name"))
    id_number = col(_("ID number"))
    course = col(_("course"))
    kind = col(_("course kind"))
    provider = col(_("provider"))
    attended_hours = col(_("hours attended"), "attended_hours")
    completed = col(_("completed"))
    completed_on = col(_("completed on"), "completed_on")
    exam = col(_("exam result"))
    certificate_number = col(_("certificate number"), "certificate_number")
    skill_level = col(_("skill appraisal level"), "skill_level")
    certified_on = col(_("certified on"), "certified_on")

    def dehydrate_name(self, e):
        return e.person.name

    def dehydrate_id_number(self, e):
        return e.person.id_for(self.user)

    def dehydrate_course(self, e):
        return e.course.name

    def dehydrate_kind(self, e):
        return e.course.kind.name

    def dehydrate_provider(self, e):
        return e.course.provider.name

    def dehydrate_completed(self, e):
        return gettext("Yes") if e.completed else gettext("No")

    def dehydrate_exam(self, e):
        return e.get_exam_display()


class EnrolmentAdminForm(RecordForm):
    def _post_clean(self):
        if self.errors:
            return
        try:
            self.instance = services.enrolment_record(
                actor=self.request.user, enrolment=self.instance, data=dict(self.cleaned_data)
            )
        except ValidationError as exc:
            show_service_errors(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))


@admin.register(Enrolment)
class EnrolmentAdmin(
    AuditHistoryMixin, ViewerMixin, ServiceSaveMixin, ExportXlsxMixin, admin.ModelAdmin
):
    form = EnrolmentAdminForm
    export_resource = EnrolmentExport
    list_filter = (
        "completed",
        CompletedYearFilter,
        "exam",
        CertificateFilter,
        ("course__kind", admin.RelatedOnlyFieldListFilter),
        "course__kind__is_manager_training",
        "course__policy_year",
        TraineeStreetFilter,
        "person__is_hard_to_employ",
        ("course", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("person__name", "course__name", "certificate_number")
    list_per_page = 50
    fields = ("trainee", "course_link", *RecordForm.Meta.fields)
    readonly_fields = ("trainee", "course_link")

    def get_queryset(self, request):
        return selectors.enrolments_for_user(request.user).select_related("course__kind")

    def get_list_display(self, request):
        user = request.user

        @admin.display(description=_("ID number"))
        def id_number(enrolment):
            return enrolment.person.id_for(user)

        return (
            "person_name",
            id_number,
            "course_name",
            "attended_hours",
            "completed",
            "completed_on",
            "exam",
            "certificate_number",
        )

    def get_search_results(self, request, queryset, search_term):
        found = search_by_id_number(request, queryset, search_term, "person__id_hash")
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False  # trainees are enrolled on the course, by import or from a sign-up

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("full name"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=_("course"), ordering="course__name")
    def course_name(self, obj):
        return format_html(
            '<span class="kj-clip" title="{0}">{0}</span>', f"{obj.course.name}·{obj.course.kind}"
        )

    @admin.display(description=_("trainee"))
    def trainee(self, obj):
        return f"{obj.person.name}（{obj.person.id_for(self.viewer(obj))}）"

    @admin.display(description=_("course"))
    def course_link(self, obj):
        url = reverse("admin:training_course_change", args=[obj.course_id])
        return format_html('<a href="{}">{}</a>', url, obj.course)


# --- sign-ups ---------------------------------------------------------------------------


@admin.register(TrainingSignup)
class TrainingSignupAdmin(AuditHistoryMixin, ViewerMixin, admin.ModelAdmin):
    change_list_template = "admin/training/trainingsignup/change_list.html"
    list_display = (
        "person_name",
        "name_check",
        "phone_masked",
        "street",
        "kinds_display",
        "status",
        "created_at",
        "enrol_link",
    )
    list_filter = ("status", "name_differs", "street", "kinds")
    # The phone is encrypted: a whole phone number is found through its blind index (below).
    search_fields = ("person__name", "name_given")
    list_per_page = 50
    fields = (
        "person_display",
        "name_given",
        "name_differs",
        "phone_display",
        "street",
        "kinds_display",
        "note",
        "status",
        "enrolment",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.signups_for_user(request.user)

    def get_search_results(self, request, queryset, search_term):
        # A phone number typed in the box comes as a token (id_search), found by its index.
        index = request_phone_index(request)
        if index is not None:
            request.id_search_served = True
            return (queryset.filter(phone_index=index) if index else queryset.none()), False
        found = search_by_id_number(request, queryset, search_term, "person__id_hash")
        if found is not None:
            return found, False
        if is_phone(search_term):
            index = contact_index("phone", normalize_phone(search_term))
            return queryset.filter(phone_index=index), False
        return super().get_search_results(request, queryset, search_term)

    def get_list_display(self, request):
        user = request.user

        @admin.display(description=_("ID number"))
        def id_display(signup):
            return signup.person.id_for(user)

        columns = [self.phone_column(user) if c == "phone_masked" else c for c in self.list_display]
        return (columns[0], id_display, *columns[1:])

    def has_add_permission(self, request):
        return False  # residents sign up on the public page

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a sign-up is turned into an enrolment, not edited

    def _may_enrol(self, request) -> bool:
        return request.user.has_perm("training.add_enrolment")

    @admin.display(description=_("full name"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=_("name given"), ordering="name_differs")
    def name_check(self, obj):
        """The public page takes a name that differs from the record (it must answer the same
        either way); staff see it here and check the identity before enrolling."""
        if not obj.name_differs:
            return ""
        return format_html(
            '<span class="kj-flag" title="{}">⚠ {}</span>',
            gettext("The name given differs from the name registered for this ID number."),
            obj.name_given,
        )

    @admin.display(description=_("person"))
    def person_display(self, obj):
        return f"{obj.person.name}（{obj.person.id_for(self.viewer(obj))}）"

    @admin.display(description=_("training wanted"))
    def kinds_display(self, obj):
        return "、".join(k.name for k in obj.kinds.all())

    @admin.display(description="")
    def enrol_link(self, obj):
        if obj.status != TrainingSignup.Status.NEW:
            return ""
        url = reverse("admin:training_trainingsignup_enrol", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Enrol in a course"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/enrol/",
                self.admin_site.admin_view(self.enrol_view),
                name="training_trainingsignup_enrol",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        demand = selectors.signup_demand()
        kinds = list(dict.fromkeys(row["kinds__name"] for row in demand if row["kinds__name"]))
        streets = list(dict.fromkeys(row["street__name"] for row in demand))
        cells = {(row["kinds__name"], row["street__name"]): row["people"] for row in demand}
        table = [(street, [cells.get((kind, street), 0) for kind in kinds]) for street in streets]
        totals = (
            TrainingSignup.objects.filter(status=TrainingSignup.Status.NEW)
            .values("kinds__name")
            .annotate(people=Count("pk"))
        )
        by_kind = {row["kinds__name"]: row["people"] for row in totals}
        extra_context = {
            **(extra_context or {}),
            "demand_kinds": kinds,
            "demand_rows": table,
            "demand_totals": [by_kind.get(kind, 0) for kind in kinds],
        }
        return super().changelist_view(request, extra_context)

    def enrol_view(self, request, pk: int):
        if not self._may_enrol(request):
            raise PermissionDenied
        signup = get_object_or_404(self.get_queryset(request), pk=pk)
        form = SignupEnrolForm(request.POST if request.method == "POST" else None, signup=signup)
        if request.method == "POST" and form.is_valid():
            try:
                services.signup_enrol(
                    actor=request.user, signup=signup, course=form.cleaned_data["course"]
                )
            except ValidationError as exc:
                show_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    gettext("%(name)s is enrolled in %(course)s.")
                    % {"name": signup.person.name, "course": form.cleaned_data["course"].name},
                )
                return redirect("admin:training_trainingsignup_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Enrol %(name)s in a course") % {"name": signup.person.name},
            "signup": signup,
            "id_shown": signup.person.id_for(request.user),
            "form": form,
            "media": self.media + forms.Media(),
        }
        return TemplateResponse(request, "admin/training/trainingsignup/enrol.html", context)
