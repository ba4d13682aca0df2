"""The inspections area of the agency portal, mounted at /portal/inspections/
(namespace "inspections"): what the agency must fix, its answers, its spot-checked records."""

from django.urls import path  # noqa: F401

from . import spotcheck_views

app_name = "inspections"

urlpatterns: list = [
    path("spot-checks/", spotcheck_views.agency_spot_checks, name="spot_checks"),
]
