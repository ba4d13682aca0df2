"""The agencies routes of the REST API, included under ``api/`` by the root URLconf:
the signed-in user's ``me/`` and the agencies' viewsets."""

from django.urls import path

from kunqu_jiafu.api import AppRouter

from .api import MeView, register

router = AppRouter()
register(router)

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
