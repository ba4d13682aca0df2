"""REST API of the training area: thin viewsets over selectors (reads) and services (writes).

Every queryset comes from ``training.selectors``, so an agency user asking for another
provider's course or enrolment gets 404. Every write goes through ``training.services``; a
service's ``ValidationError`` becomes 400 with its field errors, ``PermissionDenied`` becomes
403 with the service's reason. Officials (统计查询) read and never write.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from agencies import selectors as agency_selectors
from kunqu_jiafu.accounts.roles import (
    APPROVER,
    REVIEWER,
    has_role,
    is_agency_user,
)
from kunqu_jiafu.drf import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    ScopedViewSet,
    service_errors,
    staff_only,
)

from . import filters, imports, selectors, services
from . import serializers as s

TAG_COURSES = gettext_lazy("Training courses")
TAG_ENROLMENTS = gettext_lazy("Trainees")
TAG_PROGRESS = gettext_lazy("Training progress")


StaffOnly = staff_only(gettext_lazy("Only bureau staff and officials see the training progress."))


# --- courses --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List training courses"),
        description=gettext_lazy(
            "Agency users see only their own agency's courses (as the provider); reviewers, "
            "approvers and officials see all. enrolled is the number enrolled, completed_count "
            "the number who completed."
        ),
        tags=[TAG_COURSES],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Training course details"),
        tags=[TAG_COURSES],
        responses={200: s.CourseSerializer, 404: NOT_FOUND},
    ),
)
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.CourseSerializer
    filterset_class = filters.CourseFilter
    search_fields = ["name", "provider__name", "kind__name"]
    ordering_fields = ["starts_on", "ends_on", "name", "capacity", "policy_year", "created_at"]
    ordering = ["-starts_on", "-id"]

    def get_queryset(self):
        return selectors.enrolment_counts(selectors.courses_for_user(self.request.user))

    @extend_schema(
        summary=gettext_lazy("Plan a training course"),
        description=gettext_lazy(
            "Agency users plan courses of their own agency; reviewers and approvers must give "
            "the provider. Only registered agencies may run courses."
        ),
        tags=[TAG_COURSES],
        request=s.CourseCreateSerializer,
        responses={201: s.CourseSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        if not (is_agency_user(user) or has_role(user, REVIEWER, APPROVER)):
            raise PermissionDenied(_("Only providers and bureau staff plan courses."))
        serializer = s.CourseCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        provider = data.pop("provider", None)
        if provider is None and is_agency_user(user):
            provider = agency_selectors.agency_of_user(user)
        if provider is None:
            raise ValidationError({"provider": [_("Please choose the provider of the course.")]})
        with service_errors():
            course = services.course_create(actor=user, provider=provider, data=data)
        return Response(self._present(course), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Change a training course"),
        description=gettext_lazy(
            "The fields given replace their values, the others stay; the capacity cannot be "
            "below the number enrolled."
        ),
        tags=[TAG_COURSES],
        request=s.CourseUpdateSerializer,
        responses={200: s.CourseSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        course = self.get_object()
        serializer = s.CourseUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            course = services.course_update(
                actor=request.user, course=course, data=dict(serializer.validated_data)
            )
        return Response(self._present(course))

    @extend_schema(
        summary=gettext_lazy("Import a training roster"),
        description=gettext_lazy(
            "Upload the roster as .xlsx or .csv. confirm=false only checks it and returns every "
            "problem by row and column; confirm=true writes it in one transaction when there is "
            "no problem, otherwise writes nothing and returns the problems."
        ),
        tags=[TAG_COURSES],
        request={"multipart/form-data": s.RosterUploadSerializer},
        responses={200: s.RosterOutcomeSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def roster(self, request: Request, pk=None, format=None) -> Response:
        course = self.get_object()
        serializer = s.RosterUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        with service_errors():
            if serializer.validated_data["confirm"]:
                result = imports.roster_import(
                    actor=request.user, course=course, uploaded_file=upload
                )
                new, updated, new_people, rows = (
                    result.created,
                    result.updated,
                    result.new_people,
                    None,
                )
            else:
                result = imports.roster_preview(
                    actor=request.user, course=course, uploaded_file=upload
                )
                new, updated, new_people, rows = (
                    result.new,
                    result.updated,
                    result.new_people,
                    result.rows,
                )
        body = {
            "ok": result.ok,
            "imported": bool(serializer.validated_data["confirm"] and result.ok),
            "new": new,
            "updated": updated,
            "new_people": new_people,
            "errors": [
                {"row": e.row, "field": e.field, "message": e.message} for e in result.errors
            ],
        }
        if rows is not None:
            body["rows"] = rows
            body["header_row"] = result.header_row
            body["ignored_columns"] = result.ignored
        return Response(body)

    def _present(self, course) -> dict:
        # Re-read through the selector: the response shows what the user may now see.
        fresh = self.get_queryset().filter(pk=course.pk).first() or course
        return s.CourseSerializer(fresh, context=self.get_serializer_context()).data


# --- enrolments -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List trainees"),
        description=gettext_lazy(
            "Agency users see only the trainees of their own agency's courses. Reviewers and "
            "approvers see full ID numbers, other roles masked ones."
        ),
        tags=[TAG_ENROLMENTS],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Trainee details"),
        tags=[TAG_ENROLMENTS],
        responses={200: s.EnrolmentSerializer, 404: NOT_FOUND},
    ),
)
class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.EnrolmentSerializer
    filterset_class = filters.EnrolmentFilter
    search_fields = ["person__name", "certificate_number", "course__name"]
    ordering_fields = ["created_at", "completed_on", "certified_on", "person__name"]
    ordering = ["course_id", "id"]

    def get_queryset(self):
        return selectors.enrolments_for_user(self.request.user)

    @extend_schema(
        summary=gettext_lazy("Enrol in a training course"),
        description=gettext_lazy(
            "Records the person by ID number and name (a person on record must have the same "
            "name) and enrols them in the course. A person enrols in a course once; a full "
            "course takes no one."
        ),
        tags=[TAG_ENROLMENTS],
        request=s.EnrolmentCreateSerializer,
        responses={201: s.EnrolmentSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        serializer = s.EnrolmentCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            enrolment = services.enrol(actor=request.user, **serializer.service_kwargs())
        return Response(self._present(enrolment), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Record attendance, completion, exam and certificate"),
        description=gettext_lazy(
            "The fields given replace their values. Completion without a date takes today (not "
            "after the course's end); a certificate needs a passed exam and a number not used "
            "before."
        ),
        tags=[TAG_ENROLMENTS],
        request=s.EnrolmentRecordSerializer,
        responses={200: s.EnrolmentSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        enrolment = self.get_object()
        serializer = s.EnrolmentRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            enrolment = services.enrolment_record(
                actor=request.user, enrolment=enrolment, data=dict(serializer.validated_data)
            )
        return Response(self._present(enrolment))

    def _present(self, enrolment) -> dict:
        fresh = self.get_queryset().filter(pk=enrolment.pk).first() or enrolment
        return s.EnrolmentSerializer(fresh, context=self.get_serializer_context()).data


# --- progress -------------------------------------------------------------------------


class ProgressViewSet(viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated, StaffOnly]

    @extend_schema(
        summary=gettext_lazy("Yearly training progress"),
        description=gettext_lazy(
            "The people who completed training in the year (each counted once, manager training "
            "apart) against the yearly target (2,000 by default), by month, course kind and "
            "street. Bureau staff and officials only."
        ),
        tags=[TAG_PROGRESS],
        parameters=[
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description=gettext_lazy("The year; this year by default."),
            )
        ],
        responses={200: s.ProgressSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def list(self, request: Request, format=None) -> Response:
        raw = request.query_params.get("year", "").strip()
        year = timezone.localdate().year
        if raw:
            if not raw.isdecimal() or not 2000 <= int(raw) <= 2100:
                raise ValidationError({"year": [_("Enter a year such as 2026.")]})
            year = int(raw)
        return Response(s.ProgressSerializer(selectors.progress(year)).data)


def register(router) -> None:
    router.register("courses", CourseViewSet, basename="course")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
    router.register("training-progress", ProgressViewSet, basename="training-progress")
