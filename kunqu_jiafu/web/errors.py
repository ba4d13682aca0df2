"""Error views where Django's defaults are not enough: a 404 inside the back office keeps
the back office's look (and its menu) for staff; everything else uses templates/404.html."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import defaults

from kunqu_jiafu.accounts.roles import is_administrator, is_staff_member


def page_not_found(request, exception):
    user = getattr(request, "user", None)
    staff = (
        user is not None
        and user.is_authenticated
        and (user.is_superuser or is_staff_member(user) or is_administrator(user))
    )
    if staff and request.path.startswith(reverse("admin:index")):
        context = {**admin.site.each_context(request), "request_path": request.path}
        response = TemplateResponse(request, "admin/404.html", context, status=404)
        return response.render()
    return defaults.page_not_found(request, exception)
