from django.urls import path

from . import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("new/", views.claim_new, name="new"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", views.claim_edit, name="edit"),
    path("<int:pk>/attachments/", views.claim_attach, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.claim_detach,
        name="detach",
    ),
    path(
        "<int:pk>/actions/<slug:action>/",
        views.claim_transition,
        name="transition",
    ),
]
