from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("signup/", views.signup, name="signup"),
    path("apply/", views.apply, name="apply"),
    path("agency/edit/", views.agency_edit, name="agency_edit"),
    path("agency/size/", views.agency_size, name="agency_size"),
    path("agency/reapply/", views.reapply, name="reapply"),
    path("workers/", views.workers, name="workers"),
    path("workers/add/", views.worker_add, name="worker_add"),
    path("workers/<int:pk>/edit/", views.worker_edit, name="worker_edit"),
    path("workers/<int:pk>/leave/", views.worker_leave, name="worker_leave"),
    path("workers/import/", views.workers_import, name="workers_import"),
    path("workers/import/template.xlsx", views.workers_template, name="workers_template"),
    path("filing/", views.filing, name="filing"),
]
