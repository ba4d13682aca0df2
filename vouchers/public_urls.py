"""The residents' employment voucher pages (no account), mounted at /vouchers/
(namespace "vouchers_public")."""

from django.urls import path

from . import public_views

app_name = "vouchers_public"

urlpatterns = [
    path("", public_views.landing, name="index"),
    path("apply/", public_views.apply, name="apply"),
    path("apply/done/", public_views.apply_done, name="apply_done"),
    path("status/", public_views.status, name="status"),
    path("status/voucher.pdf", public_views.status_pdf, name="status_pdf"),
    path("status/agency/", public_views.choose_agency, name="choose_agency"),
    path("status/leave/", public_views.leave, name="leave"),
]
