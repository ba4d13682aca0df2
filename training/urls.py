"""The training area of the agency portal, mounted at /portal/training/ (namespace "training").

Other parts of the training area append their own patterns to ``urlpatterns`` below.
"""

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.course_list, name="courses"),
    path("new/", views.course_add, name="course_add"),
    path("<int:pk>/", views.course_detail, name="course"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/enrol/", views.course_enrol, name="course_enrol"),
    path("<int:pk>/roster.xlsx", views.roster_export, name="roster_export"),
    path(
        "<int:pk>/trainees/<int:enrolment_pk>/",
        views.enrolment_record,
        name="enrolment_record",
    ),
]

# The roster import (training.import_views): upload → preview → confirm.
from . import import_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/import/", import_views.roster_import, name="roster_import"),
    path("roster-template.xlsx", import_views.roster_template, name="roster_template"),
]
