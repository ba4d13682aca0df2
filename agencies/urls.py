from django.urls import path

from .views import agency, filing, survey, workers

app_name = "portal"
urlpatterns = [
    path("", agency.dashboard, name="dashboard"),
    path("signup/", agency.signup, name="signup"),
    path("apply/", agency.apply, name="apply"),
    path("agency/edit/", agency.agency_edit, name="agency_edit"),
    path("agency/size/", agency.agency_size, name="agency_size"),
    path("agency/reapply/", agency.reapply, name="reapply"),
    path("workers/", workers.workers, name="workers"),
    path("workers/add/", workers.worker_add, name="worker_add"),
    path("workers/<int:pk>/edit/", workers.worker_edit, name="worker_edit"),
    path("workers/<int:pk>/leave/", workers.worker_leave, name="worker_leave"),
    path("workers/import/", workers.workers_import, name="workers_import"),
    path("workers/import/template.xlsx", workers.workers_template, name="workers_template"),
    path("filing/", filing.filing, name="filing"),
    path("survey/", survey.survey_list, name="survey_list"),
    path("survey/<int:year>/", survey.survey, name="survey"),
]
