from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("<uuid:job_id>/", views.job_page, name="job"),
    path("<uuid:job_id>/status.json", views.job_status, name="job_status"),
]
