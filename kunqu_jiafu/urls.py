from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kunqu_jiafu.accounts import views as account_views
from kunqu_jiafu.documents import views as document_views
from kunqu_jiafu.people.id_search import id_search
from kunqu_jiafu.web import views as web_views

from .api import api_urls

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/second-factor/", include("kunqu_jiafu.second_factor.urls")),
    path("notifications/", web_views.notification_list, name="notifications"),
    path("search/", id_search, name="id_search"),
    path("files/", include("kunqu_jiafu.documents.urls")),
    path("imports/", include("kunqu_jiafu.imports.urls")),
    path("exports/", include("kunqu_jiafu.exports.urls")),
    path("verify/", document_views.verify, name="verify"),
    path("portal/claims/", include("subsidies.urls")),
    path("portal/training/", include("training.urls")),
    path("portal/vouchers/", include("vouchers.urls")),
    path("portal/inspections/", include("inspections.urls")),
    path("portal/", include("agencies.urls")),
    path("training/", include("training.public_urls")),
    path("vouchers/", include("vouchers.public_urls")),
    path("inspect/", include("inspections.staff_urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    # Each app's API routes, by dotted name: configuration, not an import of the app.
    path(
        "api/",
        include(
            api_urls(
                "agencies.api_urls",
                "subsidies.api_urls",
                "training.api_urls",
                "vouchers.api_urls",
                "inspections.api_urls",
                "reports.api_urls",
            )
        ),
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script from /api/docs/?script=: no inline script (CSP);
    # web/swagger_ui.html links its page styles instead of a <style> block (no inline style).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="web/swagger_ui.html"),
        name="swagger-ui",
    ),
]

# Chinese error pages: templates/400.html, 403.html, 403_csrf.html, 404.html, 500.html.
handler404 = "kunqu_jiafu.web.errors.page_not_found"
