"""django-filter filtersets for the training API. They narrow a queryset the selectors scoped."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy

from .models import Course, Enrolment


class CourseFilter(django_filters.FilterSet):
    kind = django_filters.NumberFilter(label=gettext_lazy("course kind"), field_name="kind")
    kind_code = django_filters.CharFilter(
        label=gettext_lazy("course kind code"), field_name="kind__code"
    )
    provider = django_filters.NumberFilter(label=gettext_lazy("provider"), field_name="provider")
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("status"), choices=Course.Status.choices
    )
    year = django_filters.NumberFilter(label=gettext_lazy("policy year"), field_name="policy_year")

    class Meta:
        model = Course
        fields = ["kind", "kind_code", "provider", "status", "year"]


class EnrolmentFilter(django_filters.FilterSet):
    course = django_filters.NumberFilter(label=gettext_lazy("course"), field_name="course")
    completed = django_filters.BooleanFilter(label=gettext_lazy("completed"))
    exam = django_filters.ChoiceFilter(
        label=gettext_lazy("exam result"), choices=Enrolment.Exam.choices
    )
    provider = django_filters.NumberFilter(
        label=gettext_lazy("provider"), field_name="course__provider"
    )
    year = django_filters.NumberFilter(
        label=gettext_lazy("policy year"), field_name="course__policy_year"
    )

    class Meta:
        model = Enrolment
        fields = ["course", "completed", "exam", "provider", "year"]
