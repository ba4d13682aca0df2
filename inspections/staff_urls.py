"""Bureau staff's pages outside the admin, mounted at /inspect/ (namespace "inspect"):
the phone-sized scoring form and the page that shows how to redraw a spot-check sample."""

from django.urls import path

from .views import inspect
from .views import spotchecks as spotcheck_views

app_name = "inspect"

urlpatterns: list = [
    path("", inspect.mine, name="mine"),
    path("<int:pk>/", inspect.sheet, name="sheet"),
    path("<int:pk>/draft/", inspect.draft, name="draft"),
    path("<int:pk>/photos/", inspect.photos, name="photos"),
    path(
        "spot-checks/<int:pk>/redraw/",
        spotcheck_views.spot_check_redraw,
        name="spot_check_redraw",
    ),
    path(
        "spot-checks/<int:pk>/population.txt",
        spotcheck_views.spot_check_population,
        name="spot_check_population",
    ),
]
