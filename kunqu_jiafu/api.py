"""The REST API: one router; each app registers its viewsets in ``register(router)``."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from agencies.api import register as register_agencies

router = DefaultRouter()
register_agencies(router)

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
