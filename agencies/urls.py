from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("signup/", views.signup, name="signup"),
    path("apply/", views.apply, name="apply"),
    path("filing/", views.filing, name="filing"),
]
