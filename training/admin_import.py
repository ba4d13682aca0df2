"""The roster import in the staff admin, for any course: a mixin for ``CourseAdmin``.

    class CourseAdmin(RosterImportAdminMixin, ..., admin.ModelAdmin): ...

adds ``<id>/import-roster/`` (name ``admin:training_course_import_roster``),
``<id>/roster.xlsx`` (``admin:training_course_roster_export``, the roster in the import
columns, to fill in and import again) and
``import-roster/template.xlsx`` (``admin:training_course_roster_template``). The flow is the
portal's (``training.import_views.roster_import_flow``): preview, then confirm the same
server-held file. Who may import is ``permissions.can_manage_course`` (reviewers and
approvers; officials only read).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext

from . import import_views, permissions, selectors, views


class RosterImportAdminMixin:
    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "<path:object_id>/import-roster/",
                self.admin_site.admin_view(self.roster_import_view),
                name="{}_{}_import_roster".format(*info),
            ),
            path(
                "<path:object_id>/roster.xlsx",
                self.admin_site.admin_view(self.roster_export_view),
                name="{}_{}_roster_export".format(*info),
            ),
            path(
                "import-roster/template.xlsx",
                self.admin_site.admin_view(self.roster_template_view),
                name="{}_{}_roster_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def roster_import_view(self, request, object_id):
        course = get_object_or_404(selectors.courses_for_user(request.user), pk=object_id)
        if not self.has_change_permission(request, course):
            raise PermissionDenied  # officials only read
        change_url = reverse("admin:training_course_change", args=[course.pk])
        allowed, reason = permissions.can_manage_course(request.user, course)
        if not allowed:
            messages.error(request, reason)
            return redirect(change_url)
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import the roster from Excel"),
            "subtitle": str(course),
            "opts": self.opts,
            "original": course,
            "template_url": reverse("admin:training_course_roster_template"),
            "export_url": reverse("admin:training_course_roster_export", args=[course.pk]),
        }
        try:
            return import_views.roster_import_flow(
                request,
                course,
                template_name="admin/training/course/import_roster.html",
                context=context,
                via_admin=True,
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect(change_url)

    def roster_export_view(self, request, object_id):
        """The course's roster in the import columns (ID numbers as the user may see them)."""
        course = get_object_or_404(selectors.courses_for_user(request.user), pk=object_id)
        if not self.has_view_permission(request, course):
            raise PermissionDenied
        return views.roster_export_response(course, request.user)

    def roster_template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return import_views.roster_template_response()
