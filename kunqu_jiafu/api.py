"""The REST API's shared pieces: the token endpoint, the app router and the API root.

Each app contributes its routes in ``<app>/api_urls.py``: an ``AppRouter`` named ``router``
and the ``urlpatterns`` it yields (plus any plain views the app owns, such as agencies'
``me/``). The root URLconf hands ``api_urls`` the dotted names of those modules, so the
core imports no app; the API root lists what the included routers registered.
"""

from __future__ import annotations

from django.urls import URLResolver, get_resolver, include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns

from kunqu_jiafu.tokens.api import TokenView

TAG_ACCOUNT = gettext_lazy("Accounts and sign-in")


class IdSearchSerializer(serializers.Serializer):
    id_number = serializers.CharField(label=gettext_lazy("ID number"), max_length=40)

    def validate_id_number(self, value):
        from kunqu_jiafu.people.id_search import looks_like_id_number

        if not looks_like_id_number(value):
            raise serializers.ValidationError(
                gettext_lazy("Enter the full 18-character ID number (17 digits and a digit or X).")
            )
        return value


class IdSearchTokenSerializer(serializers.Serializer):
    id_token = serializers.CharField(label=gettext_lazy("search token"))
    expires_in = serializers.IntegerField(label=gettext_lazy("seconds the token lasts"))


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Get a token to search by ID number"),
        description=gettext_lazy(
            "A full ID number is never put in an address (access logs keep addresses). Post it "
            "here and filter lists with `?id_token=<token>`; the token lasts an hour, works only "
            "for you and tells nothing about the number."
        ),
        request=IdSearchSerializer,
        responses=IdSearchTokenSerializer,
        tags=[TAG_ACCOUNT],
    )
)
class IdSearchTokenView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = IdSearchSerializer

    def post(self, request):
        from kunqu_jiafu.people.id_search import TOKEN_TTL, issue_token

        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = issue_token(
            request.user, serializer.validated_data["id_number"], where=request.path
        )
        return Response({"id_token": token, "expires_in": TOKEN_TTL})


class AppRouter(DefaultRouter):
    """One app's share of the API: the DefaultRouter's routes and ``.json`` suffixes, with
    no root view of its own (the one API root, built by ``api_urls``, lists every app)."""

    include_root_view = False


def api_urls(*app_urlconfs: str) -> list:
    """The URL patterns under ``api/``: the token, each app's routes in the order given,
    then the API root (with its format suffix), as one DefaultRouter used to lay them out."""
    included = [include(name) for name in app_urlconfs]
    root = DefaultRouter()
    for urlconf_module, _app_name, _namespace in included:
        app_router = getattr(urlconf_module, "router", None)  # an app may route plain views only
        if app_router is not None:
            root.registry.extend(app_router.registry)
    root_view = root.get_api_root_view()
    return [
        path("auth/token/", TokenView.as_view(), name="api-token"),
        path("id-search/", IdSearchTokenView.as_view(), name="api-id-search"),
        *(path("", urlconf) for urlconf in included),
        *format_suffix_patterns([path("", root_view, name=root.root_view_name)]),
    ]


def api_registry(urlconf: str | None = None) -> list[tuple[str, type, str]]:
    """Every (prefix, viewset, basename) the API routes, read from the URLconf's included
    app routers (for tests and tools that walk the whole API)."""
    found: list[tuple[str, type, str]] = []

    def walk(patterns) -> None:
        for pattern in patterns:
            if not isinstance(pattern, URLResolver):
                continue
            router = getattr(pattern.urlconf_module, "router", None)
            if isinstance(router, AppRouter):
                found.extend(router.registry)
            else:
                walk(pattern.url_patterns)

    walk(get_resolver(urlconf).url_patterns)
    return found
