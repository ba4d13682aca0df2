"""The REST API: one router; each app registers its viewsets in ``register(router)``."""

from django.urls import include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from agencies.api import TAG_ACCOUNT, MeView
from agencies.api import register as register_agencies
from subsidies.api import register as register_subsidies
from training.api import register as register_training
from vouchers.api import register as register_vouchers


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Get an API token"),
        description=gettext_lazy(
            "Exchange a username and password for a token; then send "
            "`Authorization: Token <token>` in the request header."
        ),
        tags=[TAG_ACCOUNT],
    )
)
class TokenView(ObtainAuthToken):
    permission_classes = [permissions.AllowAny]  # as ObtainAuthToken's own (), said aloud


router = DefaultRouter()
register_agencies(router)
register_subsidies(router)
register_training(router)
register_vouchers(router)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]
