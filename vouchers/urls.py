"""The employment vouchers area of the agency portal, mounted at /portal/vouchers/
(namespace "vouchers")."""

from django.urls import path

from . import views

app_name = "vouchers"

urlpatterns = [
    path("", views.voucher_list, name="list"),
    path("redeem/", views.redeem, name="redeem"),
    path("<int:pk>/", views.voucher_detail, name="detail"),
    path("settlements/", views.settlement_list, name="settlements"),
    path("settlements/<int:pk>/pdf/", views.settlement_pdf, name="settlement_pdf"),
    path("settlements/<int:pk>/xlsx/", views.settlement_xlsx, name="settlement_xlsx"),
]
