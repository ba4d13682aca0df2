from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("runs/", views.request_run, name="request"),
    path("runs/<uuid:run_id>/", views.run_page, name="run"),
    path("runs/<uuid:run_id>/status.json", views.run_status, name="run_status"),
    path("runs/<uuid:run_id>/<str:kind>/", views.download, name="download"),
]
