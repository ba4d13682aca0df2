"""API shapes of the training area. Serializers validate and present; services write.

Trainees' ID numbers are shown through ``Person.id_for`` (full to reviewers and approvers,
masked to others); input serializers check types and hand plain data to a service, which
owns every rule and every message about the domain.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from agencies import selectors as agency_selectors
from agencies.models import Agency
from kunqu_jiafu.people.phone import PhoneField

from . import selectors
from .models import Course, CourseKind, Enrolment


@extend_schema_field(
    {
        "type": "string",
        "description": gettext_lazy(
            "The course status, one of: planned, enrolling, running, finished, cancelled."
        ),
    }
)
class CourseStatusField(serializers.ChoiceField):
    """The course status. Its schema is a described string: an enum named "status" would
    collide with the other areas' status enums in the schema."""

    def __init__(self, **kwargs):
        super().__init__(choices=Course.Status.choices, **kwargs)


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- courses --------------------------------------------------------------------------


class CourseSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True, default="")
    status = CourseStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    subsidy_standard = serializers.DecimalField(
        source="kind.subsidy_standard",
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text=gettext_lazy("The bureau's standard for the course kind (yuan per trainee)."),
    )
    enrolled = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("People enrolled in the course.")
    )
    completed_count = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("People who completed the course.")
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "name",
            "kind",
            "kind_name",
            "provider",
            "provider_name",
            "street",
            "street_name",
            "starts_on",
            "ends_on",
            "class_hours",
            "capacity",
            "subsidy_standard",
            "policy_year",
            "status",
            "status_display",
            "enrolled",
            "completed_count",
            "created_at",
        ]
        read_only_fields = fields


