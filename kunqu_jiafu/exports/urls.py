"""Export jobs' pages, for staff (the admin's sign-in) and only their own jobs."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", admin.site.admin_view(views.job_list), name="jobs"),
    path("<uuid:job_id>/", admin.site.admin_view(views.job_page), name="job"),
    path("<uuid:job_id>/status.json", admin.site.admin_view(views.job_status), name="job_status"),
    path("<uuid:job_id>/download/", admin.site.admin_view(views.job_download), name="job_download"),
    path("<uuid:job_id>/retry/", admin.site.admin_view(views.job_retry), name="job_retry"),
]
