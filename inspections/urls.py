"""The inspections area of the agency portal, mounted at /portal/inspections/
(namespace "inspections"): what the agency must fix, its answers, its spot-checked records."""

from django.urls import path

from .views import portal
from .views import spotchecks as spotcheck_views

app_name = "inspections"

urlpatterns: list = [
    path("", portal.inspection_list, name="list"),
    path("rectifications/<int:pk>/", portal.rectification_detail, name="rectification"),
    path("spot-checks/", spotcheck_views.agency_spot_checks, name="spot_checks"),
]
