"""The reports routes of the REST API, included under ``api/`` by the root URLconf."""

from django.urls import path

from kunqu_jiafu.api import AppRouter

from .api import ReportFiguresView, register

router = AppRouter()
register(router)

urlpatterns = [
    path("report-figures/", ReportFiguresView.as_view(), name="api-report-figures"),
    *router.urls,
]
