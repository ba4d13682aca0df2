"""The public training page and sign-up (no account), mounted at /training/
(namespace "training_signup")."""

from django.urls import path

from . import views

app_name = "training_signup"

urlpatterns = [
    path("", views.public_landing, name="index"),
    path("signup/", views.public_signup, name="signup"),
    path("signup/thanks/", views.public_signup_thanks, name="thanks"),
]
