from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.roles import is_administrator, is_agency_user, is_staff_member
from kunqu_jiafu.notifications.models import Notification
from kunqu_jiafu.notifications.services import notifications_mark_read


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "web/landing.html")
    if is_staff_member(user) or is_administrator(user) or user.is_superuser:
        return redirect("admin:index")
    if is_agency_user(user):
        return redirect("portal:dashboard")
    # Signed in but without a role yet: an agency applicant starts here.
    return redirect("portal:apply")


@login_required
def notification_list(request):
    if request.method == "POST":
        notifications_mark_read(request.user)
        messages.success(request, _("All notifications marked as read."))
        return redirect("notifications")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    qs = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "web/notifications.html", {"page": page})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
