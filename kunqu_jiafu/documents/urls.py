from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [path("<uuid:uuid>/", views.download, name="download")]
