"""The REST API: one router; each app registers its viewsets in ``register(router)``."""

from django.urls import include, path
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
        summary="获取 API 令牌",
        description="用用户名和密码换取令牌；之后在请求头中发送 `Authorization: Token <令牌>`。",
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