class CourseUpdateSerializer(serializers.Serializer):
    """PATCH: the fields given replace those of the course; the provider does not change."""

    IMMUTABLE = ("provider",)

    name = serializers.CharField(label=gettext_lazy("course name"), max_length=100)
    kind = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("course kind"), queryset=CourseKind.objects.filter(active=True)
    )
    street = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("street or town"),
        queryset=agency_selectors.all_streets(),
        required=False,
        allow_null=True,
    )
    starts_on = serializers.DateField(label=gettext_lazy("start date"))
    ends_on = serializers.DateField(label=gettext_lazy("end date"))
    class_hours = serializers.IntegerField(
        label=gettext_lazy("class hours"), min_value=1, max_value=10000
    )
    capacity = serializers.IntegerField(
        label=gettext_lazy("capacity"), min_value=1, max_value=100000
    )
    policy_year = serializers.IntegerField(
        label=gettext_lazy("policy year"), min_value=2000, max_value=2100
    )
    status = CourseStatusField(label=gettext_lazy("status"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    def validate(self, attrs):
        given = getattr(self, "initial_data", None) or {}
        if "subsidy_standard" in given:
            # The standard is the bureau's, per course kind; a provider does not set it.
            raise serializers.ValidationError(
                {
                    "subsidy_standard": _(
                        "The subsidy standard is set by the bureau for each course kind; "
                        "leave it out."
                    )
                }
            )
        fixed = [name for name in self.IMMUTABLE if name in given]
        if fixed:
            raise serializers.ValidationError(
                {
                    name: _("The provider of a course cannot change; plan a new course instead.")
                    for name in fixed
                }
            )
        return attrs


class CourseCreateSerializer(CourseUpdateSerializer):
    IMMUTABLE = ()

    provider = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("provider"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Bureau staff must give it; agency users plan courses for their own agency."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = False
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            # Only agencies the user may see can be named; others are "not found".
            self.fields["provider"].queryset = agency_selectors.agencies_for_user(user)
        self.fields["status"].required = False


# --- enrolments -----------------------------------------------------------------------


class EnrolmentSerializer(serializers.ModelSerializer):
    """An enrolment as the asker may see it: the ID number masked unless they may see it."""

    course_name = serializers.CharField(source="course.name", read_only=True)
    provider = serializers.IntegerField(source="course.provider_id", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.SerializerMethodField()
    exam_display = serializers.CharField(source="get_exam_display", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "course",
            "course_name",
            "provider",
            "name",
            "id_number",
            "attended_hours",
            "completed",
            "completed_on",
            "exam",
            "exam_display",
            "certificate_number",
            "skill_level",
            "certified_on",
            "created_at",
        ]
        read_only_fields = fields

    def get_id_number(self, enrolment: Enrolment) -> str:
        user = _user(self)
        person = enrolment.person
        return person.id_for(user) if user is not None else person.id_masked


class EnrolmentCreateSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("course"), queryset=Course.objects.none()
    )
    id_number = serializers.CharField(
        label=gettext_lazy("ID number"),
        max_length=40,
        help_text=gettext_lazy("18-character resident ID number."),
    )
    name = serializers.CharField(label=gettext_lazy("full name"), max_length=50)
    phone = PhoneField(label=gettext_lazy("phone"), required=False, allow_blank=True)
    is_hard_to_employ = serializers.BooleanField(
        label=gettext_lazy("person with employment difficulties"), required=False
    )
    is_unemployed = serializers.BooleanField(label=gettext_lazy("unemployed"), required=False)
    is_graduate = serializers.BooleanField(label=gettext_lazy("college graduate"), required=False)
    is_low_income = serializers.BooleanField(label=gettext_lazy("low income"), required=False)

    FLAGS = ("is_hard_to_employ", "is_unemployed", "is_graduate", "is_low_income")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            # Only courses the user may see can be named; others are "not found".
            self.fields["course"].queryset = selectors.courses_for_user(user)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        flags = {f: data.pop(f) for f in self.FLAGS if f in data}
        return {
            "course": data["course"],
            "id_number": data["id_number"],
            "name": data["name"],
            "phone": data.get("phone", ""),
            "flags": flags or None,
        }


class EnrolmentRecordSerializer(serializers.Serializer):
    """PATCH: attendance, completion, exam and certificate; the course and person stay."""

    IMMUTABLE = ("course", "id_number", "name", "person")

    attended_hours = serializers.IntegerField(
        label=gettext_lazy("hours attended"), min_value=0, max_value=10000
    )
    completed = serializers.BooleanField(label=gettext_lazy("completed"))
    completed_on = serializers.DateField(label=gettext_lazy("completed on"), allow_null=True)
    exam = serializers.ChoiceField(
        label=gettext_lazy("exam result"), choices=Enrolment.Exam.choices
    )
    certificate_number = serializers.CharField(
        label=gettext_lazy("certificate number"), max_length=40, allow_blank=True
    )
    skill_level = serializers.CharField(
        label=gettext_lazy("skill appraisal level"), max_length=20, allow_blank=True
    )
    certified_on = serializers.DateField(label=gettext_lazy("certified on"), allow_null=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    def validate(self, attrs):
        given = getattr(self, "initial_data", None) or {}
        fixed = [name for name in self.IMMUTABLE if name in given]
        if fixed:
            raise serializers.ValidationError(
                {
                    name: _(
                        "This cannot be changed on an enrolment; enrol the person in the "
                        "right course instead."
                    )
                    for name in fixed
                }
            )
        if "certificate_number" in attrs:
            attrs["certificate_number"] = attrs["certificate_number"].strip()
        return attrs


# --- progress -------------------------------------------------------------------------


class MonthFigureSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    people = serializers.IntegerField()


class KindFigureSerializer(serializers.Serializer):
    kind = serializers.CharField(source="course__kind__name")
    people = serializers.IntegerField()


class StreetFigureSerializer(serializers.Serializer):
    street = serializers.CharField(allow_null=True)
    people = serializers.IntegerField()


@extend_schema_serializer(many=False)  # one object, though served by a viewset's ``list``
class ProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    target = serializers.IntegerField(help_text=gettext_lazy("People to train in the year."))
    trained = serializers.IntegerField(
        help_text=gettext_lazy(
            "Unique people with a course completed in the year (manager training apart)."
        )
    )
    managers = serializers.IntegerField(
        help_text=gettext_lazy("Unique people who completed manager training in the year.")
    )
    certificates = serializers.IntegerField()
    by_month = MonthFigureSerializer(many=True)
    by_kind = KindFigureSerializer(many=True)
    by_street = StreetFigureSerializer(many=True)


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy("The roster, .xlsx or .csv, with the headers of the template")
    )
    confirm = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "false: only check and return the preview; true: import all at once when all is right"
        ),
    )


class RosterRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text=gettext_lazy("The row number in Excel (the header is row 1)")
    )
    field = serializers.CharField(help_text=gettext_lazy("Column name"))
    message = serializers.CharField()


class RosterOutcomeSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    imported = serializers.BooleanField(help_text=gettext_lazy("Whether it was written"))
    rows = serializers.IntegerField(required=False)
    header_row = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy(
            "In a preview: the header's row number (title rows above it are skipped)"
        ),
    )
    ignored_columns = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=gettext_lazy("In a preview: columns not recognised and not imported"),
    )
    new = serializers.IntegerField(help_text=gettext_lazy("People newly enrolled"))
    updated = serializers.IntegerField(
        help_text=gettext_lazy("People already enrolled whose record was updated")
    )
    new_people = serializers.IntegerField()
    errors = RosterRowErrorSerializer(many=True)
