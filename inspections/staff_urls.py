"""Bureau staff's pages outside the admin, mounted at /inspect/ (namespace "inspect"):
the phone-sized scoring form and the page that shows how to redraw a spot-check sample."""

from django.urls import path  # noqa: F401

app_name = "inspect"

urlpatterns: list = []
